package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"minyi/accounts"
)

// sessionFor signs a new user of role in and returns the session cookie.
func (f *woFixture) sessionFor(role accounts.Role, orgID string) *http.Cookie {
	f.t.Helper()
	u := accounts.User{Login: fmt.Sprintf("page-%s-%d", role, f.users.Add(1)), Name: "页面" + role.Label(), Role: role, OrgID: orgID}
	if err := f.acc.CreateUser(f.t.Context(), &u, "password-123"); err != nil {
		f.t.Fatal(err)
	}
	id, _, err := f.acc.CreateSession(f.t.Context(), u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return &http.Cookie{Name: "minyi_session", Value: id}
}

// page sends a browser-like request: cookies, an optional form, no bearer.
func (f *woFixture) page(method, path string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	f.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

func csrfOf(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if m == nil || m[1] == "" {
		t.Fatalf("no CSRF token in the page: %s", w.Body)
	}
	return m[1]
}

func wantPage(t *testing.T, w *httptest.ResponseRecorder, status int, contains ...string) string {
	t.Helper()
	body := w.Body.String()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, body)
	}
	for _, s := range contains {
		if !strings.Contains(body, s) {
			t.Fatalf("page lacks %q: %s", s, body)
		}
	}
	return body
}

// TestWorkOrderPages drives the operator's form and queue and the branch's
// queue as a browser would (session cookie, form posts, CSRF tokens).
func TestWorkOrderPages(t *testing.T) {
	f := newWOFixture(t)
	op := f.sessionFor(accounts.RoleOperator, "")
	w := f.page(http.MethodGet, "/operator/work-orders/new", nil, op)
	wantPage(t, w, http.StatusOK, `id="wo-form"`, `accesskey="p"`, `list="org-list"`, "第一党支部 [ZB1]", `<option value="投诉">`, "/static/workorders.js")
	tok := csrfOf(t, w)
	if strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), "style=") {
		t.Fatal("inline script or style on the page (the CSP forbids them)")
	}

	// Without 承办支部 the call waits in 待派单 (with it, it goes straight to
	// the branch: TestWorkOrderDispatchAtIntake).
	form := url.Values{"phone": {"138 0013 5678"}, "name": {"李女士"}, "kind": {"投诉"}, "org": {""},
		"content": {"楼道堆放杂物"}, "channel": {"hotline"}}
	wantPage(t, f.page(http.MethodPost, "/operator/work-orders/new", form, op), http.StatusForbidden, "页面已过期")
	form.Set("csrf_token", tok)
	body := wantPage(t, f.page(http.MethodPost, "/operator/work-orders/new", form, op), http.StatusCreated, `id="created-number">20261125-0001<`)
	if strings.Contains(body, "duplicates") || strings.Contains(body, "13800135678") {
		t.Fatalf("first call: %s", body)
	}
	body = wantPage(t, f.page(http.MethodPost, "/operator/work-orders/new", form, op), http.StatusCreated,
		`id="created-number">20261125-0002<`, `id="duplicates"`, "可能重复", "20261125-0001")
	if strings.Contains(body, `value="楼道堆放杂物"`) || strings.Contains(body, ">楼道堆放杂物<") {
		t.Fatal("the form should be empty for the next call")
	}
	bad := url.Values{"csrf_token": {tok}, "phone": {"12"}, "kind": {"闲聊"}, "org": {"不存在的支部"}, "content": {"  "}}
	wantPage(t, f.page(http.MethodPost, "/operator/work-orders/new", bad, op), http.StatusUnprocessableEntity,
		`id="phone-error"`, `id="kind-error"`, `id="org-error"`, `id="content-error"`, `value="不存在的支部"`)

	// The dispatch queue: dispatch order 1 to A by typing the picker's text.
	list := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders", nil), http.StatusOK)
	first := list.Items[1]
	w = f.page(http.MethodGet, "/operator/work-orders", nil, op)
	wantPage(t, w, http.StatusOK, "待派单", first.Number, "138****5678", `class="wo-do-assign"`)
	if strings.Contains(w.Body.String(), "13800135678") {
		t.Fatal("the queue shows a full number")
	}
	w = f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/events",
		url.Values{"csrf_token": {tok}, "action": {"assign"}, "org": {"第一党支部 [ZB1]"}}, op)
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || loc != "/operator/work-orders?did=assign&done="+first.Number {
		t.Fatalf("assign: %d %q %s", w.Code, loc, w.Body)
	}
	wantPage(t, f.page(http.MethodGet, loc, nil, op), http.StatusOK, "工单 "+first.Number+" 已派单")
	if strings.Contains(f.page(http.MethodGet, "/operator/work-orders?did=assign&done=请拨打110", nil, op).Body.String(), "请拨打110") {
		t.Fatal("the confirmation echoes arbitrary text from the link")
	}

	// The branch queue: A's secretary accepts, fails to return without a
	// reason, then replies.
	sec := f.sessionFor(accounts.RoleSecretary, f.a.ID)
	w = f.page(http.MethodGet, "/branch/work-orders", nil, sec)
	wantPage(t, w, http.StatusOK, "待签收", first.Number, `class="wo-do-accept"`, `class="wo-do-return"`)
	stok := csrfOf(t, w)
	other := f.sessionFor(accounts.RoleSecretary, f.b.ID)
	wb := f.page(http.MethodGet, "/branch/work-orders", nil, other)
	if strings.Contains(wantPage(t, wb, http.StatusOK), first.Number) {
		t.Fatal("B's secretary sees A's order")
	}
	w = f.page(http.MethodPost, "/branch/work-orders/"+first.ID+"/events", url.Values{"csrf_token": {stok}, "action": {"return"}}, sec)
	wantPage(t, w, http.StatusUnprocessableEntity, "请填写回退理由")
	w = f.page(http.MethodPost, "/branch/work-orders/"+first.ID+"/events", url.Values{"csrf_token": {stok}, "action": {"accept"}}, sec)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", w.Code, w.Body)
	}
	w = f.page(http.MethodPost, "/branch/work-orders/"+first.ID+"/events", url.Values{"csrf_token": {stok}, "action": {"accept"}}, sec)
	wantPage(t, w, http.StatusConflict, "可进行的操作：延期、回复、督办")
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders", nil, sec), http.StatusOK, "办理中", `class="wo-do-extend"`, `class="wo-do-reply"`, `name="days"`)
	w = f.page(http.MethodPost, "/branch/work-orders/"+first.ID+"/events", url.Values{"csrf_token": {stok}, "action": {"reply"}, "note": {"已清理"}}, sec)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", w.Code, w.Body)
	}
	// Operators may not use the branch queue, nor secretaries the operator's.
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders", nil, op), http.StatusForbidden)
	wantPage(t, f.page(http.MethodGet, "/operator/work-orders/new", nil, sec), http.StatusForbidden)

	// Close and call back from the operator's queue: the page asks for the
	// resolution beside the satisfaction.
	wantPage(t, f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/events", url.Values{"csrf_token": {tok}, "action": {"close"}}, op), http.StatusSeeOther)
	wantPage(t, f.page(http.MethodGet, "/operator/work-orders", nil, op), http.StatusOK, `name="resolution" value="partly"`, "部分解决")
	cb := url.Values{"csrf_token": {tok}, "action": {"callback"}, "satisfaction": {"basic"}}
	wantPage(t, f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/events", cb, op), http.StatusUnprocessableEntity, "请选择解决情况")
	for _, step := range []url.Values{{"action": {"callback"}, "satisfaction": {"basic"}, "resolution": {"partly"}}} {
		step.Set("csrf_token", tok)
		if w := f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/events", step, op); w.Code != http.StatusSeeOther {
			t.Fatalf("%v: %d %s", step, w.Code, w.Body)
		}
	}
	o := decode[orderJSON](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/"+first.ID, nil), http.StatusOK)
	if o.Status != "called_back" || len(o.Events) != 6 {
		t.Fatalf("after the pages: %s, %d events", o.Status, len(o.Events))
	}
	full := decode[map[string]any](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/"+first.ID, nil), http.StatusOK)
	if full["resolution"] != "partly" || full["satisfaction"] != "basic" || full["assigned_at"] == nil || full["accepted_at"] == nil {
		t.Fatalf("callback on the order: %v %v %v %v", full["resolution"], full["satisfaction"], full["assigned_at"], full["accepted_at"])
	}
}

// TestPublicFeedbackPage: no account, a double-submit CSRF cookie, a thank
// you with the number, and the rate limit.
func TestPublicFeedbackPage(t *testing.T) {
	f := newWOFixture(t)
	w := f.page(http.MethodGet, "/feedback", nil)
	body := wantPage(t, w, http.StatusOK, "网上征询", `name="kind" value="complaint"`, "第一党支部 [ZB1]")
	var ck *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "minyi_feedback_csrf" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || !strings.Contains(body, ck.Value) {
		t.Fatalf("csrf cookie %+v", ck)
	}
	form := url.Values{"kind": {"suggestion"}, "content": {"建议增加社区活动"}, "phone": {"13600001111"}, "org": {f.a.ID}}
	wantPage(t, f.page(http.MethodPost, "/feedback", form, ck), http.StatusForbidden, "页面已过期")
	form.Set("csrf_token", ck.Value)
	wantPage(t, f.page(http.MethodPost, "/feedback", form), http.StatusForbidden, "页面已过期")
	body = wantPage(t, f.page(http.MethodPost, "/feedback", form, ck), http.StatusCreated, "感谢您的反映", `id="created-number">20261125-0001<`)
	if strings.Contains(body, "13600001111") || strings.Contains(body, "duplicates") {
		t.Fatalf("thank-you page: %s", body)
	}
	wantPage(t, f.page(http.MethodPost, "/feedback", url.Values{"csrf_token": {ck.Value}, "kind": {"suggestion"}}, ck),
		http.StatusUnprocessableEntity, "请填写反映内容", "请填写联系电话")
	for range 3 { // 5 an hour: 1 stored + 1 refused above, 3 more allowed
		wantPage(t, f.page(http.MethodPost, "/feedback", form, ck), http.StatusCreated)
	}
	wantPage(t, f.page(http.MethodPost, "/feedback", form, ck), http.StatusTooManyRequests, "提交过于频繁")
}
