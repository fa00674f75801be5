package exports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"minyi/commitments"
	"minyi/decimal"
)

// Sheet names of the commitments ledger workbook.
const (
	SheetCommitments     = "承诺台账"
	SheetCommitmentStats = "统计"
	SheetCommitmentNotes = "说明"
)

var commitmentLedgerHeader = []string{
	"序号", "所属组织", "承诺主体", "主体类型", "时期", "类别", "承诺内容", "衡量目标", "完成时限", "责任人",
	"状态", "版本数", "审核结论", "退回理由", "完成进度(%)", "最近进展", "结果", "情况说明", "是否超期", "评诺得分",
}

var commitmentLedgerWidths = []float64{5, 12, 10, 7, 10, 6, 30, 24, 11, 8, 8, 6, 8, 16, 8, 20, 8, 22, 7, 8}

var commitmentStatsHeader = []string{
	"组织", "承诺数", "一次审核通过", "被退回", "到期承诺", "已兑现", "部分兑现", "未兑现", "超期", "兑现率", "平均评诺得分",
}

// ledgerBook holds the styles of the commitments workbooks.
type ledgerBook struct {
	f                                       *excelize.File
	title, head, txt, wrap, int, pct, score int
}

func newLedgerBook() (*ledgerBook, error) {
	b := &ledgerBook{f: excelize.NewFile()}
	st, err := newSheetStyles(b.f)
	if err != nil {
		b.f.Close()
		return nil, err
	}
	b.title, b.head, b.txt, b.wrap, b.int, b.score = st.title, st.header, st.txt, st.wrap, st.int, st.dec2
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	if b.wrap, err = b.f.NewStyle(&excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		b.f.Close()
		return nil, err
	}
	pctFmt := "0.00%"
	if b.pct, err = b.f.NewStyle(&excelize.Style{CustomNumFmt: &pctFmt, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		b.f.Close()
		return nil, err
	}
	return b, nil
}

// sheet names and prints a sheet: landscape (or portrait), fitted to one
// page wide, headRows repeated on every page, a header and a page footer.
func (b *ledgerBook) sheet(index int, name, head string, cols, headRows int, portrait bool) error {
	if index == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	if err := setupSheet(b.f, name, pageSetup{title: head, cols: cols, headRows: headRows, landscape: !portrait}); err != nil {
		return err
	}
	return b.f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + escapeHF(head) + "&R" + name,
		OddFooter: "&C第 &P 页，共 &N 页",
	})
}

// escapeHF doubles the ampersands of a header text (Excel's code character).
func escapeHF(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '&' {
			out = append(out, '&')
		}
		out = append(out, r)
	}
	return string(out)
}

// row writes cells on row n of sheet from column 1.
func (b *ledgerBook) row(sheet string, n int, cells []any) error {
	ref, err := excelize.CoordinatesToCellName(1, n)
	if err != nil {
		return err
	}
	return b.f.SetSheetRow(sheet, ref, &cells)
}

// fitHeight gives row n the height its wrapped text needs in columns of
// widths (LibreOffice does not grow a row for wrapped text on opening):
// 15 points a line, the lines of a cell its text width over the column's.
func (b *ledgerBook) fitHeight(sheet string, n int, cells []any, widths []float64) error {
	lines := 1.0
	for i, c := range cells {
		s, ok := c.(string)
		if !ok || i >= len(widths) {
			continue
		}
		for _, part := range strings.Split(s, "\n") {
			lines += max(0, math.Ceil(textWidth(part)/(widths[i]-1))-1)
		}
		lines = max(lines, float64(strings.Count(s, "\n")+1))
	}
	if lines <= 1 {
		return nil
	}
	return b.f.SetRowHeight(sheet, n, min(15*lines, 409))
}

// styled sets style on row n, columns 1..cols.
func (b *ledgerBook) styled(sheet string, n, from, to, style int) error {
	a, _ := excelize.CoordinatesToCellName(from, n)
	z, _ := excelize.CoordinatesToCellName(to, n)
	return b.f.SetCellStyle(sheet, a, z, style)
}

