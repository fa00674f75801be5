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

// Tests of the page forms that mirror JSON endpoints: /admin/users/{id}
// (PATCH /users/{id}), the tokens of /account (/tokens) and the filter and
// final grades of /results/{id} (GET /results, PUT .../final-grade).

func TestAdminUserEditForm(t *testing.T) {
	a := newAuthEnv(t)
	org := decode[surveys.Org](t, a.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	rootID := a.user("root", accounts.RoleAdmin)
	a.user("zhang", accounts.RoleLeader)
	wangID := a.user("wang", accounts.RoleOperator)
	admin, csrf := a.signIn("root")
	edit := "/admin/users/" + wangID
	getUser := func(id string) accounts.User {
		return decode[accounts.User](t, a.do(http.MethodGet, "/api/v1/users/"+id, nil), http.StatusOK)
	}

	// Each row of the list links to its edit page.
	wantAdminPage(t, a.page("/admin/users", admin), http.StatusOK, `href="/admin/users/`+wangID+`"`, `href="/admin/users/`+rootID+`"`)
	wantAdminPage(t, a.page(edit, admin), http.StatusOK, "修改用户 wang", `action="/admin/users/`+wangID+`"`, `name="csrf_token"`,
		`value="测试用户"`, `<option value="operator" selected>`, `name="disabled"`)

	good := url.Values{"name": {"王明"}, "role": {"secretary"}, "org_id": {org.ID}, "password": {"Xin-Mi-Ma-2026-Qiu"}}
	// Without the CSRF token: the 403 page, nothing changes.
	wantAdminPage(t, a.form(edit, good, "Cookie", admin), http.StatusForbidden)
	if u := getUser(wangID); u.Name != "测试用户" || u.Role != accounts.RoleOperator {
		t.Fatalf("changed without the CSRF token: %+v", u)
	}

	w := a.form(edit, withCSRF(csrf, good), "Cookie", admin)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != edit+"?saved=1" {
		t.Fatalf("save: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if u := getUser(wangID); u.Name != "王明" || u.Role != accounts.RoleSecretary || u.OrgID != org.ID || u.Disabled {
		t.Fatalf("after the form: %+v", u)
	}
	wantAdminPage(t, a.page(edit+"?saved=1", admin), http.StatusOK, `id="saved"`, `value="王明"`, `<option value="`+org.ID+`" selected>`)
	// The new password works; the audit entry names each change and not the password.
	if w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": "Xin-Mi-Ma-2026-Qiu"}, "Authorization", ""); w.Code != http.StatusCreated {
		t.Fatalf("new password refused: %d %s", w.Code, w.Body)
	}
	body := wantAdminPage(t, a.page("/admin/audit?action=user.update", admin), http.StatusOK,
		"修改用户 wang：姓名改为 王明，角色改为 支部书记，所属组织改为 "+org.ID+"，重设密码")
	if strings.Contains(body, "Xin-Mi-Ma") {
		t.Error("the password is in the audit log")
	}

	// Disabling: the checkbox alone, the rest unchanged (an empty password keeps it).
	w = a.form(edit, withCSRF(csrf, url.Values{"name": {"王明"}, "role": {"secretary"}, "org_id": {org.ID}, "disabled": {"1"}}), "Cookie", admin)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", w.Code, w.Body)
	}
	if u := getUser(wangID); !u.Disabled || u.Name != "王明" {
		t.Fatalf("after disabling: %+v", u)
	}
	wantAdminPage(t, a.page("/admin/audit?action=user.update", admin), http.StatusOK, "修改用户 wang：停用")
	wantAdminPage(t, a.page(edit, admin), http.StatusOK, `name="disabled" value="1" checked`)

	// Refusals come back by field with the answers kept, as PATCH refuses them.
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		field  string
		msg    string
	}{
		{"secretary without an org", url.Values{"name": {"李四"}, "role": {"secretary"}, "org_id": {""}}, http.StatusUnprocessableEntity, "org_id", "支部书记须指定所属组织"},
		{"short password", url.Values{"name": {"李四"}, "role": {"leader"}, "password": {"Short-1"}}, http.StatusUnprocessableEntity, "password", "密码至少需要"},
		{"unknown org", url.Values{"name": {"李四"}, "role": {"secretary"}, "org_id": {"nope"}}, http.StatusUnprocessableEntity, "org_id", "组织不存在"},
		{"empty name", url.Values{"name": {" "}, "role": {"leader"}}, http.StatusUnprocessableEntity, "name", "请填写姓名"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := wantAdminPage(t, a.form(edit, withCSRF(csrf, tc.form), "Cookie", admin), tc.status,
				fmt.Sprintf(`<span class="field-error" id="%s-error">%s`, tc.field, html.EscapeString(tc.msg)))
			if tc.form.Get("name") == "李四" && !strings.Contains(body, `value="李四"`) {
				t.Errorf("the answers were not kept")
			}
			if pw := tc.form.Get("password"); pw != "" && strings.Contains(body, pw) {
				t.Errorf("the password was shown again")
			}
		})
	}
	if u := getUser(wangID); u.Name != "王明" || u.Role != accounts.RoleSecretary {
		t.Fatalf("a refused form changed the user: %+v", u)
	}

	// Self-lockout: an admin may neither disable itself nor drop its role (409, in Chinese).
	for _, f := range []url.Values{
		{"name": {"测试用户"}, "role": {"admin"}, "disabled": {"1"}},
		{"name": {"测试用户"}, "role": {"leader"}},
	} {
		wantAdminPage(t, a.form("/admin/users/"+rootID, withCSRF(csrf, f), "Cookie", admin), http.StatusConflict,
			`id="form-error"`, "不能停用自己的账户或取消自己的管理员角色")
	}
	if u := getUser(rootID); u.Disabled || u.Role != accounts.RoleAdmin {
		t.Fatalf("the admin locked itself out: %+v", u)
	}
	wantAdminPage(t, a.page("/admin/users/"+rootID, admin), http.StatusOK, `id="self-note"`)
	wantAdminPage(t, a.page("/admin/users/nobody", admin), http.StatusNotFound)

	// A leader: the 403 page for both, and nothing changes.
	leader, leaderCSRF := a.signIn("zhang")
	wantAdminPage(t, a.page(edit, leader), http.StatusForbidden, "无权")
	wantAdminPage(t, a.form(edit, withCSRF(leaderCSRF, url.Values{"name": {"篡改"}, "role": {"admin"}}), "Cookie", leader), http.StatusForbidden, "无权")
	if u := getUser(wangID); u.Name != "王明" || u.Role != accounts.RoleSecretary {
		t.Fatalf("a leader changed a user: %+v", u)
	}
}

