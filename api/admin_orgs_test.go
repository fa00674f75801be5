package api_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"minyi/surveys"
)

// auditSummaries lists the audit log's summaries for one action.
func (e *env) auditSummaries(action string) []string {
	e.t.Helper()
	got := decode[struct {
		Items []struct{ Summary string }
	}](e.t, e.do(http.MethodGet, "/api/v1/audit?action="+action, nil), http.StatusOK)
	var out []string
	for _, it := range got.Items {
		out = append(out, it.Summary)
	}
	return out
}

func (e *env) getOrg(id string) surveys.Org {
	e.t.Helper()
	return decode[surveys.Org](e.t, e.do(http.MethodGet, "/api/v1/orgs/"+id, nil), http.StatusOK)
}

// parentOptions are the values of the edit form's parent picker.
func parentOptions(t *testing.T, body string) []string {
	t.Helper()
	sel := regexp.MustCompile(`(?s)<select id="parent_id" name="parent_id"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if sel == nil {
		t.Fatalf("no parent picker on the page")
	}
	var out []string
	for _, m := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(sel[1], -1) {
		out = append(out, m[1])
	}
	return out
}

// TestAdminOrgEdit: the org page's edit form renames, recodes and moves an
// org as PATCH /api/v1/orgs/{id} does; the parent picker leaves out the org
// and its subtree; errors sit by their fields with the answers kept.
func TestAdminOrgEdit(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	other := decode[surveys.Org](t, a.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "另一街道党工委", "code": "JD2", "kind": "committee"}), http.StatusCreated)
	sq2 := decode[surveys.Org](t, a.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "和平社区党总支", "code": "SQ2", "kind": "general_branch", "parent_id": o.root.ID}), http.StatusCreated)
	page := "/admin/orgs/" + o.general.ID
	post := func(v url.Values) *httptest.ResponseRecorder { return a.form(page, v, "Cookie", admin) }

	body := wantAdminPage(t, a.page(page, admin), http.StatusOK, `id="org-edit-form"`, `action="`+page+`"`,
		`id="org-name" name="name" value="幸福社区党总支"`, `id="org-code" name="code" value="SQ"`,
		`<option value="`+o.root.ID+`" selected>`, `href="`+page+`/delete"`)
	got := parentOptions(t, body)
	if d := slices.Compare(got, []string{"", o.root.ID, sq2.ID, other.ID}); d != 0 {
		t.Errorf("parent picker %v: want none, the root, SQ2 and JD2 (not itself nor its branches)", got)
	}

	// Without the CSRF token nothing changes.
	wantAdminPage(t, post(url.Values{"name": {"改名"}, "code": {"SQ"}, "parent_id": {o.root.ID}}), http.StatusForbidden)
	if g := a.getOrg(o.general.ID); g.Name != "幸福社区党总支" {
		t.Fatalf("renamed without the CSRF token: %q", g.Name)
	}

	// Errors by their fields, the answers kept, nothing stored.
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		field  string
		msg    string
	}{
		{"no name", url.Values{"name": {" "}, "code": {"SQX"}, "parent_id": {o.root.ID}}, http.StatusUnprocessableEntity, "org-name", "请填写组织名称"},
		{"bad code", url.Values{"name": {"幸福社区"}, "code": {"社区"}, "parent_id": {o.root.ID}}, http.StatusUnprocessableEntity, "org-code", "组织编码只能包含"},
		{"code taken", url.Values{"name": {"幸福社区"}, "code": {"ZB1"}, "parent_id": {o.root.ID}}, http.StatusConflict, "org-code", "组织编码已被使用"},
		{"under its own branch", url.Values{"name": {"幸福社区"}, "code": {"SQ"}, "parent_id": {o.zb1.ID}}, http.StatusUnprocessableEntity, "parent_id", "不能把组织移到它自己或它的下级组织之下"},
		{"under a general branch", url.Values{"name": {"幸福社区"}, "code": {"SQ"}, "parent_id": {sq2.ID}}, http.StatusUnprocessableEntity, "parent_id", "党总支不能设在党总支之下"},
		{"under an unknown org", url.Values{"name": {"幸福社区"}, "code": {"SQ"}, "parent_id": {"0123456789abcdef01234567"}}, http.StatusUnprocessableEntity, "parent_id", "上级组织不存在"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantAdminPage(t, post(withCSRF(csrf, tc.form)), tc.status, fieldError(tc.field, tc.msg), `aria-describedby="`+tc.field+`-error"`,
				`value="`+tc.form.Get("code")+`"`, `id="edit-error"`)
			if n := tc.form.Get("name"); strings.TrimSpace(n) != "" && !strings.Contains(body, `value="`+n+`"`) {
				t.Errorf("the name was not kept")
			}
			if g := a.getOrg(o.general.ID); g.Name != "幸福社区党总支" || g.Code != "SQ" || g.ParentID != o.root.ID {
				t.Fatalf("a refused form changed the org: %+v", g)
			}
		})
	}

	// Rename and recode: 303 back with a notice.
	loc := wantSeeOther(t, post(withCSRF(csrf, url.Values{"name": {" 幸福社区党委 "}, "code": {"SQX"}, "parent_id": {o.root.ID}})), page+"?done=updated")
	if g := a.getOrg(o.general.ID); g.Name != "幸福社区党委" || g.Code != "SQX" || g.ParentID != o.root.ID {
		t.Fatalf("after the rename: %+v", g)
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="notice"`, "已保存组织信息", "<h1>幸福社区党委</h1>")

	// Move it, with its branches, under the other committee.
	wantSeeOther(t, post(withCSRF(csrf, url.Values{"name": {"幸福社区党委"}, "code": {"SQX"}, "parent_id": {other.ID}})), page+"?done=updated")
	if g := a.getOrg(o.zb1.ID); !slices.Equal(g.Path, []string{other.ID, o.general.ID}) {
		t.Fatalf("the branch's path after the move: %v", g.Path)
	}
	wantAdminPage(t, a.page("/admin/orgs/"+o.zb1.ID, admin), http.StatusOK, `<a href="/admin/orgs/`+other.ID+`">另一街道党工委</a> › <a href="/admin/orgs/`+o.general.ID+`">幸福社区党委</a>`)
	// A branch made a root.
	wantSeeOther(t, a.form("/admin/orgs/"+o.zb2.ID, withCSRF(csrf, url.Values{"name": {"第二党支部"}, "code": {"ZB2"}, "parent_id": {""}}), "Cookie", admin), "/admin/orgs/"+o.zb2.ID)
	if g := a.getOrg(o.zb2.ID); g.ParentID != "" || len(g.Path) != 0 {
		t.Fatalf("the root branch: %+v", g)
	}
	tree := decode[orgTreeJSON](t, a.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK)
	var roots []string
	for _, r := range tree.Items {
		roots = append(roots, r.Code)
	}
	if !slices.Equal(roots, []string{"JD", "ZB2", "JD2"}) {
		t.Errorf("roots after the moves: %v", roots)
	}
	if got := a.auditSummaries("org.update"); !slices.Contains(got, "修改组织幸福社区党总支：名称改为幸福社区党委，编码改为SQX") ||
		!slices.Contains(got, "修改组织幸福社区党委：移动到另一街道党工委之下") || !slices.Contains(got, "修改组织第二党支部：移动到最上级") {
		t.Errorf("audit: %q", got)
	}
	// An unknown org: the message page.
	wantAdminPage(t, a.form("/admin/orgs/0123456789abcdef01234567", withCSRF(csrf, url.Values{"name": {"x"}}), "Cookie", admin), http.StatusNotFound, "组织不存在")
}

