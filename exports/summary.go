package exports

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"minyi/decimal"
	"minyi/surveys"
)

// 汇总: the survey's facts, the ballots returned, the formulas used, the
// grade counts and a chart of the scores.

// summaryCols is how many columns 汇总 uses (A:G), summaryWidths their
// widths: 92 units, a portrait A4 page across.
const summaryCols = 7

var summaryWidths = []float64{20, 12, 12, 12, 12, 12, 12}

// summary writes 汇总 top to bottom: row is the next row, merges the
// ranges merged at the end (a StreamWriter merges after its rows).
type summary struct {
	sw     *excelize.StreamWriter
	st     *sheetStyles
	v      *view
	sc     Scorecard
	row    int
	merges [][2]string
}

// writeSummary fills 汇总. A first pass without a writer counts its rows,
// so that the chart's row is known before the sheet is streamed: the chart
// starts a printed page of its own (a row break, which must be set before
// the StreamWriter is made) and is never cut in two.
func writeSummary(f *excelize.File, st *sheetStyles, v *view, sc Scorecard, chart chartSource) error {
	if err := setupSheet(f, SheetSummary, pageSetup{title: sc.Survey.Title, cols: summaryCols}); err != nil {
		return err
	}
	dry := &summary{st: st, v: v, sc: sc, row: 1}
	if err := dry.parts(); err != nil {
		return err
	}
	chartRow := dry.row + 1
	if chart.n > 0 {
		if err := f.InsertPageBreak(SheetSummary, fmt.Sprintf("A%d", chartRow)); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	for i, w := range summaryWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	s := &summary{sw: sw, st: st, v: v, sc: sc, row: 1}
	if err := s.parts(); err != nil {
		return err
	}
	for _, m := range s.merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	if err := summaryChart(f, chart, chartRow); err != nil {
		return err
	}
	return sw.Flush()
}

// parts writes 汇总's tables in order.
func (s *summary) parts() error {
	for _, part := range []func() error{s.title, s.facts, s.ballots, s.channels, s.reasons, s.formulas, s.grades} {
		if err := part(); err != nil {
			return err
		}
	}
	return nil
}

// setRow writes a row, or only counts it in the first pass (no writer).
func (s *summary) setRow(cell string, cells []any, opts ...excelize.RowOpts) error {
	if s.sw == nil {
		return nil
	}
	return s.sw.SetRow(cell, cells, opts...)
}

// put writes cells on the next row.
func (s *summary) put(cells ...any) error {
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	s.row++
	return s.setRow(cell, cells)
}

// line writes a label and a long text merged across the other columns.
func (s *summary) line(label, text string) error {
	a, _ := excelize.CoordinatesToCellName(2, s.row)
	b, _ := excelize.CoordinatesToCellName(summaryCols, s.row)
	s.merges = append(s.merges, [2]string{a, b})
	// The merged B:G cell is 72 units wide; printed fonts run wider than
	// the units, so one 18-point line per 60 units of text keeps long
	// explanations whole instead of cut.
	h := 18.0 * float64(1+int(textWidth(text))/60)
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	s.row++
	cells := []any{excelize.Cell{StyleID: s.st.label, Value: label}, excelize.Cell{StyleID: s.st.wrap, Value: text}}
	for len(cells) < summaryCols {
		cells = append(cells, excelize.Cell{StyleID: s.st.wrap}) // the merged cell's border
	}
	return s.setRow(cell, cells, excelize.RowOpts{Height: h})
}

// head writes a table's header row.
func (s *summary) head(names ...string) error {
	cells := make([]any, len(names))
	for i, n := range names {
		cells[i] = excelize.Cell{StyleID: s.st.header, Value: n}
	}
	return s.put(cells...)
}

// ballots is the table of ballots returned by rater group, with a total.
func (s *summary) ballots() error {
	st := s.st
	if err := s.line("答卷回收", "回收 = 收到的答卷（含无效）；无效答卷只计数、不计分。"); err != nil {
		return err
	}
	if err := s.head("评价群体", "权重", "发放测评码", "回收答卷", "有效", "无效", "回收率"); err != nil {
		return err
	}
	weights := map[string]float64{}
	for _, g := range s.sc.Survey.RaterGroups {
		weights[g.Key] = g.Weight
	}
	byGroup, _ := ballotTables(s.sc)
	var total vi
	var issuedTotal int64
	for _, g := range byGroup {
		issued, ratio := any(st.text("—")), st.share(0, 0)
		if s.sc.Issued != nil {
			n := s.sc.Issued[g.key]
			issuedTotal += n
			issued, ratio = st.count(n), st.share(g.valid+g.invalid, n)
		}
		weight := any(excelize.Cell{StyleID: st.dec2})
		if w, ok := weights[g.key]; ok {
			weight = excelize.Cell{StyleID: st.dec2, Value: decimal.Round(w, decimal.JSONPlaces)}
		}
		total.valid += g.valid
		total.invalid += g.invalid
		if err := s.put(st.text(s.v.group(g.key)), weight, issued, st.count(g.valid+g.invalid), st.count(g.valid), st.count(g.invalid), ratio); err != nil {
			return err
		}
	}
	issued, ratio := any(st.text("—")), st.share(0, 0)
	if s.sc.Issued != nil {
		issued, ratio = st.count(issuedTotal), st.share(total.valid+total.invalid, issuedTotal)
	}
	if err := s.put(excelize.Cell{StyleID: st.label, Value: "合计"}, excelize.Cell{StyleID: st.dec2}, issued, st.count(total.valid+total.invalid), st.count(total.valid), st.count(total.invalid), ratio); err != nil {
		return err
	}
	s.row++
	return nil
}

// channels is the table of ballots returned by channel.
func (s *summary) channels() error {
	if err := s.head("渠道", "回收答卷", "有效", "无效"); err != nil {
		return err
	}
	_, byChannel := ballotTables(s.sc)
	for _, c := range byChannel {
		if err := s.put(s.st.text(surveys.Channel(c.key).Label()), s.st.count(c.valid+c.invalid), s.st.count(c.valid), s.st.count(c.invalid)); err != nil {
			return err
		}
	}
	return nil
}

// reasons counts the invalid ballots by reason, when there are any.
func (s *summary) reasons() error {
	reasons := s.sc.Results.Ballots.InvalidReasons
	if len(reasons) > 0 {
		s.row++
		if err := s.head("无效原因", "份数"); err != nil {
			return err
		}
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := s.put(s.st.text(k), s.st.count(reasons[k])); err != nil {
				return err
			}
		}
	}
	s.row++
	return nil
}

