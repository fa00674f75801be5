package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"minyi/accounts"
)

// authEnv is a server with a movable clock and a captured log, for the
// sign-in tests.
type authEnv struct {
	*env
	clock time.Time
	logs  *bytes.Buffer
}

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	a := &authEnv{clock: fixedNow, logs: &bytes.Buffer{}}
	a.env = newEnv(t, func(c *envConfig) {
		c.app.Now = func() time.Time { return a.clock }
		c.app.Logger = slog.New(slog.NewJSONHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		// httptest's client address, so tests can play several clients
		// behind one proxy with X-Forwarded-For.
		c.api.TrustedProxies = []string{"192.0.2.1"}
	})
	return a
}

const secretPassword = "Zhi-Ma-Kai-Men-2026"

func (a *authEnv) user(login string, role accounts.Role) string {
	a.t.Helper()
	u := decode[accounts.User](a.t, a.do(http.MethodPost, "/api/v1/users",
		map[string]any{"login": login, "name": "测试用户", "password": secretPassword, "role": role}), http.StatusCreated)
	return u.ID
}

// form posts an HTML form without any Authorization header.
func (a *authEnv) form(path string, v url.Values, hdr ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	h := append([]string{"Authorization", "", "Content-Type", "application/x-www-form-urlencoded"}, hdr...)
	return a.do(http.MethodPost, path, v.Encode(), h...)
}

func cookie(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, w.Header()["Set-Cookie"])
	return nil
}

var hiddenCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// loginForm loads /login and returns its double-submit token (cookie and
// form field carry the same value).
func (a *authEnv) loginForm() string {
	a.t.Helper()
	w := a.do(http.MethodGet, "/login?next=/account", nil, "Authorization", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "登录") {
		a.t.Fatalf("login page %d %s", w.Code, w.Body)
	}
	m := hiddenCSRF.FindStringSubmatch(w.Body.String())
	if m == nil || cookie(a.t, w, "minyi_login_csrf").Value != m[1] {
		a.t.Fatalf("login page without matching CSRF token: %s", w.Body)
	}
	return m[1]
}

func TestLoginPageAndSession(t *testing.T) {
	a := newAuthEnv(t)
	// With no user yet the page says how to create the first admin.
	w := a.do(http.MethodGet, "/login", nil, "Authorization", "")
	if !strings.Contains(w.Body.String(), "minyi user add") {
		t.Fatalf("login page without first-admin hint: %s", w.Body)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
	if strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), "style=") {
		t.Fatal("inline script or style on the login page")
	}
	a.user("zhang", accounts.RoleLeader)
	tok := a.loginForm()
	if strings.Contains(a.do(http.MethodGet, "/login", nil, "Authorization", "").Body.String(), "minyi user add") {
		t.Fatal("first-admin hint shown although a user exists")
	}

	// A form login without the double-submit token is refused.
	w = a.form("/api/v1/session", url.Values{"login": {"zhang"}, "password": {secretPassword}, "csrf_token": {tok}})
	if w.Code != http.StatusForbidden || strings.Contains(w.Header().Get("Set-Cookie"), "minyi_session=") {
		t.Fatalf("form login without CSRF cookie: %d %v", w.Code, w.Header())
	}
	// Wrong password: the page again, with the reason, and no session.
	w = a.form("/api/v1/session", url.Values{"login": {"zhang"}, "password": {"nope-nope"}, "csrf_token": {tok}}, "Cookie", "minyi_login_csrf="+tok)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "登录名或密码错误") {
		t.Fatalf("wrong password: %d %s", w.Code, w.Body)
	}
	// Right password: session cookie and a redirect to where the user was going.
	w = a.form("/api/v1/session", url.Values{"login": {"ZHANG"}, "password": {secretPassword}, "csrf_token": {tok}, "next": {"/account"}}, "Cookie", "minyi_login_csrf="+tok)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account" {
		t.Fatalf("form login: %d %v %s", w.Code, w.Header(), w.Body)
	}
	sc := cookie(t, w, "minyi_session")
	if !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure || sc.Path != "/" || len(sc.Value) < 40 {
		t.Fatalf("session cookie %+v", sc)
	}
	sess := "minyi_session=" + sc.Value

	// The account page shows the user and a logout form carrying the CSRF token.
	w = a.do(http.MethodGet, "/account", nil, "Authorization", "", "Cookie", sess)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "测试用户") {
		t.Fatalf("account page %d %s", w.Code, w.Body)
	}
	m := hiddenCSRF.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no CSRF token on the account page: %s", w.Body)
	}
	csrf := m[1]
	me := decode[struct {
		User      accounts.Principal `json:"user"`
		CSRFToken string             `json:"csrf_token"`
	}](t, a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "", "Cookie", sess), http.StatusOK)
	if me.User.Login != "zhang" || me.User.Role != accounts.RoleLeader || me.CSRFToken != csrf {
		t.Fatalf("GET /session %+v", me)
	}

	// CSRF: a cookie-authenticated change without the token is refused,
	// with a wrong one too, and with the right one it goes through.
	body := map[string]any{"name": "我的脚本"}
	wantError(t, a.do(http.MethodPost, "/api/v1/tokens", body, "Authorization", "", "Cookie", sess), http.StatusForbidden, "csrf_failed")
	wantError(t, a.do(http.MethodPost, "/api/v1/tokens", body, "Authorization", "", "Cookie", sess, "X-CSRF-Token", csrf+"x"), http.StatusForbidden, "csrf_failed")
	decode[map[string]any](t, a.do(http.MethodPost, "/api/v1/tokens", body, "Authorization", "", "Cookie", sess, "X-CSRF-Token", csrf), http.StatusCreated)
	if w := a.form("/logout", url.Values{}, "Cookie", sess); w.Code != http.StatusForbidden {
		t.Fatalf("logout form without CSRF token: %d", w.Code)
	}

	// Logout ends the session on the server, not just in the browser.
	w = a.form("/logout", url.Values{"csrf_token": {csrf}}, "Cookie", sess)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" || cookie(t, w, "minyi_session").MaxAge >= 0 {
		t.Fatalf("logout: %d %v", w.Code, w.Header())
	}
	wantError(t, a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "", "Cookie", sess), http.StatusUnauthorized, "invalid_credentials")
	w = a.do(http.MethodGet, "/account", nil, "Authorization", "", "Cookie", sess)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Faccount" {
		t.Fatalf("account page after logout: %d %v", w.Code, w.Header())
	}
}

