package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/decimal"
	"minyi/exports"
	"minyi/feedback"
)

// The 三率 assessment page: the units ranked by score with a bar chart,
// the three rates, the change and where the points were lost; the units
// with too few rated orders apart; the definitions; the notice download.

// AssessmentPages serves /work-orders/assessment.
type AssessmentPages struct {
	assess *feedback.AssessmentService
	pages  *Renderer
}

type rateRow struct {
	Rank, Name, Orders, Response, Resolution, Satisfaction, Score, Change, Rated, Mark, MarkClass string
	Lost                                                                                          []string
}

type definition struct{ Term, Text string }

type rateView struct {
	Title, Month, From, To, Prev, Next, Download string
	Error                                        string
	Ranked, Unranked                             []rateRow
	Total                                        rateRow
	Chart                                        barChart
	Definitions                                  []definition
	MinRated                                     int
}

func ratePct(r *float64) string {
	if r == nil {
		return "—"
	}
	return decimal.Format(*r*100, 2) + "%"
}

func num2(x *float64) string {
	if x == nil {
		return "—"
	}
	return decimal.Format(*x, 2)
}

func signed(x *float64) string {
	if x == nil {
		return "—"
	}
	s := decimal.Format(*x, 2)
	if *x > 0 {
		s = "+" + s
	}
	return s
}

func newRateRow(u feedback.AssessUnit, mark string) rateRow {
	r := rateRow{Rank: "—", Name: u.Org.Name, Orders: fmt.Sprint(u.Orders), Response: ratePct(u.ResponseRate),
		Resolution: ratePct(u.ResolutionRate), Satisfaction: ratePct(u.SatisfactionRate), Score: num2(u.Score),
		Change: signed(u.Change), Rated: fmt.Sprint(u.Rated), Mark: mark}
	switch mark {
	case "红榜":
		r.MarkClass = "mark-red"
	case "黑榜":
		r.MarkClass = "mark-black"
	}
	if u.Rank != nil {
		r.Rank = fmt.Sprint(*u.Rank)
	}
	for _, l := range u.Lost {
		orders := strings.Join(l.Orders, "、")
		if len(l.Orders) > 5 {
			orders = strings.Join(l.Orders[:5], "、") + fmt.Sprintf(" 等 %d 件", len(l.Orders))
		}
		r.Lost = append(r.Lost, fmt.Sprintf("%s −%s（%s）", l.Label, decimal.Format(l.Points, 2), orders))
	}
	return r
}

// The assessment chart is narrower than the results page's, so that its
// labels stay legible scaled down to a phone's width.
const (
	assessX0   = 100
	assessSpan = 260
)

// assessChart draws the ranked units' scores.
func assessChart(units []feedback.AssessUnit) barChart {
	ch := barChart{Width: assessX0 + assessSpan + 50}
	for _, u := range units {
		if !u.Ranked {
			continue
		}
		if len(ch.Bars) == chartMaxBar {
			ch.More++
			continue
		}
		w := int(min(max(*u.Score, 0), 100) / 100 * assessSpan)
		y := chartTop + len(ch.Bars)*chartRow
		label := []rune(u.Org.Name)
		if len(label) > 7 {
			label = append(label[:7], '…')
		}
		ch.Bars = append(ch.Bars, bar{Y: y, W: w, Label: string(label), Value: decimal.Format(*u.Score, 2), ValueX: assessX0 + w + 6, TextY: y + 15})
	}
	ch.Height = chartTop + len(ch.Bars)*chartRow + 24
	for _, t := range []int{0, 20, 40, 60, 80, 100} {
		ch.Ticks = append(ch.Ticks, tick{X: assessX0 + t*assessSpan/100, Label: fmt.Sprint(t)})
	}
	return ch
}

func (s *AssessmentPages) AssessmentPage(c *gin.Context) error {
	q := feedback.AssessQuery{Period: c.Query("period"), From: c.Query("from"), To: c.Query("to")}
	status, problem := http.StatusOK, ""
	a, err := s.assess.Assess(c.Request.Context(), q)
	if err != nil {
		// A period the page cannot read: say what to fix above this month's
		// figures, rather than a bare error page.
		st, body := httpx.Classify(c.Request.Context(), err)
		if st != http.StatusUnprocessableEntity {
			return err
		}
		status, problem, q = st, body.Error.Message, feedback.AssessQuery{}
		for _, f := range body.Error.Fields {
			problem += "；" + f.Message
		}
		if a, err = s.assess.Assess(c.Request.Context(), q); err != nil {
			return err
		}
	}
	from, _ := time.ParseInLocation(time.DateOnly, a.Period.From, s.assess.Location())
	v := rateView{Error: problem, Title: strings.TrimSuffix(rest.NoticeTitle(a.Period), "通报"), From: a.Period.From, To: a.Period.To,
		Month: from.Format("2006-01"), MinRated: a.Settings.MinRated,
		Prev: from.AddDate(0, -1, 0).Format("2006-01"), Next: from.AddDate(0, 1, 0).Format("2006-01"),
		Chart: assessChart(a.Units), Total: newRateRow(a.Total, "")}
	v.Download = "/api/v1/work-orders/assessment.xlsx?" + c.Request.URL.Query().Encode()
	if q == (feedback.AssessQuery{}) {
		v.Download = "/api/v1/work-orders/assessment.xlsx?" + url.Values{"period": {v.Month}}.Encode()
	}
	marks := exports.Honours(a.Units)
	for i, u := range a.Units {
		if u.Ranked {
			v.Ranked = append(v.Ranked, newRateRow(u, marks[i]))
		} else {
			v.Unranked = append(v.Unranked, newRateRow(u, ""))
		}
	}
	d := a.Definitions
	v.Definitions = []definition{{"统计范围", d.Orders}, {"响应率", d.ResponseRate}, {"解决率", d.ResolutionRate},
		{"满意率", d.SatisfactionRate}, {"综合得分", d.Score}, {"排名", d.Ranking}, {"失分", d.Lost}}
	return s.pages.Render(c, status, "assessment", PageView{Title: v.Title, Data: v})
}
