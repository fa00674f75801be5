package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The hotline workspace over HTTP (issue 14): dispatch at intake, the
// number on request only, merging, extension requests, the reply's
// outcome and the category catalogue.

type wsOrder struct {
	orderJSON
	Category     string `json:"category"`
	ReplyOutcome string `json:"reply_outcome"`
	ReplyReason  string `json:"reply_reason"`
	Reply        string `json:"reply"`
	Extensions   int    `json:"extensions"`
	Extension    *struct {
		Days int    `json:"days"`
		Note string `json:"note"`
	} `json:"extension_request"`
	MergedInto *struct{ ID, Number string }  `json:"merged_into"`
	MergedFrom []struct{ ID, Number string } `json:"merged_from"`
	History    []struct{ ID, Number string } `json:"caller_history"`
}

func (f *woFixture) get(token, id string) wsOrder {
	f.t.Helper()
	return decode[wsOrder](f.t, f.as(token, http.MethodGet, "/api/v1/work-orders/"+id, nil), http.StatusOK)
}

func actions(o wsOrder) []string {
	var out []string
	for _, e := range o.Events {
		out = append(out, e.Action)
	}
	return out
}

func TestWorkOrderDispatchAtIntake(t *testing.T) {
	f := newWOFixture(t)
	c := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	if c.Status != "assigned" {
		t.Fatalf("taken with its unit: status %s", c.Status)
	}
	o := f.get(f.secA, c.ID)
	if !slices.Equal(actions(o), []string{"receive", "assign"}) || o.Events[1].Actor.Role != "operator" || o.OrgID != f.a.ID {
		t.Fatalf("events %v org %s", actions(o), o.OrgID)
	}
	// The secretary can accept at once; nobody dispatched again.
	f.step(f.secA, c.ID, map[string]any{"action": "accept"})
	none := f.create(f.operator, call("complaint", "", "13800135678"))
	if none.Status != "received" {
		t.Fatalf("taken without a unit: status %s", none.Status)
	}
}

func TestWorkOrderPhoneReveal(t *testing.T) {
	f := newWOFixture(t)
	const full = "13800135678"
	c := f.create(f.operator, call("complaint", f.a.ID, full))
	for _, tc := range []struct {
		who, token string
		status     int
		code       string
	}{
		{"admin", adminToken, http.StatusOK, ""},
		{"operator", f.operator, http.StatusOK, ""},
		{"leader", f.leader, http.StatusForbidden, "forbidden"},
		{"secretary", f.secA, http.StatusForbidden, "forbidden"},
	} {
		w := f.as(tc.token, http.MethodPost, "/api/v1/work-orders/"+c.ID+"/reveal-phone", nil)
		if tc.status != http.StatusOK {
			wantError(t, w, tc.status, tc.code)
			if strings.Contains(w.Body.String(), full) {
				t.Fatalf("%s: refusal carries the number", tc.who)
			}
		} else if got := decode[struct{ Phone string }](t, w, http.StatusOK); got.Phone != full {
			t.Fatalf("%s: revealed %q", tc.who, got.Phone)
		}
		// Searching by the number: operators and admins only.
		w = f.as(tc.token, http.MethodGet, "/api/v1/work-orders?q=138-0013-5678", nil)
		if tc.status != http.StatusOK {
			wantError(t, w, http.StatusForbidden, "phone_search_forbidden")
		} else if l := decode[struct{ Items []orderJSON }](t, w, http.StatusOK); len(l.Items) != 1 || l.Items[0].ID != c.ID {
			t.Fatalf("%s: phone search %+v", tc.who, l.Items)
		}
	}
	// A secretary of another branch cannot reveal even where the role could.
	wantError(t, f.as(f.secB, http.MethodPost, "/api/v1/work-orders/"+c.ID+"/reveal-phone", nil), http.StatusForbidden, "")
	reveals := f.auditOf("work_order.reveal_phone")
	if len(reveals) != 2 || reveals[0].ObjectID != c.ID || !strings.Contains(reveals[0].Summary, c.Number) || reveals[0].At.IsZero() {
		t.Fatalf("reveal audit %+v", reveals)
	}
	for _, r := range reveals {
		if strings.Contains(r.Summary, "5678") {
			t.Fatalf("the audit entry holds the number: %+v", r)
		}
	}
	if n := len(f.auditOf("work_order.phone_search")); n != 2 {
		t.Fatalf("phone searches audited %d times, want 2", n)
	}
	// Text search stays open to every reader.
	if l := decode[struct{ Items []orderJSON }](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders?q=路灯", nil), http.StatusOK); len(l.Items) != 1 {
		t.Fatalf("leader text search %+v", l.Items)
	}
}

