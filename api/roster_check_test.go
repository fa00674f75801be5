package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"minyi/exports"
)

type dryRunResult struct {
	Created, Updated, Unchanged int
	Errors                      []struct {
		Row     int
		Message string
	}
	DryRun   bool `json:"dry_run"`
	Rejected bool
}

// TestRosterDryRun: ?dry_run=true answers what the import would do and
// stores nothing, whatever the file; the import that follows does what it
// said.
func TestRosterDryRun(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	e.member("张建国", o.zb1.ID) // in the sample, with another title: an update
	sample, err := os.ReadFile("../testdata/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	bad := workbook(t, [][]string{
		{"姓名", "所在支部", "职务", "预备党员"},
		{"孙伟", "ZB2", "", "否"},  // row 2: good, new
		{"", "ZB1", "", ""},     // row 3: no name
		{"钱进", "第九党支部", "", ""}, // row 4: unknown org
	})
	stored := func() []string {
		t.Helper()
		ms := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?limit=500", nil), http.StatusOK)
		var out []string
		for _, m := range ms.Items {
			out = append(out, m.ID+" "+m.Name+" "+m.OrgID+" "+m.Title)
		}
		return out
	}
	before := stored()
	for _, tc := range []struct {
		name, query string
		file        []byte
		created     int
		updated     int
		badRows     []int
		rejected    bool
	}{
		{"the sample", "dry_run=true", sample, 7, 1, nil, false},
		{"bad rows", "dry_run=true", bad, 1, 0, []int{3, 4}, true},
		{"bad rows, partial", "dry_run=true&partial=true", bad, 1, 0, []int{3, 4}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := decode[dryRunResult](t, e.upload("/api/v1/members/import?"+tc.query, tc.file), http.StatusOK)
			var rows []int
			for _, r := range res.Errors {
				rows = append(rows, r.Row)
				if r.Message == "" {
					t.Errorf("row %d without a reason", r.Row)
				}
			}
			if !res.DryRun || res.Created != tc.created || res.Updated != tc.updated || res.Rejected != tc.rejected || !cmp.Equal(rows, tc.badRows) {
				t.Errorf("dry run %+v, want created %d updated %d bad rows %v rejected %v", res, tc.created, tc.updated, tc.badRows, tc.rejected)
			}
			if d := cmp.Diff(before, stored()); d != "" {
				t.Fatalf("a dry run changed the roster (-before +after):\n%s", d)
			}
		})
	}
	// Bad parameters and bad files are refused as on an import.
	wantError(t, e.upload("/api/v1/members/import?dry_run=maybe", sample), http.StatusUnprocessableEntity, "validation_failed", "dry_run")
	wantError(t, e.upload("/api/v1/members/import?dry_run=true", []byte("not a workbook")), http.StatusUnprocessableEntity, "", "file")
	// A dry run is not audited: nothing happened.
	audit := e.do(http.MethodGet, "/api/v1/audit?action=member.import", nil)
	if audit.Code != http.StatusOK || strings.Contains(audit.Body.String(), "导入党员名册") {
		t.Errorf("a dry run was audited: %d %s", audit.Code, audit.Body)
	}
	// The real import does what the dry run said.
	res := decode[importResult](t, e.upload("/api/v1/members/import", sample), http.StatusOK)
	if res.Created != 7 || res.Updated != 1 {
		t.Fatalf("the import after the dry run: %+v", res)
	}
}

// TestRosterTemplateDownload: an admin downloads the template, which lists
// every org's code; filled in with the codes it lists, it imports through
// the real API.
func TestRosterTemplateDownload(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	w := e.do(http.MethodGet, "/api/v1/members/import/template.xlsx", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	codes, err := f.GetRows(exports.RosterOrgsSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"组织编码", "组织名称", "类型", "上级组织"},
		{"JD", "某街道党工委", "党委"}, {"SQ", "幸福社区党总支", "党总支", "某街道党工委"},
		{"ZB1", "第一党支部", "党支部", "幸福社区党总支"}, {"ZB2", "第二党支部", "党支部", "幸福社区党总支"}}
	if d := cmp.Diff(want, codes); d != "" {
		t.Fatalf("组织编码 (-want +got):\n%s", d)
	}
	// Fill in three members with codes copied from the 组织编码 sheet.
	for i, r := range [][]string{{"张建国", codes[3][0], "支部书记", "否"}, {"李秀英", codes[4][0], "", "是"}, {"王志强", codes[2][1], "", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(exports.RosterSheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	res := decode[importResult](t, e.upload("/api/v1/members/import", filled.Bytes()), http.StatusOK)
	if res.Created != 3 || len(res.Errors) != 0 {
		t.Fatalf("import of the filled template: %+v", res)
	}
	ms := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?org_id="+o.general.ID, nil), http.StatusOK)
	got := map[string]string{}
	for _, m := range ms.Items {
		got[m.Name] = m.OrgID
	}
	if d := cmp.Diff(map[string]string{"张建国": o.zb1.ID, "李秀英": o.zb2.ID, "王志强": o.general.ID}, got); d != "" {
		t.Errorf("members after the import (-want +got):\n%s", d)
	}
}

// TestAdminRosterCheck: on an org's page "检查名册（不导入）" shows the
// counts and every bad row and stores nothing; the page links the template
// and offers both buttons.
func TestAdminRosterCheck(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	page := "/admin/orgs/" + o.zb1.ID
	wantAdminPage(t, a.page(page, admin), http.StatusOK, `href="/api/v1/members/import/template.xlsx"`,
		`name="dry_run" value="1" id="check"`, "检查名册（不导入）", `id="import">导入</button>`)
	if w := a.page("/api/v1/members/import/template.xlsx", admin); w.Code != http.StatusOK {
		t.Fatalf("the template link with the session: %d", w.Code)
	}
	bad := workbook(t, [][]string{
		{"姓名", "所在支部", "职务", "预备党员"},
		{"孙伟", "ZB2", "", "否"},
		{"", "ZB1", "", ""},
		{"钱进", "第九党支部", "", ""},
		{"周强", "ZB1", "", "也许"},
	})
	body := wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}, "dry_run": {"1"}}, bad), http.StatusOK,
		"名册检查结果（未导入）", `id="dry-run"`, "未保存任何数据", `<strong id="imp-created">1</strong>`,
		`id="dry-run-errors"`, "整份名册都不会导入", "<li>第3行：姓名为空</li>", "<li>第4行：所在支部“第九党支部”不存在", "<li>第5行：预备党员一栏应填")
	if strings.Contains(body, "名册导入结果") {
		t.Errorf("a check is titled as an import")
	}
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 0 {
		t.Fatalf("a check stored %d members", n)
	}
	// A clean file: can be imported; partial ticked: the bad rows would be skipped.
	sample, err := os.ReadFile("../testdata/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}, "dry_run": {"1"}}, sample), http.StatusOK,
		`<strong id="imp-created">8</strong>`, "名册没有错误，可以导入")
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}, "dry_run": {"1"}, "partial": {"1"}}, bad), http.StatusOK,
		"导入时将跳过这些行", `id="partial" name="partial" value="1" checked`)
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 0 {
		t.Fatalf("checks stored %d members", n)
	}
	// The import button still imports.
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, sample), http.StatusOK,
		"名册导入结果", `<strong id="imp-created">8</strong>`)
}
