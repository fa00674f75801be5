package ui

import (
	"fmt"
	"slices"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/surveys"
)

// barChart is an SVG bar chart drawn on the server (the CSP allows no
// inline script): one horizontal bar per ranked subject, scores 0–100.
type barChart struct {
	Width, Height int
	Bars          []bar
	Ticks         []tick
	More          int // ranked subjects left out
}

type bar struct {
	Y, W          int
	Label, Value  string
	ValueX, TextY int
}

type tick struct {
	X     int
	Label string
}

// Chart geometry: names on the left, bars from x0 over barSpan pixels for
// 0–100 points.
const (
	chartX0     = 130
	chartSpan   = 440
	chartRow    = 26
	chartTop    = 10
	chartMaxBar = 40
)

func newBarChart(rows []analytics.SubjectResult) barChart {
	ch := barChart{Width: chartX0 + chartSpan + 60}
	for _, r := range rows {
		if r.Rank == nil || !r.Score.Valid {
			continue
		}
		if len(ch.Bars) == chartMaxBar {
			ch.More++
			continue
		}
		v := min(max(r.Score.Value, 0), 100)
		w := int(v / 100 * chartSpan)
		y := chartTop + len(ch.Bars)*chartRow
		ch.Bars = append(ch.Bars, bar{Y: y, W: w, Label: r.Subject.Name, Value: decimal.Format(r.Score.Value, 2),
			ValueX: chartX0 + w + 6, TextY: y + 15})
	}
	ch.Height = chartTop + len(ch.Bars)*chartRow + 24
	for _, t := range []int{0, 20, 40, 60, 80, 100} {
		ch.Ticks = append(ch.Ticks, tick{X: chartX0 + t*chartSpan/100, Label: fmt.Sprint(t)})
	}
	return ch
}

// gradeClass colours a grade on the page: the best green, the worst red.
func gradeClass(grades []surveys.Grade, key string) string {
	i := slices.IndexFunc(grades, func(g surveys.Grade) bool { return g.Key == key })
	switch {
	case i == 0:
		return "grade-top"
	case i == len(grades)-1 && i > 0:
		return "grade-low"
	case i > 0:
		return "grade-mid"
	}
	return ""
}
