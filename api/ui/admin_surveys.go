package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/surveys"
)

// Admin pages for surveys: /admin/surveys (the list and "from a template")
// and /admin/surveys/{id} (the definition, publish and close, ballot codes,
// the public link and its QR code). The buttons and forms call the same
// domain operations as the JSON API (surveys.SurveyService).

// surveyPageSize is how many surveys /admin/surveys shows at a time.
const surveyPageSize = 50

type surveyRow struct {
	ID, Title, Kind, Status, Created, Slug string
	Period                                 string // when it is open: opens–closes, or published–closed
	Ballots                                string // ballots returned, "—" for a draft
	Results, Open                          bool
}

// templateForm is the "从模板新建" form; Kind is the blank choice's.
type templateForm struct {
	Template, Title, OrgID, Kind string
}

// blankTemplate is the form's choice of an empty draft instead of a template.
const blankTemplate = "blank"

// kindOrder is the kind picker of a blank survey.
var kindOrder = []surveys.Kind{surveys.KindSatisfaction, surveys.KindAppraisal, surveys.KindQuestionnaire}

type adminSurveysView struct {
	Surveys   []surveyRow
	More      string
	Templates []surveys.TemplateInfo
	Kinds     []option
	Orgs      []option
	Form      templateForm
	Errors    map[string]string
	Error     string
	Deleted   string // title of the draft just deleted
}

func (s *SurveyPages) AdminSurveysPage(c *gin.Context) error {
	return s.renderAdminSurveys(c, http.StatusOK, adminSurveysView{
		Form: templateForm{Template: surveys.TemplateAppraisal, Kind: string(surveys.KindSatisfaction)}, Deleted: c.Query("deleted")})
}

func (s *SurveyPages) renderAdminSurveys(c *gin.Context, status int, v adminSurveysView) error {
	ctx := c.Request.Context()
	items, next, err := s.surveys.ListFiltered(ctx, surveys.SurveyFilter{}, c.Query("after"), surveyPageSize)
	if err != nil {
		return err
	}
	// The ballots of the whole page in one read of the head tallies; a
	// draft has none.
	var ids []string
	for _, sv := range items {
		if sv.Status != surveys.StatusDraft {
			ids = append(ids, sv.ID)
		}
	}
	counts, err := s.tallies.Counts(ctx, ids)
	if err != nil {
		return err
	}
	for _, sv := range items {
		row := surveyRow{ID: sv.ID, Title: sv.Title, Kind: sv.Kind.Label(), Status: sv.Status.Label(),
			Created: pageTime(sv.CreatedAt), Slug: sv.Slug, Period: surveyPeriod(&sv), Ballots: "—",
			Results: sv.Status != surveys.StatusDraft, Open: sv.Status == surveys.StatusPublished}
		if sv.Status != surveys.StatusDraft {
			row.Ballots = ballotsLabel(counts[sv.ID].Valid, counts[sv.ID].Invalid)
		}
		v.Surveys = append(v.Surveys, row)
	}
	for _, k := range kindOrder {
		v.Kinds = append(v.Kinds, option{string(k), k.Label()})
	}
	if next != "" {
		v.More = "/admin/surveys?" + url.Values{"after": {next}}.Encode()
	}
	all, err := s.orgs.All(ctx)
	if err != nil {
		return err
	}
	_, v.Orgs = orgTree(all)
	v.Templates = surveys.Templates()
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_surveys", PageView{Title: "测评管理", Data: v})
}

// surveyPeriod is when a survey is open, as the list shows it: from its
// opening time (else when it was published) to its closing time, or when
// it was closed if that came first (else open-ended).
func surveyPeriod(sv *surveys.Survey) string {
	var from, to string
	switch {
	case sv.Access.OpensAt != nil:
		from = pageTime(*sv.Access.OpensAt)
	case sv.PublishedAt != nil:
		from = pageTime(*sv.PublishedAt)
	}
	end := sv.Access.ClosesAt
	if c := sv.ClosedAt; c != nil && (end == nil || c.Before(*end)) {
		end = c
	}
	if end != nil {
		to = pageTime(*end)
	}
	switch {
	case from == "" && to == "":
		return "—"
	case to == "":
		return from + " 起"
	case from == "":
		return "至 " + to
	}
	return from + " 至 " + to
}

