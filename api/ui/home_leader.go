package ui

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/exports"
	"minyi/feedback"
)

// The leader's home figures: this month's orders, those overdue now, the
// three rates of all units together and the units at the bottom of the
// 三率 ranking, linking to the assessment page. Everything comes from the
// index documents (feedback.Store.Overview, the assessment's month
// documents), never from reading the orders.

type homeLeader struct {
	Month, MonthLabel                  string
	Received, Overdue                  int
	Response, Resolution, Satisfaction string
	Score                              string
	Bottom                             []rateRow
	Ranked                             int
}

func (s *HomePage) leaderFigures(c *gin.Context) (*homeLeader, error) {
	return hotlineFigures(c, s.assess, s.workOrders, s.scope, s.now)
}

// hotlineFigures are this month's work-order figures within the caller's
// scope, for the leader's home and the dashboard.
func hotlineFigures(c *gin.Context, assess *feedback.AssessmentService, orders *feedback.Store, sc httpx.Scope, now func() time.Time) (*homeLeader, error) {
	ctx := c.Request.Context()
	a, err := assess.Assess(ctx, feedback.AssessQuery{})
	if err != nil {
		return nil, err
	}
	loc := assess.Location()
	from, err := time.ParseInLocation(time.DateOnly, a.Period.From, loc)
	if err != nil {
		return nil, err
	}
	scope, err := sc.OrgScope(c)
	if err != nil {
		return nil, err
	}
	ov, err := orders.Overview(ctx, from, from.AddDate(0, 1, 0), now(), scope)
	if err != nil {
		return nil, err
	}
	t := a.Total
	h := &homeLeader{Month: from.Format("2006-01"), MonthLabel: fmt.Sprintf("%d年%d月", from.Year(), from.Month()),
		Received: ov.Received, Overdue: ov.Overdue, Response: ratePct(t.ResponseRate), Resolution: ratePct(t.ResolutionRate),
		Satisfaction: ratePct(t.SatisfactionRate), Score: num2(t.Score)}
	// The bottom units: the notice's 黑榜.
	marks := exports.Honours(a.Units)
	for i, u := range a.Units {
		if u.Ranked {
			h.Ranked++
		}
		if marks[i] == "黑榜" {
			h.Bottom = append(h.Bottom, newRateRow(u, ""))
		}
	}
	return h, nil
}
