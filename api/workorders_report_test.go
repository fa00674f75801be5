package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// ledgerRows opens the ledger workbook answer and returns the 工单台账 rows.
func ledgerRows(t *testing.T, w *httptest.ResponseRecorder) [][]string {
	t.Helper()
	return sheetRows(t, w, "工单台账")
}

func sheetRows(t *testing.T, w *httptest.ResponseRecorder, sheet string) [][]string {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("report: %d %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Fatalf("content disposition %q", cd)
	}
	f, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type statsJSON struct {
	Total                 int            `json:"total"`
	ByKind                map[string]int `json:"by_kind"`
	ByStatus              map[string]int `json:"by_status"`
	ByOrg                 map[string]int `json:"by_org"`
	Overdue               int            `json:"overdue"`
	Replied               int            `json:"replied"`
	OnTime                int            `json:"on_time"`
	OnTimeRate            *float64       `json:"on_time_rate"`
	Callbacks             int            `json:"callbacks"`
	Satisfied             int            `json:"satisfied"`
	Basic                 int            `json:"basic"`
	Unsatisfied           int            `json:"unsatisfied"`
	SatisfactionRate      *float64       `json:"satisfaction_rate"`
	BasicSatisfactionRate *float64       `json:"basic_satisfaction_rate"`
	Reopened              int            `json:"reopened"`
	Supervised            int            `json:"supervised"`
}

// TestWorkOrderStatistics builds six orders through the API on Wednesday
// 2026-11-25 (Beijing) and checks the statistics at 14:00 against figures
// worked out by hand:
//
//	o1 complaint A urgent (due 12:00): replied 10:00 on time, closed, callback satisfied
//	o2 help      A urgent (due 12:00): replied 13:00 late, closed, callback unsatisfied, reopened 13:00 (new due 15:00)
//	o3 suggestion B normal (due 12-16): replied 10:00 on time, closed, callback basic
//	o4 suggestion B urgent (due 12:00): replied 13:00 late, closed, callback unsatisfied
//	o5 opinion   B urgent (due 12:00): only dispatched at intake; supervised 13:00 → overdue at 14:00
//	o6 enquiry   A normal (due 11-30): assigned
//
// All orgs: total 6; complaint 1, help 1, suggestion 2, opinion 1, enquiry 1;
// called_back 3 (o1 o3 o4), assigned 3 (o2 o5 o6; every order was taken with its unit, so none waits in received).
// Replied: o1 o3 o4 = 3 (o2's reply was undone by 重办); on time o1 o3 = 2
// → on-time rate 2/3 = 0.6667. Callbacks standing: o1 satisfied, o3 basic,
// o4 unsatisfied = 3 → satisfaction 1/3 = 0.3333, basic satisfaction
// (1+1)/3 = 0.6667. Reopened 1 (o2). Overdue 1 (o5). Supervised 1 (o5).
// Org A only (o1 o2 o6): total 3, replied 1 on time → 1, callbacks 1
// satisfied → 1, reopened 1, overdue 0.
func TestWorkOrderStatistics(t *testing.T) {
	f := newWOFixture(t)
	op, a, b := f.operator, f.a.ID, f.b.ID
	mk := func(kind, org, urgency string) string {
		return f.create(op, call(kind, org, "13800138000", "urgency", urgency)).ID
	}
	o1, o2 := mk("complaint", a, "urgent"), mk("help", a, "urgent")
	o3, o4 := mk("suggestion", b, "normal"), mk("suggestion", b, "urgent")
	o5 := mk("opinion", b, "urgent")
	mk("enquiry", a, "normal") // o6: dispatched at intake, nothing more
	handle := func(id, sec string) {
		f.step(sec, id, map[string]any{"action": "accept"})
	}
	finish := func(id, sec, satisfaction string) {
		f.step(sec, id, map[string]any{"action": "reply", "note": "已办理"})
		f.step(op, id, map[string]any{"action": "close"})
		f.step(op, id, map[string]any{"action": "callback", "satisfaction": satisfaction})
	}
	handle(o1, f.secA)
	handle(o2, f.secA)
	handle(o3, f.secB)
	handle(o4, f.secB)
	finish(o1, f.secA, "satisfied")
	finish(o3, f.secB, "basic")
	f.clock.set(bj(13, 0))
	finish(o2, f.secA, "unsatisfied")
	f.step(op, o2, map[string]any{"action": "reopen", "note": "问题未解决"})
	finish(o4, f.secB, "unsatisfied")
	f.step(f.leader, o5, map[string]any{"action": "supervise", "note": "尽快派单"})
	f.clock.set(bj(14, 0))

	st := decode[statsJSON](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/stats?from=2026-11-25&to=2026-11-25", nil), http.StatusOK)
	checkInt := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	checkRate := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	checkInt("total", st.Total, 6)
	for k, n := range map[string]int{"complaint": 1, "help": 1, "suggestion": 2, "opinion": 1, "enquiry": 1, "praise": 0} {
		checkInt("by_kind."+k, st.ByKind[k], n)
	}
	for k, n := range map[string]int{"called_back": 3, "assigned": 3, "received": 0, "accepted": 0, "replied": 0, "closed": 0, "returned": 0} {
		checkInt("by_status."+k, st.ByStatus[k], n)
	}
	checkInt("by_org.A", st.ByOrg[a], 3)
	checkInt("by_org.B", st.ByOrg[b], 3)
	checkInt("replied", st.Replied, 3)
	checkInt("on_time", st.OnTime, 2)
	checkRate("on_time_rate", st.OnTimeRate, 0.6667)
	checkInt("callbacks", st.Callbacks, 3)
	checkInt("unsatisfied", st.Unsatisfied, 1)
	checkRate("satisfaction_rate", st.SatisfactionRate, 0.3333)
	checkRate("basic_satisfaction_rate", st.BasicSatisfactionRate, 0.6667)
	checkInt("reopened", st.Reopened, 1)
	checkInt("overdue", st.Overdue, 1)
	checkInt("supervised", st.Supervised, 1)

	sa := decode[statsJSON](t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders/stats", nil), http.StatusOK)
	checkInt("A total", sa.Total, 3)
	checkRate("A on_time_rate", sa.OnTimeRate, 1)
	checkRate("A satisfaction_rate", sa.SatisfactionRate, 1)
	checkInt("A reopened", sa.Reopened, 1)
	checkInt("A overdue", sa.Overdue, 0)
	none := decode[statsJSON](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/stats?from=2026-11-26", nil), http.StatusOK)
	if none.Total != 0 || none.OnTimeRate != nil || none.SatisfactionRate != nil {
		t.Errorf("empty period: %+v", none)
	}
	wantError(t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders/stats?org_id="+b, nil), http.StatusForbidden, "out_of_scope")

	// The ledger holds the same figures on 统计 and one row per order.
	w := f.as(f.leader, http.MethodGet, "/api/v1/work-orders/report.xlsx?from=2026-11-25&to=2026-11-25", nil)
	body := w.Body.Bytes()
	if rows := ledgerRows(t, w); len(rows) != 7 {
		t.Fatalf("ledger has %d rows, want header + 6", len(rows))
	}
	w2 := httptest.NewRecorder()
	w2.Code = http.StatusOK
	w2.Header().Set("Content-Type", w.Header().Get("Content-Type"))
	w2.Header().Set("Content-Disposition", w.Header().Get("Content-Disposition"))
	w2.Body.Write(body)
	want := map[string]string{"统计期间": "2026-11-25 至 2026-11-25", "工单总数": "6", "已回复": "3", "按时回复": "2",
		"按时办结率": "66.67%", "回访数": "3", "满意率": "33.33%", "基本满意率": "66.67%", "重办工单数": "1", "超期未回复": "1", "督办工单数": "1",
		"建议": "2", "已回访": "3", "第一党支部": "3", "第二党支部": "3"}
	seen := map[string]bool{}
	for _, r := range sheetRows(t, w2, "统计") {
		if len(r) >= 2 {
			if v, ok := want[r[0]]; ok && !seen[r[0]] {
				seen[r[0]] = true
				if r[1] != v {
					t.Errorf("统计 %s = %q, want %q", r[0], r[1], v)
				}
			}
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("统计 has no row %s", k)
		}
	}
	// A secretary's ledger holds its own branch only.
	if rows := ledgerRows(t, f.as(f.secB, http.MethodGet, "/api/v1/work-orders/report.xlsx", nil)); len(rows) != 4 {
		t.Fatalf("B's ledger has %d rows, want header + 3", len(rows))
	}
}
