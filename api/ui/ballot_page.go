package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/surveys"
)

// The ballot page: /s/{slug}. It works without JavaScript (a plain form
// POST; errors shown next to their fields with every answer kept); ballot.js
// only adds a progress bar and live rule hints. The form carries a
// server-generated submission id, so a double click or a refresh that posts
// again stores one ballot and shows the same thank-you.

type ballotPage struct {
	Action             string // where the form posts
	Operator           bool   // entered by an operator: choose the channel
	Preview            bool   // the builder's preview: nothing can be submitted
	Channel            surveys.Channel
	Code, SubmissionID string
	CodeField          bool // an operator types in the paper ballot's code
	Survey             httpx.PublicSurvey
	GroupChoice        bool
	Groups             []optView
	GroupError         string
	Cards              []subjectCard
	Matrices           []matrixView // an appraisal's per-subject single questions, one row a subject (ballot_matrix.go)
	General            []qView
	Errors             []string // not tied to one field: rule violations, "fix the marked items"
	RepeatDevice       bool
	Required           int // required answers in all, for the progress bar
}

type subjectCard struct {
	Subject   surveys.Subject
	Questions []qView
}

type qView struct {
	Key, Type, Title, Description string
	Name                          string // form field name
	ID                            string // DOM id prefix
	Required                      bool
	Options                       []optView
	Scale                         []optView
	Text                          string
	MaxLength                     int
	Error                         string
	Min, Max                      int    // a multiple question's choice bounds, for the live hint (0: none)
	OtherName, OtherText          string // the 其他 option's text field and its value
}

type optView struct {
	Value, Label string
	Checked      bool
	Abstain      bool
	Other        bool
}

// ballotForm shows the survey's form, or the page that explains why not.
func (s *BallotPages) BallotForm(c *gin.Context) error {
	sv, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	code, err := s.checkCode(c, sv, c.Query("code"))
	if err != nil {
		return err
	}
	if sv.Access.Mode == surveys.AccessCode && code == "" {
		return s.pages.Render(c, http.StatusOK, "ballot_code", PageView{Title: sv.Title, Data: gin.H{"Title": sv.Title, "Slug": sv.Slug}})
	}
	view, err := s.viewFor(c, sv, code)
	if err != nil {
		return err
	}
	p := newBallotPage(view, code, newSubmissionID(), url.Values{}, nil)
	p.RepeatDevice = slices.Contains(httpx.VotedOn(c), sv.ID)
	return s.pages.Render(c, http.StatusOK, "ballot", PageView{Title: sv.Title, Data: p})
}

// ballotPost takes the plain form POST.
func (s *BallotPages) BallotPost(c *gin.Context) error {
	if !sameOrigin(c) {
		return minyi.E(minyi.ErrForbidden, "cross_site", "请从测评页面提交答卷")
	}
	if err := c.Request.ParseForm(); err != nil {
		return errBadForm
	}
	form := c.Request.PostForm
	sv, err := s.openSurvey(c)
	if err != nil {
		return err
	}
	// The code is checked by Submit alone: a refresh after the thank-you
	// posts a code that is used by now, and only Submit can tell that
	// replay (the same thank-you) from a second ballot (code_used).
	code := surveys.NormalizeCode(form.Get("code"))
	view, err := s.viewFor(c, sv, code)
	if err != nil {
		return err
	}
	if err := s.gate.Before(c, sv, code); err != nil {
		// Refused before checking (the address's limit, a device that
		// voted): the page comes back with every answer kept.
		status, body := httpx.Classify(c.Request.Context(), err)
		p := newBallotPage(view, code, form.Get("submission_id"), form, nil)
		p.Errors = append(p.Errors, body.Error.Message+"（您填写的内容已保留，稍后再点提交即可）")
		return s.pages.Render(c, status, "ballot", PageView{Title: sv.Title, Data: p})
	}
	sub := surveys.Submission{Slug: sv.Slug, Channel: surveys.ChannelWeb, SubmissionID: form.Get("submission_id"),
		Code: code, RaterGroup: form.Get("rater_group"), Answers: formAnswers(view, form)}
	r, err := s.submitter.Submit(c.Request.Context(), sub)
	if err != nil {
		s.gate.After(c, code, r, err, false)
	}
	var ce *surveys.CheckError
	if errors.As(err, &ce) {
		p := newBallotPage(view, sub.Code, sub.SubmissionID, form, ce)
		return s.pages.Render(c, http.StatusUnprocessableEntity, "ballot", PageView{Title: sv.Title, Data: p})
	}
	if err != nil {
		return err
	}
	repeat := httpx.MarkDevice(c, r)
	s.gate.After(c, code, r, nil, repeat)
	return s.pages.Render(c, http.StatusOK, "ballot_done", PageView{Title: "提交成功", Data: gin.H{
		"Title": sv.Title, "Valid": r.Valid, "Reason": r.Reason, "Repeat": repeat, "Next": ""}})
}

