package api

import (
	"fmt"
	"minyi/api/httpx"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/surveys"
)

// ballotRequest is a submission as API.md gives it; Channel only on
// operator entry.
type ballotRequest struct {
	SubmissionID string           `json:"submission_id"`
	Code         string           `json:"code"`
	RaterGroup   string           `json:"rater_group"`
	Channel      surveys.Channel  `json:"channel"`
	Answers      []surveys.Answer `json:"answers"`
}

// receiptBody is the answer to a submission.
type receiptBody struct {
	ID           string `json:"id"`
	Valid        bool   `json:"valid"`
	Reason       string `json:"reason,omitempty"`
	RepeatDevice bool   `json:"repeat_device,omitempty"` // this device already submitted to this survey
}

// submitPublic is a resident's submission through the link or QR code.
func (s *Server) submitPublic(c *gin.Context) error {
	if err := s.limitClient(c); err != nil {
		return err
	}
	var in ballotRequest
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Channel != "" && in.Channel != surveys.ChannelWeb {
		var fe minyi.FieldErrors
		fe.Add("channel", "not_allowed", "网上提交不能指定渠道")
		return fe.Err()
	}
	r, err := s.submitter.Submit(c.Request.Context(), surveys.Submission{
		Slug: c.Param("slug"), Channel: surveys.ChannelWeb,
		SubmissionID: in.SubmissionID, Code: in.Code, RaterGroup: in.RaterGroup, Answers: in.Answers,
	})
	if err != nil {
		return err
	}
	repeat := s.markDevice(c, r)
	status := http.StatusCreated
	if r.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, receiptBody{ID: r.ID, Valid: r.Valid, Reason: r.Reason, RepeatDevice: repeat})
	return nil
}

// submitOperator is a ballot typed in by an operator from a call, a paper
// ballot or a visit.
func (s *Server) submitOperator(c *gin.Context) error {
	var in ballotRequest
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	if !operatorChannel(in.Channel) {
		var fe minyi.FieldErrors
		fe.Add("channel", "invalid", "渠道应为 hotline（电话）、paper（纸质）或 visit（走访）")
		return fe.Err()
	}
	r, err := s.submitter.Submit(c.Request.Context(), surveys.Submission{
		SurveyID: c.Param("id"), Channel: in.Channel, EnteredBy: httpx.Principal(c).Login,
		SubmissionID: in.SubmissionID, Code: in.Code, RaterGroup: in.RaterGroup, Answers: in.Answers,
	})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if r.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, receiptBody{ID: r.ID, Valid: r.Valid, Reason: r.Reason})
	return nil
}

// operatorChannel says whether ch is a channel an operator enters ballots
// from (the web is the residents' own).
func operatorChannel(ch surveys.Channel) bool {
	switch ch {
	case surveys.ChannelHotline, surveys.ChannelPaper, surveys.ChannelVisit:
		return true
	}
	return false
}

