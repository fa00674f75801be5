package exports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/feedback"
)

// The monthly notice of the 三率 assessment (通报): 排名 with the 红榜 and
// 黑榜, 失分明细, 高频问题 and 说明, each sheet printable as it is posted —
// A4 landscape, fitted to the page width, the title and header rows on
// every page, a header and footer naming the notice and the page.

// Sheet names of the assessment notice.
const (
	SheetAssessRanking = "排名"
	SheetAssessLost    = "失分明细"
	SheetAssessTopics  = "高频问题"
	SheetAssessNotes   = "说明"
)

// HonourSize is how many units the 红榜 and the 黑榜 each name.
const HonourSize = 5

// HotlineNotice is what the notice needs besides the assessment.
type HotlineNotice struct {
	Title    string // e.g. "2026年12月热线工单“三率”考核通报"
	Location *time.Location
	Now      time.Time
}

// assessStyles are the notice's styles beyond the shared ones.
type assessStyles struct {
	*sheetStyles
	pct2, red, black, redTxt, blackTxt, dash int
}

func newAssessStyles(f *excelize.File) (*assessStyles, error) {
	base, err := newSheetStyles(f)
	if err != nil {
		return nil, err
	}
	st := &assessStyles{sheetStyles: base}
	pct := "0.00%"
	top := &excelize.Alignment{Vertical: "top"}
	for _, d := range []struct {
		id *int
		s  *excelize.Style
	}{
		{&st.pct2, &excelize.Style{CustomNumFmt: &pct, Alignment: top}},
		{&st.red, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Color: "C00000"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDE9E7"}}, Alignment: top}},
		// A light grey, not black: the notice is printed and posted.
		{&st.black, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Color: "000000"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}, Alignment: top}},
		{&st.redTxt, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Color: "C00000"}, Alignment: top}},
		{&st.blackTxt, &excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Alignment: top}},
		// "—" (no value) aligned with the numbers of its column.
		{&st.dash, &excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "right"}}},
	} {
		if *d.id, err = f.NewStyle(d.s); err != nil {
			return nil, fmt.Errorf("assessment styles: %w", err)
		}
	}
	return st, nil
}

// WriteHotlineNotice writes the notice workbook of a to w.
func WriteHotlineNotice(w io.Writer, a *feedback.Assessment, n HotlineNotice) error {
	if n.Location == nil {
		n.Location = time.UTC
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newAssessStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetAssessRanking); err != nil {
		return fmt.Errorf("assessment sheet: %w", err)
	}
	for _, name := range []string{SheetAssessLost, SheetAssessTopics, SheetAssessNotes} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("assessment sheet: %w", err)
		}
	}
	nb := &notice{f: f, st: st, a: a, n: n}
	for _, part := range []func() error{nb.ranking, nb.lost, nb.topics, nb.notes} {
		if err := part(); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("write assessment: %w", err)
	}
	return nil
}

// notice writes the sheets of one workbook.
type notice struct {
	f  *excelize.File
	st *assessStyles
	a  *feedback.Assessment
	n  HotlineNotice
}

// sheet lays out one sheet: print setup, header and footer, widths, the
// merged title row and the header row (both repeated on every page).
func (nb *notice) sheet(name, title string, header []string, widths []float64) error {
	f := nb.f
	if err := setupSheet(f, name, pageSetup{title: nb.n.Title, cols: len(header), headRows: 2, landscape: true}); err != nil {
		return err
	}
	if err := noticeHeaderFooter(f, name, nb.n.Title, nb.n.Now.In(nb.n.Location)); err != nil {
		return err
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	end, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.MergeCell(name, "A1", end); err != nil {
		return err
	}
	if err := nb.put(name, 1, []any{excelize.Cell{StyleID: nb.st.title, Value: title}}); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, 1, 26); err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: nb.st.header, Value: h}
	}
	if err := nb.put(name, 2, head); err != nil {
		return err
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// noticeHeaderFooter prints the notice's title at the top of every page
// and the generation time and page number at the bottom. An & in the
// title is doubled: a single one starts a header code.
func noticeHeaderFooter(f *excelize.File, sheet, title string, now time.Time) error {
	t := strings.ReplaceAll(title, "&", "&&")
	err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&C&\"-,Bold\"" + t,
		OddFooter: "&L生成时间 " + now.Format("2006-01-02 15:04") + "&R第 &P 页，共 &N 页",
	})
	if err != nil {
		return fmt.Errorf("sheet %s header: %w", sheet, err)
	}
	return nil
}

