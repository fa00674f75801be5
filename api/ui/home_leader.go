package ui

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

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
	ctx := c.Request.Context()
	a, err := s.assess.Assess(ctx, feedback.AssessQuery{})
	if err != nil {
		return nil, err
	}
	loc := s.assess.Location()
	from, err := time.ParseInLocation(time.DateOnly, a.Period.From, loc)
	if err != nil {
		return nil, err
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return nil, err
	}
	ov, err := s.workOrders.Overview(ctx, from, from.AddDate(0, 1, 0), s.now(), scope)
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
