package ui

import (
	"fmt"
	"math"
	"strings"

	"minyi/assessments"
	"minyi/decimal"
)

// trendChart is an SVG line chart drawn on the server (the CSP allows no
// inline script): each subject's score across the periods of the scheme,
// the first trendLines subjects in the latest ranking drawn, every one in
// the table below it.
type trendChart struct {
	Width, Height int
	Periods       []trendTick
	Grid          []trendTick
	Lines         []trendLine
	More          int // subjects not drawn
	Table         []trendRow
	Headers       []string
}

type trendTick struct {
	X, Y  int
	Label string
}

type trendLine struct {
	Name, Color, Points string
	Dots                []trendTick
	LegendY             int
}

type trendRow struct {
	Name   string
	Scores []string
}

const (
	trendLines  = 10
	trendX0     = 50
	trendW      = 520
	trendTop    = 16
	trendH      = 220
	trendLegend = 150
)

var trendColors = []string{"#c00000", "#1f4e79", "#548235", "#bf8f00", "#7030a0", "#2f75b5", "#c55a11", "#375623", "#7f6000", "#595959"}

func newTrendChart(t *assessments.Trend) trendChart {
	ch := trendChart{Width: trendX0 + trendW + trendLegend, Height: trendTop + trendH + 40}
	n := len(t.Periods)
	x := func(i int) int {
		if n == 1 {
			return trendX0 + trendW/2
		}
		return trendX0 + i*trendW/(n-1)
	}
	top := 100.0
	for _, s := range t.Subjects {
		for _, p := range s.Points {
			if p.Score.Valid {
				top = math.Max(top, math.Ceil(p.Score.Value/10)*10)
			}
		}
	}
	y := func(v float64) int { return trendTop + trendH - int(math.Max(v, 0)/top*trendH) }
	for i, p := range t.Periods {
		ch.Periods = append(ch.Periods, trendTick{X: x(i), Y: trendTop + trendH + 18, Label: p.Title})
		ch.Headers = append(ch.Headers, p.Title)
	}
	for v := 0.0; v <= top; v += top / 5 {
		ch.Grid = append(ch.Grid, trendTick{X: trendX0 - 6, Y: y(v), Label: decimal.Format(v, 0)})
	}
	for _, s := range t.Subjects {
		row := trendRow{Name: s.Subject.Name}
		var pts []string
		var dots []trendTick
		for i, p := range s.Points {
			row.Scores = append(row.Scores, numText(p.Score))
			if p.Score.Valid {
				pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(p.Score.Value)))
				dots = append(dots, trendTick{X: x(i), Y: y(p.Score.Value), Label: decimal.Format(p.Score.Value, 2)})
			}
		}
		ch.Table = append(ch.Table, row)
		if len(pts) == 0 {
			continue
		}
		if len(ch.Lines) == trendLines {
			ch.More++
			continue
		}
		k := len(ch.Lines)
		ch.Lines = append(ch.Lines, trendLine{Name: s.Subject.Name, Color: trendColors[k], Points: strings.Join(pts, " "),
			Dots: dots, LegendY: trendTop + 6 + k*20})
	}
	return ch
}