// formulas are the scoring rules in words.
func (s *summary) formulas() error {
	if err := s.head("计分方法", "说明"); err != nil {
		return err
	}
	for _, fl := range Formulas(s.sc.Survey) {
		if err := s.line(fl[0], fl[1]); err != nil {
			return err
		}
	}
	s.row++
	return nil
}

// grades are the grade counts, as the results page shows them.
func (s *summary) grades() error {
	if len(s.sc.Survey.Scoring.Grades) == 0 {
		return nil
	}
	st := s.st
	if err := s.head("等次", "分数线", "比例上限", "推荐人数", "最终人数"); err != nil {
		return err
	}
	for _, gc := range s.sc.Results.Grades {
		g := gc.Grade
		share := st.text("不限")
		if g.MaxShare > 0 {
			share = st.text(surveys.ShareWords(g.MaxShare))
		}
		if err := s.put(st.text(g.Label), excelize.Cell{StyleID: st.dec2, Value: decimal.Round(g.MinScore, decimal.DisplayPlaces)}, share,
			st.count(int64(gc.Recommended)), st.count(int64(gc.Final))); err != nil {
			return err
		}
	}
	return nil
}

// summaryChart draws the ranked subjects' scores below the tables, from
// row chartRow.
func summaryChart(f *excelize.File, chart chartSource, chartRow int) error {
	if chart.n == 0 {
		return nil
	}
	ref := func(col string) string {
		return fmt.Sprintf("'%s'!$%s$3:$%s$%d", chart.sheet, col, col, chart.n+2)
	}
	title := "综合得分"
	if chart.n == maxCharted {
		title = fmt.Sprintf("综合得分（前 %d 名）", maxCharted)
	}
	anchor, _ := excelize.CoordinatesToCellName(1, chartRow)
	// As wide as A:G (about 680 pixels) and 360 high: the chart prints on
	// one portrait page with the columns, never beyond them.
	one, lo, hi := false, 0.0, 100.0 // scores are 0–100: one colour, the whole scale
	axisFont := excelize.Font{Color: "404040", Size: 9}
	if err := f.AddChart(SheetSummary, anchor, &excelize.Chart{
		Type:       excelize.Col,
		Series:     []excelize.ChartSeries{{Name: title, Categories: ref(chart.nameCol), Values: ref(chart.score), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C00000"}}}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &one,
		XAxis:      excelize.ChartAxis{Font: axisFont},
		YAxis:      excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}, Minimum: &lo, Maximum: &hi, Font: axisFont},
		Dimension:  excelize.ChartDimension{Width: 670, Height: 360},
	}); err != nil {
		return fmt.Errorf("summary chart: %w", err)
	}
	return nil
}
