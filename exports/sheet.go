package exports

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Cell safety. Every text a person typed (a comment, a name, a title, an
// option label) reaches a sheet only through text() (streamed sheets) or
// SetCellStr with the txt style (the small roster template): a string,
// never a formula, so "=HYPERLINK(...)", "+1", "-2", "@SUM" or a leading
// tab or CR is shown as typed. Its style carries the text number format
// "@" (built-in 49) as well, so the value stays text even after someone
// edits the cell in Excel. No code in this package sets Cell.Formula or
// calls SetCellFormula.

// MaxSheetRows is Excel's row limit; a streamed table continues on
// "name(2)", "name(3)"… beyond it.
const MaxSheetRows = 1048576

// sheetStyles are the cell styles the scorecard workbooks use.
type sheetStyles struct {
	title, header, txt, wrap, int, dec2, pct, time, label int
}

func newSheetStyles(f *excelize.File) (*sheetStyles, error) {
	st := &sheetStyles{}
	top := &excelize.Alignment{Vertical: "top"}
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	scoreFmt, pctFmt, timeFmt := "0.00", "0.0%", "yyyy-mm-dd hh:mm:ss"
	defs := []struct {
		id *int
		s  *excelize.Style
	}{
		{&st.title, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&st.header, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&st.txt, &excelize.Style{NumFmt: 49, Alignment: top, Border: border}},
		{&st.wrap, &excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border}},
		{&st.int, &excelize.Style{NumFmt: 1, Alignment: top, Border: border}},
		{&st.dec2, &excelize.Style{CustomNumFmt: &scoreFmt, Alignment: top, Border: border}},
		{&st.pct, &excelize.Style{CustomNumFmt: &pctFmt, Alignment: top, Border: border}},
		{&st.time, &excelize.Style{CustomNumFmt: &timeFmt, Alignment: top, Border: border}},
		{&st.label, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Alignment: top, Border: border}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.s)
		if err != nil {
			return nil, fmt.Errorf("sheet styles: %w", err)
		}
		*d.id = id
	}
	return st, nil
}

// text is a text cell: see "Cell safety" above.
func (st *sheetStyles) text(s string) excelize.Cell {
	return excelize.Cell{StyleID: st.txt, Value: s}
}

// textWidth is how many column-width units s needs: East Asian wide
// characters (汉字, full-width forms) take two, others one.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == '\n':
			return w // a wrapped cell: the first line decides
		case isWide(r):
			w += 2
		default:
			w++
		}
	}
	return w
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		r >= 0x2E80 && r <= 0x303F || // CJK radicals, punctuation 、。「」
		r >= 0x3040 && r <= 0x30FF || // kana
		r >= 0xAC00 && r <= 0xD7A3 || // hangul
		r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 // full-width forms （），：
}

// fitWidth is a column width for content of width w units, within limits:
// a little padding, never narrower than min or wider than max.
func fitWidth(w, minW, maxW float64) float64 {
	w += 2
	if w < minW {
		return minW
	}
	if w > maxW {
		return maxW
	}
	return w
}

// cellDisplay is roughly what a cell shows, to size its column.
func cellDisplay(v any) string {
	switch c := v.(type) {
	case nil:
		return ""
	case excelize.Cell:
		return cellDisplay(c.Value)
	case string:
		return c
	case float64:
		return fmt.Sprintf("%.2f", c)
	default:
		return fmt.Sprint(c)
	}
}

// tableSpec describes a streamed table: a title row (merged across the
// columns), a header row that stays frozen, is repeated on every printed
// page and carries filter buttons, then the data rows. Printed A4
// landscape, fitted to the page width.
type tableSpec struct {
	name    string // sheet name; continuation sheets are name(2), name(3)…
	title   string
	header  []string
	widths  []float64
	maxRows int // rows per sheet, title and header included
	// finish runs on each sheet after its last row and before it is
	// flushed (conditional formats over the rows written).
	finish func(f *excelize.File, sheet string, lastRow int) error
}

// table streams one tableSpec into a workbook.
type table struct {
	f    *excelize.File
	st   *sheetStyles
	spec tableSpec

	seq   int    // number of the current sheet, 1-based
	sheet string // its name
	sw    *excelize.StreamWriter
	row   int // the next row to write on the current sheet
	rows  int64
	ctx   context.Context
}