func TestWorkOrderMerge(t *testing.T) {
	f := newWOFixture(t)
	orig := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	f.clock.set(bj(11, 0))
	dup := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	if len(dup.PossibleDuplicates) != 1 || dup.PossibleDuplicates[0].ID != orig.ID {
		t.Fatalf("duplicate hint %+v", dup.PossibleDuplicates)
	}
	if h := f.get(f.operator, dup.ID).History; len(h) != 1 || h[0].ID != orig.ID {
		t.Fatalf("caller history %+v", h)
	}
	merge := func(token, into string) map[string]any {
		return map[string]any{"action": "merge", "into": into, "note": "同一路灯"}
	}
	wantError(t, f.act(f.secA, dup.ID, merge(f.secA, orig.ID)), http.StatusForbidden, "action_forbidden")
	wantError(t, f.act(f.operator, dup.ID, merge(f.operator, dup.ID)), http.StatusUnprocessableEntity, "validation_failed", "into")
	wantError(t, f.act(f.operator, dup.ID, merge(f.operator, "nope")), http.StatusUnprocessableEntity, "validation_failed", "into")
	wantError(t, f.act(f.operator, dup.ID, map[string]any{"action": "merge", "note": "x"}), http.StatusUnprocessableEntity, "validation_failed", "into")
	f.step(f.operator, dup.ID, merge(f.operator, orig.ID))
	d, o := f.get(f.operator, dup.ID), f.get(f.operator, orig.ID)
	if d.Status != "merged" || d.MergedInto == nil || d.MergedInto.ID != orig.ID || d.MergedInto.Number != orig.Number || len(d.Allowed) != 0 {
		t.Fatalf("merged order %+v", d)
	}
	if len(o.MergedFrom) != 1 || o.MergedFrom[0].ID != dup.ID || actions(o)[len(o.Events)-1] != "merged_from" || o.Status != "assigned" {
		t.Fatalf("original %+v events %v", o.MergedFrom, actions(o))
	}
	wantError(t, f.act(f.operator, dup.ID, merge(f.operator, orig.ID)), http.StatusConflict, "transition_not_allowed")
	// Merging into a merged order is refused: merge into its original.
	third := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	wantError(t, f.act(f.operator, third.ID, merge(f.operator, dup.ID)), http.StatusConflict, "merge_target_merged")
	// The merged order leaves the queues; the original runs on, and the
	// caller's later callback, asked for on the merged number, applies to it.
	f.step(f.secA, orig.ID, map[string]any{"action": "accept"})
	f.step(f.secA, orig.ID, map[string]any{"action": "reply", "note": "已修复", "outcome": "solved"})
	f.step(f.operator, orig.ID, map[string]any{"action": "close"})
	f.step(f.operator, dup.ID, map[string]any{"action": "callback", "satisfaction": "satisfied", "note": "来电人再次来电表示满意"})
	if o := f.get(f.operator, orig.ID); o.Status != "called_back" || actions(o)[len(o.Events)-1] != "callback" {
		t.Fatalf("original after the callback: %s %v", o.Status, actions(o))
	}
	if d := f.get(f.operator, dup.ID); d.Status != "merged" || len(d.Events) != 3 {
		t.Fatalf("merged order after the callback: %s %v", d.Status, actions(d))
	}
	if l := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?status=merged", nil), http.StatusOK); len(l.Items) != 1 || l.Items[0].ID != dup.ID {
		t.Fatalf("merged list %+v", l.Items)
	}
	if n := len(f.auditOf("work_order.merge")); n != 1 {
		t.Fatalf("merge audited %d times", n)
	}
}

