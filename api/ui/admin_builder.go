package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/surveys"
)

// The survey builder: /admin/surveys/{id}/edit. A draft is edited in the
// browser by builder.js, which keeps the whole definition as the JSON the
// API takes and saves it with PATCH /api/v1/surveys/{id}: the same
// validation, the same field paths in its errors (shown next to their
// fields) and the same audit entry as any other client. The live preview
// posts the unsaved definition to /admin/surveys/{id}/preview, which lays
// it out with the resident's ballot template in a phone-sized frame.
//
// A published survey keeps only title, description and closing time open
// to change; for it the page is a plain form (no JavaScript) that saves
// those through the same store method as the PATCH.

// builderData is what builder.js starts from, embedded in the page as JSON.
type builderData struct {
	Survey *surveys.Survey `json:"survey"`
	Orgs   []builderOrg    `json:"orgs"` // tree order
}

type builderOrg struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Code     string `json:"code"`
	Kind     string `json:"kind"`
	KindName string `json:"kind_label"`
	ParentID string `json:"parent_id,omitempty"`
	Depth    int    `json:"depth"`
}

type builderView struct {
	Survey *surveys.Survey
	Data   builderData
	Kind   string
	Status string
	Done   string
	// A published survey's form: its answers and errors.
	Form   limitedForm
	Errors map[string]string
	Error  string
}

type limitedForm struct {
	Title, Description, ClosesAt string
}

// builderOrgs is the org tree flattened in tree order, with depths, for the
// subject picker and the org selector.
func builderOrgs(all []surveys.Org) []builderOrg {
	var out []builderOrg
	for _, n := range httpx.TreeOrder(httpx.NewOrgTree(all)) {
		out = append(out, builderOrg{ID: n.ID, Name: n.Name, Code: n.Code, Kind: string(n.Kind), KindName: n.Kind.Label(),
			ParentID: n.ParentID, Depth: n.Depth})
	}
	return out
}

func (s *BuilderPages) AdminSurveyEditPage(c *gin.Context) error {
	sv, err := s.surveys.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	v := builderView{Done: doneNotices[c.Query("done")]}
	if c.Query("saved") != "" {
		v.Done = "已保存。"
	}
	if sv.Status != surveys.StatusDraft {
		v.Form = limitedForm{Title: sv.Title, Description: sv.Description}
		if t := sv.Access.ClosesAt; t != nil {
			v.Form.ClosesAt = t.In(surveys.ChinaTime).Format(localMinute)
		}
	}
	return s.renderBuilder(c, http.StatusOK, sv, v)
}

func (s *BuilderPages) renderBuilder(c *gin.Context, status int, sv *surveys.Survey, v builderView) error {
	v.Survey, v.Kind, v.Status = sv, sv.Kind.Label(), sv.Status.Label()
	if sv.Status == surveys.StatusDraft {
		// Only the builder picks subjects and orgs; the plain form of a
		// published survey needs neither.
		all, err := s.orgs.All(c.Request.Context())
		if err != nil {
			return err
		}
		v.Data = builderData{Survey: sv, Orgs: builderOrgs(all)}
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_survey_edit", PageView{Title: "编辑 · " + sv.Title, Data: v})
}

// localMinute is the layout of <input type="datetime-local">, read and
// shown in Beijing time.
const localMinute = "2006-01-02T15:04"

// adminSurveyEditLimited saves a published survey's title, description and
// closing time from the plain form.
func (s *BuilderPages) AdminSurveyEditLimited(c *gin.Context) error {
	ctx := c.Request.Context()
	sv, err := s.surveys.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	f := limitedForm{Title: c.PostForm("title"), Description: c.PostForm("description"), ClosesAt: strings.TrimSpace(c.PostForm("closes_at"))}
	p := surveys.SurveyPatch{Title: &f.Title, Description: &f.Description}
	closes := &surveys.TimePatch{}
	if f.ClosesAt != "" {
		t, perr := time.ParseInLocation(localMinute, f.ClosesAt, surveys.ChinaTime)
		if perr != nil {
			return s.renderBuilder(c, http.StatusUnprocessableEntity, sv, builderView{Form: f,
				Errors: map[string]string{"access.closes_at": "请按“年-月-日 时:分”填写结束时间"}, Error: "请改正标红的项目"})
		}
		t = t.UTC()
		closes.To = &t
	}
	if sv.Status == surveys.StatusPublished {
		p.Access = &surveys.AccessPatch{ClosesAt: closes} // a closed survey's end is history
	}
	saved, err := s.svOps.UpdateSurvey(ctx, sv.ID, p)
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderBuilder(c, status, sv, builderView{Form: f, Errors: fields, Error: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/surveys/"+saved.ID+"/edit?saved=1")
	return nil
}

// adminSurveyPreview renders the posted, unsaved definition (form field
// "definition": the JSON of POST /api/v1/surveys) as the ballot page a
// resident would see, for the builder's preview frame. Nothing is stored.
func (s *BuilderPages) AdminSurveyPreview(c *gin.Context) error {
	ctx := c.Request.Context()
	// The builder frames this answer; everything else stays unframeable.
	c.Header("X-Frame-Options", "SAMEORIGIN")
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'self'")
	stored, err := s.surveys.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	var in rest.SurveyInput
	if err := httpx.DecodeBytes([]byte(c.PostForm("definition")), &in); err != nil {
		return s.previewMessage(c, err)
	}
	sv := in.Survey()
	sv.ID, sv.Status = stored.ID, stored.Status
	if err := s.surveys.Preview(ctx, sv); err != nil {
		return err
	}
	p := newBallotPage(sv, "", "preview", url.Values{}, nil)
	p.Action, p.Preview = "", true
	if sv.Access.Mode == surveys.AccessCode {
		// Raters with a code never choose a group: the code carries it.
		p.GroupChoice, p.Groups = false, nil
	}
	title := sv.Title
	if title == "" {
		title = "（未填写标题）"
	}
	p.Survey.Title = title
	return s.pages.Render(c, http.StatusOK, "ballot", PageView{Title: "预览 · " + title, Data: p, Bare: true})
}

// previewMessage says in the frame why the definition cannot be shown.
func (s *BuilderPages) previewMessage(c *gin.Context, err error) error {
	status, body := httpx.Classify(c.Request.Context(), err)
	if status >= 500 {
		return err
	}
	msg := body.Error.Message
	for _, f := range body.Error.Fields {
		msg += "（" + f.Field + "：" + f.Message + "）"
	}
	return s.pages.Render(c, status, "ballot_message", PageView{Title: "无法预览", Bare: true,
		Data: gin.H{"Title": "无法预览", "Message": msg, "Code": body.Error.Code}})
}
