package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"minyi/api"
)

func TestHealthAndReady(t *testing.T) {
	e := newEnv(t)
	if w := e.do(http.MethodGet, "/healthz", nil); w.Code != http.StatusOK {
		t.Fatalf("healthz %d", w.Code)
	}
	w := e.do(http.MethodGet, "/readyz", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("readyz %d %s", w.Code, w.Body)
	}
	if id := w.Header().Get("X-Request-ID"); len(id) != 16 {
		t.Fatalf("request id %q", id)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("security headers missing: %v", w.Header())
	}
}

type downStore struct{}

func (downStore) Ping(context.Context) error { return errors.New("connection refused") }

func TestReadyzStoreDown(t *testing.T) {
	srv := api.New(api.Options{Store: downStore{}})
	e := &env{t: t, srv: srv}
	w := e.do(http.MethodGet, "/readyz", nil)
	wantError(t, w, http.StatusServiceUnavailable, "store_unavailable")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
}

func TestMetricsAndOpenAPI(t *testing.T) {
	e := newEnv(t)
	e.do(http.MethodGet, "/api/v1/orgs", nil)
	w := e.do(http.MethodGet, "/metrics", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `minyi_http_requests_total{method="GET",route="/api/v1/orgs",status="200"} 1`) {
		t.Fatalf("metrics: %d\n%s", w.Code, w.Body)
	}
	doc := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/openapi.json", nil), http.StatusOK)
	if doc["openapi"] != "3.0.3" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	if _, ok := paths["/api/v1/orgs/{id}"].(map[string]any)["patch"]; !ok {
		t.Fatalf("PATCH /orgs/{id} not documented: %v", paths)
	}
}

func TestRequestIDEchoed(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodGet, "/api/v1/nope", nil, "X-Request-ID", "abc-123")
	if w.Header().Get("X-Request-ID") != "abc-123" {
		t.Fatalf("request id not echoed: %v", w.Header())
	}
	er := wantError(t, w, http.StatusNotFound, "route_not_found")
	if er.Error.RequestID != "abc-123" {
		t.Fatalf("error body request id %q", er.Error.RequestID)
	}
	w = e.do(http.MethodGet, "/healthz", nil, "X-Request-ID", "bad id with spaces")
	if got := w.Header().Get("X-Request-ID"); got == "bad id with spaces" {
		t.Fatal("unsafe request id echoed")
	}
}

func TestAuthRequired(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs", nil, "Authorization", ""), http.StatusUnauthorized, "unauthorized")
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs", nil, "Authorization", "Bearer wrong"), http.StatusUnauthorized, "invalid_credentials")
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs", nil, "Authorization", "Basic x"), http.StatusUnauthorized, "invalid_credentials")
}

func TestDecodeErrors(t *testing.T) {
	e := newEnv(t)
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, tc := range []struct {
		name   string
		body   string
		hdr    []string
		status int
		code   string
		field  string
	}{
		{"malformed", `{"name":`, nil, 400, "malformed_json", ""},
		{"empty", ``, nil, 400, "empty_body", ""},
		{"trailing", `{"name":"a"} {}`, nil, 400, "malformed_json", ""},
		{"unknown field", `{"name":"a","code":"c","kind":"branch","x":1}`, nil, 422, "validation_failed", "x"},
		{"wrong type", `{"name":1}`, nil, 422, "validation_failed", "name"},
		{"operator injection", `{"name":{"$gt":""},"code":"c","kind":"branch"}`, nil, 422, "validation_failed", "name"},
		{"content type", `{"name":"a"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"too large", big, nil, 413, "body_too_large", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(http.MethodPost, "/api/v1/orgs", tc.body, tc.hdr...)
			if tc.field != "" {
				wantError(t, w, tc.status, tc.code, tc.field)
			} else {
				wantError(t, w, tc.status, tc.code)
			}
		})
	}
}

func TestPanicBecomesJSON500(t *testing.T) {
	e := newEnv(t)
	// A PATCH with a body that decodes but a nil store would panic is hard
	// to arrange from outside; the recovery path is exercised through a
	// server without an org store.
	srv := api.New(api.Options{AdminToken: adminToken})
	e.srv = srv
	w := e.do(http.MethodGet, "/api/v1/orgs/x", nil)
	er := wantError(t, w, http.StatusInternalServerError, "internal")
	if er.Error.RequestID == "" {
		t.Fatal("500 without request id")
	}
	var raw map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &raw)
	if strings.Contains(w.Body.String(), "nil pointer") {
		t.Fatalf("internal detail leaked: %s", w.Body)
	}
}