// newTable opens the table's first sheet, which must already exist (sheets
// are created up front so that they keep the workbook's order).
func newTable(ctx context.Context, f *excelize.File, st *sheetStyles, spec tableSpec) (*table, error) {
	if spec.maxRows <= 0 || spec.maxRows > MaxSheetRows {
		spec.maxRows = MaxSheetRows
	}
	if spec.maxRows < 3 {
		return nil, fmt.Errorf("table %s: at least 3 rows per sheet", spec.name)
	}
	t := &table{f: f, st: st, spec: spec, ctx: ctx}
	return t, t.open(spec.name)
}

func (t *table) open(name string) error {
	t.seq++
	t.sheet, t.row = name, 1
	if err := setupSheet(t.f, name, pageSetup{title: t.spec.title, cols: len(t.spec.header), headRows: 2, landscape: wide(t.spec.widths)}); err != nil {
		return err
	}
	sw, err := t.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	t.sw = sw
	for i, w := range t.spec.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := t.titleRow(); err != nil {
		return err
	}
	head := make([]any, len(t.spec.header))
	for i, h := range t.spec.header {
		head[i] = excelize.Cell{StyleID: t.st.header, Value: h}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	t.row = 3
	return nil
}

func (t *table) titleRow() error {
	title := t.spec.title
	if t.seq > 1 {
		title = fmt.Sprintf("%s（续 %d）", title, t.seq)
	}
	if err := t.sw.SetRow("A1", []any{excelize.Cell{StyleID: t.st.title, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if n := len(t.spec.header); n > 1 {
		end, _ := excelize.CoordinatesToCellName(n, 1)
		return t.sw.MergeCell("A1", end)
	}
	return nil
}

// add writes one data row, moving on to a new sheet when this one is full.
// It checks ctx every 256 rows, so a cancelled export stops promptly.
func (t *table) add(cells []any) error {
	if t.rows&255 == 0 {
		if err := t.ctx.Err(); err != nil {
			return err
		}
	}
	if t.row > t.spec.maxRows {
		if err := t.close(); err != nil {
			return err
		}
		name := fmt.Sprintf("%s(%d)", t.spec.name, t.seq+1)
		if _, err := t.f.NewSheet(name); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if err := t.open(name); err != nil {
			return err
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	if err := t.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", t.sheet, t.row, err)
	}
	t.row++
	t.rows++
	return nil
}

// close gives the current sheet its filter range and flushes it.
func (t *table) close() error {
	last := t.row - 1
	if last < 3 {
		last = 3 // filter buttons on the header even over no rows
	}
	end, _ := excelize.CoordinatesToCellName(len(t.spec.header), last)
	if err := t.f.AutoFilter(t.sheet, "A2:"+end, nil); err != nil {
		return fmt.Errorf("sheet %s filter: %w", t.sheet, err)
	}
	if t.spec.finish != nil && t.row > 3 {
		if err := t.spec.finish(t.f, t.sheet, t.row-1); err != nil {
			return fmt.Errorf("sheet %s: %w", t.sheet, err)
		}
	}
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s flush: %w", t.sheet, err)
	}
	return nil
}

// widthsFor sizes columns to the header and the rows given.
func widthsFor(header []string, rows [][]any, minW, maxW float64) []float64 {
	w := make([]float64, len(header))
	for i, h := range header {
		w[i] = textWidth(h)
	}
	for _, r := range rows {
		for i, v := range r {
			if i < len(w) {
				w[i] = max(w[i], textWidth(cellDisplay(v)))
			}
		}
	}
	for i := range w {
		w[i] = fitWidth(w[i], minW, maxW)
	}
	return w
}

// writeWorkbook zips f straight into w. excelize's own Write first zips
// the whole workbook into a memory buffer (as large as the file: hundreds
// of MB for a million ballots); handing it a zip writer over w keeps memory
// flat. Its buffer then stays empty, so Write adds nothing after the zip.
func writeWorkbook(f *excelize.File, w io.Writer) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(w)
}
