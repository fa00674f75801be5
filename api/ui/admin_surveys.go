package ui

import (
	"context"
	"fmt"
	"maps"
	"minyi/api/httpx"
	"minyi/api/rest"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/analytics"
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

// The definition as the page shows it.
type (
	subjectRow struct{ Type, Name, Org string }
	groupRow   struct {
		Key, Name, Weight string
		Issued, Used      int
		Ballots           int64
		Extra             bool // ballots of a group the definition does not name
	}
	questionRow struct {
		Key, Type, Title, Dimension, Weight string
		Required, PerSubject                bool
		Options                             []string
		Range                               string
	}
	codesForm struct{ Count, RaterGroup string }
)

type adminSurveyView struct {
	Survey      *surveys.Survey
	Kind        string
	Status      string
	Org         string
	Access      string
	Opens       string
	Closes      string
	Draft       bool
	Published   bool
	Results     bool
	Subjects    []subjectRow
	Groups      []groupRow
	Questions   []questionRow
	Rules       []string
	Scoring     []string
	Link        string // the absolute public link, once published
	Path        string // the same, relative
	CodeMode    bool
	Issued      int
	Used        int
	Ballots     string // every ballot returned, from the tallies ("" for a draft)
	QRName      string // the downloaded QR code's file name
	Done        string // the notice after a change
	Error       string // why a button or the codes form was refused
	FieldErrors []minyi.FieldError
	Form        codesForm
	Errors      map[string]string
}

var doneNotices = map[string]string{
	"created": "已用模板创建测评草稿。", "published": "测评已发布，参与链接和二维码见下方。", "closed": "测评已结束，不再接受答卷。",
}

func (s *SurveyPages) AdminSurveyPage(c *gin.Context) error {
	v := adminSurveyView{Done: doneNotices[c.Query("done")], Form: codesForm{Count: "50"}}
	if n := c.Query("issued"); n != "" {
		v.Done = fmt.Sprintf("已生成 %s 个投票码，可在下方下载打印。", n)
	}
	return s.renderAdminSurvey(c, http.StatusOK, v)
}

// renderAdminSurvey shows survey :id: the definition, what may be done
// with it now, and its codes.
func (s *SurveyPages) renderAdminSurvey(c *gin.Context, status int, v adminSurveyView) error {
	ctx := c.Request.Context()
	sv, err := s.surveys.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	all, err := s.orgs.All(ctx)
	if err != nil {
		return err
	}
	byID := rest.OrgIndex(all)
	v.Survey, v.Kind, v.Status = sv, sv.Kind.Label(), sv.Status.Label()
	v.Draft, v.Published, v.Results = sv.Status == surveys.StatusDraft, sv.Status == surveys.StatusPublished, sv.Status != surveys.StatusDraft
	if sv.OrgID != "" {
		v.Org = orgName(byID, sv.OrgID)
	}
	v.CodeMode = sv.Access.Mode == surveys.AccessCode
	v.Access = sv.Access.Mode.Label()
	if t := sv.Access.OpensAt; t != nil {
		v.Opens = pageTime(*t)
	}
	if t := sv.Access.ClosesAt; t != nil {
		v.Closes = pageTime(*t)
	}
	for _, sub := range sv.Subjects {
		row := subjectRow{Type: sub.Type.Label(), Name: sub.Name, Org: sub.OrgName}
		if sub.Type == surveys.SubjectOrg {
			row.Org = "" // a branch is its own org
		}
		if row.Name == "" {
			row.Name = sub.ID
			if o, ok := byID[sub.ID]; ok && sub.Type != surveys.SubjectMember {
				row.Name = o.Name
			}
		}
		v.Subjects = append(v.Subjects, row)
	}
	counts := map[string]surveys.CodeCount{}
	if v.CodeMode {
		items, total, err := httpx.GroupCounts(ctx, s.codes, sv)
		if err != nil {
			return err
		}
		for _, it := range items {
			counts[it.RaterGroup] = it.CodeCount
		}
		v.Issued, v.Used = total.Issued, total.Used
	}
	if err := s.groupRows(ctx, sv, counts, &v); err != nil {
		return err
	}
	for _, q := range sv.Questions {
		row := questionRow{Key: q.Key, Type: q.Type.Label(), Title: q.Title, Dimension: q.Dimension,
			Required: q.Required, PerSubject: q.PerSubject}
		if q.Weight != nil {
			row.Weight = num(*q.Weight, 4)
		}
		for _, o := range q.Options {
			label := o.Label
			switch {
			case o.Abstain:
				label += "（不计分）"
			case o.Score != nil:
				label += "（" + num(*o.Score, 2) + "分）"
			}
			row.Options = append(row.Options, label)
		}
		if q.Min != nil || q.Max != nil {
			lo, hi := "—", "—"
			if q.Min != nil {
				lo = strconv.Itoa(*q.Min)
			}
			if q.Max != nil {
				hi = strconv.Itoa(*q.Max)
			}
			row.Range = lo + "～" + hi
		}
		v.Questions = append(v.Questions, row)
	}
	v.Rules = ruleLines(sv)
	v.Scoring = scoringLines(sv.Scoring)
	if sv.Slug != "" {
		v.Path, v.Link = httpx.PublicPath(sv.Slug), httpx.PublicLink(s.baseURL, sv)
		v.QRName = "测评二维码-" + sv.Slug + ".png"
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_survey", PageView{Title: sv.Title + " · 测评管理", Data: v})
}

// groupRows lists the rater groups with their codes issued and used and,
// once published, the ballots each returned as the tallies count them
// (the head tally's counts, the numbers results.ballots.by_group has).
// Ballots of a group the definition does not name (an operator's entry
// without one) get a row of their own, so that the rows add up to the total.
func (s *SurveyPages) groupRows(ctx context.Context, sv *surveys.Survey, codes map[string]surveys.CodeCount, v *adminSurveyView) error {
	var bc analytics.BallotCounts
	if sv.Status != surveys.StatusDraft {
		counts, err := s.tallies.Counts(ctx, []string{sv.ID})
		if err != nil {
			return err
		}
		bc = counts[sv.ID]
		v.Ballots = ballotsLabel(bc.Valid, bc.Invalid)
	}
	named := map[string]bool{}
	for _, g := range sv.RaterGroups {
		n := codes[g.Key]
		named[g.Key] = true
		v.Groups = append(v.Groups, groupRow{Key: g.Key, Name: g.Name, Weight: num(g.Weight, 4), Issued: n.Issued, Used: n.Used, Ballots: bc.ByGroup[g.Key]})
	}
	for _, k := range slices.Sorted(maps.Keys(bc.ByGroup)) {
		if !named[k] {
			name := k
			if name == "" {
				name = "（未分组）"
			}
			v.Groups = append(v.Groups, groupRow{Key: k, Name: name, Ballots: bc.ByGroup[k], Extra: true})
		}
	}
	return nil
}

// ruleLines describes the ballot rules in Chinese.
func ruleLines(sv *surveys.Survey) []string {
	var out []string
	for _, q := range sv.Rules.Quotas {
		title, label := q.Question, q.Option
		if qq, ok := sv.Question(q.Question); ok {
			title = qq.Title
			if o, ok := qq.Option(q.Option); ok {
				label = o.Label
			}
		}
		out = append(out, fmt.Sprintf("每张票在“%s”中选“%s”的不超过测评对象的 %s%%", title, label, num(q.MaxShare*100, 2)))
	}
	if sv.Rules.InvalidIfAllSame {
		out = append(out, "所有测评对象选同一项的票不符合规则")
	}
	if len(out) > 0 {
		out = append(out, sv.Rules.OnViolation.Label())
	}
	return out
}

// scoringLines describes the scoring settings in Chinese.
func scoringLines(sc surveys.Scoring) []string {
	var out []string
	if t := sc.Trim; t != nil {
		out = append(out, fmt.Sprintf("某题答案达到 %d 个时，去掉 %d 个最高分和 %d 个最低分再求平均", t.MinAnswers, t.DropHighest, t.DropLowest))
	}
	if sc.SatisfactionDenominator == surveys.DenomAll {
		out = append(out, "满意率 = 满意票 ÷ 全部票（含“不了解”）")
	} else {
		out = append(out, "满意率 = 满意票 ÷ 表态票（不含“不了解”）")
	}
	for _, g := range sc.Grades {
		line := fmt.Sprintf("推荐等次“%s”：得分不低于 %s", g.Label, num(g.MinScore, 2))
		if g.MaxShare > 0 {
			line += fmt.Sprintf("，不超过参评人数的 %s%%", num(g.MaxShare*100, 2))
		}
		out = append(out, line)
	}
	return out
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
	f := codesForm{Count: strings.TrimSpace(c.PostForm("count")), RaterGroup: c.PostForm("rater_group")}
	n, convErr := strconv.Atoi(f.Count)
	if convErr != nil {
		n = 0 // refused by the same range check as the API's
	}
	codes, err := s.svOps.IssueCodes(c.Request.Context(), c.Param("id"), f.RaterGroup, n)
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
