package api_test

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

// newManageEnv is the full server (every store) with sign-in helpers, an
// admin "root" and a leader "zhang".
func newManageEnv(t *testing.T) (*authEnv, string, string) {
	t.Helper()
	a := &authEnv{env: newEnv(t), clock: fixedNow, logs: &bytes.Buffer{}}
	a.user("root", accounts.RoleAdmin)
	a.user("zhang", accounts.RoleLeader)
	admin, csrf := a.signIn("root")
	return a, admin, csrf
}

// withCSRF adds the CSRF token to a form's values.
func withCSRF(csrf string, v url.Values) url.Values {
	out := url.Values{"csrf_token": {csrf}}
	for k, x := range v {
		out[k] = x
	}
	return out
}

// uploadForm posts a multipart form (fields, then the file) with a cookie.
func (a *authEnv) uploadForm(path, cookie string, fields url.Values, file []byte) *httptest.ResponseRecorder {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "名册.xlsx")
		if err != nil {
			a.t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	return a.do(http.MethodPost, path, body.Bytes(), "Authorization", "", "Content-Type", mw.FormDataContentType(), "Cookie", cookie)
}

// wantSeeOther checks a 303 and returns its Location.
func wantSeeOther(t *testing.T, w *httptest.ResponseRecorder, prefix string) string {
	t.Helper()
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("status %d Location %q, want 303 to %s…: %s", w.Code, loc, prefix, w.Body)
	}
	return loc
}

// fieldError is how a message sits next to its field.
func fieldError(field, msg string) string {
	return fmt.Sprintf(`<span class="field-error" id="%s-error">%s`, field, html.EscapeString(msg))
}

// TestAdminManagePagesAccess: every org and survey page renders for an
// admin, is the 403 page for a leader and sends nobody signed in to the
// login page; the home page links the two lists.
func TestAdminManagePagesAccess(t *testing.T) {
	a, admin, _ := newManageEnv(t)
	o := a.orgTree()
	sv := decode[surveys.Survey](t, a.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID}), http.StatusCreated)
	leader, _ := a.signIn("zhang")
	wantAdminPage(t, a.page("/", admin), http.StatusOK, `href="/admin/orgs"`, `href="/admin/surveys"`)
	if body := a.page("/", leader).Body.String(); strings.Contains(body, "/admin/orgs") {
		t.Errorf("a leader's home page links to the org admin page")
	}
	for _, tc := range []struct {
		path  string
		wants []string
	}{
		{"/admin/orgs", []string{"组织管理", "某街道党工委", "党总支", `action="/admin/orgs"`}},
		{"/admin/orgs/" + o.general.ID, []string{"幸福社区党总支", "第一党支部", `enctype="multipart/form-data"`}},
		{"/admin/surveys", []string{"测评管理", "年度民主评议党员", "党支部满意度测评", `action="/admin/surveys"`}},
		{"/admin/surveys/" + sv.ID, []string{"年度民主评议党员", "草稿", `id="publish"`}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			wantAdminPage(t, a.page(tc.path, admin), http.StatusOK, append(tc.wants, `name="csrf_token"`, `href="/static/site.css"`)...)
			wantAdminPage(t, a.page(tc.path, leader), http.StatusForbidden, "无权")
			w := a.page(tc.path, "")
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape(tc.path) {
				t.Errorf("anonymous: %d %q", w.Code, w.Header().Get("Location"))
			}
		})
	}
	// Unknown ids: the message page, not JSON.
	wantAdminPage(t, a.page("/admin/orgs/0123456789abcdef01234567", admin), http.StatusNotFound, "组织不存在")
	wantAdminPage(t, a.page("/admin/surveys/0123456789abcdef01234567", admin), http.StatusNotFound, "测评不存在")
}

type orgTreeJSON struct {
	Items []struct {
		surveys.Org
		Children []struct {
			surveys.Org
		}
	}
}

