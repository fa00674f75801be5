package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/api"
)

// cancelOnWrite is a client that hangs up as the body starts: the request's
// context is cancelled on the first write.
type cancelOnWrite struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.ResponseRecorder.Write(p)
}

// hangUp sends a GET as token whose client goes away when the body starts.
func (e *env) hangUp(token, path string) *httptest.ResponseRecorder {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.t.Context())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := &cancelOnWrite{ResponseRecorder: httptest.NewRecorder(), cancel: cancel}
	e.srv.ServeHTTP(w, req)
	return w.ResponseRecorder
}

// TestDownloadAuditSurvivesHangUp: a download whose client resets the
// connection as the body starts still leaves its audit entry.
func TestDownloadAuditSurvivesHangUp(t *testing.T) {
	f := newWOFixture(t)
	if w := f.hangUp(f.leader, "/api/v1/work-orders/report.xlsx"); w.Code != http.StatusOK {
		t.Fatalf("ledger %d %s", w.Code, w.Body)
	}
	got := f.auditOf("export.download")
	if len(got) != 1 || got[0].ObjectType != "work_orders" || got[0].RequestID == "" || got[0].Actor == "" {
		t.Fatalf("ledger audit %+v", got)
	}
	e := newEnv(t)
	sv, _ := printedCodes(t, e, 2, 2)
	if w := e.hangUp(adminToken, "/api/v1/surveys/"+sv.ID+"/codes.xlsx"); w.Code != http.StatusOK {
		t.Fatalf("codes.xlsx %d %s", w.Code, w.Body)
	}
	if got := e.auditOf("export.download"); len(got) != 1 || got[0].ObjectID != sv.ID {
		t.Fatalf("codes audit %+v", got)
	}
}

// TestNoStoreWhenAuthenticated: JSON reads, downloads and pages of a
// signed-in caller are never cached; public static files still are.
func TestNoStoreWhenAuthenticated(t *testing.T) {
	a := newAuthEnv(t)
	a.user("cache-admin", accounts.RoleAdmin)
	cookie, _ := a.signIn("cache-admin")
	for name, w := range map[string]*httptest.ResponseRecorder{
		"json":     a.do(http.MethodGet, "/api/v1/orgs", nil),
		"download": a.do(http.MethodGet, "/api/v1/members/import/template.xlsx", nil),
		"page":     a.page("/admin/users", cookie),
		"401":      a.do(http.MethodGet, "/api/v1/orgs", nil, "Authorization", ""),
	} {
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q, want no-store", name, w.Code, got)
		}
	}
	if got := a.do(http.MethodGet, "/static/site.css", nil, "Authorization", "").Header().Get("Cache-Control"); got == "no-store" {
		t.Errorf("static file: Cache-Control %q", got)
	}
}

// TestMetricsNeedsCredentials: /metrics answers only the metrics token when
// one is set, and only administrators otherwise.
func TestMetricsNeedsCredentials(t *testing.T) {
	e := newEnv(t)
	leader := e.tokenFor(accounts.RoleLeader, "")
	for _, c := range []struct {
		name, auth string
		want       int
	}{
		{"nobody", "", http.StatusUnauthorized},
		{"leader", "Bearer " + leader, http.StatusForbidden},
		{"admin token", "Bearer " + adminToken, http.StatusOK},
	} {
		if w := e.do(http.MethodGet, "/metrics", nil, "Authorization", c.auth); w.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.want)
		}
	}
	const scrape = "scrape-token-0123456789-abcdefghij"
	m := newEnv(t, func(c *envConfig) { c.api.MetricsToken = scrape })
	for _, c := range []struct {
		name, auth string
		want       int
	}{
		{"nobody", "", http.StatusUnauthorized},
		{"wrong token", "Bearer " + scrape + "x", http.StatusUnauthorized},
		{"admin token", "Bearer " + adminToken, http.StatusUnauthorized},
		{"metrics token", "Bearer " + scrape, http.StatusOK},
	} {
		w := m.do(http.MethodGet, "/metrics", nil, "Authorization", c.auth)
		if w.Code != c.want {
			t.Errorf("with a metrics token, %s: %d, want %d", c.name, w.Code, c.want)
		}
		if c.want == http.StatusOK && !strings.Contains(w.Body.String(), "minyi_http_requests_total") {
			t.Errorf("metrics body %s", w.Body)
		}
	}
}

// TestOpenAPIPublicPart: without credentials the document lists only the
// public endpoints; signed in, every one.
func TestOpenAPIPublicPart(t *testing.T) {
	e := newEnv(t)
	public := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/openapi.json", nil, "Authorization", ""), http.StatusOK)["paths"].(map[string]any)
	if _, ok := public["/api/v1/public/surveys/{slug}/ballots"]; !ok {
		t.Errorf("public document lacks the ballot submission: %v", public)
	}
	for _, p := range []string{"/api/v1/orgs", "/api/v1/users", "/api/v1/audit"} {
		if _, ok := public[p]; ok {
			t.Errorf("public document lists %s", p)
		}
	}
	full := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/openapi.json", nil), http.StatusOK)["paths"].(map[string]any)
	if _, ok := full["/api/v1/audit"]; !ok || len(full) <= len(public) {
		t.Errorf("full document: %d paths, public %d", len(full), len(public))
	}
}

