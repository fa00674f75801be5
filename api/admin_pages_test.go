package api_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

// signIn logs login in through the JSON session endpoint and returns the
// session cookie header value and the session's CSRF token.
func (a *authEnv) signIn(login string) (cookie, csrf string) {
	a.t.Helper()
	w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": login, "password": secretPassword}, "Authorization", "")
	got := decode[struct {
		CSRFToken string `json:"csrf_token"`
	}](a.t, w, http.StatusCreated)
	for _, c := range w.Result().Cookies() {
		if c.Name == "minyi_session" {
			return "minyi_session=" + c.Value, got.CSRFToken
		}
	}
	a.t.Fatal("no session cookie")
	return "", ""
}

// page GETs a page with a session cookie.
func (a *authEnv) page(path, cookie string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do(http.MethodGet, path, nil, "Authorization", "", "Cookie", cookie)
}

func wantAdminPage(t *testing.T, w *httptest.ResponseRecorder, status int, wants ...string) string {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	body := w.Body.String()
	for _, s := range wants {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Errorf("inline script or style on the page (CSP)")
	}
	return body
}

// TestAdminPages: an admin sees the users and the audit log and reaches
// them from /account; a leader gets the 403 page and no links.
func TestAdminPages(t *testing.T) {
	a := newAuthEnv(t)
	org := decode[surveys.Org](t, a.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	a.user("root", accounts.RoleAdmin)
	a.user("zhang", accounts.RoleLeader)
	decode[accounts.User](t, a.do(http.MethodPost, "/api/v1/users",
		map[string]any{"login": "wu", "name": "吴书记", "password": secretPassword, "role": "secretary", "org_id": org.ID}), http.StatusCreated)
	off := decode[accounts.User](t, a.do(http.MethodPost, "/api/v1/users",
		map[string]any{"login": "gone", "name": "离任人员", "password": secretPassword, "role": "operator"}), http.StatusCreated)
	decode[accounts.User](t, a.do(http.MethodPatch, "/api/v1/users/"+off.ID, map[string]any{"disabled": true}), http.StatusOK)

	admin, _ := a.signIn("root")
	wantAdminPage(t, a.page("/account", admin), http.StatusOK, `href="/admin/users"`, `href="/admin/audit"`)
	body := wantAdminPage(t, a.page("/admin/users", admin), http.StatusOK, "用户管理", `href="/static/site.css"`,
		`<td class="login">zhang</td>`, "领导", "支部书记", "第一党支部", "已停用", `name="csrf_token"`, `action="/admin/users"`)
	// One row per user: root, zhang, wu, gone.
	if n := strings.Count(body, `<td class="login">`); n != 4 {
		t.Errorf("%d user rows, want 4", n)
	}
	// The audit log shows the change made above, newest first.
	body = wantAdminPage(t, a.page("/admin/audit", admin), http.StatusOK, "审计日志", "user.update", "修改用户 gone：停用", off.ID)
	if strings.Index(body, "user.update") > strings.Index(body, "创建用户 gone") {
		t.Errorf("audit page is not newest first")
	}

	leader, _ := a.signIn("zhang")
	if strings.Contains(a.page("/account", leader).Body.String(), "/admin/users") {
		t.Errorf("a leader's account page links to the admin pages")
	}
	for _, p := range []string{"/admin/users", "/admin/audit"} {
		wantAdminPage(t, a.page(p, leader), http.StatusForbidden, "无权")
	}
	// Nobody signed in: to the login page and back.
	if w := a.page("/admin/users", ""); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Fadmin%2Fusers" {
		t.Errorf("anonymous: %d %q", w.Code, w.Header().Get("Location"))
	}
}