// adminCreateSurvey is the "从模板新建" form: a draft from the template, then
// 303 to its page; or, for the blank choice, an empty draft of the chosen
// kind (as POST /api/v1/surveys makes it), then 303 to the builder. Errors
// by field with the answers kept.
func (s *SurveyPages) AdminCreateSurvey(c *gin.Context) error {
	f := templateForm{Template: c.PostForm("template"), Title: c.PostForm("title"), OrgID: c.PostForm("org_id"), Kind: c.PostForm("kind")}
	var sv *surveys.Survey
	var err error
	if f.Template == blankTemplate {
		sv = &surveys.Survey{Title: f.Title, Kind: surveys.Kind(f.Kind), OrgID: f.OrgID}
		err = s.svOps.CreateSurvey(c.Request.Context(), sv)
	} else {
		sv, err = s.svOps.CreateFromTemplate(c.Request.Context(), f.Template, surveys.TemplateOptions{Title: strings.TrimSpace(f.Title), OrgID: f.OrgID})
	}
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		if body.Code == "template_not_found" {
			fields["template"] = body.Message
		}
		return s.renderAdminSurveys(c, status, adminSurveysView{Form: f, Errors: fields, Error: body.Message})
	}
	if f.Template == blankTemplate {
		c.Redirect(http.StatusSeeOther, "/admin/surveys/"+sv.ID+"/edit?done=created")
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/admin/surveys/"+sv.ID+"?done=created")
	return nil
}

// surveyAction runs a button's action (publish or close) on survey :id:
// 303 back with a notice, or the page again with the reasons, each field
// error by its path (an unknown survey fails there again, as the 404 page).
func (s *SurveyPages) surveyAction(done string, act func(ctx context.Context, id string) (*surveys.Survey, error)) httpx.HandlerFunc {
	return func(c *gin.Context) error {
		if _, err := act(c.Request.Context(), c.Param("id")); err != nil {
			status, _, body, err := formFailure(c, err)
			if err != nil {
				return err
			}
			return s.renderAdminSurvey(c, status, adminSurveyView{Error: body.Message, FieldErrors: body.Fields, Form: codesForm{Count: "50"}})
		}
		c.Redirect(http.StatusSeeOther, "/admin/surveys/"+c.Param("id")+"?done="+done)
		return nil
	}
}

// adminIssueCodes is the codes form: N codes for a rater group, as POST
// /api/v1/surveys/{id}/codes does.
func (s *SurveyPages) AdminIssueCodes(c *gin.Context) error {
	f := codesForm{Count: strings.TrimSpace(c.PostForm("count")), RaterGroup: c.PostForm("rater_group"),
		PerMember: c.PostForm("per_member"), OrgID: strings.TrimSpace(c.PostForm("org_id"))}
	n, convErr := strconv.Atoi(f.Count)
	if convErr != nil {
		n = 0 // refused by the same range check as the API's
	}
	codes, err := s.svOps.IssueCodesFor(c.Request.Context(), c.Param("id"),
		surveys.CodeRequest{Count: n, RaterGroup: f.RaterGroup, OrgID: f.OrgID, PerMember: f.PerMember})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminSurvey(c, status, adminSurveyView{Form: f, Errors: fields, Error: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/surveys/"+c.Param("id")+"?"+url.Values{"issued": {strconv.Itoa(len(codes))}}.Encode())
	return nil
}

// PublishSurvey is the publish button (after its confirmation page).
func (s *SurveyPages) PublishSurvey(c *gin.Context) error {
	return s.surveyAction("published", s.svOps.PublishSurvey)(c)
}

// CloseSurvey is the close button (after its confirmation page).
func (s *SurveyPages) CloseSurvey(c *gin.Context) error {
	return s.surveyAction("closed", s.svOps.CloseSurvey)(c)
}