// put writes cells (excelize.Cell values with their styles, or plain
// values) on row from column A.
func (nb *notice) put(sheet string, row int, cells []any) error {
	for i, v := range cells {
		ref, _ := excelize.CoordinatesToCellName(i+1, row)
		c, ok := v.(excelize.Cell)
		if !ok {
			c = excelize.Cell{Value: v}
		}
		if err := nb.f.SetCellValue(sheet, ref, c.Value); err != nil {
			return err
		}
		if c.StyleID != 0 {
			if err := nb.f.SetCellStyle(sheet, ref, ref, c.StyleID); err != nil {
				return err
			}
		}
	}
	return nil
}

// none is the cell of a value that is not defined.
func (nb *notice) none() excelize.Cell { return excelize.Cell{StyleID: nb.st.dash, Value: "—"} }

func (nb *notice) rate(r *float64) excelize.Cell {
	if r == nil {
		return nb.none()
	}
	return excelize.Cell{StyleID: nb.st.pct2, Value: *r}
}

func (nb *notice) score(x *float64) excelize.Cell {
	if x == nil {
		return nb.none()
	}
	return excelize.Cell{StyleID: nb.st.dec2, Value: *x}
}

func (nb *notice) count(n int) excelize.Cell { return excelize.Cell{StyleID: nb.st.int, Value: n} }

// Honours marks, by index in units (ranked first, as Assess orders them),
// the 红榜 and the 黑榜. With n ranked units each names k = min(HonourSize,
// n/2): the 红榜 every unit ranked k or better (ties at the edge included),
// the 黑榜 the last k positions except those already on the 红榜, so that
// nobody is on both and a small field is not all 红榜.
func Honours(units []feedback.AssessUnit) map[int]string {
	out := map[int]string{}
	ranked := 0
	for _, u := range units {
		if u.Ranked {
			ranked++
		}
	}
	k := min(HonourSize, ranked/2)
	for i := range ranked {
		switch {
		case *units[i].Rank <= k:
			out[i] = "红榜"
		case i >= ranked-k:
			out[i] = "黑榜"
		}
	}
	return out
}

var assessRankingHeader = []string{"名次", "单位", "工单数", "响应率", "解决率", "满意率", "综合得分", "较上期", "回访数", "榜单"}

// ranking fills 排名: the ranked units by rank, then the others apart.
func (nb *notice) ranking() error {
	const name = SheetAssessRanking
	a := nb.a
	title := nb.n.Title + "（" + a.Period.From + " 至 " + a.Period.To + "）"
	if err := nb.sheet(name, title, assessRankingHeader, []float64{8, 26, 9, 11, 11, 11, 11, 10, 9, 26}); err != nil {
		return err
	}
	marks := Honours(a.Units)
	row := 3
	for i, u := range a.Units {
		rank := nb.none()
		if u.Rank != nil {
			rank = nb.count(*u.Rank)
		}
		change := nb.score(u.Change)
		mark, style := marks[i], nb.st.txt
		switch {
		case mark == "红榜":
			style = nb.st.red
		case mark == "黑榜":
			style = nb.st.black
		case !u.Ranked:
			mark = "不参与排名（回访不足 " + strconv.Itoa(a.Settings.MinRated) + " 件）"
		}
		cells := []any{rank, excelize.Cell{StyleID: style, Value: u.Org.Name}, nb.count(u.Orders),
			nb.rate(u.ResponseRate), nb.rate(u.ResolutionRate), nb.rate(u.SatisfactionRate), nb.score(u.Score),
			change, nb.count(u.Rated), excelize.Cell{StyleID: style, Value: mark}}
		if err := nb.put(name, row, cells); err != nil {
			return err
		}
		row++
	}
	t := a.Total
	return nb.put(name, row, []any{nb.st.text(""), excelize.Cell{StyleID: nb.st.label, Value: "合计"}, nb.count(t.Orders),
		nb.rate(t.ResponseRate), nb.rate(t.ResolutionRate), nb.rate(t.SatisfactionRate), nb.score(t.Score),
		nb.st.text(""), nb.count(t.Rated), nb.st.text("")})
}
