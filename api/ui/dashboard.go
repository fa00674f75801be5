package ui

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/analytics"
	"minyi/api/httpx"
	"minyi/assessments"
	"minyi/commitments"
	"minyi/feedback"
	"minyi/surveys"
)

// /dashboard: one page for leaders (and admins) with the latest periodic
// assessment — its tier counts, 红榜 and 黑榜, the trend — the surveys
// taking ballots now, this month's hotline figures and the commitments
// falling due, each number linking to its detail page.

// DashboardPages serves the leadership dashboard.
type DashboardPages struct {
	ops         *assessments.Service
	surveys     *surveys.SurveyStore
	tallies     *analytics.TallyStore
	assess      *feedback.AssessmentService
	workOrders  *feedback.Store
	commitments *commitments.Service
	scope       httpx.Scope
	now         func() time.Time
	pages       *Renderer
}

// dashDueDays is how far ahead the dashboard lists commitments falling due.
const dashDueDays = 30

type dashboardView struct {
	Latest  *dashAssessment
	Surveys []dashSurvey
	Hotline *homeLeader
	Due     []dashCommitment
	DueDays int
	Overdue int
}

type dashCommitment struct {
	ID, Owner, Content, Due string
	Overdue                 bool
}

type dashAssessment struct {
	ID, Title, Period, Status string
	Tiers                     []assessTierCount
	Red, Black                []assessRow
	Chart                     trendChart
	Ranked, Unranked          int
}

type dashSurvey struct {
	ID, Title, Kind, ClosesAt string
	Ballots                   int64
}

// DashboardPage is GET /dashboard.
func (s *DashboardPages) DashboardPage(c *gin.Context) error {
	ctx := c.Request.Context()
	var v dashboardView
	list, err := s.ops.List(ctx)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		if v.Latest, err = s.latest(c, list[0]); err != nil {
			return err
		}
	}
	open, _, err := s.surveys.List(ctx, surveys.StatusPublished, "", 20)
	if err != nil {
		return err
	}
	ids := make([]string, len(open))
	for i, sv := range open {
		ids[i] = sv.ID
	}
	counts, err := s.tallies.Counts(ctx, ids)
	if err != nil {
		return err
	}
	for _, sv := range open {
		d := dashSurvey{ID: sv.ID, Title: sv.Title, Kind: sv.Kind.Label(), ClosesAt: "—", Ballots: counts[sv.ID].Valid}
		if sv.Access.ClosesAt != nil {
			d.ClosesAt = pageTime(*sv.Access.ClosesAt)
		}
		v.Surveys = append(v.Surveys, d)
	}
	if v.Hotline, err = hotlineFigures(c, s.assess, s.workOrders, s.scope, s.now); err != nil {
		return err
	}
	due, err := s.commitments.DueWithin(ctx, dashDueDays)
	if err != nil {
		return err
	}
	today := s.commitments.Today()
	v.DueDays = dashDueDays
	for _, e := range due {
		d := dashCommitment{ID: e.ID, Owner: e.Owner, Content: e.Content, Due: e.Due, Overdue: e.Due < today}
		if d.Overdue {
			v.Overdue++
		}
		v.Due = append(v.Due, d)
	}
	return s.pages.Render(c, http.StatusOK, "dashboard", PageView{Title: "领导看板", Data: v})
}

func (s *DashboardPages) latest(c *gin.Context, a *assessments.Assessment) (*dashAssessment, error) {
	ctx := c.Request.Context()
	res, trend, err := s.ops.Report(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	d := &dashAssessment{ID: a.ID, Title: a.Title, Period: a.Period.From + " 至 " + a.Period.To, Status: a.Status.Label(),
		Chart: newTrendChart(trend), Unranked: len(res.Unranked)}
	for _, tc := range res.Tiers {
		d.Tiers = append(d.Tiers, assessTierCount{Label: tc.Tier.Label, Recommended: tc.Recommended, Final: tc.Final})
	}
	for _, sv := range res.Subjects {
		row := assessRowOf(a, res, sv)
		switch {
		case row.Red:
			d.Red = append(d.Red, row)
		case row.Black:
			d.Black = append(d.Black, row)
		}
		if sv.Rank != nil {
			d.Ranked++
		}
	}
	return d, nil
}
