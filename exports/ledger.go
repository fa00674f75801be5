// Package exports writes Minyi's Excel workbooks to an io.Writer (scorecards,
// raw ballots, the work-order ledger) and reads its Excel imports. It knows
// nothing of HTTP or the store: callers hand it values and a writer.
package exports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/feedback"
)

// Sheet names of the ledger workbook.
const (
	SheetLedger = "工单台账"
	SheetStats  = "统计"
)

// Ledger is what the work-order ledger needs. Each streams the orders (the
// caller's phones already masked: the ledger never sees a clear number),
// so memory stays flat however many there are.
type Ledger struct {
	Period   string            // e.g. "2026-11-01 至 2026-11-30", shown on 统计
	OrgNames map[string]string // org id → name
	Location *time.Location    // times are shown in this zone
	Now      time.Time         // generation time; decides "overdue"
	Each     func(fn func(*feedback.Order) error) error
	// CategoryLabel names a category key path (nil: the path is shown).
	CategoryLabel func(string) string
}

// categoryName is an order's category as 问题分类 shows it.
func (l Ledger) categoryName(path string) string {
	if l.CategoryLabel != nil {
		if name := l.CategoryLabel(path); name != "" {
			return name
		}
	}
	return path
}

var ledgerHeader = []string{
	"工单编号", "受理时间", "来源", "类别", "紧急程度", "反映人", "联系电话", "反映内容", "地点",
	"承办组织", "状态", "办理时限", "是否超期", "回复时间", "按时回复", "延期次数", "督办次数", "重办次数", "办理结果", "问题分类",
}

// ledgerWidths keep the sheet printable: A4 landscape fitted to the page
// width, the content wrapped in its column.
var ledgerWidths = []float64{15, 16, 8, 6, 8, 8, 13, 36, 14, 14, 8, 16, 8, 16, 8, 8, 8, 8, 16, 16}

// ledgerStyles are the cell styles the ledger uses.
type ledgerStyles struct {
	header, text, time, int, percent int
}

func newLedgerStyles(f *excelize.File) (ledgerStyles, error) {
	var st ledgerStyles
	var err error
	// Text format (@, built-in 49) on every free-text cell: a value such as
	// "=HYPERLINK(...)" stays text even when someone edits the cell in Excel.
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return st, err
	}
	if st.header, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F0F0F0"}}}); err != nil {
		return st, err
	}
	format := "yyyy-mm-dd hh:mm"
	if st.time, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return st, err
	}
	if st.int, err = f.NewStyle(&excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return st, err
	}
	st.percent, err = f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	return st, err
}

// WriteLedger writes the ledger workbook (工单台账 and 统计) to w and returns
// the statistics it computed along the way.
func WriteLedger(w io.Writer, l Ledger) (*feedback.Stats, error) {
	if l.Location == nil {
		l.Location = time.UTC
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newLedgerStyles(f)
	if err != nil {
		return nil, fmt.Errorf("ledger styles: %w", err)
	}
	if err := f.SetSheetName("Sheet1", SheetLedger); err != nil {
		return nil, fmt.Errorf("ledger sheet: %w", err)
	}
	stats := feedback.NewStats()
	units := unitStats{}
	if err := writeOrders(f, st, l, stats, units); err != nil {
		return nil, err
	}
	stats.Finish()
	if err := writeStats(f, st, l, stats, units); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	if err := writeWorkbook(f, w); err != nil {
		return nil, fmt.Errorf("write ledger: %w", err)
	}
	return stats, nil
}

// writeOrders streams the ledger rows, opening a further sheet whenever
// one is full.
func writeOrders(f *excelize.File, st ledgerStyles, l Ledger, stats *feedback.Stats, units unitStats) error {
	sheet := 1
	sw, err := startLedgerSheet(f, st, SheetLedger)
	if err != nil {
		return err
	}
	row := 2
	// finish gives the filled rows filter buttons (an Excel table) and
	// flushes the sheet.
	finish := func() error {
		if row > 2 {
			last, _ := excelize.CoordinatesToCellName(len(ledgerHeader), row-1)
			show := false
			if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: fmt.Sprintf("Ledger%d", sheet), ShowRowStripes: &show}); err != nil {
				return err
			}
		}
		return sw.Flush()
	}
	err = l.Each(func(o *feedback.Order) error {
		stats.Add(o, l.Now)
		units.add(o, l.Now)
		if row > MaxSheetRows { // continue on 工单台账2, 工单台账3…
			if err := finish(); err != nil {
				return err
			}
			sheet++
			name := fmt.Sprintf("%s%d", SheetLedger, sheet)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if sw, err = startLedgerSheet(f, st, name); err != nil {
				return err
			}
			row = 2
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, ledgerRow(o, st, l))
	})
	if err != nil {
		return fmt.Errorf("ledger rows: %w", err)
	}
	if err := finish(); err != nil {
		return fmt.Errorf("ledger flush: %w", err)
	}
	return nil
}

