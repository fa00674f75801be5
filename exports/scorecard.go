package exports

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/surveys"
)

// Sheet names of the scorecard workbook.
const (
	SheetSummary      = "汇总"
	SheetMembers      = "党员测评"
	SheetOrgs         = "支部排名"
	SheetDistribution = "题目分布"
	SheetComments     = "意见建议"
	SheetBallots      = "原始答卷"
)

// BallotCount is how many ballots of one rater group arrived by one
// channel, valid or not (from the survey's tally).
type BallotCount struct {
	Group   string
	Channel string
	Valid   bool
	Count   int64
}

// Scorecard is what the scorecard workbook needs. Results are the scores
// exactly as GET /surveys/{id}/results publishes them; the workbook shows
// them, it never recomputes them.
type Scorecard struct {
	Survey  *surveys.Survey
	Results *analytics.Results
	// Counts are the ballots by group, channel and validity; when nil the
	// summary falls back to Results.Ballots (totals by group and channel).
	Counts []BallotCount
	// Issued are the ballot codes issued per rater group (nil: the survey
	// does not use codes).
	Issued map[string]int64
	// Scope describes whose subjects are shown when the reader sees part of
	// the survey only (e.g. "本组织及下级组织"); "" for everything.
	Scope string
	// FilterOrg names the org whose subtree a ?org_id= filter kept ("" when
	// none); with Results.Group it is stated under the title of 汇总.
	FilterOrg string
	Location  *time.Location // times are shown in this zone (default UTC)
	Now       time.Time      // generation time

	// Ballots streams the survey's ballots for 意见建议 and 原始答卷 (nil:
	// neither sheet). RawBallots adds the 原始答卷 sheet; KeepComment, when
	// set, picks the text answers shown on 意见建议.
	Ballots     func(fn func(*surveys.Ballot) error) error
	RawBallots  bool
	KeepComment func(b *surveys.Ballot, a *surveys.Answer) bool

	// MaxRows is the row limit per streamed sheet (default and at most
	// MaxSheetRows; tests make it small to see the split).
	MaxRows int
	// Progress, when set, is called with the number of ballots written so
	// far, every progressEvery ballots and at the end.
	Progress func(ballots int64)
	// TmpDir is where excelize keeps streamed sheets beyond 16 MiB (default
	// the system's temporary directory).
	TmpDir string
}

// progressEvery is how often (in ballots) Progress is called.
const progressEvery = 1000

// WriteScorecard writes the scorecard workbook to w: 汇总, 党员测评 and/or
// 支部排名, 题目分布, 意见建议 and 原始答卷. Temporary files are removed
// whatever happens; a cancelled ctx stops the export within a few hundred
// ballots.
func WriteScorecard(ctx context.Context, w io.Writer, sc Scorecard) error {
	if sc.Survey == nil || sc.Results == nil {
		return fmt.Errorf("scorecard: survey and results are required")
	}
	if sc.Location == nil {
		sc.Location = time.UTC
	}
	f := excelize.NewFile(excelize.Options{TmpDir: sc.TmpDir})
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	v := newView(sc.Survey)

	// Sheets are created up front, in the order a reader meets them.
	var members, orgs []analytics.SubjectResult
	for _, r := range sc.Results.Subjects {
		if r.Subject.Type == surveys.SubjectOrg {
			orgs = append(orgs, r)
		} else {
			members = append(members, r)
		}
	}
	names := []string{SheetSummary}
	if len(members) > 0 || len(orgs) == 0 {
		names = append(names, SheetMembers)
	}
	if len(orgs) > 0 {
		names = append(names, SheetOrgs)
	}
	names = append(names, SheetDistribution)
	if sc.Ballots != nil {
		names = append(names, SheetComments)
		if sc.RawBallots {
			names = append(names, SheetBallots)
		}
	}
	if err := f.SetSheetName("Sheet1", names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return fmt.Errorf("sheet %s: %w", n, err)
		}
	}

	chart := chartSource{}
	if slices.Contains(names, SheetMembers) {
		if chart, err = writeRanking(ctx, f, st, v, SheetMembers, members, sc); err != nil {
			return err
		}
	}
	if len(orgs) > 0 {
		c, err := writeRanking(ctx, f, st, v, SheetOrgs, orgs, sc)
		if err != nil {
			return err
		}
		if chart.n == 0 {
			chart = c
		}
	}
	if err := writeSummary(f, st, v, sc, chart); err != nil {
		return err
	}
	if err := writeDistribution(ctx, f, st, v, sc); err != nil {
		return err
	}
	if sc.Ballots != nil {
		if err := writeBallotSheets(ctx, f, st, v, sc.Ballots, ballotSheets{
			comments: true, raw: sc.RawBallots, keep: sc.KeepComment,
			maxRows: sc.MaxRows, progress: sc.Progress, loc: sc.Location, title: sc.Survey.Title,
		}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("write scorecard: %w", err)
	}
	return nil
}

