package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"minyi/surveys"
)

// The 三率 fixture: seven branches, the orders of December 2026 (and a few
// of November for the change), moved through the flow over HTTP by the
// admin (who may take every step) on the test's clock. The expected
// figures are worked out by hand in TestAssessmentFormulas.
//
// Every December order is received and assigned on Tue 2026-12-01 at 10:00
// Beijing time, so the acceptance limit (2 working hours) ends at 12:00;
// "in time" orders are accepted at 11:00, late ones at 13:00. Replies,
// closes and callbacks follow at 13:30. The assessment is read at 15:30.
//
//	A 第一党支部  a1–a5 in time; all 满意 + 已解决
//	B 第二党支部  b1 late, b2–b5 in time; b1–b4 满意 + 已解决, b5 基本满意 + 部分解决
//	C 第三党支部  as B with c2 late and c3 基本满意 + 部分解决 (ties with B)
//	D 第四党支部  d1–d5 in time; d6 never accepted (past the limit); d7 assigned
//	             15:00, not yet accepted (within the limit); callbacks d1 d2 满意 +
//	             已解决, d3 不满意 + 未解决 → 重办 14:00, accepted 14:30, 满意 + 已解决
//	             at 15:00, d4 基本满意 + 已解决, d5 不满意 + 部分解决
//	E 第五党支部  e1 e2 in time; e1 满意 + 已解决, e2 不满意 without a resolution
//	             (a client of the first contract)
//	F 第六党支部  f1 assigned to G 10:00, returned by G 10:30, assigned to F 11:00,
//	             accepted 11:30; no callback
//	G 第七党支部  nothing (its one order went back and on to F)
//	n1           received, never dispatched: counted nowhere
//
// November (Wed 2026-11-25, same hours): A one order in time, 基本满意 +
// 部分解决; B five in time, 满意 + 已解决.
type assessFix struct {
	*woFixture
	orgs map[string]surveys.Org // "A".."G"
	num  map[string]string      // order label → number
	id   map[string]string      // order label → id
}

func bjAt(month time.Month, day, h, m int) time.Time {
	return time.Date(2026, month, day, h, m, 0, 0, beijing)
}

func newAssessFixture(t *testing.T) *assessFix {
	t.Helper()
	f := &assessFix{woFixture: newWOFixture(t), orgs: map[string]surveys.Org{}, num: map[string]string{}, id: map[string]string{}}
	f.orgs["A"], f.orgs["B"] = f.a, f.b // 第一党支部, 第二党支部
	names := []string{"第三党支部", "第四党支部", "第五党支部", "第六党支部", "第七党支部"}
	for i, n := range names {
		key := string(rune('C' + i))
		f.orgs[key] = decode[surveys.Org](t, f.do(http.MethodPost, "/api/v1/orgs",
			map[string]any{"name": n, "code": "K" + key, "kind": "branch"}), http.StatusCreated)
	}
	// November.
	f.clock.set(bjAt(11, 25, 10, 0))
	f.receive("A-nov", "A")
	for i := 1; i <= 5; i++ {
		f.receive(fmt.Sprintf("B-nov%d", i), "B")
	}
	f.at(11, 25, 11, 0)
	f.accept("A-nov", "B-nov1", "B-nov2", "B-nov3", "B-nov4", "B-nov5")
	f.at(11, 25, 13, 30)
	f.finish("A-nov", "basic", "partly")
	for i := 1; i <= 5; i++ {
		f.finish(fmt.Sprintf("B-nov%d", i), "satisfied", "resolved")
	}
	// December.
	f.at(12, 1, 10, 0)
	for _, u := range []string{"A", "B", "C"} {
		for i := 1; i <= 5; i++ {
			f.receive(fmt.Sprintf("%s%d", lower(u), i), u)
		}
	}
	for i := 1; i <= 6; i++ {
		f.receive(fmt.Sprintf("d%d", i), "D")
	}
	f.receive("e1", "E")
	f.receive("e2", "E")
	f.receive("f1", "G")
	f.receive("n1", "")
	f.at(12, 1, 10, 30)
	f.step(adminToken, f.id["f1"], map[string]any{"action": "return", "note": "不属于本支部"})
	f.at(12, 1, 11, 0)
	f.step(adminToken, f.id["f1"], map[string]any{"action": "assign", "org_id": f.orgs["F"].ID})
	f.accept("a1", "a2", "a3", "a4", "a5", "b2", "b3", "b4", "b5", "c1", "c3", "c4", "c5", "d1", "d2", "d3", "d4", "d5", "e1", "e2")
	f.at(12, 1, 11, 30)
	f.accept("f1")
	f.at(12, 1, 13, 0)
	f.accept("b1", "c2")
	f.at(12, 1, 13, 30)
	for _, l := range []string{"a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "c1", "c2", "c4", "c5", "d1", "d2", "e1"} {
		f.finish(l, "satisfied", "resolved")
	}
	f.finish("b5", "basic", "partly")
	f.finish("c3", "basic", "partly")
	f.finish("d3", "unsatisfied", "unresolved")
	f.finish("d4", "basic", "resolved")
	f.finish("d5", "unsatisfied", "partly")
	f.finish("e2", "unsatisfied", "")
	f.at(12, 1, 14, 0)
	f.step(adminToken, f.id["d3"], map[string]any{"action": "reopen", "note": "来电人称问题仍未解决"})
	f.at(12, 1, 14, 30)
	f.accept("d3")
	f.at(12, 1, 15, 0)
	f.finish("d3", "satisfied", "resolved")
	f.receive("d7", "D")
	f.at(12, 1, 15, 30)
	return f
}

func lower(s string) string { return string(rune(s[0]) + 'a' - 'A') }

func (f *assessFix) at(month time.Month, day, h, m int) { f.clock.set(bjAt(month, day, h, m)) }

// receive takes a call (without a unit, as 待派单) and, when unit is
// given, dispatches it there at the same time.
func (f *assessFix) receive(label, unit string) {
	f.t.Helper()
	c := f.create(adminToken, map[string]any{"channel": "hotline", "kind": "complaint", "content": "反映事项 " + label,
		"caller": map[string]any{"name": "来电人", "phone": fmt.Sprintf("139%08d", len(f.num)+1)}})
	f.num[label], f.id[label] = c.Number, c.ID
	if unit != "" {
		f.step(adminToken, c.ID, map[string]any{"action": "assign", "org_id": f.orgs[unit].ID})
	}
}

func (f *assessFix) accept(labels ...string) {
	f.t.Helper()
	for _, l := range labels {
		f.step(adminToken, f.id[l], map[string]any{"action": "accept"})
	}
}

// finish replies, closes and calls back; resolution "" leaves it out.
func (f *assessFix) finish(label, satisfaction, resolution string) {
	f.t.Helper()
	id := f.id[label]
	f.step(adminToken, id, map[string]any{"action": "reply", "note": "已办理"})
	f.step(adminToken, id, map[string]any{"action": "close"})
	cb := map[string]any{"action": "callback", "satisfaction": satisfaction, "note": "回访"}
	if resolution != "" {
		cb["resolution"] = resolution
	}
	f.step(adminToken, id, cb)
}
