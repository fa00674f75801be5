package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"minyi/accounts"
)

// The workspace pages (issue 14): the detail page with the audited reveal,
// the all-orders list with its filters, the branch's history, the calendar
// page and its warning, the category page.

func TestWorkOrderDetailPage(t *testing.T) {
	f := newWOFixture(t)
	const full = "13800135678"
	first := f.create(f.operator, call("complaint", f.a.ID, full, "location", "幸福小区东门", "category", "city/environment/lights"))
	c := f.create(f.operator, call("complaint", f.a.ID, full, "content", "东门路灯还是不亮"))
	op := f.sessionFor(accounts.RoleOperator, "")
	w := f.page(http.MethodGet, "/operator/work-orders/"+first.ID, nil, op)
	body := wantPage(t, w, http.StatusOK, first.Number, "幸福小区东门", "城市管理 › 市容环境 › 路灯", "138****5678", `id="reveal-phone"`,
		"处理记录", "受理", "派单", "测试接线员（接线员）", "该来电人的其他工单（1）", c.Number, `id="form-merge"`, `id="form-supervise"`)
	if strings.Contains(body, full) {
		t.Fatal("the detail page shows the full number before the reveal")
	}
	tok := csrfOf(t, w)
	body = wantPage(t, f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/reveal-phone", url.Values{"csrf_token": {tok}}, op),
		http.StatusOK, `id="full-phone">`+full+`<`, "已记入审计")
	_ = body
	if log := f.auditOf("work_order.reveal_phone"); len(log) != 1 || log[0].ObjectID != first.ID {
		t.Fatalf("reveal audit %+v", log)
	}
	// A leader sees the detail, masked, with no reveal button and no reveal route.
	lead := f.sessionFor(accounts.RoleLeader, "")
	lw := f.page(http.MethodGet, "/operator/work-orders/"+first.ID, nil, lead)
	body = wantPage(t, lw, http.StatusOK, "138****5678", `id="form-supervise"`)
	if strings.Contains(body, "reveal-phone") || strings.Contains(body, full) {
		t.Fatal("a leader is offered the number")
	}
	wantPage(t, f.page(http.MethodPost, "/operator/work-orders/"+first.ID+"/reveal-phone", url.Values{"csrf_token": {csrfOf(t, lw)}}, lead), http.StatusForbidden)
	// Merge from the detail page: the second call into the first.
	w = f.page(http.MethodPost, "/operator/work-orders/"+c.ID+"/step", url.Values{"csrf_token": {tok}, "action": {"merge"}, "into": {first.ID}, "note": {"同一件事"}}, op)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/operator/work-orders/"+c.ID+"?") {
		t.Fatalf("merge: %d %s", w.Code, w.Header().Get("Location"))
	}
	wantPage(t, f.page(http.MethodGet, w.Header().Get("Location"), nil, op), http.StatusOK, "已合并", `id="merged-into"`, first.Number, "工单 "+c.Number+" 已合并")
	wantPage(t, f.page(http.MethodGet, "/operator/work-orders/"+first.ID, nil, op), http.StatusOK, `id="merged-from"`, c.Number, "并入重复工单")

	// The branch: accept, reply with an outcome from the detail page; the
	// order stays in the unit's 已处理 list with its reply.
	sec := f.sessionFor(accounts.RoleSecretary, f.a.ID)
	w = f.page(http.MethodGet, "/branch/work-orders/"+first.ID, nil, sec)
	wantPage(t, w, http.StatusOK, "幸福小区东门", `id="form-accept"`, `id="form-return"`)
	stok := csrfOf(t, w)
	step := func(form url.Values) *httpResult {
		form.Set("csrf_token", stok)
		r := f.page(http.MethodPost, "/branch/work-orders/"+first.ID+"/step", form, sec)
		return &httpResult{code: r.Code, body: r.Body.String(), loc: r.Header().Get("Location")}
	}
	if r := step(url.Values{"action": {"accept"}}); r.code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.code, r.body)
	}
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders/"+first.ID, nil, sec), http.StatusOK, `<textarea name="note"`, `name="outcome" value="partly"`, "申请延期")
	if r := step(url.Values{"action": {"reply"}, "note": {"已更换灯泡"}, "outcome": {"unsolvable"}}); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写原因") && !strings.Contains(r.body, "原因") {
		t.Fatalf("reply without a reason: %d", r.code)
	}
	if r := step(url.Values{"action": {"reply"}, "note": {"已更换灯泡\n并加装防护罩"}, "outcome": {"solved"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", r.code, r.body)
	}
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders/done", nil, sec), http.StatusOK, first.Number, "已回复（已解决）")
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders/"+first.ID, nil, sec), http.StatusOK, `id="detail-reply">已更换灯泡`, "已解决")
	// The operator's queue shows the reply for closing.
	wantPage(t, f.page(http.MethodGet, "/operator/work-orders", nil, op), http.StatusOK, "支部回复（已解决）", "已更换灯泡")
	other := f.sessionFor(accounts.RoleSecretary, f.b.ID)
	wantPage(t, f.page(http.MethodGet, "/branch/work-orders/"+first.ID, nil, other), http.StatusForbidden)
}

type httpResult struct {
	code      int
	body, loc string
}

func TestWorkOrderListPage(t *testing.T) {
	f := newWOFixture(t)
	a := f.create(f.operator, call("complaint", f.a.ID, "13800135678", "category", "city/environment/lights", "content", "路灯不亮"))
	b := f.create(f.operator, call("enquiry", f.b.ID, "13900001111", "channel", "visit", "content", "咨询社保"))
	f.step(f.leader, b.ID, map[string]any{"action": "supervise", "note": "请尽快答复"})
	op := f.sessionFor(accounts.RoleOperator, "")
	rows := func(ck *http.Cookie, query string) string {
		t.Helper()
		return wantPage(t, f.page(http.MethodGet, "/operator/work-orders/all"+query, nil, ck), http.StatusOK, `id="filters"`)
	}
	for _, tc := range []struct {
		query     string
		in, notIn string
	}{
		{"", a.Number, ""},
		{"?kind=enquiry", b.Number, a.Number},
		{"?category=city", a.Number, b.Number},
		{"?channel=visit", b.Number, a.Number},
		{"?supervised=true", b.Number, a.Number},
		{"?org_id=" + f.a.ID, a.Number, b.Number},
		{"?status=assigned&from=2026-11-25&to=2026-11-25", b.Number, ""},
		{"?q=社保", b.Number, a.Number},
		{"?q=13900001111", b.Number, a.Number},
	} {
		body := rows(op, tc.query)
		if !strings.Contains(body, tc.in) || tc.notIn != "" && strings.Contains(body, tc.notIn) {
			t.Errorf("%s: want %s without %q", tc.query, tc.in, tc.notIn)
		}
		if strings.Contains(body, "13900001111\"") && !strings.Contains(tc.query, "q=") {
			t.Errorf("%s: the page shows a number", tc.query)
		}
	}
	if n := len(f.auditOf("work_order.phone_search")); n != 1 {
		t.Fatalf("page phone search audited %d times", n)
	}
	lead := f.sessionFor(accounts.RoleLeader, "")
	body := wantPage(t, f.page(http.MethodGet, "/operator/work-orders/all?q=13900001111", nil, lead), http.StatusForbidden, "只有接线员和管理员可以按来电号码查询工单")
	if strings.Contains(body, b.Number) {
		t.Fatal("a leader found an order by its number")
	}
	// 类别 and 分类 pickers show Chinese only.
	form := wantPage(t, f.page(http.MethodGet, "/operator/work-orders/new", nil, op), http.StatusOK, `<option value="投诉"></option>`, "城市管理 › 市容环境 › 路灯")
	if strings.Contains(form, ">complaint<") {
		t.Fatal("the kind picker shows English keys")
	}
}

func TestCalendarPageAndWarning(t *testing.T) {
	f := newWOFixture(t) // 2026-11-25: the next 60 days reach into 2027, which the built-in calendar lacks
	if logs := f.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "calendar does not cover") || !strings.Contains(logs, "years=[2027]") {
		t.Fatalf("the start does not warn about the calendar: %s", logs)
	}
	op := f.sessionFor(accounts.RoleOperator, "")
	admin := f.sessionFor(accounts.RoleAdmin, "")
	wantPage(t, f.page(http.MethodGet, "/operator/work-orders", nil, op), http.StatusOK, `id="calendar-notice"`, "2027 年", "请联系管理员录入")
	w := f.page(http.MethodGet, "/admin/calendar?year=2027", nil, admin)
	wantPage(t, w, http.StatusOK, `id="calendar-notice"`, `href="/admin/calendar"`, `id="no-days"`)
	tok := csrfOf(t, w)
	sec := f.sessionFor(accounts.RoleSecretary, f.a.ID)
	if strings.Contains(wantPage(t, f.page(http.MethodGet, "/branch/work-orders", nil, sec), http.StatusOK), "calendar-notice") {
		t.Fatal("a secretary is warned about the calendar")
	}
	wantPage(t, f.page(http.MethodGet, "/admin/calendar", nil, op), http.StatusForbidden)
	wantPage(t, f.page(http.MethodPost, "/admin/calendar", url.Values{"csrf_token": {tok}, "date": {"2027-13-01"}, "name": {"元旦"}}, admin),
		http.StatusUnprocessableEntity, "日期格式应为")
	// 2027-01-01 is a Friday: once entered as a holiday, the calendar covers 2027
	// and a complaint taken on Thursday 12-31 counts 10 working days from
	// Monday 01-04: 01-04 … 01-08 (5), 01-11 … 01-15 (5) → Friday 01-15
	// (without the entry 01-01 would count, and it would be due 01-14).
	wantPage(t, f.page(http.MethodPost, "/admin/calendar", url.Values{"csrf_token": {tok}, "date": {"2027-01-01"}, "name": {"元旦"}, "kind": {"holiday"}}, admin),
		http.StatusOK, "已保存 2027-01-01", "管理员录入")
	body := wantPage(t, f.page(http.MethodGet, "/operator/work-orders", nil, op), http.StatusOK)
	if strings.Contains(body, "calendar-notice") {
		t.Fatal("the warning stays after 2027 was entered")
	}
	f.clock.set(bj(10, 0).AddDate(0, 0, 36)) // Thursday 2026-12-31
	c := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	if got := c.DueAt.In(beijing).Format("2006-01-02 15:04"); got != "2027-01-15 17:00" {
		t.Fatalf("due %s, want 2027-01-15 17:00", got)
	}
	if n := len(f.auditOf("work_order.calendar")); n != 1 {
		t.Fatalf("calendar change audited %d times", n)
	}
	// The admin may remove the entry again (back on the day the session began).
	f.clock.set(bj(10, 0))
	wantPage(t, f.page(http.MethodPost, "/admin/calendar", url.Values{"csrf_token": {tok}, "date": {"2027-01-01"}, "remove": {"1"}}, admin),
		http.StatusOK, "已删除 2027-01-01", `id="calendar-notice"`)
}