// view is the survey's names, looked up once.
type view struct {
	s        *surveys.Survey
	groups   map[string]string // key → name
	subjects map[string]surveys.Subject
}

func newView(s *surveys.Survey) *view {
	v := &view{s: s, groups: map[string]string{}, subjects: map[string]surveys.Subject{}}
	for _, g := range s.RaterGroups {
		v.groups[g.Key] = g.Name
	}
	for _, sub := range s.Subjects {
		v.subjects[sub.ID] = sub
	}
	return v
}

func (v *view) group(key string) string {
	if n := v.groups[key]; n != "" {
		return n
	}
	if key == "" {
		return "（未分组）"
	}
	return key
}

func (v *view) subject(id string) string {
	if s, ok := v.subjects[id]; ok && s.Name != "" {
		return s.Name
	}
	return id
}

// optionLabel is what a person reads for an answer key of question q.
func optionLabel(q *surveys.Question, key string) string {
	if q != nil {
		if o, ok := q.Option(key); ok && o.Label != "" {
			return o.Label
		}
	}
	return key
}

// num is a number cell, or nothing when the number is undefined. Scores
// are stored rounded to the two decimals a person reads (half away from
// zero, DESIGN.md), so what Excel shows and what a sum adds up are the
// published figures.
func (st *sheetStyles) num(n analytics.Number, style, places int) any {
	if !n.Valid {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: decimal.Round(n.Value, places)}
}

func (st *sheetStyles) score(n analytics.Number) any {
	return st.num(n, st.dec2, decimal.DisplayPlaces)
}

// rate keeps the JSON's four decimals: shown as 0.0%, that is one decimal
// of a percent.
func (st *sheetStyles) rate(n analytics.Number) any { return st.num(n, st.pct, decimal.JSONPlaces) }

func (st *sheetStyles) count(n int64) excelize.Cell { return excelize.Cell{StyleID: st.int, Value: n} }

// chartSource is where the summary chart takes its data: the ranked
// subjects' names and scores on a ranking sheet.
type chartSource struct {
	sheet          string
	nameCol, score string // column letters
	n              int    // ranked subjects charted (rows 3…n+2)
}

// maxCharted is how many subjects the summary chart shows at most (the
// top of the ranking): more bars than that cannot be read.
const maxCharted = 60

