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

// WriteCommitmentTemplate writes the workbook a branch fills in for the
// import: the header, one example row per owner kind, and 填写说明.
func WriteCommitmentTemplate(w io.Writer, orgName string) error {
	b, err := newLedgerBook()
	if err != nil {
		return err
	}
	defer b.f.Close()
	const sheet = "承诺"
	if err := b.sheet(0, sheet, orgName+" 承诺导入", len(commitmentColumns), 1, false); err != nil {
		return err
	}
	widths := []float64{10, 10, 9, 8, 36, 30, 12, 10}
	if err := b.header(sheet, 1, CommitmentHeader(), widths); err != nil {
		return err
	}
	examples := [][]any{
		{"党员", "张三", "2026", "服务", "每月为小区独居老人上门服务", "每月走访不少于 4 户，全年 48 户", "2026-12-31", "张三"},
		{"组织", "", "2026H1", "项目", "修复小区路灯", "6 月底前修复 3 处，群众满意率不低于 90%", "2026-06-30", "支部书记"},
	}
	for i, r := range examples {
		if err := b.row(sheet, i+2, r); err != nil {
			return err
		}
		if err := b.styled(sheet, i+2, 1, len(r), b.wrap); err != nil {
			return err
		}
	}
	if err := b.sheet(1, "填写说明", orgName+" 承诺导入", 2, 0, true); err != nil {
		return err
	}
	notes := [][]any{
		{"承诺主体", "“党员”或“组织”；组织承诺即本支部的承诺"},
		{"承诺人", "党员的姓名（须在本支部名册中）；组织承诺可不填或填本支部名称、编码"},
		{"时期", "年度如 2026，半年如 2026H1、2026H2"},
		{"类别", "党员：学习、工作、自律、服务；组织：项目"},
		{"衡量目标", commitments.TargetHint},
		{"完成时限", "日期，如 2026-12-31"},
		{"导入规则", "先选“只检查”核对；有任何一行有误时一条也不导入，并列出所有有误的行；导入后为草稿，须提交审核"},
	}
	for i, r := range notes {
		if err := b.row("填写说明", i+1, r); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth("填写说明", "A", "A", 12); err != nil {
		return err
	}
	if err := b.f.SetColWidth("填写说明", "B", "B", 80); err != nil {
		return err
	}
	if err := b.f.SetCellStyle("填写说明", "A1", "B"+fmt.Sprint(len(notes)), b.wrap); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	return writeWorkbook(b.f, w)
}
