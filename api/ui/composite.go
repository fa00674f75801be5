package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/assessments"
	"minyi/decimal"
	"minyi/surveys"
)

// The assessment pages: /assessments lists them; /assessments/{id} is one
// assessment's results — tier counts, 红榜 and 黑榜, the ranking with every
// component, the trend, the method — with the forms its stage allows:
// 加减分 (admin, draft), 公示 (admin), objections (secretaries for their
// subtree, admins, during 公示) and their answers (admin), closing (admin)
// and final tiers (admin, once published). Each form posts to the same
// domain operation as the JSON API (assessments.Service) and comes back
// here with a notice, or with the error next to the form.

// CompositePages serves the assessment pages.
type CompositePages struct {
	ops     *assessments.Service
	orgs    *surveys.OrgStore
	surveys *surveys.SurveyStore
	pages   *Renderer
}

type assessListView struct {
	Items []assessItem
	Admin bool
}

type assessItem struct {
	ID, Title, Period, Status, Subjects string
}

// CompositeListPage is GET /assessments.
func (s *CompositePages) CompositeListPage(c *gin.Context) error {
	list, err := s.ops.List(c.Request.Context())
	if err != nil {
		return err
	}
	v := assessListView{Admin: httpx.Principal(c).Role == accounts.RoleAdmin}
	for _, a := range list {
		v.Items = append(v.Items, assessItem{ID: a.ID, Title: a.Title, Period: a.Period.From + " 至 " + a.Period.To,
			Status: a.Status.Label(), Subjects: subjectsLabel(a.Subjects.Kind)})
	}
	return s.pages.Render(c, http.StatusOK, "composite_list", PageView{Title: "综合考评", Data: v})
}

func subjectsLabel(kind string) string {
	if kind == assessments.SubjectMembers {
		return "党员"
	}
	return "党支部"
}

// assessView is the results page of one assessment.
type assessView struct {
	A          *assessments.Assessment
	Status     string
	Period     string
	Frozen     bool
	Components []assessComponent
	Rows       []assessRow
	Tiers      []assessTierCount
	Red, Black []assessRow
	Unranked   []assessRow
	Chart      trendChart
	Method     []string
	Objections []assessObjection
	PublicTill string

	Admin, CanObject, CanManual, CanPublish, CanClose, CanFinal bool
	TierOptions, SubjectOptions                                 []option
	Notice                                                      string
	Failed                                                      *assessFailure
}

type assessComponent struct{ Key, Name, Weight, Source string }

type assessRow struct {
	ID, Name, Org, Rank, Score, Change, Moved, MovedClass, Tier, Final, FinalReason string
	Values                                                                          []string
	Notes                                                                           []string
	Red, Black                                                                      bool
}

type assessTierCount struct {
	Label, Rule        string
	Recommended, Final int
}

type assessObjection struct {
	Seq                                       int
	Subject, Text, By, At, Answer, AnsweredBy string
}

// assessFailure is a refused form, shown above the forms with its fields.
type assessFailure struct {
	Form, Message string
	Fields        map[string]string
}

// CompositePage is GET /assessments/{id}.
func (s *CompositePages) CompositePage(c *gin.Context) error {
	return s.render(c, http.StatusOK, nil)
}