func startLedgerSheet(f *excelize.File, st ledgerStyles, name string) (*excelize.StreamWriter, error) {
	// Print setup first: the stream writes the sheet's properties before
	// its rows.
	if err := setupSheet(f, name, pageSetup{cols: len(ledgerHeader), headRows: 1, landscape: true}); err != nil {
		return nil, err
	}
	if err := ledgerHeaderFooter(f, name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("ledger stream: %w", err)
	}
	for i, wd := range ledgerWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := make([]any, len(ledgerHeader))
	for i, h := range ledgerHeader {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	return sw, nil
}

func ledgerRow(o *feedback.Order, st ledgerStyles, l Ledger) []any {
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: s} }
	when := func(t *time.Time) any {
		if t == nil || t.IsZero() {
			return text("")
		}
		return excelize.Cell{StyleID: st.time, Value: wall(*t, l.Location)}
	}
	num := func(n int) excelize.Cell { return excelize.Cell{StyleID: st.int, Value: n} }
	yesNo := func(b bool) excelize.Cell {
		if b {
			return text("是")
		}
		return text("否")
	}
	onTime := text("")
	if o.OnTime != nil {
		onTime = yesNo(*o.OnTime)
	}
	org := l.OrgNames[o.OrgID]
	if org == "" {
		org = o.OrgID
	}
	created, due := o.CreatedAt, o.DueAt
	// MaskPhone is idempotent on its own output, so masking again costs
	// nothing and guarantees the ledger never shows a clear number even if
	// a caller handed one in by mistake.
	return []any{
		text(o.Number), when(&created), text(o.Channel.Label()), text(o.Kind.Label()), text(o.Urgency.Label()),
		text(o.Caller.Name), text(feedback.MaskPhone(o.Caller.Phone)), text(o.Content), text(o.Location),
		text(org), text(o.Status.Label()), when(&due), yesNo(o.Overdue(l.Now)), when(o.RepliedAt), onTime,
		num(o.Extensions), num(o.Supervised), num(o.Reopened), text(o.Verdict()), text(l.categoryName(o.Category)),
	}
}

// wall re-expresses t's local wall-clock time as UTC, because Excel has no
// time zones: the cell then shows the Beijing time the operator saw.
func wall(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// writeStats fills the 统计 sheet: the period, each figure with how it is
// computed, then counts by kind, status and org.
func writeStats(f *excelize.File, st ledgerStyles, l Ledger, s *feedback.Stats, units unitStats) error {
	if _, err := f.NewSheet(SheetStats); err != nil {
		return fmt.Errorf("stats sheet: %w", err)
	}
	var rows [][]any
	add := func(cells ...any) { rows = append(rows, cells) }
	rate := func(r *float64) any {
		if r == nil {
			return "—"
		}
		return *r
	}
	add("工单统计")
	add("统计期间", l.Period)
	add("生成时间", l.Now.In(l.Location).Format("2006-01-02 15:04"))
	add()
	add("指标", "数值", "计算方法")
	add("工单总数", s.Total, "期间内受理的工单数")
	add("已回复", s.Replied, "承办单位已回复（重办后以最新一轮为准）")
	add("按时回复", s.OnTime, "回复时间不晚于办理时限（含延期）")
	add("按时办结率", rate(s.OnTimeRate), "按时回复 ÷ 已回复")
	add("回访数", s.Callbacks, "已回访且评价有效的工单")
	add("满意", s.Satisfied, "")
	add("基本满意", s.Basic, "")
	add("不满意", s.Unsatisfied, "")
	add("满意率", rate(s.SatisfactionRate), "满意 ÷ 回访数")
	add("基本满意率", rate(s.BasicSatisfactionRate), "（满意 + 基本满意）÷ 回访数")
	add("解决率", rate(s.ResolutionRate), fmt.Sprintf("（已解决 + %g × 部分解决）÷ 回访时给出解决情况的工单数", feedback.PartlyResolved))
	add("重办工单数", s.Reopened, fmt.Sprintf("至少重办一次的工单（共重办 %d 次）", s.Reopens))
	add("超期未回复", s.Overdue, "生成时仍未回复且已过办理时限")
	add("督办工单数", s.Supervised, "至少督办一次的工单")
	add()
	add("类别", "数量")
	for _, k := range feedback.Kinds {
		add(k.Label(), s.ByKind[k])
	}
	add()
	add("问题分类", "数量")
	for _, c := range byCount(s.ByCategory) {
		add(l.categoryName(c), s.ByCategory[c])
	}
	add()
	add("状态", "数量")
	for _, x := range feedback.Statuses {
		add(x.Label(), s.ByStatus[x])
	}
	add()
	unitsAt := len(rows) + 1
	for _, r := range units.rows(l.OrgNames) {
		add(r...)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			style := st.int
			switch v.(type) {
			case string:
				style = st.text
			case float64:
				style = st.percent
			}
			if err := f.SetCellValue(SheetStats, cell, v); err != nil {
				return err
			}
			if err := f.SetCellStyle(SheetStats, cell, cell, style); err != nil {
				return err
			}
		}
	}
	for r, cols := range map[int]int{1: 3, 5: 3, unitsAt: len(unitHeader)} {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		end, _ := excelize.CoordinatesToCellName(cols, r)
		if err := f.SetCellStyle(SheetStats, cell, end, st.header); err != nil {
			return err
		}
	}
	return statsLayout(f)
}

// statsLayout prints 统计 like the ledger and sizes its columns.
func statsLayout(f *excelize.File) error {
	if err := setupSheet(f, SheetStats, pageSetup{cols: len(unitHeader), landscape: true}); err != nil {
		return err
	}
	if err := ledgerHeaderFooter(f, SheetStats); err != nil {
		return err
	}
	for _, c := range []struct {
		from, to string
		w        float64
	}{{"A", "A", 16}, {"B", "B", 22}, {"C", "C", 28}, {"D", "H", 12}} {
		if err := f.SetColWidth(SheetStats, c.from, c.to, c.w); err != nil {
			return err
		}
	}
	return nil
}

// byCount is the keys of counts, the largest count first (ties by key).
func byCount(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	return keys
}
