package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"minyi/accounts"
)

// TestAdminUserTokens: /admin/users/{id} lists that user's API tokens (and
// nobody else's) with a revoke button each; the button (CSRF-checked)
// revokes as DELETE /api/v1/tokens/{id} does, audited; a token of another
// user under this user's path is not found, and a leader may not revoke.
func TestAdminUserTokens(t *testing.T) {
	a := newAuthEnv(t)
	a.user("root", accounts.RoleAdmin)
	wangID := a.user("wang", accounts.RoleOperator)
	zhaoID := a.user("zhao", accounts.RoleLeader)
	token := func(userID, name string) (*accounts.Token, string) {
		tk, secret, err := a.acc.CreateToken(t.Context(), userID, name)
		if err != nil {
			t.Fatal(err)
		}
		return tk, secret
	}
	report, reportSecret := token(wangID, "报表脚本")
	token(wangID, "导入脚本")
	zhaoTok, zhaoSecret := token(zhaoID, "赵的脚本")
	bearer := func(secret string) int {
		return a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "Bearer "+secret).Code
	}
	admin, csrf := a.signIn("root")
	edit := "/admin/users/" + wangID

	body := wantAdminPage(t, a.page(edit, admin), http.StatusOK, `id="tokens"`, "接口令牌",
		`<td class="token-name">报表脚本</td><td>2026-11-25 17:30</td>`, `<td class="token-name">导入脚本</td>`,
		`action="`+edit+`/tokens/`+report.ID+`/revoke"`, `name="csrf_token" value="`+csrf+`"`)
	if strings.Contains(body, "赵的脚本") {
		t.Error("another user's token is listed")
	}
	if n := len(regexp.MustCompile(`action="`+regexp.QuoteMeta(edit)+`/tokens/[^"/]+/revoke"`).FindAllString(body, -1)); n != 2 {
		t.Errorf("%d revoke buttons, want 2", n)
	}

	// Zhao's token under wang's path: not found, and it keeps working.
	wantAdminPage(t, a.form(edit+"/tokens/"+zhaoTok.ID+"/revoke", withCSRF(csrf, nil), "Cookie", admin), http.StatusNotFound, "令牌不存在")
	wantAdminPage(t, a.form(edit+"/tokens/nope/revoke", withCSRF(csrf, nil), "Cookie", admin), http.StatusNotFound, "令牌不存在")
	// No CSRF token: refused, the token works.
	wantAdminPage(t, a.form(edit+"/tokens/"+report.ID+"/revoke", nil, "Cookie", admin), http.StatusForbidden)
	// A leader may not revoke other users' tokens here.
	leader, leaderCSRF := a.signIn("zhao")
	wantAdminPage(t, a.form(edit+"/tokens/"+report.ID+"/revoke", withCSRF(leaderCSRF, nil), "Cookie", leader), http.StatusForbidden, "无权")
	if code := bearer(reportSecret); code != http.StatusOK {
		t.Fatalf("the token after refused revokes: %d", code)
	}

	w := a.form(edit+"/tokens/"+report.ID+"/revoke", withCSRF(csrf, nil), "Cookie", admin)
	back := edit + "?" + url.Values{"revoked": {"报表脚本"}}.Encode() + "#tokens"
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != back {
		t.Fatalf("revoke: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if code := bearer(reportSecret); code != http.StatusUnauthorized {
		t.Fatalf("revoked token answered %d, want 401", code)
	}
	if code := bearer(zhaoSecret); code != http.StatusOK {
		t.Fatalf("zhao's token after revoking wang's: %d", code)
	}
	body = wantAdminPage(t, a.page(edit+"?revoked=报表脚本", admin), http.StatusOK, `id="revoked"`, "已吊销令牌「报表脚本」", `<td class="token-name">导入脚本</td>`)
	if strings.Contains(body, `<td class="token-name">报表脚本</td>`) {
		t.Error("the revoked token is still listed")
	}
	audit := decode[struct{ Items []accounts.AuditEntry }](t, a.do(http.MethodGet, "/api/v1/audit?action=token.revoke", nil), http.StatusOK)
	if len(audit.Items) != 1 || audit.Items[0].Actor != "root" || audit.Items[0].ObjectID != report.ID ||
		audit.Items[0].Summary != "吊销用户 "+wangID+" 的接口令牌「报表脚本」" {
		t.Errorf("audit %+v", audit.Items)
	}
	// Disabling through the edit form revokes the remaining token and the
	// sessions at once; enabling again restores the sign-in, not the token.
	_, wangSecret := token(wangID, "值班脚本")
	wangSession, _ := a.signIn("wang")
	form := url.Values{"name": {"测试用户"}, "role": {"operator"}}
	off := url.Values{"disabled": {"1"}}
	for k, v := range form {
		off[k] = v
	}
	wantSeeOther(t, a.form(edit, withCSRF(csrf, off), "Cookie", admin), edit+"?saved=1")
	if code := bearer(wangSecret); code != http.StatusUnauthorized {
		t.Fatalf("a disabled user's token answered %d", code)
	}
	if w := a.page("/", wangSession); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Fatalf("a disabled user's session: %d %q", w.Code, w.Header().Get("Location"))
	}
	wantSeeOther(t, a.form(edit, withCSRF(csrf, form), "Cookie", admin), edit+"?saved=1")
	if code := bearer(wangSecret); code != http.StatusUnauthorized {
		t.Fatalf("the token after enabling again: %d, want 401 (revoked for good)", code)
	}
	a.signIn("wang")

	// A user without tokens says so.
	wantAdminPage(t, a.page("/admin/users/"+a.user("li", accounts.RoleLeader), admin), http.StatusOK, `id="no-tokens"`, "该用户没有接口令牌")
}