// writeRanking writes 党员测评 or 支部排名: one row per subject in rank
// order (unranked subjects last, without rank, score or grade).
func writeRanking(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sheet string, subjects []analytics.SubjectResult, sc Scorecard) (chartSource, error) {
	isOrg := sheet == SheetOrgs
	header := []string{"排名"}
	if isOrg {
		header = append(header, "支部名称")
	} else {
		header = append(header, "姓名", "所在支部")
	}
	header = append(header, "综合得分", "满意率", "推荐等次", "最终等次", "等次调整理由")
	// Group and dimension columns follow the survey's groups and the
	// dimensions in the results (the same for every subject).
	var groups []analytics.GroupScore
	var dims []analytics.DimensionScore
	if len(subjects) > 0 {
		groups, dims = subjects[0].ByGroup, subjects[0].ByDimension
	}
	for _, g := range groups {
		name := g.Name
		if name == "" {
			name = v.group(g.Group)
		}
		header = append(header, name+"得分")
	}
	for _, d := range dims {
		header = append(header, d.Dimension+"得分")
	}
	rows := make([][]any, 0, len(subjects))
	ranked := 0
	for _, r := range subjects {
		row := []any{nil}
		if r.Rank != nil {
			row[0] = st.count(int64(*r.Rank))
			ranked++
		}
		row = append(row, st.text(r.Subject.Name))
		if !isOrg {
			org := r.Subject.OrgName
			if org == "" {
				org = v.subjects[r.Subject.ID].OrgName
			}
			row = append(row, st.text(org))
		}
		grade, final, reason := "", "", ""
		if r.Grade != nil {
			grade = r.Grade.Label
		}
		if r.FinalGrade != nil {
			final, reason = r.FinalGrade.Label, r.FinalGrade.Reason
		}
		row = append(row, st.score(r.Score), st.rate(r.SatisfactionRate), st.text(grade), st.text(final), st.text(reason))
		for i := range groups {
			var n analytics.Number
			if i < len(r.ByGroup) {
				n = r.ByGroup[i].Score
			}
			row = append(row, st.score(n))
		}
		for i := range dims {
			var n analytics.Number
			if i < len(r.ByDimension) {
				n = r.ByDimension[i].Score
			}
			row = append(row, st.score(n))
		}
		rows = append(rows, row)
	}
	gradeCol := 5
	if isOrg {
		gradeCol = 4
	}
	title := sc.Survey.Title + " · " + sheet
	t, err := newTable(ctx, f, st, tableSpec{
		name: sheet, title: title, header: header, widths: widthsFor(header, rows, 8, 40), maxRows: sc.MaxRows,
		finish: func(f *excelize.File, sheet string, last int) error {
			return gradeColours(f, sheet, gradeCol+1, gradeCol+2, last, sc.Survey.Scoring.Grades)
		},
	})
	if err != nil {
		return chartSource{}, err
	}
	for _, r := range rows {
		if err := t.add(r); err != nil {
			return chartSource{}, err
		}
	}
	if err := t.close(); err != nil {
		return chartSource{}, err
	}
	nameCol, scoreCol := "B", "D"
	if isOrg {
		scoreCol = "C"
	}
	return chartSource{sheet: sheet, nameCol: nameCol, score: scoreCol, n: min(ranked, maxCharted)}, nil
}

// gradeColours colours the grade columns (fromCol…toCol, rows 3…last) by
// grade: the best green, the worst red, those between amber.
func gradeColours(f *excelize.File, sheet string, fromCol, toCol, last int, grades []surveys.Grade) error {
	if len(grades) == 0 {
		return nil
	}
	from, _ := excelize.CoordinatesToCellName(fromCol, 3)
	to, _ := excelize.CoordinatesToCellName(toCol, last)
	var rules []excelize.ConditionalFormatOptions
	for i, g := range grades {
		fill, font := "FFEB9C", "9C5700"
		switch {
		case i == 0:
			fill, font = "C6EFCE", "006100"
		case i == len(grades)-1 && len(grades) > 1:
			fill, font = "FFC7CE", "9C0006"
		}
		style, err := f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Color: font}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		})
		if err != nil {
			return err
		}
		// The label is a string constant of the rule's formula: quotes
		// doubled, so a label can never turn into formula text.
		rules = append(rules, excelize.ConditionalFormatOptions{
			Type: "cell", Criteria: "==", Format: &style,
			Value: `"` + strings.ReplaceAll(g.Label, `"`, `""`) + `"`,
		})
	}
	return f.SetConditionalFormat(sheet, from+":"+to, rules)
}

