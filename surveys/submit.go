package surveys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"minyi"
)

// CodeSource looks up issued ballot codes and spends them (code_spend.go).
type CodeSource interface {
	Lookup(ctx context.Context, surveyID, code string) (*Code, error)
	Claim(surveyID, submissionID string) string
	Spend(ctx context.Context, c *Code, claim string) (bool, error)
}

// Submitter is the submission path: it checks a ballot against its survey,
// its code and the ballot rules, hands it to the writer (the group commit)
// and turns a duplicate into the original answer or a "code used" refusal.
type Submitter struct {
	Surveys SurveySource
	Codes   CodeSource
	Ballots *BallotStore
	Writer  BallotWriter
	Now     func() time.Time
}

// Submission is one ballot as received, public or entered by an operator.
type Submission struct {
	Slug      string // public submissions name the survey by slug
	SurveyID  string // operator entries by id
	Channel   Channel
	EnteredBy string

	SubmissionID string
	Code         string
	RaterGroup   string
	Answers      []Answer
}

// Receipt is the answer to a submission: 201 when Stored, 200 when it is
// the original answer to a replayed submission id.
type Receipt struct {
	ID       string  `json:"id"`
	Valid    bool    `json:"valid"`
	Reason   string  `json:"reason,omitempty"`
	Replayed bool    `json:"-"`
	Survey   *Survey `json:"-"`
}

// CheckError is a refused ballot: every problem with its answers, or the
// ballot rules it breaks when the survey asks the rater to fix them. It
// unwraps to the 422 the API answers.
type CheckError struct {
	Problems   Problems
	Violations []RuleViolation
}

