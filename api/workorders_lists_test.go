package api_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestWorkOrderValidation(t *testing.T) {
	f := newWOFixture(t)
	wantError(t, f.as(f.operator, http.MethodPost, "/api/v1/work-orders", map[string]any{"channel": "fax", "kind": "gossip", "urgency": "now",
		"caller": map[string]any{"phone": "12"}, "org_id": "nope"}), http.StatusUnprocessableEntity, "validation_failed",
		"channel", "kind", "urgency", "content", "caller.phone", "org_id")
	wantError(t, f.as(f.operator, http.MethodPost, "/api/v1/work-orders", call("complaint", f.a.ID, "")), http.StatusUnprocessableEntity, "validation_failed", "caller.phone")
	// A letter needs no phone.
	f.create(f.operator, call("suggestion", "", "", "channel", "mail"))
	wantError(t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?status=lost", nil), http.StatusUnprocessableEntity, "validation_failed", "status")
	wantError(t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?from=yesterday", nil), http.StatusUnprocessableEntity, "validation_failed", "from")
	wantError(t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?overdue=maybe", nil), http.StatusUnprocessableEntity, "validation_failed", "overdue")
	wantError(t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders?org_id="+f.b.ID, nil), http.StatusForbidden, "out_of_scope")
}

// TestWorkOrderListsAndOverdue: filters, the secretary's scope and the
// overdue list as time passes.
func TestWorkOrderListsAndOverdue(t *testing.T) {
	f := newWOFixture(t)
	urgent := f.create(f.operator, call("help", f.a.ID, "13900001111", "urgency", "urgent", "content", "老人被困电梯")) // due 12:00
	normal := f.create(f.operator, call("enquiry", f.b.ID, "13900002222"))                                        // due Mon 11-30 17:00
	// Taken with their units, both went straight there (dispatch at intake).
	numbers := func(token, query string) []string {
		t.Helper()
		l := decode[struct{ Items []orderJSON }](t, f.as(token, http.MethodGet, "/api/v1/work-orders"+query, nil), http.StatusOK)
		var out []string
		for _, o := range l.Items {
			out = append(out, o.Number)
		}
		return out
	}
	if got := numbers(f.operator, "?overdue=true"); len(got) != 0 {
		t.Fatalf("overdue at 10:00: %v", got)
	}
	f.clock.set(bj(12, 1))
	if got := numbers(f.operator, "?overdue=true"); !slices.Equal(got, []string{urgent.Number}) {
		t.Fatalf("overdue at 12:01: %v", got)
	}
	if got := numbers(f.secB, "?overdue=true"); len(got) != 0 {
		t.Fatalf("B's secretary sees A's overdue order: %v", got)
	}
	if got := numbers(f.secA, ""); !slices.Equal(got, []string{urgent.Number}) {
		t.Fatalf("A's secretary sees %v", got)
	}
	if got := numbers(f.leader, "?org_id="+f.b.ID); !slices.Equal(got, []string{normal.Number}) {
		t.Fatalf("org filter: %v", got)
	}
	if got := numbers(f.leader, "?q=电梯"); !slices.Equal(got, []string{urgent.Number}) {
		t.Fatalf("text search: %v", got)
	}
	if got := numbers(f.leader, "?status=received,assigned&from=2026-11-25&to=2026-11-25"); len(got) != 2 {
		t.Fatalf("status and period: %v", got)
	}
	if got := numbers(f.leader, "?from=2026-11-26"); len(got) != 0 {
		t.Fatalf("later period: %v", got)
	}
	o := decode[orderJSON](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/"+urgent.ID, nil), http.StatusOK)
	if !o.Overdue || !slices.Equal(o.Allowed, []string{"accept", "return", "supervise", "merge"}) {
		t.Fatalf("detail overdue %v allowed %v", o.Overdue, o.Allowed)
	}
	f.step(f.operator, urgent.ID, map[string]any{"action": "supervise", "note": "超时，请立即处置"})
	f.step(f.secA, urgent.ID, map[string]any{"action": "accept"})
	f.step(f.secA, urgent.ID, map[string]any{"action": "reply", "note": "已解救"})
	if got := numbers(f.operator, "?overdue=true"); len(got) != 0 {
		t.Fatalf("replied order still overdue: %v", got)
	}
}

// TestPublicWorkOrder: no account, no duplicate hint for residents, and a
// per-client limit of 5 an hour answered with 429 and Retry-After.
func TestPublicWorkOrder(t *testing.T) {
	f := newWOFixture(t)
	send := func(ip string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/public/work-orders",
			strings.NewReader(`{"kind":"suggestion","content":"建议在社区增设老年食堂","caller":{"phone":"13700001234"},"org_id":"`+f.a.ID+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		return w
	}
	for i := range 5 {
		w := send("192.0.2.1")
		got := decode[map[string]any](t, w, http.StatusCreated)
		if _, leak := got["possible_duplicates"]; leak || got["number"] == nil || got["status"] != "received" {
			t.Fatalf("answer %d: %v", i, got)
		}
	}
	w := send("192.0.2.1")
	wantError(t, w, http.StatusTooManyRequests, "rate_limited")
	if ra := w.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
	decode[map[string]any](t, send("192.0.2.2"), http.StatusCreated)
	// An hour / 5 = 12 minutes later one more is allowed.
	f.clock.set(bj(10, 12))
	decode[map[string]any](t, send("192.0.2.1"), http.StatusCreated)

	l := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders", nil), http.StatusOK)
	if len(l.Items) != 7 || l.Items[0].Caller.Phone != "137****1234" {
		t.Fatalf("stored %d, first %+v", len(l.Items), l.Items[0])
	}
	if logs := f.logs.String(); strings.Contains(logs, "192.0.2.1") || strings.Contains(logs, "13700001234") {
		t.Fatalf("logs mention the client or caller: %s", logs)
	}
}

// TestWorkOrderConcurrentNumbers: operators taking calls at once over HTTP
// all get distinct numbers.
func TestWorkOrderConcurrentNumbers(t *testing.T) {
	f := newWOFixture(t)
	const n = 20
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			w := f.as(f.operator, http.MethodPost, "/api/v1/work-orders", call("opinion", f.a.ID, "13800000000"))
			if w.Code == http.StatusCreated {
				got[i] = decode[created](t, w, http.StatusCreated).Number
			} else {
				t.Errorf("create %d: %d %s", i, w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	if len(slices.Compact(slices.Clone(got))) != n || got[0] != "20261125-0001" || got[n-1] != "20261125-0020" {
		t.Fatalf("numbers %v", got)
	}
}
