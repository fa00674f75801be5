package exports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/assessments"
	"minyi/decimal"
)

// WriteAssessment writes the annual scorecard workbook of an assessment
// (考评结果汇总表) from its View — the numbers the results page shows — and
// its Trend:
//
//   - 综合排名: every subject with each component, score, rank, change,
//     recommended and final tier and the vetoes that capped it; 红榜 and
//     黑榜 highlighted, subjects with too little data listed apart;
//   - one 分项 sheet per component, tracing each value to its source;
//   - 趋势: the score and rank in every period of the scheme;
//   - 公示与异议: the publicity and every objection with its answer;
//   - 说明: weights, tiers, quotas, vetoes and the formulas.
//
// Every sheet prints A4 landscape, one page wide, its header row repeated,
// with the title and "第 x 页，共 y 页".
func WriteAssessment(w io.Writer, v *assessments.View, t *assessments.Trend, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &asBook{f: f, title: v.Assessment.Title}
	if err := b.styles(); err != nil {
		return err
	}
	steps := []func() error{
		func() error { return asWriteRanking(b, v, loc) },
		func() error { return asWriteComponents(b, v) },
		func() error { return asWriteTrend(b, t) },
		func() error { return asWriteObjections(b, v, loc) },
		func() error { return asWriteMethod(b, v) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return fmt.Errorf("assessment workbook: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write assessment workbook: %w", err)
	}
	return nil
}

// asBook is a small, fully formatted workbook written cell by cell (an
// assessment has at most a few thousand subjects).
type asBook struct {
	f                                                       *excelize.File
	title                                                   string
	head, txt, wrap, num, intS, titleS, red, black, note, b int
}

func (b *asBook) styles() error {
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	two := "0.00"
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.titleS, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Size: 15}}},
		{&b.note, excelize.Style{NumFmt: 49, Font: &excelize.Font{Color: "404040"}}},
		{&b.head, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Border: border, Fill: fill("DDEBF7"),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&b.txt, excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&b.wrap, excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&b.num, excelize.Style{CustomNumFmt: &two, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&b.intS, excelize.Style{NumFmt: 1, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&b.red, excelize.Style{NumFmt: 1, Border: border, Fill: fill("FCE4D6"), Font: &excelize.Font{Bold: true, Color: "C00000"},
			Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&b.black, excelize.Style{NumFmt: 1, Border: border, Fill: fill("E7E6E6"), Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&b.b, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}},
	}
	for _, d := range defs {
		id, err := b.f.NewStyle(&d.s)
		if err != nil {
			return fmt.Errorf("assessment workbook styles: %w", err)
		}
		*d.id = id
	}
	return nil
}

// sheet starts a sheet: its title row, note rows, then the header at the
// row after them, repeated on every printed page. It returns the first
// data row.
func (b *asBook) sheet(name string, notes []string, header []string, widths []float64) (int, error) {
	if _, err := b.f.NewSheet(name); err != nil {
		return 0, fmt.Errorf("sheet %s: %w", name, err)
	}
	last, _ := excelize.ColumnNumberToName(max(len(header), 1))
	row := 1
	for i, n := range append([]string{b.title}, notes...) {
		st := b.note
		if i == 0 {
			st = b.titleS
		}
		if err := b.set(name, 1, row, n, st); err != nil {
			return 0, err
		}
		if err := b.f.MergeCell(name, fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", last, row)); err != nil {
			return 0, fmt.Errorf("sheet %s merge: %w", name, err)
		}
		row++
	}
	for i, h := range header {
		if err := b.set(name, i+1, row, h, b.head); err != nil {
			return 0, err
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(name, col, col, w); err != nil {
			return 0, fmt.Errorf("sheet %s widths: %w", name, err)
		}
	}
	return row + 1, b.print(name, row, len(header))
}

// print sets A4 landscape, one page wide, the header row repeated and the
// header/footer.
func (b *asBook) print(name string, headRow, cols int) error {
	fit := true
	if err := b.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("sheet %s props: %w", name, err)
	}
	size, orient, wide, tall := 9, "landscape", 1, 0
	if err := b.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return fmt.Errorf("sheet %s layout: %w", name, err)
	}
	if err := b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(name, "'", "''"), headRow, headRow)}); err != nil {
		return fmt.Errorf("sheet %s print titles: %w", name, err)
	}
	hf := "&C" + strings.ReplaceAll(b.title, "&", "&&") + " — " + name
	if err := b.f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{OddHeader: hf, OddFooter: "&C第 &P 页，共 &N 页"}); err != nil {
		return fmt.Errorf("sheet %s header: %w", name, err)
	}
	return nil
}

// set writes one cell: text as a string (never a formula), numbers as
// numbers.
func (b *asBook) set(sheet string, col, row int, v any, style int) error {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	var err error
	switch x := v.(type) {
	case string:
		err = b.f.SetCellStr(sheet, cell, x)
	case nil:
	default:
		err = b.f.SetCellValue(sheet, cell, x)
	}
	if err == nil {
		err = b.f.SetCellStyle(sheet, cell, cell, style)
	}
	if err != nil {
		return fmt.Errorf("sheet %s cell %s: %w", sheet, cell, err)
	}
	return nil
}

// row writes cells from column 1, numbers (float64, rounded to two places)
// with the number style, the rest as text; style overrides the text style
// when not zero.
func (b *asBook) row(sheet string, r int, cells []any, style int) error {
	for i, v := range cells {
		st := b.txt
		switch x := v.(type) {
		case float64:
			v, st = decimal.Round(x, 2), b.num
		case int:
			st = b.intS
		case string:
			if len([]rune(x)) > 12 {
				st = b.wrap
			}
		}
		if style != 0 {
			st = style
		}
		if err := b.set(sheet, i+1, r, v, st); err != nil {
			return err
		}
	}
	return nil
}

// asNumCell is n as a cell: rounded, or "—" when undefined.
func asNumCell(n analytics.Number) any {
	if !n.Valid {
		return "—"
	}
	return decimal.Round(n.Value, 2)
}

// fitRow makes row r tall enough for text wrapped in a column of width
// units (LibreOffice does not grow rows for wrapped text on its own).
func (b *asBook) fitRow(sheet string, r int, text string, width float64) error {
	lines := math.Ceil(textWidth(text) / (width - 2))
	if lines <= 1 {
		return nil
	}
	if err := b.f.SetRowHeight(sheet, r, 15*lines); err != nil {
		return fmt.Errorf("sheet %s row height: %w", sheet, err)
	}
	return nil
}
