package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/surveys"
)

// subjectInput is a subject as a client names it; names are filled in by
// the server from the roster.
type subjectInput struct {
	Type surveys.SubjectType `json:"type"`
	ID   string              `json:"id"`
}

// SurveyInput is what a client may set on a new survey; status, slug,
// version and times are the server's.
type SurveyInput struct {
	Title       string               `json:"title"`
	Kind        surveys.Kind         `json:"kind"`
	Description string               `json:"description"`
	OrgID       string               `json:"org_id"`
	Subjects    []subjectInput       `json:"subjects"`
	RaterGroups []surveys.RaterGroup `json:"rater_groups"`
	Access      surveys.Access       `json:"access"`
	Questions   []surveys.Question   `json:"questions"`
	Rules       surveys.Rules        `json:"rules"`
	Scoring     surveys.Scoring      `json:"scoring"`
}

// SurveyPatch: absent fields stay; slices and objects are replaced whole.
type SurveyPatch struct {
	Title       *string               `json:"title"`
	Description *string               `json:"description"`
	Kind        *surveys.Kind         `json:"kind"`
	OrgID       *string               `json:"org_id"`
	Subjects    *[]subjectInput       `json:"subjects"`
	RaterGroups *[]surveys.RaterGroup `json:"rater_groups"`
	Access      *accessPatch          `json:"access"`
	Questions   *[]surveys.Question   `json:"questions"`
	Rules       *surveys.Rules        `json:"rules"`
	Scoring     *surveys.Scoring      `json:"scoring"`
}

type accessPatch struct {
	Mode         *surveys.AccessMode `json:"mode"`
	PublicGroups *[]string           `json:"public_groups"`
	OnePerDevice *bool               `json:"one_per_device"`
	OpensAt      OptTime             `json:"opens_at"`
	ClosesAt     OptTime             `json:"closes_at"`
}

// OptTime tells an absent time (unchanged) from null (cleared).
type OptTime struct {
	set bool
	t   *time.Time
}

func (o *OptTime) UnmarshalJSON(b []byte) error {
	o.set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.t = nil
		return nil
	}
	var t time.Time
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	t = t.UTC()
	o.t = &t
	return nil
}

func (o OptTime) patch() *surveys.TimePatch {
	if !o.set {
		return nil
	}
	return &surveys.TimePatch{To: o.t}
}

func toSubjects(in []subjectInput) []surveys.Subject {
	out := make([]surveys.Subject, len(in))
	for i, s := range in {
		out[i] = surveys.Subject{Type: s.Type, ID: s.ID}
	}
	return out
}

// Survey is the draft as the domain takes it.
func (in SurveyInput) Survey() *surveys.Survey {
	return &surveys.Survey{
		Title: in.Title, Kind: in.Kind, Description: in.Description, OrgID: in.OrgID,
		Subjects: toSubjects(in.Subjects), RaterGroups: in.RaterGroups, Access: in.Access,
		Questions: in.Questions, Rules: in.Rules, Scoring: in.Scoring,
	}
}

func (in SurveyPatch) patch() surveys.SurveyPatch {
	p := surveys.SurveyPatch{
		Title: in.Title, Description: in.Description, Kind: in.Kind, OrgID: in.OrgID,
		RaterGroups: in.RaterGroups, Questions: in.Questions, Rules: in.Rules, Scoring: in.Scoring,
	}
	if in.Subjects != nil {
		subs := toSubjects(*in.Subjects)
		p.Subjects = &subs
	}
	if a := in.Access; a != nil {
		p.Access = &surveys.AccessPatch{Mode: a.Mode, PublicGroups: a.PublicGroups, OnePerDevice: a.OnePerDevice, OpensAt: a.OpensAt.patch(), ClosesAt: a.ClosesAt.patch()}
	}
	return p
}

func (s *Surveys) CreateSurvey(c *gin.Context) error {
	var in SurveyInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv := in.Survey()
	if err := s.svOps.CreateSurvey(c.Request.Context(), sv); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

func (s *Surveys) GetSurvey(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

// listSurveys pages through surveys, newest first; ?status= filters.
func (s *Surveys) ListSurveys(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	st := surveys.Status(c.Query("status"))
	switch st {
	case "", surveys.StatusDraft, surveys.StatusPublished, surveys.StatusClosed:
	default:
		var fe minyi.FieldErrors
		fe.Add("status", "invalid", "状态应为 draft、published 或 closed")
		return fe.Err()
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	// The scope is part of the query (the same test as surveyInScope), so
	// a secretary's pages are full and its cursor skips nothing.
	items, next, err := s.surveys.ListFiltered(c.Request.Context(), surveys.SurveyFilter{Status: st, OrgIDs: scope}, after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

// deleteSurvey removes a draft and the codes issued for it; a Published or
// closed survey is history: 409 survey_not_draft.
func (s *Surveys) DeleteSurvey(c *gin.Context) error {
	if _, err := s.svOps.DeleteDraft(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Surveys) PatchSurvey(c *gin.Context) error {
	var in SurveyPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.svOps.UpdateSurvey(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

// Published is the answer to a publish: the slug and the public link, both
// relative ("url", as API.md has it) and absolute ("link", for sharing).
type Published struct {
	Slug string `json:"slug"`
	URL  string `json:"url"`
	Link string `json:"link"`
}

func (s *Surveys) PublishSurvey(c *gin.Context) error {
	sv, err := s.svOps.PublishSurvey(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, Published{Slug: sv.Slug, URL: httpx.PublicPath(sv.Slug), Link: httpx.PublicLink(c, s.baseURL, sv)})
	return nil
}

func (s *Surveys) CloseSurvey(c *gin.Context) error {
	sv, err := s.svOps.CloseSurvey(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

func (s *Surveys) ListTemplates(c *gin.Context) error {
	c.JSON(http.StatusOK, httpx.ItemsOf(surveys.Templates()))
	return nil
}

// TemplateInput adjusts a template; every field is optional.
type TemplateInput struct {
	Title    string         `json:"title"`
	Subjects []subjectInput `json:"subjects"`
	OrgID    string         `json:"org_id"`
}

func (s *Surveys) CreateFromTemplate(c *gin.Context) error {
	var in TemplateInput
	if c.Request.ContentLength != 0 {
		if err := httpx.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	sv, err := s.svOps.CreateFromTemplate(c.Request.Context(), c.Param("key"), in.options())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// options are the template's adjustments as the domain takes them.
func (in TemplateInput) options() surveys.TemplateOptions {
	o := surveys.TemplateOptions{Title: in.Title, OrgID: in.OrgID}
	if in.Subjects != nil {
		o.Subjects = toSubjects(in.Subjects)
	}
	return o
}