func TestCategoriesPage(t *testing.T) {
	f := newWOFixture(t)
	admin := f.sessionFor(accounts.RoleAdmin, "")
	w := f.page(http.MethodGet, "/admin/categories", nil, admin)
	wantPage(t, w, http.StatusOK, "城市管理 › 市容环境 › 路灯", `name="tree"`)
	tok := csrfOf(t, w)
	wantPage(t, f.page(http.MethodPost, "/admin/categories", url.Values{"csrf_token": {tok}, "tree": {"[{"}}, admin), http.StatusUnprocessableEntity, "不是有效的 JSON")
	wantPage(t, f.page(http.MethodPost, "/admin/categories", url.Values{"csrf_token": {tok}, "tree": {`[{"key":"roads","label":"道路","children":[{"key":"holes","label":"坑洼"}]}]`}}, admin),
		http.StatusOK, "分类目录已保存", "道路 › 坑洼")
}

// TestBranchHistoryKeepsReturned: what a unit did stays in its 已处理 list,
// including an order it sent back that now lies with another unit.
func TestBranchHistoryKeepsReturned(t *testing.T) {
	f := newWOFixture(t)
	kept := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	sent := f.create(f.operator, call("help", f.a.ID, "13900001111"))
	f.step(f.secA, kept.ID, map[string]any{"action": "accept"})
	f.step(f.secA, kept.ID, map[string]any{"action": "reply", "note": "已办", "outcome": "solved"})
	f.step(f.secA, sent.ID, map[string]any{"action": "return", "note": "不属本支部"})
	f.step(f.operator, sent.ID, map[string]any{"action": "assign", "org_id": f.b.ID})
	sec := f.sessionFor(accounts.RoleSecretary, f.a.ID)
	body := wantPage(t, f.page(http.MethodGet, "/branch/work-orders/done", nil, sec), http.StatusOK, kept.Number, sent.Number, "已转派", "已回复（已解决）")
	if strings.Contains(body, `href="/branch/work-orders/`+sent.ID+`"`) {
		t.Fatal("the order now with B links to a detail A may not open")
	}
	other := f.sessionFor(accounts.RoleSecretary, f.b.ID)
	if body := wantPage(t, f.page(http.MethodGet, "/branch/work-orders/done", nil, other), http.StatusOK); strings.Contains(body, kept.Number) {
		t.Fatal("B sees what A did")
	}
}