// TestOrgPatchParent: PATCH /api/v1/orgs/{id} moves an org with parent_id
// and keeps name/code patches as they were.
func TestOrgPatchParent(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	wantError(t, e.do(http.MethodPatch, "/api/v1/orgs/"+o.general.ID, map[string]any{"parent_id": o.zb1.ID}), http.StatusUnprocessableEntity, "validation_failed", "parent_id")
	wantError(t, e.do(http.MethodPatch, "/api/v1/orgs/"+o.general.ID, map[string]any{"code": "ZB1"}), http.StatusConflict, "org_code_taken", "code")
	got := decode[surveys.Org](t, e.do(http.MethodPatch, "/api/v1/orgs/"+o.zb1.ID, map[string]any{"parent_id": o.root.ID}), http.StatusOK)
	if got.ParentID != o.root.ID || !slices.Equal(got.Path, []string{o.root.ID}) || got.Name != "第一党支部" {
		t.Fatalf("moved: %+v", got)
	}
	got = decode[surveys.Org](t, e.do(http.MethodPatch, "/api/v1/orgs/"+o.zb1.ID, map[string]any{"name": "一支部"}), http.StatusOK)
	if got.ParentID != o.root.ID || got.Name != "一支部" {
		t.Fatalf("renamed: %+v", got)
	}
	// A secretary of the general branch no longer sees the moved branch.
	sec := "Bearer " + e.tokenFor("secretary", o.general.ID)
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs/"+o.zb1.ID, nil, "Authorization", sec), http.StatusForbidden, "out_of_scope")
}