func (s *CompositePages) render(c *gin.Context, status int, failed *assessFailure) error {
	ctx := c.Request.Context()
	res, trend, err := s.ops.Report(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	a, p := res.Assessment, httpx.Principal(c)
	now := s.ops.Now()
	public := a.Status == assessments.StatusPublished && a.PublicUntil != nil && now.Before(*a.PublicUntil)
	v := assessView{A: a, Status: a.Status.Label(), Period: a.Period.From + " 至 " + a.Period.To, Frozen: res.Frozen,
		Method: res.Method, Chart: newTrendChart(trend), Notice: noticeText(c.Query("saved")), Failed: failed,
		Admin:      p.Role == accounts.RoleAdmin,
		CanObject:  public && p.Is(accounts.RoleSecretary),
		CanManual:  p.Role == accounts.RoleAdmin && a.Status == assessments.StatusDraft && slices.ContainsFunc(a.Components, func(c assessments.Component) bool { return c.Kind == assessments.KindManual }),
		CanPublish: p.Role == accounts.RoleAdmin && a.Status == assessments.StatusDraft,
		CanClose:   p.Role == accounts.RoleAdmin && a.Status == assessments.StatusPublished,
		CanFinal:   p.Role == accounts.RoleAdmin && a.Status != assessments.StatusDraft}
	if a.PublicUntil != nil {
		v.PublicTill = pageTime(*a.PublicUntil)
	}
	for _, comp := range a.Components {
		v.Components = append(v.Components, assessComponent{Key: comp.Key, Name: comp.Name(), Weight: num(comp.Weight, 2), Source: res.Sources[comp.Key]})
	}
	for _, t := range a.Tiers {
		v.TierOptions = append(v.TierOptions, option{t.Key, t.Label})
	}
	names := map[string]string{}
	for _, sv := range res.Subjects {
		row := assessRowOf(a, res, sv)
		names[sv.Subject.ID] = sv.Subject.Name
		v.SubjectOptions = append(v.SubjectOptions, option{sv.Subject.ID, sv.Subject.Name})
		v.Rows = append(v.Rows, row)
		switch {
		case row.Red:
			v.Red = append(v.Red, row)
		case row.Black:
			v.Black = append(v.Black, row)
		}
		if sv.Rank == nil {
			v.Unranked = append(v.Unranked, row)
		}
	}
	for _, tc := range res.Tiers {
		rule := "≥ " + num(tc.Tier.MinScore, 2) + " 分"
		if tc.Tier.MaxShare > 0 {
			rule += "，名额 " + assessments.Share(tc.Tier.MaxShare)
		}
		v.Tiers = append(v.Tiers, assessTierCount{Label: tc.Tier.Label, Rule: rule, Recommended: tc.Recommended, Final: tc.Final})
	}
	for _, o := range a.Objections {
		ov := assessObjection{Seq: o.Seq, Subject: names[o.SubjectID], Text: o.Text, By: o.By, At: pageTime(o.At), Answer: o.Answer, AnsweredBy: o.AnsweredBy}
		v.Objections = append(v.Objections, ov)
	}
	return s.pages.Render(c, status, "composite", PageView{Title: a.Title, Data: v})
}

func assessRowOf(a *assessments.Assessment, res *assessments.View, sv assessments.SubjectView) assessRow {
	r := assessRow{ID: sv.Subject.ID, Name: sv.Subject.Name, Org: sv.Subject.OrgName, Rank: "不排名", Score: numText(sv.Score),
		Tier: "—", Final: "未确定",
		Red: slices.Contains(res.Red, sv.Subject.ID), Black: slices.Contains(res.Black, sv.Subject.ID)}
	if sv.Rank != nil {
		r.Rank = strconv.Itoa(*sv.Rank)
	}
	r.Change, r.Moved = assessments.ChangeText(sv.Change), assessments.MovedText(sv.RankChange)
	if m := sv.RankChange; m != nil && *m > 0 {
		r.MovedClass = "up"
	} else if m != nil && *m < 0 {
		r.MovedClass = "down"
	}
	for _, c := range a.Components {
		r.Values = append(r.Values, numText(sv.Components[c.Key]))
	}
	if sv.Tier != nil {
		r.Tier = sv.Tier.Label
	}
	if sv.FinalTier != nil {
		r.Final, r.FinalReason = sv.FinalTier.Label, sv.FinalTier.Reason
	}
	for _, veto := range sv.Vetoes {
		r.Notes = append(r.Notes, "否决："+veto.Reason)
	}
	if len(sv.Missing) > 0 {
		var missing []string // 加减分 left out: most subjects have none
		for _, key := range sv.Missing {
			for _, c := range a.Components {
				if c.Key == key && c.Kind != assessments.KindManual {
					missing = append(missing, c.Name())
				}
			}
		}
		if len(missing) > 0 {
			r.Notes = append(r.Notes, "缺项："+strings.Join(missing, "、"))
		}
	}
	if sv.Manual != nil {
		r.Notes = append(r.Notes, "加减分 "+num(sv.Manual.Points, 2)+"："+sv.Manual.Reason)
	}
	if sv.Objections > 0 {
		r.Notes = append(r.Notes, "异议 "+strconv.Itoa(sv.Objections)+" 条")
	}
	return r
}

func numText(n analytics.Number) string {
	if !n.Valid {
		return "—"
	}
	return decimal.Format(n.Value, 2)
}

func noticeText(saved string) string {
	return map[string]string{
		"manual": "加减分已保存。", "publish": "考评结果已公示。", "objection": "异议已记录。",
		"answer": "答复已保存。", "close": "公示已结束。", "final": "最终等次已确定。",
	}[saved]
}

// CompositeForm handles the forms of /assessments/{id}: form names the
// operation, and each refusal comes back to the page with its message.
func (s *CompositePages) CompositeForm(form string) httpx.HandlerFunc {
	return func(c *gin.Context) error {
		ctx, id := c.Request.Context(), c.Param("id")
		var err error
		switch form {
		case "manual":
			points, perr := strconv.ParseFloat(strings.TrimSpace(c.PostForm("points")), 64)
			if perr != nil {
				points = 1000 // refused by the operation, with its message
			}
			_, err = s.ops.SetManual(ctx, id, c.PostForm("subject_id"), points, c.PostForm("reason"))
		case "publish":
			days, _ := strconv.Atoi(strings.TrimSpace(c.PostForm("days")))
			_, err = s.ops.Publish(ctx, id, days)
		case "objection":
			_, err = s.ops.Object(ctx, id, c.PostForm("subject_id"), c.PostForm("text"))
		case "answer":
			seq, _ := strconv.Atoi(c.Param("seq"))
			_, err = s.ops.Answer(ctx, id, seq, c.PostForm("answer"))
		case "close":
			_, err = s.ops.Close(ctx, id)
		case "final":
			_, err = s.ops.SetFinalTier(ctx, id, c.PostForm("subject_id"), c.PostForm("tier"), c.PostForm("reason"))
		}
		if err != nil {
			status, fields, body, ferr := formFailure(c, err)
			if ferr != nil {
				return ferr
			}
			if status == http.StatusForbidden || status == http.StatusNotFound && len(fields) == 0 && form != "answer" {
				return err
			}
			return s.render(c, status, &assessFailure{Form: form, Message: body.Message, Fields: fields})
		}
		c.Redirect(http.StatusSeeOther, "/assessments/"+url.PathEscape(id)+"?saved="+form)
		return nil
	}
}
