package exports_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/surveys"
)

// TestRosterTemplate: the template opens with excelize, has its three
// sheets in order, a frozen header the importer recognises, text-formatted
// columns with widths, a 是/否 list, the columns explained and every org's
// code; filled in, ReadRoster reads it back row by row.
func TestRosterTemplate(t *testing.T) {
	orgs := []exports.RosterOrg{
		{Code: "JD", Name: "某街道党工委", Kind: "党委"},
		{Code: "ZB1", Name: "第一党支部", Kind: "党支部", Parent: "某街道党工委"},
		{Code: "=1+1", Name: "+第二党支部", Kind: "党支部", Parent: "某街道党工委"}, // typed text, never a formula
	}
	var buf bytes.Buffer
	if err := exports.WriteRosterTemplate(&buf, orgs); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{exports.RosterSheet, exports.RosterHelpSheet, exports.RosterOrgsSheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	if got := f.GetSheetName(f.GetActiveSheetIndex()); got != exports.RosterSheet {
		t.Errorf("active sheet %q", got)
	}

	// 名册: the header, frozen; widths; text format; the 是/否 list.
	rows, err := f.GetRows(exports.RosterSheet)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]string{{"姓名", "所在支部", "职务", "预备党员", "党员编号"}}, rows); d != "" {
		t.Fatalf("名册 (-want +got):\n%s", d)
	}
	panes, err := f.GetPanes(exports.RosterSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("名册 panes %+v, %v: want row 1 frozen", panes, err)
	}
	for _, col := range []string{"A", "B", "C", "D"} {
		if w, err := f.GetColWidth(exports.RosterSheet, col); err != nil || w < 10 {
			t.Errorf("column %s width %v, %v", col, w, err)
		}
		// A cell nobody has touched yet takes its column's style.
		id, err := f.GetCellStyle(exports.RosterSheet, col+"100")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("column %s: number format %v (%v), want text (49)", col, st, err)
		}
	}
	dvs, err := f.GetDataValidations(exports.RosterSheet)
	if err != nil || len(dvs) != 1 || dvs[0].Sqref != "D2:D20001" || dvs[0].Formula1 != `"是,否"` {
		t.Errorf("data validations %+v, %v", dvs, err)
	}

	// 填写说明: one row per column, each explained.
	help, err := f.GetRows(exports.RosterHelpSheet)
	if err != nil {
		t.Fatal(err)
	}
	explained := map[string]string{}
	for _, r := range help {
		if len(r) >= 3 {
			explained[r[0]] = r[2]
		}
	}
	for _, col := range []string{"姓名", "所在支部", "职务", "预备党员"} {
		if len([]rune(explained[col])) < 10 {
			t.Errorf("填写说明 does not explain %s: %q", col, explained[col])
		}
	}

	// 组织编码: every org, as typed.
	listed, err := f.GetRows(exports.RosterOrgsSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"组织编码", "组织名称", "类型", "上级组织"}, {"JD", "某街道党工委", "党委"},
		{"ZB1", "第一党支部", "党支部", "某街道党工委"}, {"=1+1", "+第二党支部", "党支部", "某街道党工委"}}
	if d := cmp.Diff(want, listed); d != "" {
		t.Errorf("组织编码 (-want +got):\n%s", d)
	}
	if formula, _ := f.GetCellFormula(exports.RosterOrgsSheet, "A4"); formula != "" {
		t.Errorf("a code became the formula %q", formula)
	}

	// Filled in, the importer's reader takes it as it is.
	for i, r := range [][]string{{"张建国", "ZB1", "支部书记", "否"}, {"李秀英", "第一党支部", "", "是"}} {
		if err := f.SetSheetRow(exports.RosterSheet, "A"+string(rune('2'+i)), &r); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	got, err := exports.ReadRoster(t.Context(), &filled)
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []surveys.RosterRow{
		{Row: 2, Name: "张建国", Org: "ZB1", Title: "支部书记", Probationary: "否"},
		{Row: 3, Name: "李秀英", Org: "第一党支部", Probationary: "是"},
	}
	if d := cmp.Diff(wantRows, got); d != "" {
		t.Errorf("ReadRoster of the filled template (-want +got):\n%s", d)
	}
}

// TestRosterTemplateNoOrgs: with no org yet the template is still valid.
func TestRosterTemplateNoOrgs(t *testing.T) {
	var buf bytes.Buffer
	if err := exports.WriteRosterTemplate(&buf, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := exports.ReadRoster(t.Context(), &buf)
	if err != nil || len(rows) != 0 {
		t.Fatalf("ReadRoster of the empty template: %v, %v", rows, err)
	}
}