// TestAdminOrgDelete: 删除 asks first (naming the org), refuses an org with
// children or members with a Chinese message on its page, and deletes an
// empty one, back to the tree with a notice.
func TestAdminOrgDelete(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	del := func(id string, v url.Values) *httptest.ResponseRecorder {
		return a.form("/admin/orgs/"+id+"/delete", v, "Cookie", admin)
	}
	wantAdminPage(t, a.page("/admin/orgs/"+o.zb2.ID+"/delete", admin), http.StatusOK,
		"确定删除党支部“第二党支部”（编码 ZB2）？", `action="/admin/orgs/`+o.zb2.ID+`/delete"`, `name="csrf_token"`, `href="/admin/orgs/`+o.zb2.ID+`" id="cancel"`)
	wantAdminPage(t, a.page("/admin/orgs/0123456789abcdef01234567/delete", admin), http.StatusNotFound, "组织不存在")

	wantAdminPage(t, del(o.general.ID, withCSRF(csrf, nil)), http.StatusConflict, `id="delete-error"`, "不能删除：该组织下还有下级组织", "<h1>幸福社区党总支</h1>")
	wantAdminPage(t, del(o.zb1.ID, withCSRF(csrf, nil)), http.StatusConflict, `id="delete-error"`, "不能删除：该组织还有党员")
	wantAdminPage(t, del(o.zb2.ID, nil), http.StatusForbidden)
	a.getOrg(o.zb2.ID) // still there

	loc := wantSeeOther(t, del(o.zb2.ID, withCSRF(csrf, nil)), "/admin/orgs?deleted=")
	wantError(t, a.do(http.MethodGet, "/api/v1/orgs/"+o.zb2.ID, nil), http.StatusNotFound, "org_not_found")
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="deleted"`, "已删除组织 <strong>第二党支部</strong>")
	if got := a.auditSummaries("org.delete"); !slices.Equal(got, []string{"删除组织第二党支部（ZB2）"}) {
		t.Errorf("audit: %q", got)
	}
	wantAdminPage(t, del(o.zb2.ID, withCSRF(csrf, nil)), http.StatusNotFound, "组织不存在")
}

// TestAdminMemberSearch: the org page's search box finds members of its
// subtree by part of the name, and the next page keeps the search.
func TestAdminMemberSearch(t *testing.T) {
	a, admin, _ := newManageEnv(t)
	o := a.orgTree()
	rows := [][]string{{"姓名", "所在支部", "职务", "预备党员"}}
	for i := range 105 {
		rows = append(rows, []string{fmt.Sprintf("张%03d", i), "ZB1", "", ""})
	}
	rows = append(rows, []string{"李秀英", "ZB1", "", ""}, []string{"张建国", "ZB2", "", ""}, []string{"王张", "SQ", "", ""})
	if res := decode[importResult](t, a.upload("/api/v1/members/import", workbook(t, rows)), http.StatusOK); res.Created != 108 {
		t.Fatalf("import: %+v", res)
	}
	page := "/admin/orgs/" + o.general.ID
	count := func(body string) int { return strings.Count(body, `<td class="member">`) }

	body := wantAdminPage(t, a.page(page+"?q=张建", admin), http.StatusOK, `id="search-form"`, `id="q" name="q" value="张建"`,
		`id="clear-search"`, `<td class="member">张建国</td>`)
	if n := count(body); n != 1 {
		t.Errorf("%d rows for 张建, want 1", n)
	}
	body = wantAdminPage(t, a.page(page+"?q=%E6%9D%8E", admin), http.StatusOK, `<td class="member">李秀英</td>`) // 李
	if n := count(body); n != 1 {
		t.Errorf("%d rows for 李, want 1", n)
	}
	// The subtree only: ZB2 has 张建国 but no 李秀英.
	wantAdminPage(t, a.page("/admin/orgs/"+o.zb2.ID+"?q=%E6%9D%8E", admin), http.StatusOK, "没有姓名含“李”的党员")
	// 张: 105 in ZB1, 张建国 in ZB2, 王张 in SQ — two pages, the second reached with the search kept.
	body = wantAdminPage(t, a.page(page+"?q=%E5%BC%A0", admin), http.StatusOK, `id="more"`)
	if n := count(body); n != 100 {
		t.Errorf("first page: %d rows, want 100", n)
	}
	more := html.UnescapeString(regexp.MustCompile(`id="more" href="([^"]+)"`).FindStringSubmatch(body)[1])
	if u, _ := url.Parse(more); u.Query().Get("q") != "张" || u.Query().Get("after") == "" {
		t.Fatalf("the next page's link %q does not keep the search", more)
	}
	body = wantAdminPage(t, a.page(more, admin), http.StatusOK)
	if n := count(body); n != 7 || strings.Contains(body, "李秀英") || strings.Contains(body, `id="more"`) {
		t.Errorf("second page: %d rows (want 7, no 李秀英, no more link)", n)
	}
	// No search: everyone of the subtree.
	if n := count(wantAdminPage(t, a.page("/admin/orgs/"+o.zb2.ID, admin), http.StatusOK)); n != 1 {
		t.Errorf("ZB2 without a search: %d rows", n)
	}
}