func (b *ledgerBook) header(sheet string, n int, head []string, widths []float64) error {
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = h
	}
	if err := b.row(sheet, n, cells); err != nil {
		return err
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	if err := b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: n, TopLeftCell: "A" + strconv.Itoa(n+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return b.styled(sheet, n, 1, len(head), b.head)
}

// WriteCommitmentLedger writes the commitments ledger (承诺台账, 统计, 说明) of l to w.
func WriteCommitmentLedger(w io.Writer, l *commitments.Ledger) error {
	b, err := newLedgerBook()
	if err != nil {
		return err
	}
	defer b.f.Close()
	head := l.Org.Name + " " + l.PeriodLabel + " 承诺台账"
	if err := b.sheet(0, SheetCommitments, head, len(commitmentLedgerHeader), 1, false); err != nil {
		return fmt.Errorf("ledger sheet: %w", err)
	}
	if err := b.ledgerRows(l); err != nil {
		return fmt.Errorf("ledger rows: %w", err)
	}
	if err := b.sheet(1, SheetCommitmentStats, head, len(commitmentStatsHeader), 1, false); err != nil {
		return fmt.Errorf("stats sheet: %w", err)
	}
	if err := b.statsRows(l); err != nil {
		return fmt.Errorf("stats rows: %w", err)
	}
	if err := b.sheet(2, SheetCommitmentNotes, head, 2, 0, true); err != nil {
		return fmt.Errorf("notes sheet: %w", err)
	}
	if err := b.notes(l); err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	b.f.SetActiveSheet(0)
	return writeWorkbook(b.f, w)
}

func (b *ledgerBook) ledgerRows(l *commitments.Ledger) error {
	sh := SheetCommitments
	if err := b.header(sh, 1, commitmentLedgerHeader, commitmentLedgerWidths); err != nil {
		return err
	}
	for i, r := range l.Rows {
		n := i + 2
		overdue := "否"
		if r.Overdue(l.Today) {
			overdue = "是"
		}
		var score any = ""
		if r.Score.Valid {
			score = decimal.Round(r.Score.Value, decimal.DisplayPlaces)
		}
		cells := []any{i + 1, r.OrgName, r.Owner.Name, r.Owner.Type.Label(), commitments.PeriodLabel(r.Period), r.Area.Label(),
			r.Content.Content, r.Target, r.Due, r.Responsible, r.Status.Label(), r.Versions, decisionLabel(r.Decision),
			returnReason(r.Commitment), r.Percent, r.Note, r.Outcome.Label(), r.Explanation, overdue, score}
		if err := b.row(sh, n, cells); err != nil {
			return err
		}
		if err := b.fitHeight(sh, n, cells, commitmentLedgerWidths); err != nil {
			return err
		}
		if err := b.styled(sh, n, 2, 11, b.wrap); err != nil {
			return err
		}
		if err := b.styled(sh, n, 13, 14, b.wrap); err != nil {
			return err
		}
		if err := b.styled(sh, n, 16, 19, b.wrap); err != nil {
			return err
		}
		if err := b.styled(sh, n, 20, 20, b.score); err != nil {
			return err
		}
	}
	if len(l.Rows) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(commitmentLedgerHeader), len(l.Rows)+1)
		if err := b.f.AutoFilter(sh, "A1:"+last, nil); err != nil {
			return err
		}
		// The filter rewrites the sheet properties: fit to the page again.
		fit := true
		return b.f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit})
	}
	return nil
}

func decisionLabel(d string) string {
	switch d {
	case commitments.EventApprove:
		return "通过"
	case commitments.EventReturn:
		return "退回"
	}
	return "未审核"
}

// returnReason is the reason of the last return, kept on the commitment
// while it is returned and as the last decision's reason otherwise.
func returnReason(c commitments.Commitment) string {
	if c.Decision == commitments.EventReturn {
		return c.Reason
	}
	return ""
}

func (b *ledgerBook) statsRows(l *commitments.Ledger) error {
	sh := SheetCommitmentStats
	if err := b.header(sh, 1, commitmentStatsHeader, []float64{22, 8, 12, 8, 10, 8, 10, 8, 8, 10, 14}); err != nil {
		return err
	}
	stats := l.Stats
	if l.Total != nil && len(stats) > 1 {
		stats = append(stats[:len(stats):len(stats)], *l.Total)
	}
	for i, s := range stats {
		n := i + 2
		var rate, score any = "", ""
		if s.FulfilledRate.Valid {
			rate = decimal.Round(s.FulfilledRate.Value, decimal.JSONPlaces)
		}
		if s.EvaluationScore.Valid {
			score = decimal.Round(s.EvaluationScore.Value, decimal.DisplayPlaces)
		}
		cells := []any{s.Org.Name, s.Commitments, s.ApprovedFirstTime, s.Returned, s.Due, s.Fulfilled, s.Partly, s.Unfulfilled, s.Overdue, rate, score}
		if err := b.row(sh, n, cells); err != nil {
			return err
		}
		if err := b.styled(sh, n, 1, 1, b.txt); err != nil {
			return err
		}
		if err := b.styled(sh, n, 10, 10, b.pct); err != nil {
			return err
		}
		if err := b.styled(sh, n, 11, 11, b.score); err != nil {
			return err
		}
	}
	return nil
}

func (b *ledgerBook) notes(l *commitments.Ledger) error {
	sh := SheetCommitmentNotes
	if err := b.f.SetCellValue(sh, "A1", l.Org.Name+" "+l.PeriodLabel+" 公开承诺统计说明"); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sh, "A1", "A1", b.title); err != nil {
		return err
	}
	if err := b.row(sh, 2, []any{"统计日期", l.Today}); err != nil {
		return err
	}
	for i, d := range commitments.Definitions {
		if err := b.row(sh, i+4, []any{d[0], d[1]}); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth(sh, "A", "A", 14); err != nil {
		return err
	}
	if err := b.f.SetColWidth(sh, "B", "B", 80); err != nil {
		return err
	}
	last := strconv.Itoa(len(commitments.Definitions) + 3)
	return b.f.SetCellStyle(sh, "A2", "B"+last, b.wrap)
}