// writeSummary fills 汇总: the survey's facts, the ballots returned, the
// formulas used, the grade counts and a chart of the scores.
func writeSummary(f *excelize.File, st *sheetStyles, v *view, sc Scorecard, chart chartSource) error {
	const cols = 7
	if err := setupSheet(f, SheetSummary, cols, 0); err != nil {
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
	row := 1
	var merges [][2]string
	put := func(cells ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	}
	// line writes a label and a long text merged across the other columns.
	line := func(label, text string) error {
		a, _ := excelize.CoordinatesToCellName(2, row)
		b, _ := excelize.CoordinatesToCellName(cols, row)
		merges = append(merges, [2]string{a, b})
		// The merged B:G cell is about 78 units wide: one 16-point line per
		// 74 units of text, so long explanations wrap instead of hiding.
		h := 16.0 * float64(1+int(textWidth(text))/74)
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, []any{excelize.Cell{StyleID: st.label, Value: label}, excelize.Cell{StyleID: st.wrap, Value: text}},
			excelize.RowOpts{Height: h})
	}
	head := func(names ...string) error {
		cells := make([]any, len(names))
		for i, n := range names {
			cells[i] = excelize.Cell{StyleID: st.header, Value: n}
		}
		return put(cells...)
	}
	s, loc := sc.Survey, sc.Location
	when := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "未设定"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: s.Title + " · 测评结果汇总"}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	merges = append(merges, [2]string{"A1", "G1"})
	groupName := ""
	if sc.Results.Group != "" {
		groupName = v.group(sc.Results.Group)
	}
	if text := FilterText(groupName, sc.FilterOrg, sc.RawBallots && sc.Ballots != nil); text != "" {
		if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.wrap, Value: text}}); err != nil {
			return err
		}
		merges = append(merges, [2]string{"A2", "G2"})
	}
	row = 3
	opens, closes := s.Access.OpensAt, s.Access.ClosesAt
	if opens == nil {
		opens = s.PublishedAt
	}
	if closes == nil {
		closes = s.ClosedAt
	}
	scope := "全部评价对象"
	if sc.Scope != "" {
		scope = sc.Scope
	}
	if sc.Results.Group != "" {
		scope += "；仅" + v.group(sc.Results.Group) + "的评价"
	}
	facts := [][2]string{
		{"测评名称", s.Title}, {"测评类型", s.Kind.Label()},
		{"开始时间", when(opens)}, {"结束时间", when(closes)},
		{"生成时间", sc.Now.In(loc).Format("2006-01-02 15:04")}, {"统计范围", scope},
	}
	for _, kv := range facts {
		if err := line(kv[0], kv[1]); err != nil {
			return err
		}
	}
	row++

	// Ballots by group and by channel.
	byGroup, byChannel := ballotTables(sc)
	if err := line("答卷回收", "回收 = 收到的答卷（含无效）；无效答卷只计数、不计分。"); err != nil {
		return err
	}
	if err := head("评价群体", "权重", "发放投票码", "回收答卷", "有效", "无效", "回收率"); err != nil {
		return err
	}
	weights := map[string]float64{}
	for _, g := range s.RaterGroups {
		weights[g.Key] = g.Weight
	}
	var total vi
	var issuedTotal int64
	for _, g := range byGroup {
		issued := any(st.text("—"))
		ratio := any(nil)
		if sc.Issued != nil {
			n := sc.Issued[g.key]
			issuedTotal += n
			issued = st.count(n)
			if n > 0 {
				ratio = excelize.Cell{StyleID: st.pct, Value: decimal.Round(float64(g.valid+g.invalid)/float64(n), decimal.JSONPlaces)}
			}
		}
		weight := any(nil)
		if w, ok := weights[g.key]; ok {
			weight = excelize.Cell{StyleID: st.dec2, Value: w}
		}
		total.valid += g.valid
		total.invalid += g.invalid
		if err := put(st.text(v.group(g.key)), weight, issued, st.count(g.valid+g.invalid), st.count(g.valid), st.count(g.invalid), ratio); err != nil {
			return err
		}
	}
	issued, ratio := any(st.text("—")), any(nil)
	if sc.Issued != nil {
		issued = st.count(issuedTotal)
		if issuedTotal > 0 {
			ratio = excelize.Cell{StyleID: st.pct, Value: decimal.Round(float64(total.valid+total.invalid)/float64(issuedTotal), decimal.JSONPlaces)}
		}
	}
	if err := put(excelize.Cell{StyleID: st.label, Value: "合计"}, nil, issued, st.count(total.valid+total.invalid), st.count(total.valid), st.count(total.invalid), ratio); err != nil {
		return err
	}
	row++
	if err := head("渠道", "回收答卷", "有效", "无效"); err != nil {
		return err
	}
	for _, c := range byChannel {
		if err := put(st.text(surveys.Channel(c.key).Label()), st.count(c.valid+c.invalid), st.count(c.valid), st.count(c.invalid)); err != nil {
			return err
		}
	}
	if reasons := sc.Results.Ballots.InvalidReasons; len(reasons) > 0 {
		row++
		if err := head("无效原因", "份数"); err != nil {
			return err
		}
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := put(st.text(k), st.count(reasons[k])); err != nil {
				return err
			}
		}
	}
	row++

	// The formulas, in words.
	if err := head("计分方法", "说明"); err != nil {
		return err
	}
	for _, fl := range Formulas(s) {
		if err := line(fl[0], fl[1]); err != nil {
			return err
		}
	}
	row++

	// Grade counts.
	if len(s.Scoring.Grades) > 0 {
		if err := head("等次", "分数线", "比例上限", "推荐人数", "最终人数"); err != nil {
			return err
		}
		rec, fin := map[string]int64{}, map[string]int64{}
		for _, r := range sc.Results.Subjects {
			if r.Grade != nil {
				rec[r.Grade.Key]++
			}
			if r.FinalGrade != nil {
				fin[r.FinalGrade.Key]++
			}
		}
		for _, g := range s.Scoring.Grades {
			share := any(st.text("不限"))
			if g.MaxShare > 0 {
				share = excelize.Cell{StyleID: st.pct, Value: g.MaxShare}
			}
			if err := put(st.text(g.Label), excelize.Cell{StyleID: st.dec2, Value: g.MinScore}, share, st.count(rec[g.Key]), st.count(fin[g.Key])); err != nil {
				return err
			}
		}
	}
	chartRow := row + 1
	for _, m := range merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	if chart.n > 0 {
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
	}
	return sw.Flush()
}

