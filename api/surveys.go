package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/surveys"
)

// subjectInput is a subject as a client names it; names are filled in by
// the server from the roster.
type subjectInput struct {
	Type string `json:"type"`
	ID   string `json:"id"`
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
	Mode     *string `json:"mode"`
	OpensAt  optTime `json:"opens_at"`
	ClosesAt optTime `json:"closes_at"`
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
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sv := in.survey()
	if err := s.createDraft(c, sv); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// createDraft stores sv as a new draft and audits it: POST /surveys and the
// blank choice of the /admin/surveys form share it.
func (s *Server) createDraft(c *gin.Context, sv *surveys.Survey) error {
	if err := s.surveys.Create(c.Request.Context(), sv); err != nil {
		return err
	}
	s.audit(c, "survey.create", "survey", sv.ID, "创建测评「"+sv.Title+"」")
	return nil
}

// surveyInScope: a secretary sees a survey run by an org of its subtree or
// rating one.
func surveyInScope(scope []string, sv *surveys.Survey) bool {
	if inScope(scope, sv.OrgID) {
		return true
	}
	for _, sub := range sv.Subjects {
		if inScope(scope, sub.OrgID) {
			return true
		}
	}
	return false
}

// loadSurvey reads survey :id, answering 403 when it is outside the
// caller's org scope.
func (s *Server) loadSurvey(c *gin.Context) (*surveys.Survey, error) {
	return s.loadSurveyByID(c, c.Param("id"))
}

// loadSurveyByID is loadSurvey for an id that is not in the path.
func (s *Server) loadSurveyByID(c *gin.Context, id string) (*surveys.Survey, error) {
	sv, err := s.surveys.Get(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	scope, err := s.orgScope(c)
	if err != nil {
		return nil, err
	}
	if !surveyInScope(scope, sv) {
		return nil, errOutOfScope
	}
	return sv, nil
}

func (s *Server) getSurvey(c *gin.Context) error {
	sv, err := s.loadSurvey(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

// listSurveys pages through surveys, newest first; ?status= filters.
func (s *Server) listSurveys(c *gin.Context) error {
	limit, after, err := page(c)
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
	scope, err := s.orgScope(c)
	if err != nil {
		return err
	}
	// The scope is part of the query (the same test as surveyInScope), so
	// a secretary's pages are full and its cursor skips nothing.
	items, next, err := s.surveys.ListFiltered(c.Request.Context(), surveys.SurveyFilter{Status: st, OrgIDs: scope}, after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

// deleteSurvey removes a draft and the codes issued for it; a published or
// closed survey is history: 409 survey_not_draft.
func (s *Server) deleteSurvey(c *gin.Context) error {
	if _, err := s.deleteDraft(c, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// deleteDraft deletes draft id and its codes and audits it: DELETE
// /surveys/{id} and the confirmation form of /admin/surveys/{id}/delete
// share it.
func (s *Server) deleteDraft(c *gin.Context, id string) (*surveys.Survey, error) {
	ctx := c.Request.Context()
	sv, err := s.surveys.Delete(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := s.codes.DeleteSurvey(ctx, sv.ID)
	if err != nil {
		// The draft is gone; its codes match no survey any more. Say so
		// and carry on rather than answer 500 for a delete that happened.
		s.log.WarnContext(ctx, "codes of a deleted survey left behind", "request_id", requestIDOf(c), "survey", sv.ID, "err", err)
	}
	s.audit(c, "survey.delete", "survey", sv.ID, fmt.Sprintf("删除测评草稿「%s」（及其投票码 %d 个）", sv.Title, n))
	s.forgetSurvey(sv)
	return sv, nil
}

func (s *Server) patchSurvey(c *gin.Context) error {
	var in surveyPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.surveys.Update(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	s.audit(c, "survey.update", "survey", sv.ID, "修改测评「"+sv.Title+"」")
	s.forgetSurvey(sv)
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
	sv, err := s.publish(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, published{Slug: sv.Slug, URL: publicPath(sv.Slug), Link: s.publicLink(sv)})
	return nil
}

// publish publishes survey id, audits it and drops it from the submission
// cache; the API and the /admin/surveys/{id} button share it.
func (s *Server) publish(c *gin.Context, id string) (*surveys.Survey, error) {
	sv, err := s.surveys.Publish(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	s.audit(c, "survey.publish", "survey", sv.ID, "发布测评「"+sv.Title+"」")
	s.forgetSurvey(sv)
	return sv, nil
}

func publicPath(slug string) string { return "/s/" + slug }

func (s *Server) closeSurvey(c *gin.Context) error {
	sv, err := s.closeOne(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, sv)
	return nil
}

// closeOne closes survey id, audits it and drops it from the submission
// cache; the API and the /admin/surveys/{id} button share it.
func (s *Server) closeOne(c *gin.Context, id string) (*surveys.Survey, error) {
	sv, err := s.surveys.Close(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	s.audit(c, "survey.close", "survey", sv.ID, "结束测评「"+sv.Title+"」")
	s.forgetSurvey(sv)
	return sv, nil
}

// forgetSurvey drops a changed survey from the submission path's cache, so
// this process sees a closing or a new closing time at once.
func (s *Server) forgetSurvey(sv *surveys.Survey) {
	if s.submitter == nil {
		return
	}
	if c, ok := s.submitter.Surveys.(*surveys.SurveyCache); ok {
		c.Forget(sv)
	}
}

func (s *Server) listTemplates(c *gin.Context) error {
	c.JSON(http.StatusOK, itemsOf(surveys.Templates()))
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
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	sv, err := s.fromTemplate(c, c.Param("key"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// fromTemplate creates a draft from template key and audits it; the API
// and the /admin/surveys form share it.
func (s *Server) fromTemplate(c *gin.Context, key string, in templateInput) (*surveys.Survey, error) {
	o := surveys.TemplateOptions{Title: in.Title, OrgID: in.OrgID}
	if in.Subjects != nil {
		o.Subjects = toSubjects(in.Subjects)
	}
	sv, err := s.surveys.CreateFromTemplate(c.Request.Context(), key, o)
	if err != nil {
		return nil, err
	}
	s.audit(c, "survey.create", "survey", sv.ID, "用模板 "+key+" 创建测评「"+sv.Title+"」")
	return sv, nil
}