func TestWorkOrderExtensionRequest(t *testing.T) {
	f := newWOFixture(t)
	c := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	f.step(f.secA, c.ID, map[string]any{"action": "accept"})
	due := time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC) // Wed 10:00 + 10 working days, 17:00 Beijing
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "extend", "days": 3}), http.StatusUnprocessableEntity, "validation_failed", "note")
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "extend", "days": 11, "note": "x"}), http.StatusUnprocessableEntity, "validation_failed", "days")
	wantError(t, f.act(f.operator, c.ID, map[string]any{"action": "approve_extension"}), http.StatusConflict, "transition_not_allowed")
	f.step(f.secA, c.ID, map[string]any{"action": "extend", "days": 3, "note": "需协调供电公司"})
	o := f.get(f.operator, c.ID)
	if o.Extension == nil || o.Extension.Days != 3 || !o.DueAt.Equal(due) || o.Extensions != 0 ||
		!slices.Contains(o.Allowed, "approve_extension") || slices.Contains(o.Allowed, "extend") {
		t.Fatalf("pending request %+v allowed %v due %s", o.Extension, o.Allowed, o.DueAt)
	}
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "refuse_extension", "note": "x"}), http.StatusForbidden, "action_forbidden")
	wantError(t, f.act(f.operator, c.ID, map[string]any{"action": "refuse_extension"}), http.StatusUnprocessableEntity, "validation_failed", "note")
	f.step(f.operator, c.ID, map[string]any{"action": "refuse_extension", "note": "三天内可以办结"})
	if o := f.get(f.operator, c.ID); o.Extension != nil || !o.DueAt.Equal(due) || o.Extensions != 0 {
		t.Fatalf("after the refusal %+v due %s", o.Extension, o.DueAt)
	}
	f.step(f.secA, c.ID, map[string]any{"action": "extend", "days": 2, "note": "等配件"})
	f.step(adminToken, c.ID, map[string]any{"action": "approve_extension", "note": "同意"})
	// 12-09 + 2 working days = Fri 12-11 17:00 Beijing = 09:00 UTC
	if o := f.get(f.operator, c.ID); o.Extension != nil || !o.DueAt.Equal(time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC)) || o.Extensions != 1 {
		t.Fatalf("after the approval %+v due %s extensions %d", o.Extension, o.DueAt, o.Extensions)
	}
	want := []string{"receive", "assign", "accept", "extension_requested", "refuse_extension", "extension_requested", "approve_extension"}
	if got := actions(f.get(f.operator, c.ID)); !slices.Equal(got, want) {
		t.Fatalf("events %v", got)
	}
}

func TestWorkOrderReplyOutcome(t *testing.T) {
	f := newWOFixture(t)
	c := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	f.step(f.secA, c.ID, map[string]any{"action": "accept"})
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "reply", "note": "已联系", "outcome": "partly"}), http.StatusUnprocessableEntity, "validation_failed", "reason")
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "reply", "note": "已联系", "outcome": "done"}), http.StatusUnprocessableEntity, "validation_failed", "outcome")
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "accept", "outcome": "solved"}), http.StatusConflict, "transition_not_allowed")
	wantError(t, f.act(f.leader, c.ID, map[string]any{"action": "supervise", "note": "x", "outcome": "solved"}), http.StatusUnprocessableEntity, "validation_failed", "outcome")
	f.step(f.secA, c.ID, map[string]any{"action": "reply", "note": "已更换两盏路灯。\n第三盏需供电公司更换线路。", "outcome": "partly", "reason": "线路归供电公司"})
	o := f.get(f.operator, c.ID)
	if o.ReplyOutcome != "partly" || o.ReplyReason != "线路归供电公司" || !strings.Contains(o.Reply, "\n第三盏") {
		t.Fatalf("reply %q %q %q", o.ReplyOutcome, o.ReplyReason, o.Reply)
	}
	// The order stays in the unit's view after the reply.
	l := decode[struct{ Items []orderJSON }](t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders?status=replied", nil), http.StatusOK)
	if len(l.Items) != 1 {
		t.Fatalf("replied list %+v", l.Items)
	}
}