var (
	regexpNewToken = regexp.MustCompile(`id="new-token-value" class="token-value" value="([^"]+)"`)
	regexpRevoke   = regexp.MustCompile(`action="/account/tokens/([^"/]+)/revoke"`)
)

func TestAccountTokens(t *testing.T) {
	a := newAuthEnv(t)
	a.user("li", accounts.RoleLeader)
	zhaoID := a.user("zhao", accounts.RoleLeader)
	_, zhaoToken, err := a.acc.CreateToken(t.Context(), zhaoID, "赵的脚本")
	if err != nil {
		t.Fatal(err)
	}
	ck, csrf := a.signIn("li")
	bearer := func(tok string) int {
		return a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "Bearer "+tok).Code
	}

	body := wantAdminPage(t, a.page("/account", ck), http.StatusOK, "接口令牌", "还没有接口令牌", `action="/account/tokens"`, `href="/static/site.css"`)
	if strings.Contains(body, "赵的脚本") {
		t.Error("another user's token is listed")
	}
	// No CSRF token: refused, nothing created.
	wantAdminPage(t, a.form("/account/tokens", url.Values{"name": {"报表脚本"}}, "Cookie", ck), http.StatusForbidden)
	// No name: refused by its field, as POST /api/v1/tokens refuses it.
	wantAdminPage(t, a.form("/account/tokens", withCSRF(csrf, url.Values{"name": {" "}}), "Cookie", ck), http.StatusUnprocessableEntity,
		`id="token-name-error">请填写令牌名称`)

	w := a.form("/account/tokens", withCSRF(csrf, url.Values{"name": {"报表脚本"}}), "Cookie", ck)
	body = wantAdminPage(t, w, http.StatusCreated, "已创建令牌「报表脚本」", "只显示这一次", "复制")
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q: the page with the secret must not be stored", cc)
	}
	m := regexpNewToken.FindStringSubmatch(body)
	if m == nil || !strings.HasPrefix(m[1], accounts.TokenPrefix) {
		t.Fatalf("no new token on the page: %s", body)
	}
	secret := m[1]
	// Shown once: the next visit lists it by name only.
	body = wantAdminPage(t, a.page("/account", ck), http.StatusOK, `<td class="token-name">报表脚本</td>`)
	if strings.Contains(body, secret) || strings.Contains(body, "new-token") {
		t.Fatal("the secret is shown again")
	}
	// It works on the API as li.
	me := decode[struct {
		User struct{ Login string } `json:"user"`
	}](t, a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "Bearer "+secret), http.StatusOK)
	if me.User.Login != "li" {
		t.Fatalf("the token is %q's, want li's", me.User.Login)
	}
	wantAdminPage(t, a.page("/admin/audit?action=token.create", ""), http.StatusSeeOther)
	audit := decode[struct{ Items []accounts.AuditEntry }](t, a.do(http.MethodGet, "/api/v1/audit?action=token.create", nil), http.StatusOK)
	if len(audit.Items) != 1 || audit.Items[0].Actor != "li" || !strings.Contains(audit.Items[0].Summary, "报表脚本") {
		t.Errorf("audit %+v", audit.Items)
	}

	// Revoking someone else's token is "not found"; theirs keeps working.
	zhaoTok, _, err := a.acc.ListTokens(t.Context(), zhaoID, 10, "")
	if err != nil || len(zhaoTok) != 1 {
		t.Fatal(zhaoTok, err)
	}
	wantAdminPage(t, a.form("/account/tokens/"+zhaoTok[0].ID+"/revoke", withCSRF(csrf, nil), "Cookie", ck), http.StatusNotFound)
	if code := bearer(zhaoToken); code != http.StatusOK {
		t.Fatalf("zhao's token after li's attempt: %d", code)
	}

	m = regexpRevoke.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no revoke button: %s", body)
	}
	revoke := "/account/tokens/" + m[1] + "/revoke"
	wantAdminPage(t, a.form(revoke, nil, "Cookie", ck), http.StatusForbidden) // no CSRF token
	if code := bearer(secret); code != http.StatusOK {
		t.Fatalf("revoked without the CSRF token: %d", code)
	}
	w = a.form(revoke, withCSRF(csrf, nil), "Cookie", ck)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account?revoked=%E6%8A%A5%E8%A1%A8%E8%84%9A%E6%9C%AC#tokens" {
		t.Fatalf("revoke: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if code := bearer(secret); code != http.StatusUnauthorized {
		t.Fatalf("revoked token answered %d, want 401", code)
	}
	wantAdminPage(t, a.page("/account?revoked=报表脚本", ck), http.StatusOK, `id="revoked"`, "已吊销令牌「报表脚本」", "还没有接口令牌")
}

