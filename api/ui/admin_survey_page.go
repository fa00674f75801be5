package ui

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/surveys"
)

// The page of one survey: its definition, codes, ballots and actions.

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
	codesForm struct{ Count, RaterGroup, PerMember, OrgID string }
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
	Link        string           // the absolute public link, once published
	Path        string           // the same, relative
	LinkWarning string           // the link points to this machine while the admin is not on it
	Sealed      bool             // a code was used: only counts, never the list (voting is secret)
	Signals     *surveys.Signals // an open-link survey's stuffing signals
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
		v.Done = fmt.Sprintf("已生成 %s 个测评码，可在下方下载打印。", n)
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
	v.Subjects = subjectRows(sv, byID)
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
		v.Sealed = total.Used > 0
	} else if s.signals != nil && sv.Status != surveys.StatusDraft {
		if v.Signals, err = s.signals.Get(ctx, sv.ID); err != nil {
			return err
		}
	}
	if err := s.groupRows(ctx, sv, counts, &v); err != nil {
		return err
	}
	v.Questions = questionRows(sv)
	v.Rules = ruleLines(sv)
	v.Scoring = scoringLines(sv.Scoring)
	if sv.Slug != "" {
		v.Path, v.Link = httpx.PublicPath(sv.Slug), httpx.PublicLink(c, s.baseURL, sv)
		v.LinkWarning = httpx.LoopbackWarning(c, v.Link)
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
		out = append(out, fmt.Sprintf("每张票在“%s”中选“%s”的不超过测评对象的%s", title, label, surveys.ShareWords(q.MaxShare)))
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
			line += fmt.Sprintf("，不超过参评人数的%s", surveys.ShareWords(g.MaxShare))
		}
		out = append(out, line)
	}
	return out
}

// subjectRows are the survey's subjects as the page lists them.
func subjectRows(sv *surveys.Survey, byID map[string]surveys.Org) []subjectRow {
	var rows []subjectRow
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
		rows = append(rows, row)
	}
	return rows
}

// questionRows are the survey's questions with their options, weights and ranges.
func questionRows(sv *surveys.Survey) []questionRow {
	var rows []questionRow
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
		rows = append(rows, row)
	}
	return rows
}