// viewFor is sv as the ballot of code sees it (only its subjects).
func (s *BallotPages) viewFor(c *gin.Context, sv *surveys.Survey, code string) (*surveys.Survey, error) {
	return s.submitter.ViewFor(c.Request.Context(), sv, code)
}

var errBadForm = minyi.E(minyi.ErrBadRequest, "bad_form", "提交的内容无法识别，请返回重试")

// openSurvey finds survey :slug, refusing it when it takes no ballots.
func (s *BallotPages) openSurvey(c *gin.Context) (*surveys.Survey, error) {
	sv, err := s.submitter.Surveys.GetBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		return nil, err
	}
	if err := sv.Accepting(s.now(), true); err != nil {
		return nil, err
	}
	return sv, nil
}

// checkCode tells a resident opening the page at once whether the code is
// good; it returns the normalised code.
func (s *BallotPages) checkCode(c *gin.Context, sv *surveys.Survey, code string) (string, error) {
	code = surveys.NormalizeCode(code)
	if code == "" {
		return "", nil
	}
	got, err := s.submitter.Codes.Lookup(c.Request.Context(), sv.ID, code)
	if errors.Is(err, minyi.ErrNotFound) {
		return "", minyi.E(minyi.ErrNotFound, "code_unknown", "测评码无效，请核对后重新输入（注意区分字母和数字）")
	}
	if err != nil {
		return "", err
	}
	if got.Used {
		return "", surveys.ErrCodeUsed
	}
	return code, nil
}