// signInAs creates a user of role (a secretary needs orgID) with a session
// and returns its login, the session cookie header and the CSRF token.
func (e *env) signInAs(role accounts.Role, orgID string) (login, cookie, csrf string) {
	e.t.Helper()
	u := accounts.User{Login: fmt.Sprintf("web-%s-%d", role, e.users.Add(1)), Name: "页面" + role.Label(), Role: role, OrgID: orgID}
	if err := e.acc.CreateUser(e.t.Context(), &u, secretPassword); err != nil {
		e.t.Fatal(err)
	}
	id, _, err := e.acc.CreateSession(e.t.Context(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Login, "minyi_session=" + id, e.acc.CSRFToken(id)
}

// pageAs GETs or POSTs (form != nil) a page with a session cookie only.
func (e *env) pageAs(path, cookie string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	if form == nil {
		return e.do(http.MethodGet, path, nil, "Authorization", "", "Cookie", cookie)
	}
	return e.do(http.MethodPost, path, form.Encode(), "Authorization", "", "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
}

// subjectRowHTML is the ranking row of subject id on a results page, "" when absent.
func subjectRowHTML(body, id string) string {
	i := strings.Index(body, `<tr id="subject-`+id+`">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

var regexpDownload = regexp.MustCompile(`id="download-report" href="([^"]+)"`)

func TestResultsPageFilter(t *testing.T) {
	fx := newResultsFixture(t)
	page := "/results/" + fx.surveyID
	_, leader, _ := fx.signInAs(accounts.RoleLeader, "")

	// Unfiltered: both branches; the form offers the groups and every org.
	body := wantAdminPage(t, fx.pageAs(page, leader, nil), http.StatusOK, `id="results-filter"`, `<option value="masses">群众</option>`,
		`<option value="members">党员</option>`, `<option value="`+fx.b1+`">`, `<option value="`+fx.b2+`">`)
	if subjectRowHTML(body, fx.b1) == "" || subjectRowHTML(body, fx.b2) == "" {
		t.Fatalf("unfiltered page lacks a branch")
	}
	// The members' view: b1 has one answer "a" = 100, b2 only "不了解"
	// (abstain) = no score; narrowed to b2's org only b2 remains.
	body = wantAdminPage(t, fx.pageAs(page+"?group=members&org_id="+fx.b2, leader, nil), http.StatusOK,
		`<option value="members" selected>`, `<option value="`+fx.b2+`" selected>`, `id="filter-active"`, "评价群体：党员", "组织：第二党支部（含下级）",
		`data-group="members"`, `data-org-id="`+fx.b2+`"`)
	if subjectRowHTML(body, fx.b1) != "" {
		t.Error("the org filter kept 第一党支部")
	}
	if row := subjectRowHTML(body, fx.b2); !strings.Contains(row, `data-label="综合得分">—</td>`) {
		t.Errorf("b2 among members has a score: %s", row)
	}
	body = wantAdminPage(t, fx.pageAs(page+"?group=members", leader, nil), http.StatusOK)
	if row := subjectRowHTML(body, fx.b1); !strings.Contains(row, "100.00") {
		t.Errorf("b1 among members: %s, want 100.00", row)
	}

	// The download link carries the filter, and the workbook is filtered: one branch.
	body = fx.pageAs(page+"?group=members&org_id="+fx.b2, leader, nil).Body.String()
	m := regexpDownload.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no download link")
	}
	link, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || link.Path != "/api/v1/surveys/"+fx.surveyID+"/report.xlsx" || link.Query().Get("group") != "members" || link.Query().Get("org_id") != fx.b2 {
		t.Fatalf("download link %q", m[1])
	}
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	f := openXLSX(t, fx.pageAs(link.String(), leader, nil), sv["title"].(string)+"-测评结果-20261125.xlsx")
	if rows, _ := f.GetRows("支部排名"); len(rows)-2 != 1 || rows[2][1] != "第二党支部" {
		t.Errorf("filtered workbook ranks %v, want 第二党支部 only", rows)
	}
	// The script posts the buttons' filter to POST /api/v1/exports.
	if js := fx.do(http.MethodGet, "/static/results.js", nil, "Authorization", "").Body.String(); !strings.Contains(js, `"data-group"`) || !strings.Contains(js, "body.org_id") {
		t.Error("results.js does not send the filter")
	}

	// A secretary of b1: only its own org in the select, another org's filter is refused.
	_, sec, _ := fx.signInAs(accounts.RoleSecretary, fx.b1)
	body = wantAdminPage(t, fx.pageAs(page, sec, nil), http.StatusOK, `<option value="`+fx.b1+`">`, "本组织及下级组织")
	if strings.Contains(body, `<option value="`+fx.b2+`"`) || subjectRowHTML(body, fx.b2) != "" {
		t.Error("a secretary of b1 is offered or shown b2")
	}
	wantAdminPage(t, fx.pageAs(page+"?org_id="+fx.b2, sec, nil), http.StatusForbidden, "本组织及下级组织")
	wantAdminPage(t, fx.pageAs(page+"?group=nobody", leader, nil), http.StatusUnprocessableEntity)
}

func TestResultsPageFinalGrade(t *testing.T) {
	fx := newResultsFixture(t)
	page := "/results/" + fx.surveyID
	action := func(subject string) string { return page + "/subjects/" + subject + "/final-grade" }
	adminLogin, admin, adminCSRF := fx.signInAs(accounts.RoleAdmin, "")
	finalOf := func(subject string) map[string]any {
		for _, r := range rows(t, fx.results(t, "")) {
			if r.ID == subject {
				f, _ := r.Final.(map[string]any)
				return f
			}
		}
		t.Fatalf("no subject %s", subject)
		return nil
	}

	body := wantAdminPage(t, fx.pageAs(page, admin, nil), http.StatusOK, "确定最终等次", `action="`+action(fx.b1)+`"`, `action="`+action(fx.b2)+`"`,
		`<option value="good">好</option>`)
	// b1 scores 94.00 but is recommended 中: 好 has a 30% quota, floor(0.3 × 2) = 0
	// places. Its select starts at the recommendation.
	if row := subjectRowHTML(body, fx.b1); !strings.Contains(row, `<td class="recommended grade-mid" data-label="推荐等次">中</td>`) || !strings.Contains(row, `<option value="ok" selected>`) {
		t.Errorf("b1's form does not start at the recommended grade: %s", row)
	}

	form := url.Values{"grade": {"good"}, "reason": {"民主测评后复核"}, "group": {"masses"}}
	wantAdminPage(t, fx.pageAs(action(fx.b1), admin, form), http.StatusForbidden) // no CSRF token
	// A refused grade: the page again with the message by b1's form, answers kept.
	body = wantAdminPage(t, fx.pageAs(action(fx.b1), admin, withCSRF(adminCSRF, url.Values{"grade": {"bad"}, "reason": {" "}})), http.StatusUnprocessableEntity)
	if row := subjectRowHTML(body, fx.b1); !strings.Contains(row, `id="reason-`+fx.b1+`-error">请填写确定等次的理由`) || !strings.Contains(row, `<option value="bad" selected>`) {
		t.Errorf("b1's row after a refusal: %s", row)
	}
	if finalOf(fx.b1) != nil {
		t.Fatal("a refused form recorded a grade")
	}

	w := fx.pageAs(action(fx.b1), admin, withCSRF(adminCSRF, form))
	if want := page + "?group=masses&saved=" + fx.b1 + "#ranking"; w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
		t.Fatalf("record: %d %q, want 303 %q; %s", w.Code, w.Header().Get("Location"), want, w.Body)
	}
	final := finalOf(fx.b1)
	if final == nil || final["key"] != "good" || final["label"] != "好" || final["reason"] != "民主测评后复核" || final["set_by"] != adminLogin {
		t.Fatalf("final grade in GET /results: %v", final)
	}
	// Back on the page (a browser drops the #fragment): the notice, the
	// masses' view kept (b1: 100 and 80 → 90.00), recommended 中 beside final 好.
	back, _, _ := strings.Cut(w.Header().Get("Location"), "#")
	body = wantAdminPage(t, fx.pageAs(back, admin, nil), http.StatusOK, `id="grade-saved"`, "已确定「第一党支部」的最终等次为「好」",
		`<option value="masses" selected>`)
	row := subjectRowHTML(body, fx.b1)
	if !strings.Contains(row, `<td class="final" data-label="最终等次">好<span class="final-reason">理由：民主测评后复核</span>`) || !strings.Contains(row, `<td class="recommended grade-mid" data-label="推荐等次">中</td>`) ||
		!strings.Contains(row, "90.00") || !strings.Contains(row, `<option value="good" selected>`) {
		t.Errorf("b1's row shows no recommended 中 and final 好: %s", row)
	}
	audit := decode[struct{ Items []accounts.AuditEntry }](t, fx.do(http.MethodGet, "/api/v1/audit?action=survey.final_grade", nil), http.StatusOK)
	if len(audit.Items) != 1 || audit.Items[0].Actor != adminLogin {
		t.Errorf("audit %+v", audit.Items)
	}

	// A leader sees the grades but no form, and its POST is refused.
	_, leader, leaderCSRF := fx.signInAs(accounts.RoleLeader, "")
	body = wantAdminPage(t, fx.pageAs(page, leader, nil), http.StatusOK, `<td class="final" data-label="最终等次">好`)
	if strings.Contains(body, "grade-form") || strings.Contains(body, "确定最终等次") {
		t.Error("a leader is offered the final-grade form")
	}
	wantAdminPage(t, fx.pageAs(action(fx.b2), leader, withCSRF(leaderCSRF, url.Values{"grade": {"bad"}, "reason": {"领导意见"}})), http.StatusForbidden, "无权")
	if finalOf(fx.b2) != nil {
		t.Fatal("a leader recorded a final grade")
	}

	// A secretary of b2: a form for b2; b1 is out of its scope.
	_, sec, secCSRF := fx.signInAs(accounts.RoleSecretary, fx.b2)
	body = wantAdminPage(t, fx.pageAs(page, sec, nil), http.StatusOK, `action="`+action(fx.b2)+`"`)
	if strings.Contains(body, action(fx.b1)) {
		t.Error("a secretary of b2 is offered b1's form")
	}
	wantAdminPage(t, fx.pageAs(action(fx.b1), sec, withCSRF(secCSRF, url.Values{"grade": {"bad"}, "reason": {"越权"}})), http.StatusForbidden, "本组织及下级组织")
	if f := finalOf(fx.b1); f["key"] != "good" {
		t.Fatalf("b1 changed by another branch's secretary: %v", f)
	}
	if w := fx.pageAs(action(fx.b2), sec, withCSRF(secCSRF, url.Values{"grade": {"ok"}, "reason": {"整改到位"}})); w.Code != http.StatusSeeOther {
		t.Fatalf("secretary in scope: %d %s", w.Code, w.Body)
	}
	if f := finalOf(fx.b2); f["key"] != "ok" || f["reason"] != "整改到位" {
		t.Fatalf("b2 final %v", f)
	}
}
