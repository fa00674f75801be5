package exports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

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
}

// ReadRoster reads the member rows of a roster workbook: the first sheet,
// header row 1 (姓名, 所在支部, 职务, 预备党员, in any order), one member per
// row below. Blank rows are skipped; each row keeps its spreadsheet row
// number. The values are returned as written: surveys interprets them.
func ReadRoster(r io.Reader) ([]surveys.RosterRow, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fileError("invalid_file", "无法读取文件，请上传 Excel（.xlsx）格式的名册")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("empty", "名册中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fileError("invalid_file", "无法读取名册工作表")
	}
	defer rows.Close()
	var cols [4]int // column index of each rosterColumns entry, -1 if absent
	var out []surveys.RosterRow
	header := false
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, fileError("invalid_file", fmt.Sprintf("无法读取第%d行", n))
		}
		if n == 1 {
			if cols, err = rosterHeader(cells); err != nil {
				return nil, err
			}
			header = true
			continue
		}
		if blank(cells) {
			continue
		}
		if len(out) == surveys.MaxRosterRows {
			return nil, fileError("too_many_rows", fmt.Sprintf("名册最多%d行，请分批导入", surveys.MaxRosterRows))
		}
		out = append(out, surveys.RosterRow{
			Row: n, Name: cell(cells, cols[0]), Org: cell(cells, cols[1]),
			Title: cell(cells, cols[2]), Probationary: cell(cells, cols[3]),
		})
	}
	if err := rows.Error(); err != nil {
		return nil, fileError("invalid_file", "无法读取名册工作表")
	}
	if !header {
		return nil, fileError("empty", "名册是空的：第1行应为表头（姓名、所在支部、职务、预备党员）")
	}
	return out, nil
}

func rosterHeader(cells []string) ([4]int, error) {
	var cols [4]int
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