// sameOrigin refuses form posts from other sites: the browser's
// Sec-Fetch-Site, else Origin, must name this site when present.
func sameOrigin(c *gin.Context) bool {
	switch c.GetHeader("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	o := c.GetHeader("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}

func newSubmissionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func fieldName(q, subject string) string {
	if subject == "" {
		return "a|" + q
	}
	return "a|" + q + "|" + subject
}

// formAnswers reads the form into answers; what is left empty is not an
// answer (the required check reports it).
func formAnswers(sv *surveys.Survey, form url.Values) []surveys.Answer {
	var out []surveys.Answer
	add := func(q surveys.Question, subject string) {
		name := fieldName(q.Key, subject)
		a := surveys.Answer{Question: q.Key, Subject: subject}
		switch q.Type {
		case surveys.QSingle:
			if a.Option = form.Get(name); a.Option == "" {
				return
			}
			a.Text = otherOf(q, []string{a.Option}, form, name)
		case surveys.QMultiple:
			if a.Options = form[name]; len(a.Options) == 0 {
				return
			}
			a.Text = otherOf(q, a.Options, form, name)
		case surveys.QScale:
			v, err := strconv.Atoi(strings.TrimSpace(form.Get(name)))
			if err != nil {
				return
			}
			a.Value = &v
		case surveys.QText:
			if a.Text = form.Get(name); strings.TrimSpace(a.Text) == "" {
				return
			}
		}
		out = append(out, a)
	}
	for _, q := range sv.Questions {
		if !q.PerSubject {
			add(q, "")
			continue
		}
		for _, sub := range sv.Subjects {
			add(q, sub.ID)
		}
	}
	return out
}

// newBallotPage lays the survey out as cards, one per subject, with the
// given answers kept and the problems placed next to their fields.
func newBallotPage(sv *surveys.Survey, code, submissionID string, form url.Values, ce *surveys.CheckError) ballotPage {
	p := ballotPage{Action: httpx.PublicPath(sv.Slug), Code: code, SubmissionID: submissionID, Survey: httpx.ToPublic(sv)}
	errs := p.place(ce)
	if code == "" && len(sv.RaterGroups) > 1 {
		p.GroupChoice = true
		for _, g := range sv.RaterGroups {
			if sv.Access.Mode == surveys.AccessPublic && !sv.PublicPick(g.Key) {
				continue // needs a code
			}
			p.Groups = append(p.Groups, optView{Value: g.Key, Label: g.Name, Checked: form.Get("rater_group") == g.Key})
		}
	}
	view := func(q surveys.Question, subject string) qView {
		name := fieldName(q.Key, subject)
		v := qView{Key: q.Key, Type: string(q.Type), Title: q.Title, Description: q.Description, Name: name,
			ID: "f-" + strings.NewReplacer("|", "-").Replace(name[2:]), Required: q.Required,
			MaxLength: q.MaxLength, Text: form.Get(name), Error: errs[name]}
		chosen := form[name]
		for _, o := range q.Options {
			v.Options = append(v.Options, optView{Value: o.Key, Label: o.Label, Abstain: o.Abstain, Other: o.Other, Checked: slices.Contains(chosen, o.Key)})
			if o.Other {
				v.OtherName = otherName(name)
				v.OtherText = form.Get(v.OtherName)
			}
		}
		if q.Type == surveys.QMultiple {
			if q.Min != nil {
				v.Min = *q.Min
			}
			if q.Max != nil {
				v.Max = *q.Max
			}
		}
		if q.Type == surveys.QScale {
			lo, hi := 0, 10
			if q.Min != nil {
				lo = *q.Min
			}
			if q.Max != nil {
				hi = *q.Max
			}
			for i := lo; i <= hi && i-lo <= 20; i++ {
				val := strconv.Itoa(i)
				v.Scale = append(v.Scale, optView{Value: val, Label: val, Checked: form.Get(name) == val})
			}
		}
		if q.Required {
			p.Required++
		}
		return v
	}
	p.Matrices = matrices(sv, p.Survey.Subjects, view)
	for _, sub := range p.Survey.Subjects { // the public copy: numbers only for namesakes
		card := subjectCard{Subject: sub}
		for _, q := range sv.Questions {
			if q.PerSubject && !inMatrix(sv, q) {
				card.Questions = append(card.Questions, view(q, sub.ID))
			}
		}
		if len(card.Questions) > 0 {
			p.Cards = append(p.Cards, card)
		}
	}
	for _, q := range sv.Questions {
		if !q.PerSubject {
			p.General = append(p.General, view(q, ""))
		}
	}
	return p
}

// place puts ce's problems on the page: the group's on the group choice,
// a question's by its field (the map returned), the others at the top.
func (p *ballotPage) place(ce *surveys.CheckError) map[string]string {
	errs := map[string]string{}
	if ce == nil {
		return errs
	}
	for _, pr := range ce.Problems {
		switch {
		case pr.Field == "rater_group":
			p.GroupError = pr.Message
		case pr.Question != "":
			errs[fieldName(pr.Question, pr.Subject)] = pr.Message
		default:
			p.Errors = append(p.Errors, pr.Message)
		}
	}
	for _, v := range ce.Violations {
		p.Errors = append(p.Errors, v.Message)
	}
	if len(ce.Problems) > 0 {
		p.Errors = append([]string{"答卷还有未完成或有误的地方，请查看标红的提示。"}, p.Errors...)
	}
	return errs
}
