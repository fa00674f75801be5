package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
	"minyi/surveys"
)

// testBaseURL is the public address QR codes point to in tests.
const testBaseURL = "https://minyi.example.org"

// orgTree is a committee with a general branch and two branches under it
// (codes ZB1, ZB2, as in testdata/roster.xlsx).
type orgTree struct{ root, general, zb1, zb2 surveys.Org }

func (e *env) orgTree() orgTree {
	e.t.Helper()
	mk := func(name, code, kind, parent string) surveys.Org {
		return decode[surveys.Org](e.t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": name, "code": code, "kind": kind, "parent_id": parent}), http.StatusCreated)
	}
	var o orgTree
	o.root = mk("某街道党工委", "JD", "committee", "")
	o.general = mk("幸福社区党总支", "SQ", "general_branch", o.root.ID)
	o.zb1 = mk("第一党支部", "ZB1", "branch", o.general.ID)
	o.zb2 = mk("第二党支部", "ZB2", "branch", o.general.ID)
	return o
}

func (e *env) member(name, orgID string) surveys.Member {
	e.t.Helper()
	return decode[surveys.Member](e.t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": name, "org_id": orgID}), http.StatusCreated)
}

type memberList struct {
	Items []surveys.Member `json:"items"`
	Next  *string          `json:"next"`
}

func names(ms []surveys.Member) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestMemberLifecycle(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	zhang := decode[surveys.Member](t, e.do(http.MethodPost, "/api/v1/members",
		map[string]any{"name": " 张建国 ", "org_id": o.zb1.ID, "title": "支部书记"}), http.StatusCreated)
	if zhang.Name != "张建国" || zhang.OrgID != o.zb1.ID || zhang.Title != "支部书记" || zhang.Probationary || zhang.ID == "" {
		t.Fatalf("created %+v", zhang)
	}
	e.member("李秀英", o.zb1.ID)
	e.member("陈明", o.zb2.ID)
	e.member("李明", o.general.ID)

	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "张建国", "org_id": o.zb1.ID}), http.StatusConflict, "member_exists", "name")
	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "", "org_id": "nope", "title": string(make([]rune, 51))}),
		http.StatusUnprocessableEntity, "validation_failed", "name", "org_id", "title")
	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "某", "org_id": o.zb1.ID, "id": "x"}),
		http.StatusUnprocessableEntity, "validation_failed", "id")

	// Keyset paging in creation order.
	p1 := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?limit=3", nil), http.StatusOK)
	if fmt.Sprint(names(p1.Items)) != "[张建国 李秀英 陈明]" || p1.Next == nil {
		t.Fatalf("page 1 %v next %v", names(p1.Items), p1.Next)
	}
	p2 := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?limit=3&after="+*p1.Next, nil), http.StatusOK)
	if fmt.Sprint(names(p2.Items)) != "[李明]" || p2.Next != nil {
		t.Fatalf("page 2 %v next %v", names(p2.Items), p2.Next)
	}

	for _, tc := range []struct{ query, want string }{
		{"org_id=" + o.zb1.ID, "[张建国 李秀英]"},
		{"org_id=" + o.general.ID, "[张建国 李秀英 陈明 李明]"}, // the subtree
		{"q=李", "[李秀英 李明]"},
		{"q=李&org_id=" + o.zb1.ID, "[李秀英]"},
		{"q=.*", "[]"}, // q is text, not a pattern
	} {
		got := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?"+tc.query, nil), http.StatusOK)
		if fmt.Sprint(names(got.Items)) != tc.want {
			t.Errorf("?%s: %v, want %s", tc.query, names(got.Items), tc.want)
		}
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/members?org_id=nope", nil), http.StatusNotFound, "org_not_found")
	wantError(t, e.do(http.MethodGet, "/api/v1/members?limit=0", nil), http.StatusUnprocessableEntity, "validation_failed", "limit")

	got := decode[surveys.Member](t, e.do(http.MethodPatch, "/api/v1/members/"+zhang.ID,
		map[string]any{"org_id": o.zb2.ID, "probationary": true}), http.StatusOK)
	if got.OrgID != o.zb2.ID || !got.Probationary || got.Title != "支部书记" {
		t.Fatalf("patched %+v", got)
	}
	if again := decode[surveys.Member](t, e.do(http.MethodGet, "/api/v1/members/"+zhang.ID, nil), http.StatusOK); again != got {
		t.Fatalf("read back %+v, want %+v", again, got)
	}
	wantError(t, e.do(http.MethodPatch, "/api/v1/members/"+zhang.ID, map[string]any{"org_id": "nope"}), http.StatusUnprocessableEntity, "validation_failed", "org_id")
	wantError(t, e.do(http.MethodPatch, "/api/v1/members/"+zhang.ID, map[string]any{"name": "陈明"}), http.StatusConflict, "member_exists")

	// An org with members cannot be deleted; once they are gone it can.
	wantError(t, e.do(http.MethodDelete, "/api/v1/orgs/"+o.zb2.ID, nil), http.StatusConflict, "org_has_members")
	for _, m := range decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?org_id="+o.zb2.ID, nil), http.StatusOK).Items {
		if w := e.do(http.MethodDelete, "/api/v1/members/"+m.ID, nil); w.Code != http.StatusNoContent {
			t.Fatalf("delete %d %s", w.Code, w.Body)
		}
	}
	wantError(t, e.do(http.MethodDelete, "/api/v1/members/"+zhang.ID, nil), http.StatusNotFound, "member_not_found")
	wantError(t, e.do(http.MethodGet, "/api/v1/members/"+zhang.ID, nil), http.StatusNotFound, "member_not_found")
	if w := e.do(http.MethodDelete, "/api/v1/orgs/"+o.zb2.ID, nil); w.Code != http.StatusNoContent {
		t.Fatalf("delete org %d %s", w.Code, w.Body)
	}
}