func TestJSONSession(t *testing.T) {
	a := newAuthEnv(t)
	a.user("li", accounts.RoleOperator)
	wantError(t, a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "li"}, "Authorization", ""), http.StatusUnprocessableEntity, "validation_failed", "password")
	wantError(t, a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "li", "password": "wrong-one"}, "Authorization", ""), http.StatusUnauthorized, "invalid_login")
	w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "li", "password": secretPassword}, "Authorization", "", "X-Forwarded-Proto", "https")
	got := decode[struct {
		User      accounts.Principal `json:"user"`
		CSRFToken string             `json:"csrf_token"`
	}](t, w, http.StatusCreated)
	sc := cookie(t, w, "minyi_session")
	if !sc.Secure || !sc.HttpOnly || got.User.Role != accounts.RoleOperator || got.CSRFToken == "" {
		t.Fatalf("behind TLS: cookie %+v, answer %+v", sc, got)
	}
	sess := "minyi_session=" + sc.Value
	// An operator's session may not do an admin's work.
	wantError(t, a.do(http.MethodGet, "/api/v1/users", nil, "Authorization", "", "Cookie", sess), http.StatusForbidden, "forbidden")
	// DELETE /session is a change: it needs the CSRF header too.
	wantError(t, a.do(http.MethodDelete, "/api/v1/session", nil, "Authorization", "", "Cookie", sess), http.StatusForbidden, "csrf_failed")
	if w := a.do(http.MethodDelete, "/api/v1/session", nil, "Authorization", "", "Cookie", sess, "X-CSRF-Token", got.CSRFToken); w.Code != http.StatusNoContent {
		t.Fatalf("logout %d %s", w.Code, w.Body)
	}
	wantError(t, a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "", "Cookie", sess), http.StatusUnauthorized, "invalid_credentials")

	// A disabled user's sessions end and it cannot sign in again.
	w = a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "li", "password": secretPassword}, "Authorization", "")
	sess = "minyi_session=" + cookie(t, w, "minyi_session").Value
	users := decode[struct{ Items []accounts.User }](t, a.do(http.MethodGet, "/api/v1/users", nil), http.StatusOK)
	decode[accounts.User](t, a.do(http.MethodPatch, "/api/v1/users/"+users.Items[0].ID, map[string]any{"disabled": true}), http.StatusOK)
	wantError(t, a.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "", "Cookie", sess), http.StatusUnauthorized, "")
	wantError(t, a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "li", "password": secretPassword}, "Authorization", ""), http.StatusUnauthorized, "user_disabled")

	// Sign-ins, failures (the wrong password, then the disabled account)
	// and logouts are in the audit log, attributed.
	for action, want := range map[string]int{"session.login": 2, "session.login_failed": 2, "session.logout": 1} {
		got := decode[auditList](t, a.do(http.MethodGet, "/api/v1/audit?action="+action, nil), http.StatusOK)
		if len(got.Items) != want {
			t.Errorf("%s: %d entries, want %d: %+v", action, len(got.Items), want, got.Items)
			continue
		}
		e := got.Items[0]
		if e.ObjectID != users.Items[0].ID || action != "session.login_failed" && (e.Actor != "li" || e.Via != "session") {
			t.Errorf("%s entry %+v", action, e)
		}
	}
}