func (e *CheckError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the API's error: validation_failed or rule_violated.
func (e *CheckError) Unwrap() error {
	if len(e.Problems) > 0 {
		return e.Problems.Err()
	}
	var fe minyi.FieldErrors
	for _, v := range e.Violations {
		fe.Add("answers", v.Rule, v.Message)
	}
	err := fe.Err().(*minyi.Error)
	err.Code = "rule_violated"
	err.Message = "答卷不符合评议规则，请修改后再提交"
	return err
}

var (
	errSurveyClosed = minyi.E(minyi.ErrGone, "survey_closed", "本次测评已结束，感谢您的关注")
	ErrCodeUsed     = minyi.E(minyi.ErrConflict, "code_used", "该测评码已经使用过，每个测评码只能提交一次。如有疑问请联系组织者。")
)

// Submit checks and stores one ballot.
func (s *Submitter) Submit(ctx context.Context, sub Submission) (*Receipt, error) {
	survey, err := s.survey(ctx, sub)
	if err != nil {
		return nil, err
	}
	b := &Ballot{
		ID:            BallotID(survey.ID, sub.SubmissionID),
		SurveyID:      survey.ID,
		SurveyVersion: survey.Version,
		SubmissionID:  sub.SubmissionID,
		Channel:       sub.Channel,
		EnteredBy:     sub.EnteredBy,
		RaterGroup:    sub.RaterGroup,
		// Coarse on purpose: a ballot's time to the second would let
		// whoever watched a voter submit find the ballot.
		CreatedAt: s.Now().UTC().Truncate(time.Hour),
	}
	var ps Problems
	if !validSubmissionID(sub.SubmissionID) {
		ps.add(Problem{Field: "submission_id", Code: "invalid", Message: "提交编号应为8到64位字母、数字、-或_"})
	}
	code, err := s.code(ctx, survey, sub, &ps)
	if err != nil {
		return nil, err
	}
	view := survey.For(code)
	if code != nil {
		b.CodeHash, b.RaterGroup = code.Hash, code.RaterGroup
		if code.Used && len(ps) == 0 {
			return s.replayOr(ctx, survey, b.ID, ErrCodeUsed)
		}
	} else {
		s.publicGroup(survey, sub, &ps)
	}
	s.group(survey, b, &ps)
	if err := s.fill(view, b, sub.Answers, &ps); err != nil {
		return nil, err
	}
	if code != nil {
		mine, err := s.Codes.Spend(ctx, code, s.Codes.Claim(survey.ID, sub.SubmissionID))
		if err != nil {
			return nil, err
		}
		if !mine {
			return s.replayOr(ctx, survey, b.ID, ErrCodeUsed)
		}
	}
	out, err := s.Writer.Write(ctx, survey, b)
	if err != nil {
		return nil, err
	}
	if out == Duplicate {
		return s.replayOr(ctx, survey, b.ID, ErrCodeUsed)
	}
	return &Receipt{ID: b.ID, Valid: b.Valid, Reason: b.Reason, Survey: survey}, nil
}

// fill checks the answers against view (the survey as the ballot's code
// sees it) and its ballot rules, and puts them on b.
func (s *Submitter) fill(view *Survey, b *Ballot, given []Answer, ps *Problems) error {
	answers, aps := view.CheckAnswers(given)
	*ps = append(*ps, aps...)
	if len(*ps) > 0 {
		return &CheckError{Problems: *ps}
	}
	b.Answers, b.Valid = answers, true
	for _, a := range answers {
		if a.Text != "" && !slices.Contains(b.TextQuestions, a.Question) {
			b.TextQuestions = append(b.TextQuestions, a.Question)
		}
	}
	if vs := view.CheckRules(answers); len(vs) > 0 {
		if view.Rules.OnViolation != OnViolationInvalid {
			return &CheckError{Violations: vs}
		}
		msgs := make([]string, len(vs))
		for i, v := range vs {
			msgs[i] = v.Message
		}
		b.Valid, b.Reason = false, strings.Join(msgs, "；")
	}
	return nil
}

// BallotID is the stored id of the ballot of submission id sid: a hash of
// both, so that ballots listed in id order come in no telling order (a
// client's ids may count up) and the id reveals nothing of the submission.
func BallotID(surveyID, sid string) string {
	h := sha256.Sum256([]byte(surveyID + ":" + sid))
	return surveyID + ":" + hex.EncodeToString(h[:12])
}

// survey finds the survey and checks that it takes ballots now. Public
// ballots must fall inside opens_at/closes_at; an operator may still type in
// paper ballots after closes_at until the survey is closed.
func (s *Submitter) survey(ctx context.Context, sub Submission) (*Survey, error) {
	var survey *Survey
	var err error
	if sub.Slug != "" {
		survey, err = s.Surveys.GetBySlug(ctx, sub.Slug)
	} else {
		survey, err = s.Surveys.Get(ctx, sub.SurveyID)
	}
	if errors.Is(err, minyi.ErrNotFound) {
		return nil, errSurveyNotFound
	}
	if err != nil {
		return nil, err
	}
	return survey, survey.Accepting(s.Now(), sub.Channel == ChannelWeb)
}

// Accepting says whether the survey takes ballots at now; public ones also
// keep to the opening window.
func (s *Survey) Accepting(now time.Time, public bool) error {
	switch s.Status {
	case StatusPublished:
	case StatusClosed:
		return errSurveyClosed
	default:
		return errSurveyNotFound // a draft does not exist for raters
	}
	if !public {
		return nil
	}
	if s.Access.OpensAt != nil && now.Before(*s.Access.OpensAt) {
		return minyi.E(minyi.ErrGone, "survey_not_open",
			fmt.Sprintf("本次测评尚未开始，开始时间：%s", s.Access.OpensAt.In(ChinaTime).Format("2006年1月2日 15:04")))
	}
	if s.Access.ClosesAt != nil && !now.Before(*s.Access.ClosesAt) {
		return errSurveyClosed
	}
	return nil
}

// ChinaTime is UTC+8, the zone every time is shown to people in (raters,
// pages, workbooks).
var ChinaTime = time.FixedZone("CST", 8*3600)

// code resolves the ballot code, if the survey or the submission has one.
func (s *Submitter) code(ctx context.Context, survey *Survey, sub Submission, ps *Problems) (*Code, error) {
	if sub.Code == "" {
		// Operators too: a paper ballot of a code survey carries its code,
		// which then counts as used and decides the rater group.
		if survey.Access.Mode == AccessCode {
			ps.add(Problem{Field: "code", Code: "required", Message: "请输入测评码（纸质票上印有测评码）"})
		}
		return nil, nil
	}
	if s.Codes == nil {
		ps.add(Problem{Field: "code", Code: "code_unknown", Message: "测评码无效，请核对后重新输入"})
		return nil, nil
	}
	c, err := s.Codes.Lookup(ctx, survey.ID, sub.Code)
	if errors.Is(err, minyi.ErrNotFound) {
		ps.add(Problem{Field: "code", Code: "code_unknown", Message: "测评码无效，请核对后重新输入"})
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// publicGroup refuses, on an open-link ballot without a code, a rater
// group the survey does not let voters pick for themselves.
func (s *Submitter) publicGroup(survey *Survey, sub Submission, ps *Problems) {
	if sub.Channel != ChannelWeb || sub.RaterGroup == "" || survey.PublicPick(sub.RaterGroup) {
		return
	}
	if _, ok := survey.RaterGroup(sub.RaterGroup); ok {
		ps.add(Problem{Field: "rater_group", Code: "code_required", Message: "以「" + survey.GroupName(sub.RaterGroup) + "」身份参与需要测评码，请向组织者领取"})
	}
}

// PublicPick reports whether an open-link voter may pick rater group g
// for themself (access.public_groups; empty: every group).
func (s *Survey) PublicPick(g string) bool {
	return s.Access.Mode == AccessPublic && (len(s.Access.PublicGroups) == 0 || slices.Contains(s.Access.PublicGroups, g))
}

// group settles the rater group: from the code when there is one, else as
// given, else the survey's only group.
func (s *Submitter) group(survey *Survey, b *Ballot, ps *Problems) {
	if b.RaterGroup == "" && len(survey.RaterGroups) == 1 {
		b.RaterGroup = survey.RaterGroups[0].Key
	}
	if b.RaterGroup == "" {
		ps.add(Problem{Field: "rater_group", Code: "required", Message: "请选择您的身份"})
		return
	}
	if _, ok := survey.RaterGroup(b.RaterGroup); ok {
		return
	}
	ps.add(Problem{Field: "rater_group", Code: "unknown_group", Message: "没有这个评议人类别"})
}

// replayOr answers a duplicate: the stored ballot with this id is the
// original of a retried submission; without one, the code was used by
// another submission.
func (s *Submitter) replayOr(ctx context.Context, survey *Survey, id string, otherwise error) (*Receipt, error) {
	b, err := s.Ballots.Get(ctx, id)
	if errors.Is(err, minyi.ErrNotFound) {
		return nil, otherwise
	}
	if err != nil {
		return nil, err
	}
	return &Receipt{ID: b.ID, Valid: b.Valid, Reason: b.Reason, Replayed: true, Survey: survey}, nil
}

func validSubmissionID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// UnknownCode reports whether the ballot was refused for a code that was
// never issued (a guess, or a typo).
func (e *CheckError) UnknownCode() bool {
	return slices.ContainsFunc(e.Problems, func(p Problem) bool { return p.Field == "code" && p.Code == "code_unknown" })
}