func TestWorkOrderCategories(t *testing.T) {
	f := newWOFixture(t)
	type node struct {
		Key      string `json:"key"`
		Label    string `json:"label"`
		Children []node `json:"children"`
	}
	tree := decode[[]node](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/categories", nil), http.StatusOK)
	if len(tree) == 0 || tree[0].Key != "city" || tree[0].Label != "城市管理" || tree[0].Children[0].Children[0].Label != "路灯" {
		t.Fatalf("default catalogue %+v", tree[:1])
	}
	c := f.create(f.operator, call("complaint", f.a.ID, "13800135678", "category", "city/environment/lights"))
	plain := f.create(f.operator, call("complaint", f.a.ID, "13900001111"))
	if o := f.get(f.operator, c.ID); o.Category != "city/environment/lights" {
		t.Fatalf("category %q", o.Category)
	}
	if o := f.get(f.operator, plain.ID); o.Category != "other" {
		t.Fatalf("no category given: %q, want other", o.Category)
	}
	wantError(t, f.as(f.operator, http.MethodPost, "/api/v1/work-orders", call("complaint", f.a.ID, "13800135678", "category", "city/nope")),
		http.StatusUnprocessableEntity, "validation_failed", "category")
	for q, want := range map[string]int{"city": 1, "city/environment": 1, "city/environment/lights": 1, "city/roads": 0, "other": 1} {
		l := decode[struct{ Items []orderJSON }](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders?category="+q, nil), http.StatusOK)
		if len(l.Items) != want {
			t.Errorf("category=%s: %d orders, want %d", q, len(l.Items), want)
		}
	}
	// The statistics and the ledger group by category, with its labels.
	st := decode[struct {
		ByCategory map[string]int `json:"by_category"`
	}](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/stats", nil), http.StatusOK)
	if st.ByCategory["city/environment/lights"] != 1 || st.ByCategory["other"] != 1 {
		t.Errorf("by_category %v", st.ByCategory)
	}
	stats := sheetRows(t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/report.xlsx", nil), "统计")
	var grouped []string
	for _, r := range stats {
		if len(r) == 2 && (r[0] == "城市管理 › 市容环境 › 路灯" || r[0] == "其他") {
			grouped = append(grouped, r[0]+"="+r[1])
		}
	}
	if strings.Join(grouped, ",") != "其他=1,城市管理 › 市容环境 › 路灯=1" && strings.Join(grouped, ",") != "城市管理 › 市容环境 › 路灯=1,其他=1" {
		t.Errorf("统计 by category %v", grouped)
	}
	deep := []node{{Key: "a", Label: "一", Children: []node{{Key: "b", Label: "二", Children: []node{{Key: "c", Label: "三", Children: []node{{Key: "d", Label: "四"}}}}}}}}
	wantError(t, f.as(f.operator, http.MethodPut, "/api/v1/work-orders/categories", deep), http.StatusForbidden, "forbidden")
	wantError(t, f.do(http.MethodPut, "/api/v1/work-orders/categories", deep), http.StatusUnprocessableEntity, "validation_failed")
	wantError(t, f.do(http.MethodPut, "/api/v1/work-orders/categories", []node{{Key: "A B", Label: ""}}), http.StatusUnprocessableEntity, "validation_failed")
	mine := []node{{Key: "roads", Label: "道路", Children: []node{{Key: "holes", Label: "坑洼"}}}, {Key: "other", Label: "其他"}}
	decode[[]node](t, f.do(http.MethodPut, "/api/v1/work-orders/categories", mine), http.StatusOK)
	if got := decode[[]node](t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders/categories", nil), http.StatusOK); len(got) != 2 || got[0].Children[0].Label != "坑洼" {
		t.Fatalf("stored catalogue %+v", got)
	}
	f.create(f.operator, call("complaint", f.a.ID, "13800135678", "category", "roads/holes"))
	if n := len(f.auditOf("work_order.categories")); n != 1 {
		t.Fatalf("catalogue change audited %d times", n)
	}
}
