package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"minyi/accounts"
)

// pageAs sends a browser-like request with the session cookie ck: a form
// (with the session's CSRF token) when form is not nil.
func (f *cmFixture) pageAs(ck *http.Cookie, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var req *http.Request
	if form != nil {
		form.Set("csrf_token", f.acc.CSRFToken(ck.Value))
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.AddCookie(ck)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

// TestCommitmentPages: the forms answer with what to fix, refuse who may
// not act, and the import form lists every bad row.
func TestCommitmentPages(t *testing.T) {
	f := newCMFixture(t)
	a := f.o.zb1.ID
	sec := f.sessionFor(accounts.RoleSecretary, a)
	leader := f.sessionFor(accounts.RoleLeader, "")
	wantPage(t, f.pageAs(sec, http.MethodGet, "/commitments", nil), http.StatusOK, "2026年度 · 示诺与台账", "写清可检验的数量", `value="member:`+f.zhang.ID+`"`)
	form := url.Values{"org_id": {a}, "period": {"2026"}, "owner": {"member:" + f.zhang.ID}, "area": {"service"},
		"content": {"上门服务"}, "target": {""}, "due": {"2026-12-31"}, "responsible": {"张三"}}
	wantPage(t, f.pageAs(sec, http.MethodPost, "/commitments", form), http.StatusUnprocessableEntity, "请填写可衡量的目标", "上门服务")
	wantPage(t, f.pageAs(leader, http.MethodPost, "/commitments", form), http.StatusForbidden)
	form.Set("target", "每月 4 户")
	w := f.pageAs(sec, http.MethodPost, "/commitments", form)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/commitments/") {
		t.Fatalf("create: %d %s", w.Code, w.Header())
	}
	detail := w.Header().Get("Location")
	wantPage(t, f.pageAs(sec, http.MethodPost, detail+"/submit", url.Values{}), http.StatusSeeOther)
	wantPage(t, f.pageAs(sec, http.MethodPost, detail+"/review", url.Values{"decision": {"approve"}}), http.StatusForbidden, "承诺不能由录入或修改它的人审核")
	wantPage(t, f.pageAs(leader, http.MethodGet, detail, nil), http.StatusOK, "待审核", "提交审核")
	wantPage(t, f.pageAs(leader, http.MethodGet, "/commitments/stats?org_id="+f.o.root.ID+"&period=2026", nil), http.StatusOK, "第一党支部", "兑现率")
	wantPage(t, f.pageAs(leader, http.MethodGet, "/c/nope/2026", nil), http.StatusNotFound)
	// 评诺 from the list (admins): nothing approved yet, then a draft survey.
	admin := f.sessionFor(accounts.RoleAdmin, "")
	wantPage(t, f.pageAs(admin, http.MethodPost, "/commitments/evaluations", url.Values{"org_id": {a}, "period": {"2026"}}), http.StatusUnprocessableEntity, `id="eval-error"`, "没有已审核通过的承诺")
	wantPage(t, f.pageAs(sec, http.MethodPost, "/commitments/evaluations", url.Values{"org_id": {a}, "period": {"2026"}}), http.StatusForbidden)
	f.step(f.secTop, strings.TrimPrefix(detail, "/commitments/"), "review", map[string]any{"decision": "approve"}, http.StatusOK)
	ew := f.pageAs(admin, http.MethodPost, "/commitments/evaluations", url.Values{"org_id": {a}, "period": {"2026"}})
	if ew.Code != http.StatusSeeOther || !strings.HasPrefix(ew.Header().Get("Location"), "/admin/surveys/") {
		t.Fatalf("evaluate: %d %s", ew.Code, ew.Body)
	}

	// The import form: every bad row, nothing stored.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", f.acc.CSRFToken(sec.Value))
	mw.WriteField("org_id", a)
	mw.WriteField("period", "2026")
	part, _ := mw.CreateFormFile("file", "承诺.xlsx")
	part.Write(commitmentBook(t,
		[]string{"党员", "赵六", "2026", "工作", "内容", "目标", "2026-12-31", "赵六"},
		[]string{"党员", "李四", "2026", "服务", "内容", "", "2026-12-31", "李四"}))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/commitments/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(sec)
	iw := httptest.NewRecorder()
	f.srv.ServeHTTP(iw, req)
	wantPage(t, iw, http.StatusUnprocessableEntity, "第2行：“赵六”不是第一党支部的党员", "第3行：请填写可衡量的目标")
}
