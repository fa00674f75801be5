package exports

import (
	"context"
	"fmt"
	"io"
	"strings"

	"minyi"
	"minyi/commitments"
)

// Commitment import columns (a branch's 承诺书 typed into a sheet). A header
// is recognised by any of its names.
var commitmentColumns = []struct {
	names    []string
	required bool
}{
	{[]string{"承诺主体", "主体类型", "类型"}, true},
	{[]string{"承诺人", "姓名", "党员姓名"}, false},
	{[]string{"时期", "承诺时期", "年度"}, true},
	{[]string{"类别", "承诺类别"}, true},
	{[]string{"承诺内容", "内容"}, true},
	{[]string{"衡量目标", "可衡量目标", "目标"}, true},
	{[]string{"完成时限", "完成时间", "时限"}, true},
	{[]string{"责任人"}, true},
}

// CommitmentHeader is the header row the import reads, for templates and tests.
func CommitmentHeader() []string {
	out := make([]string, len(commitmentColumns))
	for i, c := range commitmentColumns {
		out[i] = c.names[0]
	}
	return out
}

// ReadCommitments reads the rows of a commitments workbook: the first
// sheet, header row 1, one commitment per row below, through the same
// bounded reader as the roster (a hostile or oversized file is refused
// before it costs memory). Values are returned as written; commitments
// interprets them.
func ReadCommitments(ctx context.Context, r io.Reader) ([]commitments.ImportRow, error) {
	wb, err := OpenWorkbook(ctx, r, RosterLimits())
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	sheets := wb.Sheets()
	if len(sheets) == 0 {
		return nil, fileError("empty", "文件中没有工作表")
	}
	var cols []int
	var out []commitments.ImportRow
	err = wb.EachRow(ctx, sheets[0], func(n int, cells []string) error {
		if n == 1 {
			var err error
			cols, err = commitmentHeader(cells)
			return err
		}
		if blank(cells) {
			return nil
		}
		if len(out) == commitments.MaxImportRows {
			return fileError("too_many_rows", fmt.Sprintf("一次最多导入%d行，请分批导入", commitments.MaxImportRows))
		}
		v := func(i int) string { return cell(cells, cols[i]) }
		out = append(out, commitments.ImportRow{Row: n, OwnerType: v(0), Owner: v(1), Period: v(2), Area: v(3),
			Content: v(4), Target: v(5), Due: v(6), Responsible: v(7)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cols == nil {
		return nil, fileError("empty", "文件是空的：第1行应为表头（"+strings.Join(CommitmentHeader(), "、")+"）")
	}
	return out, nil
}

func commitmentHeader(cells []string) ([]int, error) {
	cols := make([]int, len(commitmentColumns))
	var fe minyi.FieldErrors
	for i, c := range commitmentColumns {
		cols[i] = -1
		for j, h := range cells {
			for _, name := range c.names {
				if strings.TrimSpace(h) == name {
					cols[i] = j
				}
			}
		}
		if cols[i] < 0 && c.required {
			fe.Addf("file", "missing_column", "第1行缺少“%s”列", c.names[0])
		}
	}
	return cols, fe.Err()
}
