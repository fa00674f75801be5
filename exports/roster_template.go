package exports

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"minyi/surveys"
)

// The roster template is the workbook people fill in for the roster
// import. Its first sheet is read by ReadRoster, so the header row is made
// from rosterColumns (the first name of each column): the template and the
// importer cannot drift apart.

// Sheet names of the roster template.
const (
	RosterSheet     = "名册"
	RosterHelpSheet = "填写说明"
	RosterOrgsSheet = "组织编码"
)

// RosterOrg is one org as the template lists it, for people to copy its
// code into 所在支部. Kind and Parent are what people read (党支部, the
// parent's name), not ids.
type RosterOrg struct {
	Code, Name, Kind, Parent string
}

// rosterTemplateRows is how many rows below the header carry the text
// format and the 预备党员 drop-down: the import's limit.
const rosterTemplateRows = surveys.MaxRosterRows

// rosterHelp explains each column, in the order of rosterColumns (a test
// checks there is one entry per column).
var rosterHelp = []struct{ required, text, example string }{
	{"必填", "党员姓名，不超过50个字。重复导入时按“党员编号”认出同一个人；没有编号时按“所在支部＋姓名”，已有的会更新职务和预备党员，不会新增。同一支部有同名党员时，必须填写各自的党员编号。", "张建国"},
	{"必填", "党员所在组织。填“组织编码”工作表中的组织编码（推荐），或组织的全称；有两个组织同名时必须填编码。", "ZB1"},
	{"选填", "党内职务，如支部书记、组织委员，不超过50个字；没有可留空。", "支部书记"},
	{"选填", "填“是”或“否”；留空视为“否”。", "否"},
	{"选填", "党员编号，全系统唯一，不超过32个字符；填写后按编号认人（可区分同名党员）。", "20260001"},
}

// WriteRosterTemplate writes the roster template to w: 名册 (the header
// row, frozen, text-formatted columns, a 是/否 list on 预备党员), 填写说明
// (each column in Chinese) and 组织编码 (orgs, in the order given).
func WriteRosterTemplate(w io.Writer, orgs []RosterOrg) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", RosterSheet); err != nil {
		return fmt.Errorf("roster template: %w", err)
	}
	steps := []func(*excelize.File, *sheetStyles) error{
		writeRosterSheet,
		writeRosterHelp,
		func(f *excelize.File, st *sheetStyles) error { return writeRosterOrgs(f, st, orgs) },
	}
	for _, step := range steps {
		if err := step(f, st); err != nil {
			return fmt.Errorf("roster template: %w", err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("roster template: %w", err)
	}
	return nil
}

// writeRosterSheet is the sheet people fill in. The columns are text so
// that a code like 001 or a name that looks like a number or a date stays
// as typed.
func writeRosterSheet(f *excelize.File, st *sheetStyles) error {
	sh := RosterSheet
	widths := []float64{14, 28, 18, 12, 16}
	for i, c := range rosterColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh, col, col, widths[i]); err != nil {
			return err
		}
		if err := f.SetColStyle(sh, col, st.txt); err != nil {
			return err
		}
		if err := f.SetCellStr(sh, col+"1", c.names[0]); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(rosterColumns))
	if err := f.SetCellStyle(sh, "A1", last+"1", st.header); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("D2:D%d", rosterTemplateRows+1)
	if err := dv.SetDropList([]string{"是", "否"}); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "预备党员", "请填“是”或“否”，或留空（视为“否”）。")
	return f.AddDataValidation(sh, dv)
}

// writeRosterHelp explains the columns and the rules of the import.
func writeRosterHelp(f *excelize.File, st *sheetStyles) error {
	sh := RosterHelpSheet
	if len(rosterHelp) != len(rosterColumns) {
		return fmt.Errorf("%d column explanations for %d columns", len(rosterHelp), len(rosterColumns))
	}
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	rows := [][]string{{"党员名册填写说明"}, {}, {"列名", "是否必填", "填写要求", "示例"}}
	for i, c := range rosterColumns {
		h := rosterHelp[i]
		rows = append(rows, []string{c.names[0], h.required, h.text, h.example})
	}
	rows = append(rows, []string{},
		[]string{"注意事项"},
		[]string{"1", "在“" + RosterSheet + "”工作表填写，第一行表头不要修改、不要删除；从第二行起每行一名党员，空行会被跳过。"},
		[]string{"2", fmt.Sprintf("一次最多导入%d行，文件不超过10MB；人数更多时请分成几个文件导入。", surveys.MaxRosterRows)},
		[]string{"3", "“所在支部”可到“" + RosterOrgsSheet + "”工作表复制组织编码；下载模板后新建的组织不在表中，请重新下载。"},
		[]string{"4", "上传后可先点“检查名册（不导入）”：逐行列出错误（第N行：原因）以及将新增、更新的人数，不保存任何数据。"},
		[]string{"5", "默认只要有一行有误，整份名册都不导入；也可以选择只导入正确的行。重复导入同一文件不会新增党员。"},
	)
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sh, cell, v); err != nil {
				return err
			}
		}
	}
	for _, s := range []struct {
		from, to string
		style    int
	}{
		{"A1", "A1", st.title}, {"A3", "D3", st.header}, {"A4", fmt.Sprintf("D%d", 3+len(rosterColumns)), st.wrap},
		{fmt.Sprintf("A%d", 5+len(rosterColumns)), fmt.Sprintf("A%d", 5+len(rosterColumns)), st.label},
		{fmt.Sprintf("A%d", 6+len(rosterColumns)), fmt.Sprintf("B%d", len(rows)), st.wrap},
	} {
		if err := f.SetCellStyle(sh, s.from, s.to, s.style); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		col   string
		width float64
	}{{"A", 12}, {"B", 60}, {"C", 60}, {"D", 12}} {
		if err := f.SetColWidth(sh, w.col, w.col, w.width); err != nil {
			return err
		}
	}
	return nil
}

// writeRosterOrgs lists every org with its code, to copy into 所在支部.
func writeRosterOrgs(f *excelize.File, st *sheetStyles, orgs []RosterOrg) error {
	sh := RosterOrgsSheet
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	header := []string{"组织编码", "组织名称", "类型", "上级组织"}
	widths := []float64{14, 30, 10, 30}
	for i, h := range header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sh, col+"1", h); err != nil {
			return err
		}
		w := widths[i]
		for _, o := range orgs {
			v := []string{o.Code, o.Name, o.Kind, o.Parent}[i]
			w = max(w, textWidth(v)+2)
		}
		if err := f.SetColWidth(sh, col, col, min(w, 60)); err != nil {
			return err
		}
	}
	for r, o := range orgs {
		for i, v := range []string{o.Code, o.Name, o.Kind, o.Parent} {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := f.SetCellStr(sh, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetCellStyle(sh, "A1", "D1", st.header); err != nil {
		return err
	}
	if len(orgs) > 0 {
		if err := f.SetCellStyle(sh, "A2", fmt.Sprintf("D%d", len(orgs)+1), st.txt); err != nil {
			return err
		}
		if err := f.AutoFilter(sh, fmt.Sprintf("A1:D%d", len(orgs)+1), nil); err != nil {
			return err
		}
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
