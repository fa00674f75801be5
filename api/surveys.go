package api

import (
	"bytes"
	"encoding/json"
	"minyi/api/httpx"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/surveys"
)

// subjectInput is a subject as a client names it; names are filled in by
// the server from the roster.
type subjectInput struct {
	Type surveys.SubjectType `json:"type"`
	ID   string              `json:"id"`
}

// surveyInput is what a client may set on a new survey; status, slug,
// version and times are the server's.
type surveyInput struct {
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

// surveyPatch: absent fields stay; slices and objects are replaced whole.
type surveyPatch struct {
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
	Mode     *surveys.AccessMode `json:"mode"`
	OpensAt  optTime             `json:"opens_at"`
	ClosesAt optTime             `json:"closes_at"`
}

// optTime tells an absent time (unchanged) from null (cleared).
type optTime struct {
	set bool
	t   *time.Time
}

func (o *optTime) UnmarshalJSON(b []byte) error {
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

func (o optTime) patch() *surveys.TimePatch {
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

func (in surveyInput) survey() *surveys.Survey {
	return &surveys.Survey{
		Title: in.Title, Kind: in.Kind, Description: in.Description, OrgID: in.OrgID,
		Subjects: toSubjects(in.Subjects), RaterGroups: in.RaterGroups, Access: in.Access,
		Questions: in.Questions, Rules: in.Rules, Scoring: in.Scoring,
	}
}

func (in surveyPatch) patch() surveys.SurveyPatch {
	p := surveys.SurveyPatch{
		Title: in.Title, Description: in.Description, Kind: in.Kind, OrgID: in.OrgID,
		RaterGroups: in.RaterGroups, Questions: in.Questions, Rules: in.Rules, Scoring: in.Scoring,
	}
	if in.Subjects != nil {
		subs := toSubjects(*in.Subjects)
		p.Subjects = &subs
	}
	if a := in.Access; a != nil {
		p.Access = &surveys.AccessPatch{Mode: a.Mode, OpensAt: a.OpensAt.patch(), ClosesAt: a.ClosesAt.patch()}
	}
	return p
}

func (s *Server) createSurvey(c *gin.Context) error {
	var in surveyInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv := in.survey()
	if err := s.svOps.CreateSurvey(c.Request.Context(), sv); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

func (s *Server) getSurvey(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

// listSurveys pages through surveys, newest first; ?status= filters.
func (s *Server) listSurveys(c *gin.Context) error {
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

// deleteSurvey removes a draft and the codes issued for it; a published or
// closed survey is history: 409 survey_not_draft.
func (s *Server) deleteSurvey(c *gin.Context) error {
	if _, err := s.svOps.DeleteDraft(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) patchSurvey(c *gin.Context) error {
	var in surveyPatch
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

// published is the answer to a publish: the slug and the public link, both
// relative ("url", as API.md has it) and absolute ("link", for sharing).
type published struct {
	Slug string `json:"slug"`
	URL  string `json:"url"`
	Link string `json:"link"`
}

func (s *Server) publishSurvey(c *gin.Context) error {
	sv, err := s.svOps.PublishSurvey(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, published{Slug: sv.Slug, URL: httpx.PublicPath(sv.Slug), Link: httpx.PublicLink(s.baseURL, sv)})
	return nil
}

func (s *Server) closeSurvey(c *gin.Context) error {
	sv, err := s.svOps.CloseSurvey(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

func (s *Server) listTemplates(c *gin.Context) error {
	c.JSON(http.StatusOK, httpx.ItemsOf(surveys.Templates()))
	return nil
}

// templateInput adjusts a template; every field is optional.
type templateInput struct {
	Title    string         `json:"title"`
	Subjects []subjectInput `json:"subjects"`
	OrgID    string         `json:"org_id"`
}

func (s *Server) createFromTemplate(c *gin.Context) error {
	var in templateInput
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
func (in templateInput) options() surveys.TemplateOptions {
	o := surveys.TemplateOptions{Title: in.Title, OrgID: in.OrgID}
	if in.Subjects != nil {
		o.Subjects = toSubjects(in.Subjects)
	}
	return o
}
