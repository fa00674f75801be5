package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/commitments"
	"minyi/surveys"
)

// The commitment pages: the branch's list with the entry and import forms
// (/commitments), a commitment with its history and the forms of its next
// steps (/commitments/{id}), the statistics (/commitments/stats) and the
// residents' public page (/c/{org}/{period}). Each form calls the same
// commitments.Service method as the JSON API.

// CommitmentPages serves the commitment pages.
type CommitmentPages struct {
	baseURL string
	members *surveys.MemberStore
	now     func() time.Time
	ops     *commitments.Service
	orgs    *surveys.OrgStore
	pages   *Renderer
	scope   httpx.Scope
}

// NewCommitmentPages builds the commitment pages.
func NewCommitmentPages(d httpx.Deps, r *Renderer) *CommitmentPages {
	a := d.App
	return &CommitmentPages{baseURL: d.BaseURL, members: a.Members, now: a.Now, ops: a.CommitmentOps, orgs: a.Orgs, pages: r, scope: d.Scope()}
}

type cmForm struct {
	Owner, Area, Content, Target, Due, Responsible string
}

type cmListView struct {
	OrgID, OrgName, Period, PeriodLabel string
	Orgs                                []option
	Owners                              []option
	Areas                               []option
	Items                               []cmRow
	CanEdit, Admin                      bool
	PublicURL, QR, Report, Stats        string
	TargetHint                          string
	Form                                cmForm
	Errors                              map[string]string
	Error, EvalError                    string
	Import                              *commitments.ImportResult
	ImportErrors                        []string
}

type cmRow struct {
	commitments.Row
	AreaLabel, StatusLabel, OutcomeLabel, Pledge, Score string
	Overdue                                             bool
}

func areaOptions() []option {
	out := make([]option, 0, len(commitments.Areas))
	for _, a := range commitments.Areas {
		out = append(out, option{string(a), a.Label()})
	}
	return out
}

// listView reads the org and period of the request (a secretary's own org,
// the current year by default) and what the list shows.
func (s *CommitmentPages) listView(c *gin.Context, orgID, period string) (*cmListView, error) {
	p := httpx.Principal(c)
	ctx := c.Request.Context()
	if orgID == "" && p.Role == accounts.RoleSecretary {
		orgID = p.OrgID
	}
	if period == "" {
		period = s.ops.Today()[:4]
	}
	v := &cmListView{OrgID: orgID, Period: period, PeriodLabel: commitments.PeriodLabel(period), Areas: areaOptions(),
		CanEdit: p.Is(accounts.RoleSecretary), Admin: p.Role == accounts.RoleAdmin, TargetHint: commitments.TargetHint, Errors: map[string]string{}}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return nil, err
	}
	all, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if surveys.InScope(scope, o.ID) {
			v.Orgs = append(v.Orgs, option{o.ID, orgLabel(o)})
		}
		if o.ID == orgID {
			v.OrgName = o.Name
		}
	}
	if orgID == "" {
		return v, nil // an admin or leader picks an org first
	}
	items, err := s.ops.List(ctx, commitments.Query{OrgID: orgID, Period: period})
	if err != nil {
		return nil, err
	}
	today := s.ops.Today()
	for _, it := range items {
		r := cmRow{Row: it, AreaLabel: it.Area.Label(), StatusLabel: it.Status.Label(), Overdue: it.Overdue(today), Score: "—"}
		if it.Score.Valid {
			r.Score = num(it.Score.Value, 2)
		}
		if it.Outcome != "" {
			r.OutcomeLabel = it.Outcome.Label()
		}
		if it.Public() {
			r.Pledge = "/api/v1/commitments/pledge.xlsx?" + url.Values{"owner_type": {string(it.Owner.Type)}, "owner_id": {it.Owner.ID}, "period": {it.Period}}.Encode()
		}
		v.Items = append(v.Items, r)
	}
	q := url.Values{"org_id": {orgID}, "period": {period}}.Encode()
	v.PublicURL = httpx.CommitmentsPath(orgID, period)
	v.QR = "/api/v1/commitments/qr.png?" + q
	v.Report = "/api/v1/commitments/report.xlsx?" + q
	v.Stats = "/commitments/stats?" + q
	v.Owners = []option{{"org:" + orgID, v.OrgName + "（组织承诺）"}}
	members, err := s.members.InOrgs(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		v.Owners = append(v.Owners, option{"member:" + m.ID, m.Name})
	}
	return v, nil
}

func (s *CommitmentPages) ListPage(c *gin.Context) error {
	v, err := s.listView(c, c.Query("org_id"), c.Query("period"))
	if err != nil {
		return err
	}
	return s.pages.Render(c, http.StatusOK, "commitments", PageView{Title: "公开承诺", Data: v})
}