// FilterText states a filtered workbook's filter in a line, e.g.
// "筛选：评议人类别 群众；组织 第一党支部及下级"; "" when nothing is
// filtered. group is the rater group's name ("" for all groups), org the
// name of the org whose subtree is kept; raw says 原始答卷 is in the
// workbook, which always lists every ballot.
func FilterText(group, org string, raw bool) string {
	var parts []string
	if group != "" {
		parts = append(parts, "评议人类别 "+group)
	}
	if org != "" {
		parts = append(parts, "组织 "+org+"及下级")
	}
	if len(parts) == 0 {
		return ""
	}
	text := "筛选：" + strings.Join(parts, "；")
	if raw {
		text += "（原始答卷不筛选，列出全部答卷）"
	}
	return text
}

// vi counts valid and invalid ballots of one group or channel.
type vi struct {
	key            string
	valid, invalid int64
}

// ballotTables are the summary's ballot counts by group (the survey's
// groups first, in order) and by channel.
func ballotTables(sc Scorecard) (groups, channels []vi) {
	g, c := map[string]*vi{}, map[string]*vi{}
	get := func(m map[string]*vi, k string) *vi {
		if m[k] == nil {
			m[k] = &vi{key: k}
		}
		return m[k]
	}
	for _, rg := range sc.Survey.RaterGroups {
		get(g, rg.Key)
	}
	if sc.Counts != nil {
		for _, n := range sc.Counts {
			for _, x := range []*vi{get(g, n.Group), get(c, n.Channel)} {
				if n.Valid {
					x.valid += n.Count
				} else {
					x.invalid += n.Count
				}
			}
		}
	} else {
		// Without per-group validity the totals by group are shown as
		// returned ballots only.
		for k, n := range sc.Results.Ballots.ByGroup {
			get(g, k).valid += n
		}
		for k, n := range sc.Results.Ballots.ByChannel {
			get(c, k).valid += n
		}
	}
	order := func(m map[string]*vi, first []string) []vi {
		var out []vi
		seen := map[string]bool{}
		for _, k := range first {
			if x := m[k]; x != nil && !seen[k] {
				seen[k] = true
				out = append(out, *x)
			}
		}
		var rest []string
		for k := range m {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			out = append(out, *m[k])
		}
		return out
	}
	var gk []string
	for _, rg := range sc.Survey.RaterGroups {
		gk = append(gk, rg.Key)
	}
	return order(g, gk), order(c, channelKeys())
}