// TestAdminOrgForm: the form creates orgs as POST /api/v1/orgs does, the
// tree shows them nested with their kinds, and errors sit by their fields
// with the answers kept; without the CSRF token nothing happens.
func TestAdminOrgForm(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	post := func(v url.Values) *httptest.ResponseRecorder { return a.form("/admin/orgs", v, "Cookie", admin) }

	root := url.Values{"name": {"某街道党工委"}, "code": {"JD"}, "kind": {"committee"}}
	wantAdminPage(t, post(root), http.StatusForbidden, "页面已过期")
	if n := len(decode[orgTreeJSON](t, a.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK).Items); n != 0 {
		t.Fatalf("%d orgs created without the CSRF token", n)
	}
	loc := wantSeeOther(t, post(withCSRF(csrf, root)), "/admin/orgs?created=")
	tree := decode[orgTreeJSON](t, a.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK)
	if len(tree.Items) != 1 || tree.Items[0].Name != "某街道党工委" || tree.Items[0].Code != "JD" || tree.Items[0].Kind != surveys.OrgCommittee {
		t.Fatalf("tree after the first form: %+v", tree)
	}
	rootID := tree.Items[0].ID
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="created"`, "已创建组织", `href="/admin/orgs/`+rootID+`"`)

	wantSeeOther(t, post(withCSRF(csrf, url.Values{"name": {"第一党支部"}, "code": {"ZB1"}, "kind": {"branch"}, "parent_id": {rootID}})), "/admin/orgs?created=")
	tree = decode[orgTreeJSON](t, a.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK)
	if len(tree.Items) != 1 || len(tree.Items[0].Children) != 1 || tree.Items[0].Children[0].Code != "ZB1" || tree.Items[0].Children[0].Kind != surveys.OrgBranch {
		t.Fatalf("tree after the second form: %+v", tree)
	}
	// The tree nests the branch inside the committee's item, kinds labelled.
	body := wantAdminPage(t, a.page("/admin/orgs", admin), http.StatusOK)
	nested := regexp.MustCompile(`某街道党工委</a> <span class="kind">党委</span> <code>JD</code><ul class="org-tree"><li><a href="/admin/orgs/[0-9a-f]+" class="org-link">第一党支部</a> <span class="kind">党支部</span>`)
	if !nested.MatchString(body) {
		t.Errorf("the tree is not nested with kinds:\n%s", body)
	}

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"no name", url.Values{"name": {""}, "code": {"ZB2"}, "kind": {"branch"}, "parent_id": {rootID}}, "name", "请填写组织名称"},
		{"bad code", url.Values{"name": {"第二党支部"}, "code": {"支部二"}, "kind": {"branch"}, "parent_id": {rootID}}, "code", "组织编码只能包含"},
		{"code taken", url.Values{"name": {"第二党支部"}, "code": {"ZB1"}, "kind": {"branch"}, "parent_id": {rootID}}, "code", "组织编码已被使用"},
		{"committee under a committee", url.Values{"name": {"第二党支部"}, "code": {"ZB2"}, "kind": {"committee"}, "parent_id": {rootID}}, "parent_id", "党委不能设在党委之下"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := post(withCSRF(csrf, tc.form))
			if w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusConflict {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			body := wantAdminPage(t, w, w.Code, fieldError(tc.field, tc.msg))
			if n := tc.form.Get("name"); n != "" && !strings.Contains(body, `value="`+n+`"`) {
				t.Errorf("the name was not kept")
			}
			if !strings.Contains(body, `<option value="`+tc.form.Get("kind")+`" selected>`) || !strings.Contains(body, `<option value="`+rootID+`" selected>`) {
				t.Errorf("kind or parent not kept selected")
			}
		})
	}
	if tree := decode[orgTreeJSON](t, a.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK); len(tree.Items[0].Children) != 1 {
		t.Fatalf("a refused form created an org: %+v", tree)
	}
}

// TestAdminMembersAndImport: on an org's page an admin adds a member and
// imports the sample roster through the upload form; the outcome shows the
// counts and each bad row, and the roster API agrees.
func TestAdminMembersAndImport(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	page := "/admin/orgs/" + o.zb1.ID

	// Add a member.
	wantAdminPage(t, a.form(page+"/members", url.Values{"name": {"赵红"}}, "Cookie", admin), http.StatusForbidden)
	loc := wantSeeOther(t, a.form(page+"/members", withCSRF(csrf, url.Values{"name": {" 赵红 "}, "title": {"组织委员"}, "probationary": {"1"}}), "Cookie", admin), page+"?added=")
	ms := decode[memberList](t, a.do(http.MethodGet, "/api/v1/members?org_id="+o.zb1.ID, nil), http.StatusOK)
	if len(ms.Items) != 1 || ms.Items[0].Name != "赵红" || ms.Items[0].Title != "组织委员" || !ms.Items[0].Probationary || ms.Items[0].OrgID != o.zb1.ID {
		t.Fatalf("members after the form: %+v", ms.Items)
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, "已添加党员 <strong>赵红</strong>", `<td class="member">赵红</td><td>组织委员</td><td>第一党支部</td><td>是</td>`)
	// Errors by their fields, answers kept.
	wantAdminPage(t, a.form(page+"/members", withCSRF(csrf, url.Values{"name": {""}, "title": {"宣传委员"}, "probationary": {"1"}}), "Cookie", admin),
		http.StatusUnprocessableEntity, fieldError("name", "请填写姓名"), `value="宣传委员"`, `id="probationary" name="probationary" value="1" checked`)
	wantAdminPage(t, a.form(page+"/members", withCSRF(csrf, url.Values{"name": {"赵红"}}), "Cookie", admin),
		http.StatusConflict, fieldError("name", "该组织下已有同名党员"), `value="赵红"`)

	// The sample roster: 4 members of ZB1, 4 of ZB2, 2 probationary.
	sample, err := os.ReadFile("../testdata/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{}, sample), http.StatusForbidden)
	body := wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, sample), http.StatusOK,
		`<strong id="imp-created">8</strong>`, `<strong id="imp-updated">0</strong>`, `<strong id="imp-unchanged">0</strong>`)
	if strings.Contains(body, `class="bad-rows"`) {
		t.Errorf("a clean import lists bad rows")
	}
	all := decode[memberList](t, a.do(http.MethodGet, "/api/v1/members?limit=100", nil), http.StatusOK)
	if len(all.Items) != 9 { // 赵红 + 8 from the file
		t.Fatalf("%d members after the import, want 9", len(all.Items))
	}
	// The same file again changes nothing.
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, sample), http.StatusOK,
		`<strong id="imp-created">0</strong>`, `<strong id="imp-unchanged">8</strong>`)

	bad := workbook(t, [][]string{
		{"姓名", "所在支部", "职务", "预备党员"},
		{"孙伟", "ZB2", "", "否"},  // row 2: good, new
		{"", "ZB1", "", ""},     // row 3: no name
		{"钱进", "第九党支部", "", ""}, // row 4: unknown org
	})
	// All or nothing: refused, every bad row named, nothing stored.
	body = wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, bad), http.StatusUnprocessableEntity,
		`id="import-error"`, "名册中有2行有误", "<li>第3行：", "<li>第4行：")
	if strings.Contains(body, `id="imp-created"`) {
		t.Errorf("a refused import shows counts")
	}
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members?q=孙伟", nil), http.StatusOK).Items); n != 0 {
		t.Fatalf("a refused import stored %d rows", n)
	}
	// Partial: the good row stored, the bad ones listed, the box kept ticked.
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}, "partial": {"1"}}, bad), http.StatusOK,
		`<strong id="imp-created">1</strong>`, "<li>第3行：", "<li>第4行：", `id="partial" name="partial" value="1" checked`)
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members?q=孙伟&org_id="+o.zb2.ID, nil), http.StatusOK).Items); n != 1 {
		t.Fatalf("partial import stored %d rows of 孙伟, want 1", n)
	}
	// No file: the message by the file field.
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, nil), http.StatusUnprocessableEntity,
		`<span class="field-error" id="file-error">请选择要导入的名册文件`)
	// A file over the 10 MiB limit: 413 and a page that says so.
	wantAdminPage(t, a.uploadForm(page+"/import", admin, url.Values{"csrf_token": {csrf}}, bytes.Repeat([]byte("x"), 11<<20)),
		http.StatusRequestEntityTooLarge, "过大")
	// The general branch's page lists its branches' members too.
	wantAdminPage(t, a.page("/admin/orgs/"+o.general.ID, admin), http.StatusOK, "赵红", "孙伟", "第二党支部")
}

type codeCountsJSON struct {
	Items []struct {
		RaterGroup   string `json:"rater_group"`
		Issued, Used int
	}
	Total struct{ Issued, Used int }
}

// TestAdminSurveyWorkflow: from a template to a draft, a refused publish
// with its field paths, publishing, issuing codes, closing — each checked
// through the JSON API.
func TestAdminSurveyWorkflow(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	a.member("李秀英", o.zb1.ID)
	post := func(path string, v url.Values) *httptest.ResponseRecorder { return a.form(path, v, "Cookie", admin) }
	getSurvey := func(id string) surveys.Survey {
		return decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)
	}

	// Form errors: an unknown template, an unknown org; answers kept.
	wantAdminPage(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {"nope"}, "title": {"二〇二六年评议"}})),
		http.StatusNotFound, fieldError("template", "模板不存在"), `value="二〇二六年评议"`)
	wantAdminPage(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateSatisfaction}, "title": {"满意度"}, "org_id": {"0123456789abcdef01234567"}})),
		http.StatusUnprocessableEntity, fieldError("org_id", "组织不存在"), `value="满意度"`, `value="`+surveys.TemplateSatisfaction+`" checked`)
	wantAdminPage(t, post("/admin/surveys", url.Values{"template": {surveys.TemplateAppraisal}}), http.StatusForbidden)
	if l := decode[struct{ Items []surveys.Survey }](t, a.do(http.MethodGet, "/api/v1/surveys", nil), http.StatusOK); len(l.Items) != 0 {
		t.Fatalf("refused forms created %d surveys", len(l.Items))
	}

	// A draft from the appraisal template for ZB1 (its two members).
	loc := wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "title": {"第一党支部2026年民主评议"}, "org_id": {o.zb1.ID}})), "/admin/surveys/")
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/admin/surveys/")
	sv := getSurvey(id)
	if sv.Title != "第一党支部2026年民主评议" || sv.Status != surveys.StatusDraft || sv.Template != surveys.TemplateAppraisal || sv.OrgID != o.zb1.ID {
		t.Fatalf("the draft: %+v", sv)
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, "已用模板创建测评草稿", "草稿", "第一党支部",
		"本人：权重 0.1", "党员：权重 0.4", // the groups and weights, without their keys
		"评议等次", "优秀（95分）", "逐个评价", // a question, its scored options
		"每张票在“评议等次”中选“优秀”的不超过测评对象的三分之一", // the quota rule
		"推荐等次“优秀”：得分不低于 90", "凭测评码参与", `id="codes-form"`, "发布后可下载打印测评码")
	wantAdminPage(t, a.page("/admin/surveys", admin), http.StatusOK, `href="/admin/surveys/`+id+`"`, "第一党支部2026年民主评议", "民主评议党员")

	// A draft that cannot be published: ZB2 has no members. The reasons
	// come back in Chinese with their field paths; it stays a draft.
	loc2 := wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "org_id": {o.zb2.ID}})), "/admin/surveys/")
	id2 := strings.TrimPrefix(strings.SplitN(loc2, "?", 2)[0], "/admin/surveys/")
	wantAdminPage(t, post("/admin/surveys/"+id2+"/publish", withCSRF(csrf, nil)), http.StatusUnprocessableEntity,
		`id="form-error"`, "<code>subjects[0].id</code>：“第二党支部”及其下级组织没有党员")
	if st := getSurvey(id2).Status; st != surveys.StatusDraft {
		t.Fatalf("a refused publish left status %s", st)
	}

	// Codes before publishing; a bad count by its field, the group kept.
	wantAdminPage(t, post("/admin/surveys/"+id+"/codes", withCSRF(csrf, url.Values{"count": {"0"}, "rater_group": {"masses"}})),
		http.StatusUnprocessableEntity, fieldError("count", "一次可生成1到5000个测评码"), `<option value="masses" selected>`, `value="0"`)
	wantAdminPage(t, post("/admin/surveys/"+id+"/codes", withCSRF(csrf, url.Values{"count": {"3"}, "rater_group": {"nobody"}})),
		http.StatusUnprocessableEntity, fieldError("rater_group", "评价群体不存在"))

	// Publish: without the token nothing; with it, published with a slug.
	wantAdminPage(t, post("/admin/surveys/"+id+"/publish", nil), http.StatusForbidden)
	if st := getSurvey(id).Status; st != surveys.StatusDraft {
		t.Fatalf("published without the CSRF token: %s", st)
	}
	loc = wantSeeOther(t, post("/admin/surveys/"+id+"/publish", withCSRF(csrf, nil)), "/admin/surveys/"+id+"?done=published")
	sv = getSurvey(id)
	if sv.Status != surveys.StatusPublished || sv.Slug == "" || len(sv.Subjects) != 2 {
		t.Fatalf("after publish: status %s slug %q %d subjects", sv.Status, sv.Slug, len(sv.Subjects))
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, "测评已发布", "进行中", testBaseURL+"/s/"+sv.Slug, `href="/s/`+sv.Slug+`"`,
		`<img class="qr" src="/api/v1/surveys/`+id+`/qr.png"`, `href="/results/`+id+`"`, "张建国", "李秀英", `id="close"`)
	if w := a.page("/api/v1/surveys/"+id+"/qr.png", admin); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png with the session: %d %s", w.Code, w.Header().Get("Content-Type"))
	}

	// Issue 5 codes for 群众 and 2 for 党员.
	loc = wantSeeOther(t, post("/admin/surveys/"+id+"/codes", withCSRF(csrf, url.Values{"count": {"5"}, "rater_group": {"masses"}})), "/admin/surveys/"+id+"?issued=5")
	wantSeeOther(t, post("/admin/surveys/"+id+"/codes", withCSRF(csrf, url.Values{"count": {"2"}, "rater_group": {"members"}})), "/admin/surveys/"+id+"?issued=2")
	counts := decode[codeCountsJSON](t, a.do(http.MethodGet, "/api/v1/surveys/"+id+"/codes", nil), http.StatusOK)
	byGroup := map[string]int{}
	for _, it := range counts.Items {
		byGroup[it.RaterGroup] = it.Issued
	}
	if counts.Total.Issued != 7 || byGroup["masses"] != 5 || byGroup["members"] != 2 {
		t.Fatalf("codes after the forms: %+v", counts)
	}
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, "已生成 5 个测评码", `<td id="codes-issued">7</td>`, `<td id="codes-used">0</td>`,
		`href="/api/v1/surveys/`+id+`/codes.pdf"`, `href="/api/v1/surveys/`+id+`/codes.xlsx"`, `href="/api/v1/surveys/`+id+`/codes.png?page=1"`,
		`<td>群众</td><td class="issued">5</td><td class="used">0</td>`,
		`href="/api/v1/surveys/`+id+`/codes.pdf?rater_group=masses"`)
	// The download links work with the session cookie.
	if w := a.page("/api/v1/surveys/"+id+"/codes.pdf", admin); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("codes.pdf with the session: %d %s", w.Code, w.Header().Get("Content-Type"))
	}

	// Close; closing again is refused with the reason on the page.
	wantSeeOther(t, post("/admin/surveys/"+id+"/close", withCSRF(csrf, nil)), "/admin/surveys/"+id+"?done=closed")
	if st := getSurvey(id).Status; st != surveys.StatusClosed {
		t.Fatalf("after close: %s", st)
	}
	body := wantAdminPage(t, post("/admin/surveys/"+id+"/close", withCSRF(csrf, nil)), http.StatusConflict, `id="form-error"`, "已结束")
	if strings.Contains(body, `id="codes-form"`) || strings.Contains(body, `id="publish"`) {
		t.Errorf("a closed survey offers the codes form or publishing")
	}
	// An unknown survey: the message page.
	wantAdminPage(t, post("/admin/surveys/0123456789abcdef01234567/publish", withCSRF(csrf, nil)), http.StatusNotFound, "测评不存在")
	wantAdminPage(t, post("/admin/surveys/0123456789abcdef01234567/codes", withCSRF(csrf, url.Values{"count": {"5"}})), http.StatusNotFound, "测评不存在")
}
