package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"minyi/api"
)

// wantHTMLPage checks that w is an HTML page in Chinese with status and every
// fragment in want.
func wantHTMLPage(t *testing.T, w *httptest.ResponseRecorder, status int, want ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("content type %q, want HTML; body %s", ct, w.Body)
	}
	body := w.Body.String()
	for _, s := range append([]string{`<html lang="zh-CN">`}, want...) {
		if !strings.Contains(body, s) {
			t.Fatalf("page lacks %q:\n%s", s, body)
		}
	}
}

func TestWrongMethodAPI(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodPut, "/api/v1/orgs", nil)
	wantError(t, w, http.StatusMethodNotAllowed, "method_not_allowed")
	if got := w.Header().Get("Allow"); got != "GET, POST" {
		t.Fatalf("Allow %q, want GET, POST", got)
	}
	w = e.do(http.MethodPost, "/api/v1/orgs/x", nil)
	wantError(t, w, http.StatusMethodNotAllowed, "method_not_allowed")
	if got := w.Header().Get("Allow"); got != "DELETE, GET, PATCH" {
		t.Fatalf("Allow %q, want DELETE, GET, PATCH", got)
	}
}

func TestWrongMethodPage(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodDelete, "/admin/orgs", nil)
	wantHTMLPage(t, w, http.StatusMethodNotAllowed, "不支持此请求方法", `href="/"`)
	if got := w.Header().Get("Allow"); got != "GET, POST" {
		t.Fatalf("Allow %q, want GET, POST", got)
	}
	w = e.do(http.MethodPut, "/login", nil)
	wantHTMLPage(t, w, http.StatusMethodNotAllowed, "不支持此请求方法")
	if got := w.Header().Get("Allow"); got != "GET" {
		t.Fatalf("Allow %q, want GET", got)
	}
}

func TestUnknownURL(t *testing.T) {
	e := newEnv(t)
	wantHTMLPage(t, e.do(http.MethodGet, "/no/such/page", nil, "Authorization", ""), http.StatusNotFound,
		"页面不存在", "请求的地址不存在", `<a href="/" id="back">返回首页</a>`)
	wantError(t, e.do(http.MethodGet, "/api/v1/no/such", nil), http.StatusNotFound, "route_not_found")
	wantError(t, e.do(http.MethodGet, "/healthz/x", nil), http.StatusNotFound, "route_not_found")
}

// A server error on a page is a page too, and tells nothing of its cause.
func TestPageServerErrorIsHTML(t *testing.T) {
	e := newEnv(t)
	e.srv = api.New(api.Options{AdminToken: adminToken}) // no stores: the handler fails
	w := e.do(http.MethodGet, "/admin/orgs", nil)
	wantHTMLPage(t, w, http.StatusInternalServerError, "服务暂时出错", "服务器内部错误", "请求编号", `href="/"`)
	if strings.Contains(w.Body.String(), "nil pointer") {
		t.Fatalf("internal detail leaked: %s", w.Body)
	}
}