// Formulas are the survey's scoring rules written out in Chinese, as
// (name, explanation) pairs: what the 汇总 sheet states and the results
// page repeats.
func Formulas(s *surveys.Survey) [][2]string {
	var out [][2]string
	add := func(name, text string) { out = append(out, [2]string{name, text}) }
	add("答案", "只计有效答卷中非“不了解”的答案，取所选选项的分值（0–100）；“不了解”计入答案数，不计分。")
	mean := "题目得分 m = 该题某群体对某对象全部答案分值之和 ÷ 答案数；没有答案时不计。"
	add("题目得分（平均分）", mean)
	if t := s.Scoring.Trim; t != nil {
		add("去极值平均分", fmt.Sprintf("答案数不少于 %d 个时，先去掉 %d 个最高分和 %d 个最低分，再求平均。", t.MinAnswers, t.DropHighest, t.DropLowest))
	}
	weighted := false
	for _, q := range s.Questions {
		if q.Scored() && q.PerSubject && q.QuestionWeight() != 1 {
			weighted = true
		}
	}
	if weighted {
		var parts []string
		for _, q := range s.Questions {
			if q.Scored() && q.PerSubject {
				parts = append(parts, fmt.Sprintf("%s %s", q.Title, fmtNum(q.QuestionWeight())))
			}
		}
		add("群体得分", "G = Σ(题目权重 × 题目得分) ÷ Σ题目权重，只计有得分的题目。题目权重："+strings.Join(parts, "、")+"。")
	} else {
		add("群体得分", "G = 该群体各计分题目得分的平均数，只计有得分的题目。")
	}
	var gw []string
	for _, g := range s.RaterGroups {
		gw = append(gw, fmt.Sprintf("%s %s", g.Name, fmtNum(g.Weight)))
	}
	groups := "各群体权重相同"
	if len(gw) > 0 {
		groups = "群体权重：" + strings.Join(gw, "、")
	}
	add("综合得分", "S = Σ(群体权重 × 群体得分) ÷ Σ群体权重，只计有得分的群体；"+groups+"。")
	add("维度得分", "同综合得分，只计该维度的题目。")
	denom := "非“不了解”的答案数"
	if s.Scoring.SatisfactionDenominator == "all" {
		denom = "全部答案数（含“不了解”）"
	}
	var sat []string
	for _, q := range s.Questions {
		if !q.PerSubject || q.Type != surveys.QSingle {
			continue
		}
		var labels []string
		for _, o := range q.Options {
			if o.Satisfied {
				labels = append(labels, o.Label)
			}
		}
		if len(labels) > 0 {
			sat = append(sat, q.Title+"："+strings.Join(labels, "、"))
		}
	}
	rate := "满意率 R = 选择“满意”类选项的答案数 ÷ " + denom + "，合并全部群体和全部题目。"
	if len(sat) > 0 {
		rate += "“满意”类选项——" + strings.Join(sat, "；") + "。"
	}
	add("满意率", rate)
	add("排名", "按综合得分从高到低；得分相差不超过 0.000000001 的并列同一名次（如 1、2、2、4）；没有得分的对象不排名、不评等次。")
	if len(s.Scoring.Grades) > 0 {
		var gs []string
		for _, g := range s.Scoring.Grades {
			x := fmt.Sprintf("%s：得分 ≥ %s", g.Label, fmtNum(g.MinScore))
			if g.MaxShare > 0 {
				x += fmt.Sprintf("，且人数不超过参评对象的 %s%%（向下取整）", fmtNum(g.MaxShare*100))
			}
			gs = append(gs, x)
		}
		add("推荐等次", "按名次依次评定，取第一个达到分数线且名额未满的等次："+strings.Join(gs, "；")+
			"。同一名次的对象放不进同一等次的剩余名额时，都不评该等次。推荐等次由党组织确定最终等次。")
	}
	add("显示", "得分保留两位小数（四舍五入），满意率保留一位小数的百分数；计算时使用完整精度。")
	return out
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// writeDistribution fills 题目分布: for each subject and each question about
// it, then for each question about the survey as a whole, one row per
// option (or scale value) with its count.
func writeDistribution(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	header := []string{"题号", "题目", "评价对象", "选项", "人数", "占比", "答案数", "不了解", "平均分", "满意率"}
	t, err := newTable(ctx, f, st, tableSpec{
		name: SheetDistribution, title: sc.Survey.Title + " · 题目分布", header: header,
		widths: []float64{8, 30, 14, 14, 8, 9, 8, 8, 9, 9}, maxRows: sc.MaxRows,
	})
	if err != nil {
		return err
	}
	block := func(qkey, subject string, answers, abstain int64, dist map[string]int64, mean, rate analytics.Number, abstainKnown bool) error {
		q, _ := sc.Survey.Question(qkey)
		title := qkey
		if q != nil {
			title = q.Title
		}
		for _, k := range distributionKeys(q, dist) {
			share := any(nil)
			if answers > 0 {
				share = excelize.Cell{StyleID: st.pct, Value: decimal.Round(float64(dist[k])/float64(answers), decimal.JSONPlaces)}
			}
			ab := any(nil)
			if abstainKnown {
				ab = st.count(abstain)
			}
			if err := t.add([]any{st.text(qkey), st.text(title), st.text(subject), st.text(optionLabel(q, k)),
				st.count(dist[k]), share, st.count(answers), ab, st.score(mean), st.rate(rate)}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range sc.Results.Subjects {
		for _, sq := range r.Questions {
			if err := block(sq.Question, r.Subject.Name, sq.Answers, sq.Abstain, sq.Distribution, sq.Mean, sq.SatisfactionRate, true); err != nil {
				return err
			}
		}
	}
	for _, qs := range sc.Results.Questions {
		var mean analytics.Number
		if qs.Mean != nil {
			mean = *qs.Mean
		}
		if err := block(qs.Question, "（整体）", qs.Answers, 0, qs.Distribution, mean, analytics.Number{}, false); err != nil {
			return err
		}
	}
	return t.close()
}

// distributionKeys orders a distribution: the question's options in their
// order, scale values numerically, anything else after, sorted.
func distributionKeys(q *surveys.Question, dist map[string]int64) []string {
	var keys []string
	seen := map[string]bool{}
	if q != nil {
		for _, o := range q.Options {
			if _, ok := dist[o.Key]; ok {
				keys = append(keys, o.Key)
				seen[o.Key] = true
			}
		}
	}
	var rest []string
	for k := range dist {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		a, aerr := strconv.Atoi(rest[i])
		b, berr := strconv.Atoi(rest[j])
		if aerr == nil && berr == nil {
			return a < b
		}
		if (aerr == nil) != (berr == nil) {
			return aerr == nil
		}
		return rest[i] < rest[j]
	})
	return append(keys, rest...)
}

// channelKeys are the channels' keys in the order the summary lists them.
func channelKeys() []string {
	var out []string
	for _, c := range surveys.Channels() {
		out = append(out, string(c))
	}
	return out
}