// CreatePost enters a commitment from the form and opens it, or shows the
// form again with what to fix.
func (s *CommitmentPages) CreatePost(c *gin.Context) error {
	f := cmForm{Owner: c.PostForm("owner"), Area: c.PostForm("area"), Content: c.PostForm("content"), Target: c.PostForm("target"),
		Due: c.PostForm("due"), Responsible: c.PostForm("responsible")}
	orgID, period := c.PostForm("org_id"), c.PostForm("period")
	typ, id, _ := strings.Cut(f.Owner, ":")
	cm, err := s.ops.Create(c.Request.Context(), commitments.Input{OwnerType: commitments.OwnerType(typ), OwnerID: id, Period: period,
		Content: commitments.Content{Area: commitments.Area(f.Area), Content: f.Content, Target: f.Target, Due: f.Due, Responsible: f.Responsible}})
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/commitments/"+cm.ID)
		return nil
	}
	status, fields, detail, ferr := formFailure(c, err)
	if ferr != nil {
		return ferr
	}
	v, verr := s.listView(c, orgID, period)
	if verr != nil {
		return verr
	}
	v.Form, v.Errors, v.Error = f, fields, detail.Message
	if _, bad := fields["owner.id"]; bad {
		v.Errors["owner"] = fields["owner.id"]
	}
	return s.pages.Render(c, status, "commitments", PageView{Title: "公开承诺", Data: v})
}

// ImportPost checks or imports the uploaded workbook and shows the result
// on the list.
func (s *CommitmentPages) ImportPost(c *gin.Context) error {
	orgID, period := c.PostForm("org_id"), c.PostForm("period")
	fh, err := c.FormFile("file")
	var res *commitments.ImportResult
	if err == nil {
		res, err = httpx.ImportCommitments(c.Request.Context(), s.ops, orgID, fh, c.PostForm("dry_run") != "")
	} else {
		err = errNoFile
	}
	status := http.StatusOK
	v, verr := s.listView(c, orgID, period)
	if verr != nil {
		return verr
	}
	if err != nil {
		st, _, detail, ferr := formFailure(c, err)
		if ferr != nil {
			return ferr
		}
		status, v.Error = st, detail.Message
		for _, f := range detail.Fields {
			v.ImportErrors = append(v.ImportErrors, f.Message)
		}
	}
	v.Import = res
	if res != nil {
		for _, e := range res.Errors {
			v.ImportErrors = append(v.ImportErrors, "第"+itoa(e.Row)+"行："+e.Message)
		}
	}
	return s.pages.Render(c, status, "commitments", PageView{Title: "公开承诺", Data: v})
}

// EvaluatePost creates the evaluation survey of the list's org and period
// (admins) and opens it in the survey pages, where it is published and its
// codes issued.
func (s *CommitmentPages) EvaluatePost(c *gin.Context) error {
	orgID, period := c.PostForm("org_id"), c.PostForm("period")
	sv, err := s.ops.CreateEvaluation(c.Request.Context(), orgID, period, c.PostForm("title"))
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/admin/surveys/"+sv.ID)
		return nil
	}
	status, fields, detail, ferr := formFailure(c, err)
	if ferr != nil {
		return ferr
	}
	v, verr := s.listView(c, orgID, period)
	if verr != nil {
		return verr
	}
	v.EvalError = detail.Message
	if m, ok := fields["org_id"]; ok {
		v.EvalError = m
	}
	return s.pages.Render(c, status, "commitments", PageView{Title: "公开承诺", Data: v})
}

type cmStatsView struct {
	OrgID, OrgName, Period, PeriodLabel, Today string
	Orgs                                       []option
	Rows                                       []cmStatRow
	Definitions                                [][2]string
	Report                                     string
}

type cmStatRow struct {
	commitments.OrgStats
	Rate, Score string
}

func (s *CommitmentPages) StatsPage(c *gin.Context) error {
	v0, err := s.listView(c, c.Query("org_id"), c.Query("period"))
	if err != nil {
		return err
	}
	v := cmStatsView{OrgID: v0.OrgID, OrgName: v0.OrgName, Period: v0.Period, PeriodLabel: v0.PeriodLabel, Orgs: v0.Orgs,
		Definitions: commitments.Definitions, Report: v0.Report}
	if v.OrgID != "" {
		l, err := s.ops.Ledger(c.Request.Context(), v.OrgID, v.Period)
		if err != nil {
			return err
		}
		v.Today = l.Today
		all := l.Stats
		if l.Total != nil && len(all) > 1 {
			all = append(all[:len(all):len(all)], *l.Total)
		}
		for _, st := range all {
			r := cmStatRow{OrgStats: st, Rate: "—", Score: "—"}
			if st.FulfilledRate.Valid {
				r.Rate = num(st.FulfilledRate.Value*100, 2) + "%"
			}
			if st.EvaluationScore.Valid {
				r.Score = num(st.EvaluationScore.Value, 2)
			}
			v.Rows = append(v.Rows, r)
		}
	}
	return s.pages.Render(c, http.StatusOK, "commitments_stats", PageView{Title: "承诺统计", Data: v})
}

// PublicPage is the residents' page of an org's period (no account): the
// approved commitments, how far they are and what became of them.
func (s *CommitmentPages) PublicPage(c *gin.Context) error {
	pl, err := s.ops.Public(c.Request.Context(), c.Param("org_id"), c.Param("period"))
	if err != nil {
		return err
	}
	return s.pages.Render(c, http.StatusOK, "commitments_public", PageView{Title: pl.OrgName + pl.PeriodLabel + "公开承诺", Data: pl})
}
