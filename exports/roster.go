package exports

import (
	"context"
	"fmt"
	"io"
	"strings"

	"minyi"
	"minyi/surveys"
)

// Roster column headers. A header is recognised by any of its names, so
// rosters kept under slightly different headings still import.
var rosterColumns = []struct {
	names    []string
	required bool
}{
	{[]string{"姓名"}, true},
	{[]string{"所在支部", "所在党支部", "所在组织", "支部"}, true},
	{[]string{"职务"}, false},
	{[]string{"预备党员", "是否预备党员"}, false},
	{[]string{"党员编号", "编号"}, false},
}

// ReadRoster reads the member rows of a roster workbook: the first sheet,
// header row 1 (姓名, 所在支部, 职务, 预备党员, in any order), one member per
// row below. Blank rows are skipped but count towards the workbook's row
// limit (RosterLimits); each row keeps its spreadsheet row number. The
// values are returned as written: surveys interprets them. A hostile or
// oversized file is refused (422) before it costs memory, and ctx ends the
// read when the client is gone.
func ReadRoster(ctx context.Context, r io.Reader) ([]surveys.RosterRow, error) {
	wb, err := OpenWorkbook(ctx, r, RosterLimits())
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	sheets := wb.Sheets()
	if len(sheets) == 0 {
		return nil, fileError("empty", "名册中没有工作表")
	}
	var cols [5]int // column index of each rosterColumns entry, -1 if absent
	var out []surveys.RosterRow
	header := false
	err = wb.EachRow(ctx, sheets[0], func(n int, cells []string) error {
		if n == 1 {
			var err error
			cols, err = rosterHeader(cells)
			header = true
			return err
		}
		if blank(cells) {
			return nil
		}
		if len(out) == surveys.MaxRosterRows {
			return fileError("too_many_rows", fmt.Sprintf("名册最多%d行，请分批导入", surveys.MaxRosterRows))
		}
		out = append(out, surveys.RosterRow{
			Row: n, Name: cell(cells, cols[0]), Org: cell(cells, cols[1]),
			Title: cell(cells, cols[2]), Probationary: cell(cells, cols[3]), Number: cell(cells, cols[4]),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !header {
		return nil, fileError("empty", "名册是空的：第1行应为表头（姓名、所在支部、职务、预备党员）")
	}
	return out, nil
}

func rosterHeader(cells []string) ([5]int, error) {
	var cols [5]int
	var fe minyi.FieldErrors
	for i, c := range rosterColumns {
		cols[i] = -1
		for j, h := range cells {
			h = strings.TrimSpace(h)
			for _, name := range c.names {
				if h == name {
					cols[i] = j
				}
			}
		}
		if cols[i] < 0 && c.required {
			fe.Addf("file", "missing_column", "名册第1行缺少“%s”列", c.names[0])
		}
	}
	return cols, fe.Err()
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func fileError(code, msg string) error {
	var fe minyi.FieldErrors
	fe.Add("file", code, msg)
	return fe.Err()
}
