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
	X0, LabelX    int // where the bars start, where the names end
	Bars          []bar
	Ticks         []tick
	More          int // ranked subjects left out
	// Narrow is the same chart drawn for a phone (shorter bars, so the
	// names and values keep a readable size); nil on the narrow one.
	Narrow *barChart
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
	ch := drawBars(rows, chartX0, chartSpan)
	narrow := drawBars(rows, 96, 190)
	ch.Narrow = &narrow
	return ch
}

// drawBars lays the chart out with names left of x0 and bars over span
// pixels for 0–100 points.
func drawBars(rows []analytics.SubjectResult, x0, span int) barChart {
	ch := barChart{Width: x0 + span + 60, X0: x0, LabelX: x0 - 6}
	for _, r := range rows {
		if r.Rank == nil || !r.Score.Valid {
			continue
		}
		if len(ch.Bars) == chartMaxBar {
			ch.More++
			continue
		}
		v := min(max(r.Score.Value, 0), 100)
		w := int(v / 100 * float64(span))
		y := chartTop + len(ch.Bars)*chartRow
		ch.Bars = append(ch.Bars, bar{Y: y, W: w, Label: r.Subject.Name, Value: decimal.Format(r.Score.Value, 2),
			ValueX: x0 + w + 6, TextY: y + 15})
	}
	ch.Height = chartTop + len(ch.Bars)*chartRow + 24
	for _, t := range []int{0, 20, 40, 60, 80, 100} {
		ch.Ticks = append(ch.Ticks, tick{X: x0 + t*span/100, Label: fmt.Sprint(t)})
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