// TestLoginThrottle drives the clock by hand: 5 wrong passwords for one
// account within 15 minutes lock that account until the window started by
// the first failure ends; 20 failures from one client lock the client.
func TestLoginThrottle(t *testing.T) {
	a := newAuthEnv(t)
	a.user("wang", accounts.RoleLeader)
	a.user("zhao", accounts.RoleLeader)
	login := func(who, pw string) *httptest.ResponseRecorder {
		return a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": who, "password": pw}, "Authorization", "")
	}
	start := fixedNow
	for i := range 5 {
		a.clock = start.Add(time.Duration(i) * time.Minute)
		wantError(t, login("wang", "guess-"+string(rune('a'+i))+"xxxx"), http.StatusUnauthorized, "invalid_login")
	}
	// At +5 min even the right password is refused: 10 minutes remain
	// (window 09:30–09:45, now 09:35).
	a.clock = start.Add(5 * time.Minute)
	w := login("wang", secretPassword)
	wantError(t, w, http.StatusTooManyRequests, "login_throttled")
	if w.Header().Get("Retry-After") != "600" {
		t.Fatalf("Retry-After %q, want 600", w.Header().Get("Retry-After"))
	}
	// Another account from the same client still works (5 < 20 failures).
	if w := login("zhao", secretPassword); w.Code != http.StatusCreated {
		t.Fatalf("other account: %d %s", w.Code, w.Body)
	}
	a.clock = start.Add(15 * time.Minute)
	if w := login("wang", secretPassword); w.Code != http.StatusCreated {
		t.Fatalf("after the window: %d %s", w.Code, w.Body)
	}

	// Per client: failures spread over many logins (none reaching 5) still
	// add up; the 21st attempt from this client is refused for any account.
	a.clock = start.Add(time.Hour)
	for i := range 20 {
		wantError(t, login("nobody"+string(rune('a'+i%4)), "xxxxxxxx"), http.StatusUnauthorized, "invalid_login")
	}
	wantError(t, login("zhao", secretPassword), http.StatusTooManyRequests, "login_throttled")
	// Another client (behind the trusted proxy) is not blocked.
	w = a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "zhao", "password": secretPassword}, "Authorization", "", "X-Forwarded-For", "198.51.100.7")
	if w.Code != http.StatusCreated {
		t.Fatalf("other client: %d %s", w.Code, w.Body)
	}
	// Nothing stored or logged names the address.
	if strings.Contains(a.logs.String(), "192.0.2.1") {
		t.Fatal("client address in the log")
	}
}

// TestPasswordNeverShown: the password and its hash appear in no answer,
// no log line and no audit entry.
func TestPasswordNeverShown(t *testing.T) {
	a := newAuthEnv(t)
	var bodies strings.Builder
	keep := func(w *httptest.ResponseRecorder) *httptest.ResponseRecorder {
		bodies.WriteString(w.Body.String())
		return w
	}
	u := decode[map[string]any](t, keep(a.do(http.MethodPost, "/api/v1/users",
		map[string]any{"login": "sun", "name": "孙八", "password": secretPassword, "role": "admin"})), http.StatusCreated)
	id := u["id"].(string)
	if _, ok := u["password"]; ok {
		t.Fatalf("user answer has a password field: %v", u)
	}
	keep(a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "sun", "password": secretPassword + "!"}, "Authorization", ""))
	keep(a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "sun", "password": secretPassword}, "Authorization", ""))
	keep(a.do(http.MethodPatch, "/api/v1/users/"+id, map[string]any{"password": secretPassword + "-new"}))
	keep(a.do(http.MethodPatch, "/api/v1/users/"+id, map[string]any{"password": "short"}))
	keep(a.do(http.MethodGet, "/api/v1/users/"+id, nil))
	keep(a.do(http.MethodGet, "/api/v1/users", nil))
	keep(a.do(http.MethodGet, "/api/v1/audit", nil))
	// A store failure is logged with its error: make one happen while a
	// password is in the request.
	keep(a.do(http.MethodPost, "/api/v1/users", map[string]any{"login": "sun", "name": "重名", "password": secretPassword, "role": "admin"}))

	h, _ := a.acc.GetUser(t.Context(), id)
	hashJSON, _ := json.Marshal(h.Password.Hash) // base64, as it would appear in JSON
	for where, text := range map[string]string{"answers": bodies.String(), "log": a.logs.String()} {
		for _, secret := range []string{secretPassword, string(hashJSON), `"salt"`, "argon2id"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain %q", where, secret)
			}
		}
	}
	if !strings.Contains(a.logs.String(), `"msg":"http"`) {
		t.Fatal("log capture is not working")
	}
}
