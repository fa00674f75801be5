package exports

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Print settings: every sheet of the workbooks prints on A4, fitted to the
// page width, landscape when its columns are wider than a portrait page,
// with its header rows repeated on each page, the title and the sheet name
// in the page header and "第 x 页，共 y 页" in the footer.

// pageSetup is one sheet's print setup.
type pageSetup struct {
	title     string // the page header's text (the sheet's title)
	cols      int
	headRows  int // rows repeated at the top of every printed page (0: none)
	landscape bool
}

// portraitWidth is how many column-width units fit across a portrait A4
// page at 100% (about 18 cm inside the default margins).
const portraitWidth = 96

// wide reports whether columns of these widths need a landscape page.
func wide(widths []float64) bool {
	var sum float64
	for _, w := range widths {
		sum += w
	}
	return sum > portraitWidth
}

// setupSheet gives a sheet its print setup. It must run before the sheet's
// StreamWriter is made: the stream writes the sheet properties (fit to
// page), the page setup and the header and footer it finds.
func setupSheet(f *excelize.File, sheet string, p pageSetup) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("sheet %s props: %w", sheet, err)
	}
	size, orient, across, down := 9, "portrait", 1, 0
	if p.landscape {
		orient = "landscape"
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &across, FitToHeight: &down}); err != nil {
		return fmt.Errorf("sheet %s layout: %w", sheet, err)
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + headerText(p.title) + "&R&A",
		OddFooter: "&C第 &P 页，共 &N 页",
	}); err != nil {
		return fmt.Errorf("sheet %s header: %w", sheet, err)
	}
	if p.headRows > 0 && p.cols > 0 {
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(sheet, "'", "''"), p.headRows),
		}); err != nil {
			return fmt.Errorf("sheet %s print titles: %w", sheet, err)
		}
	}
	return nil
}

// headerText is a title as page-header text, within Excel's 255
// characters: "&" starts a code there, so it is doubled.
func headerText(title string) string {
	r := []rune(title)
	if len(r) > 100 {
		r = r[:100]
	}
	return strings.ReplaceAll(string(r), "&", "&&")
}
