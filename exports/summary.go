package exports

import (
	"fmt"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/surveys"
)

// 汇总: the survey's facts, the ballots returned, the formulas used, the
// grade counts and a chart of the scores.

// summaryCols is how many columns 汇总 uses (A:G).
const summaryCols = 7

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

// writeSummary fills 汇总.
func writeSummary(f *excelize.File, st *sheetStyles, v *view, sc Scorecard, chart chartSource) error {
	if err := setupSheet(f, SheetSummary, summaryCols, 0); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	for i, w := range []float64{22, 14, 14, 14, 12, 12, 12} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	s := &summary{sw: sw, st: st, v: v, sc: sc, row: 1}
	for _, part := range []func() error{s.title, s.facts, s.ballots, s.channels, s.reasons, s.formulas, s.grades} {
		if err := part(); err != nil {
			return err
		}
	}
	chartRow := s.row + 1
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

// put writes cells on the next row.
func (s *summary) put(cells ...any) error {
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	s.row++
	return s.sw.SetRow(cell, cells)
}

// line writes a label and a long text merged across the other columns.
func (s *summary) line(label, text string) error {
	a, _ := excelize.CoordinatesToCellName(2, s.row)
	b, _ := excelize.CoordinatesToCellName(summaryCols, s.row)
	s.merges = append(s.merges, [2]string{a, b})
	// The merged B:G cell is about 78 units wide: one 16-point line per
	// 74 units of text, so long explanations wrap instead of hiding.
	h := 16.0 * float64(1+int(textWidth(text))/74)
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	s.row++
	return s.sw.SetRow(cell, []any{excelize.Cell{StyleID: s.st.label, Value: label}, excelize.Cell{StyleID: s.st.wrap, Value: text}},
		excelize.RowOpts{Height: h})
}

// head writes a table's header row.
func (s *summary) head(names ...string) error {
	cells := make([]any, len(names))
	for i, n := range names {
		cells[i] = excelize.Cell{StyleID: s.st.header, Value: n}
	}
	return s.put(cells...)
}

// title is row 1, and row 2 states the filter of a filtered workbook.
func (s *summary) title() error {
	if err := s.sw.SetRow("A1", []any{excelize.Cell{StyleID: s.st.title, Value: s.sc.Survey.Title + " · 测评结果汇总"}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	s.merges = append(s.merges, [2]string{"A1", "G1"})
	if text := s.sc.FilterLine; text != "" {
		if err := s.sw.SetRow("A2", []any{excelize.Cell{StyleID: s.st.wrap, Value: text}}); err != nil {
			return err
		}
		s.merges = append(s.merges, [2]string{"A2", "G2"})
	}
	s.row = 3
	return nil
}

// facts are the survey's name, kind, period, generation time and scope.
func (s *summary) facts() error {
	sv, loc := s.sc.Survey, s.sc.Location
	when := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "未设定"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	opens, closes := sv.Access.OpensAt, sv.Access.ClosesAt
	if opens == nil {
		opens = sv.PublishedAt
	}
	if closes == nil {
		closes = sv.ClosedAt
	}
	scope := "全部评价对象"
	if s.sc.Scope != "" {
		scope = s.sc.Scope
	}
	facts := [][2]string{
		{"测评名称", sv.Title}, {"测评类型", sv.Kind.Label()},
		{"开始时间", when(opens)}, {"结束时间", when(closes)},
		{"生成时间", s.sc.Now.In(loc).Format("2006-01-02 15:04")}, {"统计范围", scope},
	}
	for _, kv := range facts {
		if err := s.line(kv[0], kv[1]); err != nil {
			return err
		}
	}
	s.row++
	return nil
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
		issued, ratio := any(st.text("—")), any(nil)
		if s.sc.Issued != nil {
			n := s.sc.Issued[g.key]
			issuedTotal += n
			issued, ratio = st.count(n), st.share(g.valid+g.invalid, n)
		}
		weight := any(nil)
		if w, ok := weights[g.key]; ok {
			weight = excelize.Cell{StyleID: st.dec2, Value: w}
		}
		total.valid += g.valid
		total.invalid += g.invalid
		if err := s.put(st.text(s.v.group(g.key)), weight, issued, st.count(g.valid+g.invalid), st.count(g.valid), st.count(g.invalid), ratio); err != nil {
			return err
		}
	}
	issued, ratio := any(st.text("—")), any(nil)
	if s.sc.Issued != nil {
		issued, ratio = st.count(issuedTotal), st.share(total.valid+total.invalid, issuedTotal)
	}
	if err := s.put(excelize.Cell{StyleID: st.label, Value: "合计"}, nil, issued, st.count(total.valid+total.invalid), st.count(total.valid), st.count(total.invalid), ratio); err != nil {
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
		share := any(st.text("不限"))
		if g.MaxShare > 0 {
			share = excelize.Cell{StyleID: st.pct, Value: g.MaxShare}
		}
		if err := s.put(st.text(g.Label), excelize.Cell{StyleID: st.dec2, Value: g.MinScore}, share,
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
	width := uint(max(640, min(1600, 28*chart.n)))
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
		Dimension:  excelize.ChartDimension{Width: width, Height: 320},
	}); err != nil {
		return fmt.Errorf("summary chart: %w", err)
	}
	return nil
}