// listBallots pages through a survey's raw ballots (admin).
func (s *Server) listBallots(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	if _, err := s.submitter.Surveys.Get(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	items, next, err := s.ballots.Page(c.Request.Context(), c.Param("id"), after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

// limitClient applies the per-client rate limit of public submissions.
func (s *Server) limitClient(c *gin.Context) error { return s.clients.Throttle(c, s.publicLimit) }

// deviceCookie remembers, on the device only, which surveys it submitted
// to, so a second public submission from the same phone can be flagged
// (a family may share a phone: it is a warning, never a refusal).
const deviceCookie = "minyi_voted"

func votedOn(c *gin.Context) []string {
	v, err := c.Cookie(deviceCookie)
	if err != nil || v == "" {
		return nil
	}
	return strings.Split(v, ".")
}

// markDevice records the survey on the device and reports whether it was
// there already (a replay of the same submission is not a repeat).
func (s *Server) markDevice(c *gin.Context, r *surveys.Receipt) bool {
	ids := votedOn(c)
	if slices.Contains(ids, r.Survey.ID) {
		return !r.Replayed
	}
	ids = append(ids, r.Survey.ID)
	if len(ids) > 20 {
		ids = ids[len(ids)-20:]
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: deviceCookie, Value: strings.Join(ids, "."), Path: "/", MaxAge: 180 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(c),
	})
	return false
}

// publicSurvey is a survey as a rater sees it: no scores, no weights.
type publicSurvey struct {
	Slug        string            `json:"slug"`
	Title       string            `json:"title"`
	Kind        surveys.Kind      `json:"kind"`
	Description string            `json:"description"`
	Access      surveys.Access    `json:"access"`
	RaterGroups []publicGroup     `json:"rater_groups"`
	Subjects    []surveys.Subject `json:"subjects"`
	Questions   []publicQuestion  `json:"questions"`
	Rules       []publicRule      `json:"rules"`
}

type publicGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

type publicQuestion struct {
	Key         string               `json:"key"`
	Type        surveys.QuestionType `json:"type"`
	Title       string               `json:"title"`
	Description string               `json:"description,omitempty"`
	Required    bool                 `json:"required"`
	PerSubject  bool                 `json:"per_subject"`
	Dimension   string               `json:"dimension,omitempty"`
	Options     []publicOption       `json:"options,omitempty"`
	Min         *int                 `json:"min,omitempty"`
	Max         *int                 `json:"max,omitempty"`
	MaxLength   int                  `json:"max_length,omitempty"`
}

type publicOption struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Abstain bool   `json:"abstain,omitempty"`
}

// publicRule is a ballot rule stated to the rater before submitting.
type publicRule struct {
	Kind     string `json:"kind"` // quota | all_same
	Question string `json:"question"`
	Option   string `json:"option,omitempty"`
	Max      int    `json:"max,omitempty"`
	Text     string `json:"text"`
}

func toPublic(sv *surveys.Survey) publicSurvey {
	p := publicSurvey{Slug: sv.Slug, Title: sv.Title, Kind: sv.Kind, Description: sv.Description, Access: sv.Access,
		Subjects: make([]surveys.Subject, len(sv.Subjects)), Rules: ballotRules(sv)}
	for i, sub := range sv.Subjects {
		p.Subjects[i] = surveys.Subject{Type: sub.Type, ID: sub.ID, Name: sub.Name, OrgName: sub.OrgName}
	}
	for _, g := range sv.RaterGroups {
		p.RaterGroups = append(p.RaterGroups, publicGroup{Key: g.Key, Name: g.Name})
	}
	for _, q := range sv.Questions {
		pq := publicQuestion{Key: q.Key, Type: q.Type, Title: q.Title, Description: q.Description, Required: q.Required,
			PerSubject: q.PerSubject, Dimension: q.Dimension, Min: q.Min, Max: q.Max, MaxLength: q.MaxLength}
		for _, o := range q.Options {
			pq.Options = append(pq.Options, publicOption{Key: o.Key, Label: o.Label, Abstain: o.Abstain})
		}
		p.Questions = append(p.Questions, pq)
	}
	return p
}

// ballotRules states the survey's ballot rules in Chinese.
func ballotRules(sv *surveys.Survey) []publicRule {
	var out []publicRule
	for _, q := range sv.Rules.Quotas {
		qq, ok := sv.Question(q.Question)
		if !ok {
			continue
		}
		label := q.Option
		if o, ok := qq.Option(q.Option); ok {
			label = o.Label
		}
		limit := surveys.QuotaLimit(q.MaxShare, len(sv.Subjects))
		out = append(out, publicRule{Kind: "quota", Question: q.Question, Option: q.Option, Max: limit,
			Text: fmt.Sprintf("「%s」中选择「%s」的不超过 %d 个（共 %d 个评议对象）", qq.Title, label, limit, len(sv.Subjects))})
	}
	if sv.Rules.InvalidIfAllSame && len(sv.Subjects) >= 2 {
		for _, q := range sv.Questions {
			if q.PerSubject && q.Type == surveys.QSingle {
				out = append(out, publicRule{Kind: "all_same", Question: q.Key,
					Text: fmt.Sprintf("「%s」不能对所有对象选择同一项", q.Title)})
			}
		}
	}
	return out
}

// getPublicSurvey answers the survey as a rater sees it; a closed or not yet
// open survey answers 410 with the reason.
func (s *Server) getPublicSurvey(c *gin.Context) error {
	sv, err := s.submitter.Surveys.GetBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	if err := sv.Accepting(s.now(), true); err != nil {
		return err
	}
	c.JSON(http.StatusOK, toPublic(sv))
	return nil
}