// TestAdminMemberEdit: each member row links its edit page, which saves
// name, title, org and probationary as PATCH /api/v1/members/{id} does and
// deletes after a confirmation, both audited.
func TestAdminMemberEdit(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	m := a.member("张建国", o.zb1.ID)
	a.member("李秀英", o.zb2.ID)
	page := "/admin/members/" + m.ID
	post := func(v url.Values) *httptest.ResponseRecorder { return a.form(page, v, "Cookie", admin) }
	getMember := func() surveys.Member {
		return decode[surveys.Member](t, a.do(http.MethodGet, "/api/v1/members/"+m.ID, nil), http.StatusOK)
	}

	wantAdminPage(t, a.page("/admin/orgs/"+o.zb1.ID, admin), http.StatusOK, `<a href="`+page+`" class="edit-member">编辑</a>`)
	wantAdminPage(t, a.page(page, admin), http.StatusOK, "<h1>张建国</h1>", `id="name" name="name" value="张建国"`,
		`<option value="`+o.zb1.ID+`" selected>`, `action="`+page+`"`, `href="`+page+`/delete"`, `href="/admin/orgs/`+o.zb1.ID+`" id="back"`)
	wantAdminPage(t, a.page("/admin/members/0123456789abcdef01234567", admin), http.StatusNotFound, "党员不存在")

	wantAdminPage(t, post(url.Values{"name": {"改名"}, "org_id": {o.zb1.ID}}), http.StatusForbidden)
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		field  string
		msg    string
	}{
		{"no name", url.Values{"name": {""}, "title": {"组织委员"}, "org_id": {o.zb1.ID}, "probationary": {"1"}}, http.StatusUnprocessableEntity, "name", "请填写姓名"},
		{"no org", url.Values{"name": {"张建国"}, "title": {"组织委员"}, "org_id": {""}}, http.StatusUnprocessableEntity, "org_id", "请选择所在组织"},
		{"unknown org", url.Values{"name": {"张建国"}, "title": {"组织委员"}, "org_id": {"0123456789abcdef01234567"}}, http.StatusUnprocessableEntity, "org_id", "所在组织不存在"},
		{"same name in the new org", url.Values{"name": {"李秀英"}, "title": {"组织委员"}, "org_id": {o.zb2.ID}}, http.StatusConflict, "name", "该组织下已有同名党员"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantAdminPage(t, post(withCSRF(csrf, tc.form)), tc.status, fieldError(tc.field, tc.msg), `aria-describedby="`+tc.field+`-error"`, `value="组织委员"`)
			if tc.form.Get("probationary") != "" && !strings.Contains(body, `id="probationary" name="probationary" value="1" checked`) {
				t.Errorf("probationary not kept")
			}
			if g := getMember(); g.Name != "张建国" || g.OrgID != o.zb1.ID || g.Title != "" {
				t.Fatalf("a refused form changed the member: %+v", g)
			}
		})
	}

	loc := wantSeeOther(t, post(withCSRF(csrf, url.Values{"name": {" 张建军 "}, "title": {"支部书记"}, "org_id": {o.zb2.ID}, "probationary": {"1"}})), page+"?done=saved")
	if g := getMember(); g.Name != "张建军" || g.Title != "支部书记" || g.OrgID != o.zb2.ID || !g.Probationary {
		t.Fatalf("after saving: %+v", g)
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="saved"`, "已保存党员信息", `<option value="`+o.zb2.ID+`" selected>`)
	// Unticking probationary saves false.
	wantSeeOther(t, post(withCSRF(csrf, url.Values{"name": {"张建军"}, "title": {"支部书记"}, "org_id": {o.zb2.ID}})), page)
	if g := getMember(); g.Probationary {
		t.Fatalf("probationary still set")
	}

	// Delete: asked first, then gone, back to the org with a notice.
	wantAdminPage(t, a.page(page+"/delete", admin), http.StatusOK, "确定删除党员“张建军”（第二党支部）？", `action="`+page+`/delete"`, `name="csrf_token"`)
	wantAdminPage(t, a.form(page+"/delete", nil, "Cookie", admin), http.StatusForbidden)
	loc = wantSeeOther(t, a.form(page+"/delete", withCSRF(csrf, nil), "Cookie", admin), "/admin/orgs/"+o.zb2.ID+"?deleted_member=")
	wantError(t, a.do(http.MethodGet, "/api/v1/members/"+m.ID, nil), http.StatusNotFound, "member_not_found")
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="notice"`, "已删除党员张建军。")
	wantAdminPage(t, a.form(page+"/delete", withCSRF(csrf, nil), "Cookie", admin), http.StatusNotFound, "党员不存在")
	if got := a.auditSummaries("member.update"); len(got) != 2 || got[0] != "修改党员张建军" {
		t.Errorf("member.update audit: %q", got)
	}
	if got := a.auditSummaries("member.delete"); !slices.Equal(got, []string{"删除党员张建军"}) {
		t.Errorf("member.delete audit: %q", got)
	}
}
