package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/assessments"
	"minyi/surveys"
)

// /admin/assessments/new: an admin sets up an assessment in one form — the
// period and whom it judges, the components with their weights (a survey's
// score or satisfaction rate, the hotline's 三率, the commitments, 加减分),
// three tiers with thresholds and quotas (entered as people write them:
// 30%, 三分之一, 1/3), and a veto on the survey's satisfaction rate. The
// form posts to the same operation as POST /api/v1/assessments.

type assessNewView struct {
	Form     assessForm
	Orgs     []option
	Surveys  []option
	Previous []option
	Message  string
	Fields   map[string]string
}

// assessForm is the form's values, kept as typed when it is refused.
type assessForm struct {
	Title, From, To, Kind, OrgID, PreviousID string
	SurveyID, SurveyMeasure, SurveyWeight    string
	HotlineWeight                            string
	CommitMeasure, CommitWeight              string
	Manual                                   bool
	TierLabels, TierMins, TierShares         [3]string
	VetoBelow, VetoTier                      string
}

func defaultAssessForm(year int) assessForm {
	y := strconv.Itoa(year)
	return assessForm{Title: y + "年度党支部综合考评", From: y + "-01-01", To: y + "-12-31", Kind: assessments.SubjectBranches,
		SurveyMeasure: assessments.MeasureScore, SurveyWeight: "0.5", HotlineWeight: "0.3",
		CommitMeasure: assessments.MeasureFulfilled, CommitWeight: "0.2", Manual: true,
		TierLabels: [3]string{"先进", "中间", "后进"}, TierMins: [3]string{"90", "70", "0"}, TierShares: [3]string{"30%", "", ""},
		VetoBelow: "60%", VetoTier: "1"}
}

// NewCompositePage is GET /admin/assessments/new.
func (s *CompositePages) NewCompositePage(c *gin.Context) error {
	return s.renderNew(c, http.StatusOK, defaultAssessForm(s.ops.Now().In(s.ops.Location()).Year()), "", nil)
}

func (s *CompositePages) renderNew(c *gin.Context, status int, f assessForm, msg string, fields map[string]string) error {
	ctx := c.Request.Context()
	orgs, _, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return err
	}
	v := assessNewView{Form: f, Orgs: orgs, Message: msg, Fields: fields}
	list, _, err := s.surveys.List(ctx, "", "", 100)
	if err != nil {
		return err
	}
	for _, sv := range list {
		if sv.Status != surveys.StatusDraft {
			v.Surveys = append(v.Surveys, option{sv.ID, sv.Title})
		}
	}
	prev, err := s.ops.List(ctx)
	if err != nil {
		return err
	}
	for _, a := range prev {
		v.Previous = append(v.Previous, option{a.ID, a.Title})
	}
	return s.pages.Render(c, status, "composite_new", PageView{Title: "新建考评", Data: v})
}

// CreateComposite is POST /admin/assessments/new.
func (s *CompositePages) CreateComposite(c *gin.Context) error {
	f := assessForm{Title: c.PostForm("title"), From: c.PostForm("from"), To: c.PostForm("to"), Kind: c.PostForm("kind"),
		OrgID: c.PostForm("org_id"), PreviousID: c.PostForm("previous_id"),
		SurveyID: c.PostForm("survey_id"), SurveyMeasure: c.PostForm("survey_measure"), SurveyWeight: c.PostForm("survey_weight"),
		HotlineWeight: c.PostForm("hotline_weight"), CommitMeasure: c.PostForm("commit_measure"), CommitWeight: c.PostForm("commit_weight"),
		Manual: c.PostForm("manual") != "", VetoBelow: c.PostForm("veto_below"), VetoTier: c.PostForm("veto_tier")}
	for i := range 3 {
		n := strconv.Itoa(i)
		f.TierLabels[i], f.TierMins[i], f.TierShares[i] = c.PostForm("tier_label_"+n), c.PostForm("tier_min_"+n), c.PostForm("tier_share_"+n)
	}
	a, fields := f.scheme()
	if len(fields) > 0 {
		return s.renderNew(c, http.StatusUnprocessableEntity, f, "表单有误，请检查标出的项目", fields)
	}
	created, err := s.ops.Create(c.Request.Context(), a)
	if err != nil {
		status, fields, body, ferr := formFailure(c, err)
		if ferr != nil {
			return ferr
		}
		return s.renderNew(c, status, f, body.Message, fields)
	}
	c.Redirect(http.StatusSeeOther, "/assessments/"+created.ID)
	return nil
}

// scheme turns the form into a scheme, with the fields it could not read.
func (f assessForm) scheme() (*assessments.Assessment, map[string]string) {
	fields := map[string]string{}
	weight := func(field, s string) float64 {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0
		}
		w, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fields[field] = "权重应为数字，如 0.3"
		}
		return w
	}
	a := &assessments.Assessment{Title: f.Title, Period: assessments.Period{From: f.From, To: f.To},
		Subjects: assessments.Scope{Kind: f.Kind, OrgID: f.OrgID}, PreviousID: f.PreviousID}
	if w := weight("survey_weight", f.SurveyWeight); f.SurveyID != "" {
		a.Components = append(a.Components, assessments.Component{Key: "sat", Kind: assessments.KindSurvey, SurveyID: f.SurveyID, Measure: f.SurveyMeasure, Weight: w})
	}
	if w := weight("hotline_weight", f.HotlineWeight); w > 0 {
		a.Components = append(a.Components, assessments.Component{Key: "hot", Kind: assessments.KindHotline, Weight: w})
	}
	if w := weight("commit_weight", f.CommitWeight); w > 0 {
		a.Components = append(a.Components, assessments.Component{Key: "com", Kind: assessments.KindCommitments, Measure: f.CommitMeasure, Weight: w})
	}
	if f.Manual {
		a.Components = append(a.Components, assessments.Component{Key: "adj", Kind: assessments.KindManual})
	}
	for i := range 3 {
		if strings.TrimSpace(f.TierLabels[i]) == "" {
			continue
		}
		n := strconv.Itoa(i)
		minScore, err := strconv.ParseFloat(strings.TrimSpace(f.TierMins[i]), 64)
		if err != nil {
			fields["tier_min_"+n] = "分数线应为数字"
		}
		share, ok := parseShare(f.TierShares[i])
		if !ok {
			fields["tier_share_"+n] = "名额比例写作 30%、三分之一 或 1/3，不限名额留空"
		}
		a.Tiers = append(a.Tiers, assessments.Tier{Key: "t" + n, Label: f.TierLabels[i], MinScore: minScore, MaxShare: share})
	}
	if below, ok := parseShare(f.VetoBelow); ok && below > 0 && f.SurveyID != "" {
		a.Vetoes = append(a.Vetoes, assessments.Veto{Component: "sat", Measure: assessments.MeasureSatisfaction, Below: below, MaxTier: "t" + f.VetoTier})
	} else if !ok {
		fields["veto_below"] = "满意率写作 60% 或 0.6，不设否决留空"
	}
	return a, fields
}

// parseShare reads a share as people write it (surveys.ParseShare: 30%,
// 0.3, 1/3, 三分之一); empty is 0 (no quota).
func parseShare(s string) (float64, bool) {
	if strings.TrimSpace(s) == "" {
		return 0, true
	}
	return surveys.ParseShare(s)
}