func TestMemberRoles(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	m1 := e.member("张建国", o.zb1.ID)
	m2 := e.member("陈明", o.zb2.ID)
	leader := "Bearer " + e.tokenFor(accounts.RoleLeader, "")
	secretary := "Bearer " + e.tokenFor(accounts.RoleSecretary, o.zb1.ID)

	if w := e.do(http.MethodGet, "/api/v1/members/"+m2.ID, nil, "Authorization", leader); w.Code != http.StatusOK {
		t.Fatalf("leader read %d", w.Code)
	}
	wantError(t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": "某", "org_id": o.zb1.ID}, "Authorization", leader), http.StatusForbidden, "")
	wantError(t, e.do(http.MethodPatch, "/api/v1/members/"+m1.ID, map[string]any{"title": "x"}, "Authorization", secretary), http.StatusForbidden, "")
	wantError(t, e.do(http.MethodDelete, "/api/v1/members/"+m1.ID, nil, "Authorization", secretary), http.StatusForbidden, "")
	wantError(t, e.do(http.MethodGet, "/api/v1/members", nil, "Authorization", ""), http.StatusUnauthorized, "")

	// A secretary sees its own branch only.
	got := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members", nil, "Authorization", secretary), http.StatusOK)
	if fmt.Sprint(names(got.Items)) != "[张建国]" {
		t.Fatalf("secretary sees %v", names(got.Items))
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/members/"+m2.ID, nil, "Authorization", secretary), http.StatusForbidden, "out_of_scope")
	wantError(t, e.do(http.MethodGet, "/api/v1/members?org_id="+o.zb2.ID, nil, "Authorization", secretary), http.StatusForbidden, "out_of_scope")
}

// upload posts file as the multipart field "file".
func (e *env) upload(path string, file []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "名册.xlsx")
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	return e.do(http.MethodPost, path, body.Bytes(), "Content-Type", mw.FormDataContentType())
}

// workbook builds a one-sheet xlsx from rows (row 1 first).
func workbook(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type importResult struct {
	Created, Updated, Unchanged int
	Errors                      []struct {
		Row     int
		Message string
	}
}

func TestRosterImport(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	sample, err := os.ReadFile("../testdata/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	// The sample: 4 members of ZB1 (one named by the branch's name), 4 of
	// ZB2 (one by name), 2 probationary.
	res := decode[importResult](t, e.upload("/api/v1/members/import", sample), http.StatusOK)
	if res.Created != 8 || res.Updated != 0 || res.Unchanged != 0 || len(res.Errors) != 0 {
		t.Fatalf("first import %+v", res)
	}
	zb1 := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?org_id="+o.zb1.ID, nil), http.StatusOK)
	if fmt.Sprint(names(zb1.Items)) != "[张建国 李秀英 王志强 刘芳]" || zb1.Items[0].Title != "支部书记" || !zb1.Items[3].Probationary {
		t.Fatalf("ZB1 after import %+v", zb1.Items)
	}

	// The same file again creates nothing.
	res = decode[importResult](t, e.upload("/api/v1/members/import", sample), http.StatusOK)
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != 8 {
		t.Fatalf("re-import %+v", res)
	}
	if n := len(decode[memberList](t, e.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 8 {
		t.Fatalf("%d members after re-import, want 8", n)
	}

	// A file with bad rows: every one reported, nothing stored.
	bad := workbook(t, [][]string{
		{"姓名", "所在支部", "职务", "预备党员"},
		{"刘芳", "ZB1", "", "否"},  // row 2: good, an update (no longer probationary)
		{"", "ZB1", "", ""},     // row 3: no name
		{"孙伟", "第九党支部", "", ""}, // row 4: unknown org
		{"周强", "ZB2", "", "Y"},  // row 5: 预备党员 not 是/否
		{"吴敏", "ZB2", "", "是"},  // row 6: good, new
		{"吴敏", "第二党支部", "", ""}, // row 7: repeats row 6
		{"", "", "", ""},        // row 8: blank, skipped
		{"郑华", "", "宣传委员", ""},  // row 9: no org
		{"钱进", "ZB2", "", ""},   // row 10: good, new
	})
	w := e.upload("/api/v1/members/import", bad)
	ae := wantError(t, w, http.StatusUnprocessableEntity, "import_rejected", "rows[3]", "rows[4]", "rows[5]", "rows[7]", "rows[9]")
	if len(ae.Error.Fields) != 5 {
		t.Fatalf("fields %+v", ae.Error.Fields)
	}
	for _, want := range []string{"第3行：姓名为空", "第4行：所在支部“第九党支部”不存在", "第5行：预备党员一栏应填“是”或“否”", "第7行：与第6行重复", "第9行：所在支部为空"} {
		if !bytes.Contains(w.Body.Bytes(), []byte(want)) {
			t.Errorf("no %q in %s", want, w.Body)
		}
	}
	if n := len(decode[memberList](t, e.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 8 {
		t.Fatalf("%d members after a rejected import, want 8", n)
	}

	// ?partial=true keeps the good rows and lists the bad ones.
	res = decode[importResult](t, e.upload("/api/v1/members/import?partial=true", bad), http.StatusOK)
	if res.Created != 2 || res.Updated != 1 || len(res.Errors) != 5 || res.Errors[0].Row != 3 || res.Errors[4].Row != 9 {
		t.Fatalf("partial import %+v", res)
	}
	liu := decode[memberList](t, e.do(http.MethodGet, "/api/v1/members?q=刘芳", nil), http.StatusOK).Items
	if len(liu) != 1 || liu[0].Probationary {
		t.Fatalf("刘芳 after update %+v", liu)
	}

	wantError(t, e.upload("/api/v1/members/import", []byte("not a workbook")), http.StatusUnprocessableEntity, "validation_failed", "file")
	wantError(t, e.upload("/api/v1/members/import", workbook(t, [][]string{{"名字"}})), http.StatusUnprocessableEntity, "validation_failed", "file")
	wantError(t, e.upload("/api/v1/members/import", workbook(t, [][]string{{"姓名", "所在支部"}})), http.StatusUnprocessableEntity, "validation_failed", "file")
	wantError(t, e.do(http.MethodPost, "/api/v1/members/import", map[string]any{"file": "x"}), http.StatusUnsupportedMediaType, "")
	wantError(t, e.upload("/api/v1/members/import?partial=maybe", sample), http.StatusUnprocessableEntity, "validation_failed", "partial")
	big := make([]byte, 11<<20)
	wantError(t, e.upload("/api/v1/members/import", big), http.StatusRequestEntityTooLarge, "body_too_large")
}