// TestAdminCreateUserForm: the form creates a user as POST /api/v1/users
// does; errors come back by their fields with the answers kept (never the
// password); without the CSRF token nothing happens.
func TestAdminCreateUserForm(t *testing.T) {
	a := newAuthEnv(t)
	org := decode[surveys.Org](t, a.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	a.user("root", accounts.RoleAdmin)
	admin, csrf := a.signIn("root")
	post := func(v url.Values) *httptest.ResponseRecorder {
		return a.form("/admin/users", v, "Cookie", admin)
	}
	users := func() map[string]accounts.User {
		l := decode[struct{ Items []accounts.User }](t, a.do(http.MethodGet, "/api/v1/users?limit=100", nil), http.StatusOK)
		m := map[string]accounts.User{}
		for _, u := range l.Items {
			m[u.Login] = u
		}
		return m
	}

	good := url.Values{"login": {"wang"}, "name": {"王书记"}, "role": {"secretary"}, "org_id": {org.ID}, "password": {"Qing-Shan-Lv-Shui-9"}}
	// Without the CSRF token: the 403 page, and no user.
	wantAdminPage(t, post(good), http.StatusForbidden)
	bad := url.Values{"csrf_token": {csrf + "x"}}
	for k, v := range good {
		bad[k] = v
	}
	wantAdminPage(t, post(bad), http.StatusForbidden)
	if _, ok := users()["wang"]; ok {
		t.Fatal("a user was created without the CSRF token")
	}

	withToken := func(v url.Values) url.Values {
		out := url.Values{"csrf_token": {csrf}}
		for k, x := range v {
			out[k] = x
		}
		return out
	}
	w := post(withToken(good))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/users?created=wang" {
		t.Fatalf("create: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	u, ok := users()["wang"]
	if !ok || u.Name != "王书记" || u.Role != accounts.RoleSecretary || u.OrgID != org.ID || u.Disabled {
		t.Fatalf("GET /api/v1/users: %+v (found %v)", u, ok)
	}
	wantAdminPage(t, a.page("/admin/users?created=wang", admin), http.StatusOK, `id="created"`, "已创建用户 <strong>wang</strong>")
	// The new user can sign in with the password typed on the form.
	if w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": "Qing-Shan-Lv-Shui-9"}, "Authorization", ""); w.Code != http.StatusCreated {
		t.Fatalf("the new user cannot sign in: %d %s", w.Code, w.Body)
	}
	wantAdminPage(t, a.page("/admin/audit?action=user.create", admin), http.StatusOK, "创建用户 wang（王书记，支部书记）")

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"secretary without an org", url.Values{"login": {"li4"}, "name": {"李四"}, "role": {"secretary"}, "password": {"Yi-Er-San-Si-Wu-6"}}, "org_id", "支部书记须指定所属组织"},
		{"short password", url.Values{"login": {"li4"}, "name": {"李四"}, "role": {"leader"}, "password": {"Short-1"}}, "password", "密码至少需要"},
		{"login taken", url.Values{"login": {"wang"}, "name": {"李四"}, "role": {"leader"}, "password": {"Yi-Er-San-Si-Wu-6"}}, "login", "登录名已被使用"},
		{"unknown org", url.Values{"login": {"li4"}, "name": {"李四"}, "role": {"secretary"}, "org_id": {"nope"}, "password": {"Yi-Er-San-Si-Wu-6"}}, "org_id", "组织不存在"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := post(withToken(tc.form))
			if w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusConflict {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			body := w.Body.String()
			// The message sits by its field.
			want := fmt.Sprintf(`<span class="field-error" id="%s-error">%s`, tc.field, html.EscapeString(tc.msg))
			if !strings.Contains(body, want) {
				t.Errorf("no %q on the page:\n%s", want, body)
			}
			if !strings.Contains(body, `value="`+tc.form.Get("login")+`"`) || !strings.Contains(body, `value="李四"`) {
				t.Errorf("the answers were not kept")
			}
			if role := tc.form.Get("role"); !strings.Contains(body, `<option value="`+role+`" selected>`) {
				t.Errorf("role %s not kept selected", role)
			}
			if strings.Contains(body, tc.form.Get("password")) {
				t.Errorf("the password was shown again")
			}
		})
	}
	if _, ok := users()["li4"]; ok {
		t.Fatal("a refused form created a user")
	}
}

var regexpEarlier = regexp.MustCompile(`id="earlier" href="([^"]+)"`)

// TestAdminAuditPaging: the audit page pages newest first with a "更早"
// link carrying the cursor and the filter.
func TestAdminAuditPaging(t *testing.T) {
	a := newAuthEnv(t)
	a.user("root", accounts.RoleAdmin)
	admin, _ := a.signIn("root")
	// 60 entries of one action: a page holds 50, so "更早" leads to the
	// other 10 (entry 00 to 09, the oldest).
	for i := range 60 {
		e := &accounts.AuditEntry{Actor: "robot", Action: "test.tick", ObjectType: "test", ObjectID: fmt.Sprintf("tick-%02d", i), Summary: fmt.Sprintf("第 %02d 次", i)}
		if err := a.acc.Audit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	body := wantAdminPage(t, a.page("/admin/audit?action=test.tick", admin), http.StatusOK, "tick-59", "tick-10", `id="earlier"`, `value="test.tick"`)
	if strings.Contains(body, "tick-09") || strings.Contains(body, "session.login") {
		t.Errorf("first page shows the oldest entry or another action")
	}
	if strings.Index(body, "tick-59") > strings.Index(body, "tick-10") {
		t.Errorf("not newest first")
	}
	m := regexpEarlier.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no 更早 link: %s", body)
	}
	link := html.UnescapeString(m[1])
	if !strings.Contains(link, "action=test.tick") || !strings.Contains(link, "after=") {
		t.Fatalf("更早 link %q lacks the filter or the cursor", link)
	}
	body = wantAdminPage(t, a.page(link, admin), http.StatusOK, "tick-09", "tick-00", `id="newest"`)
	if strings.Contains(body, "tick-10") || strings.Contains(body, `id="earlier"`) {
		t.Errorf("second page overlaps the first or offers more")
	}
	// Filter by actor and by object id.
	wantAdminPage(t, a.page("/admin/audit?object_id=tick-07", admin), http.StatusOK, "第 07 次")
	body = wantAdminPage(t, a.page("/admin/audit?actor=root", admin), http.StatusOK, "session.login")
	if strings.Contains(body, "test.tick") {
		t.Errorf("actor filter shows another actor's entries")
	}
}