// TestLoginNextIsLocalAndShort: the page to return to after login is a
// short local path; anything else, echoed or followed, becomes "/".
func TestLoginNextIsLocalAndShort(t *testing.T) {
	a := newAuthEnv(t)
	a.user("next-user", accounts.RoleLeader)
	huge := "/" + strings.Repeat("a", 70<<10)
	if w := a.do(http.MethodGet, "/login?next="+url.QueryEscape(huge), nil, "Authorization", ""); w.Code != http.StatusOK || w.Body.Len() > 60<<10 || strings.Contains(w.Body.String(), strings.Repeat("a", 600)) {
		t.Fatalf("login page with a 70 KB next: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := a.do(http.MethodGet, "/login?next="+url.QueryEscape("//evil.example/x"), nil, "Authorization", ""); strings.Contains(w.Body.String(), "evil.example") {
		t.Fatalf("login page echoes //evil.example: %s", w.Body)
	}
	// A 70 KB form is over the login body limit: refused, never followed.
	tok := a.loginForm()
	if w := a.form("/api/v1/session", url.Values{"login": {"next-user"}, "password": {secretPassword}, "csrf_token": {tok}, "next": {huge}}, "Cookie", "minyi_login_csrf="+tok); w.Code == http.StatusSeeOther || w.Body.Len() > 60<<10 {
		t.Fatalf("login with a 70 KB next: %d, %d bytes", w.Code, w.Body.Len())
	}
	for _, next := range []string{"/" + strings.Repeat("a", 600), "//evil.example", "/\\evil.example", "https://evil.example/", "/ok\r\nSet-Cookie: x=y", "relative"} {
		tok := a.loginForm()
		w := a.form("/api/v1/session", url.Values{"login": {"next-user"}, "password": {secretPassword}, "csrf_token": {tok}, "next": {next}}, "Cookie", "minyi_login_csrf="+tok)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
			t.Errorf("next %.40q: %d Location %q", next, w.Code, w.Header().Get("Location"))
		}
	}
	tok = a.loginForm()
	w := a.form("/api/v1/session", url.Values{"login": {"next-user"}, "password": {secretPassword}, "csrf_token": {tok}, "next": {"/work-orders?status=received"}}, "Cookie", "minyi_login_csrf="+tok)
	if loc := w.Header().Get("Location"); loc != "/work-orders?status=received" {
		t.Errorf("a local next: Location %q", loc)
	}
}

// TestForwardedProtoOnlyFromTrustedProxies: X-Forwarded-Proto makes the
// session cookie Secure (and turns on HSTS) only when the direct peer is a
// trusted proxy (newAuthEnv trusts 192.0.2.1, httptest's address).
func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	a := newAuthEnv(t)
	a.user("proxy-user", accounts.RoleLeader)
	for _, c := range []struct {
		peer   string
		secure bool
	}{
		{"192.0.2.1:1234", true},
		{"203.0.113.9:4000", false},
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/session", strings.NewReader(`{"login":"proxy-user","password":"`+secretPassword+`"}`))
		req.RemoteAddr = c.peer
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		a.srv.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			t.Fatalf("%s: sign-in %d %s", c.peer, w.Code, w.Body)
		}
		if sc := cookie(t, w, "minyi_session"); sc.Secure != c.secure {
			t.Errorf("%s: session cookie Secure %v, want %v", c.peer, sc.Secure, c.secure)
		}
		if hsts := w.Header().Get("Strict-Transport-Security") != ""; hsts != c.secure {
			t.Errorf("%s: HSTS %v, want %v", c.peer, hsts, c.secure)
		}
	}
}

// TestBootstrapTokenNotice: while MINYI_ADMIN_TOKEN is set and an
// administrator account exists, administrators' pages ask to unset it;
// other users never see it, nor anyone once the token is unset.
func TestBootstrapTokenNotice(t *testing.T) {
	a := newAuthEnv(t)
	a.user("notice-leader", accounts.RoleLeader)
	leader, _ := a.signIn("notice-leader")
	a.user("notice-admin", accounts.RoleAdmin)
	admin, _ := a.signIn("notice-admin")
	const notice = `id="bootstrap-token-notice"`
	if body := a.page("/admin/users", admin).Body.String(); !strings.Contains(body, notice) || !strings.Contains(body, "MINYI_ADMIN_TOKEN") {
		t.Errorf("admin page without the notice: %s", body)
	}
	if body := a.page("/account", leader).Body.String(); strings.Contains(body, notice) {
		t.Errorf("a leader sees the notice: %s", body)
	}
	unset := api.New(api.Options{App: a.app})
	req := httptest.NewRequest(http.MethodGet, "/admin/users", nil)
	req.Header.Set("Cookie", admin)
	w := httptest.NewRecorder()
	unset.ServeHTTP(w, req)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), notice) {
		t.Errorf("token unset: %d, notice shown %v", w.Code, strings.Contains(w.Body.String(), notice))
	}
}
