package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"minyi/accounts"
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
