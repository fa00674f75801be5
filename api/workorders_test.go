package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/accounts"
	"minyi/feedback"
	"minyi/surveys"
)

// testPolicy is the embedded calendar (2026 holidays, default deadlines).
func testPolicy(t *testing.T) *feedback.Policy {
	t.Helper()
	p, err := feedback.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var beijing = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// woClock is a settable clock for work-order tests, which need time to pass.
type woClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *woClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *woClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// bj is a Beijing wall-clock time on 2026-11-25 (a Wednesday).
func bj(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, beijing) }

// woFixture is a server whose clock the test moves, two branches and a
// token per role (a secretary for each branch).
type woFixture struct {
	*env
	clock                        *woClock
	a, b                         surveys.Org
	operator, leader, secA, secB string
	logs                         *syncBuffer
	db                           *mongo.Database
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newWOFixture(t *testing.T) *woFixture {
	t.Helper()
	clk := &woClock{t: bj(10, 0)}
	logs := &syncBuffer{}
	e := newEnv(t, func(c *envConfig) {
		c.app.Now = clk.now
		c.app.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	db := e.app.Store.DB
	f := &woFixture{env: e, clock: clk, logs: logs, db: db}
	f.a = decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	f.b = decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第二党支部", "code": "ZB2", "kind": "branch"}), http.StatusCreated)
	f.operator = e.tokenFor(accounts.RoleOperator, "")
	f.leader = e.tokenFor(accounts.RoleLeader, "")
	f.secA = e.tokenFor(accounts.RoleSecretary, f.a.ID)
	f.secB = e.tokenFor(accounts.RoleSecretary, f.b.ID)
	return f
}

// as sends a request with token.
func (f *woFixture) as(token, method, path string, body any) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.do(method, path, body, "Authorization", "Bearer "+token)
}

type created struct {
	ID                 string    `json:"id"`
	Number             string    `json:"number"`
	Status             string    `json:"status"`
	DueAt              time.Time `json:"due_at"`
	PossibleDuplicates []struct {
		ID, Number string
	} `json:"possible_duplicates"`
}

type orderJSON struct {
	ID      string `json:"id"`
	Number  string `json:"number"`
	Status  string `json:"status"`
	OrgID   string `json:"org_id"`
	Overdue bool   `json:"overdue"`
	Caller  struct {
		Name, Phone string
	} `json:"caller"`
	DueAt   time.Time `json:"due_at"`
	Allowed []string  `json:"allowed_actions"`
	Events  []struct {
		Seq    int    `json:"seq"`
		Action string `json:"action"`
		Note   string `json:"note"`
		Actor  struct{ Name, Role string }
	} `json:"events"`
}

func (f *woFixture) create(token string, body map[string]any) created {
	f.t.Helper()
	return decode[created](f.t, f.as(token, http.MethodPost, "/api/v1/work-orders", body), http.StatusCreated)
}

func (f *woFixture) act(token, id string, body map[string]any) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.as(token, http.MethodPost, "/api/v1/work-orders/"+id+"/events", body)
}

func (f *woFixture) step(token, id string, body map[string]any) {
	f.t.Helper()
	if w := f.act(token, id, body); w.Code != http.StatusCreated {
		f.t.Fatalf("%v: %d %s", body, w.Code, w.Body)
	}
}

func call(kind, org, phone string, extra ...any) map[string]any {
	m := map[string]any{"channel": "hotline", "kind": kind, "content": "小区东门路灯坏了一周", "org_id": org,
		"caller": map[string]any{"name": "张先生", "phone": phone}}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

// TestWorkOrderFlowOverHTTP walks one complaint from the call to 重办, with
// each role doing its part and the refusals in between.
func TestWorkOrderFlowOverHTTP(t *testing.T) {
	f := newWOFixture(t)
	// Taken without its unit, the order waits in 待派单 (with it, it goes
	// straight there: TestWorkOrderDispatchAtIntake).
	c := f.create(f.operator, call("complaint", "", "138 0013 5678"))
	// Wed 10:00 + 10 working days = Wed 2026-12-09 17:00 Beijing = 09:00 UTC
	if c.Number != "20261125-0001" || c.Status != "received" || !c.DueAt.Equal(time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("created %+v", c)
	}
	f.step(f.operator, c.ID, map[string]any{"action": "assign", "org_id": f.a.ID, "note": "先派第一支部"})
	f.step(f.secA, c.ID, map[string]any{"action": "return", "note": "待核实"})
	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		code   string
	}{
		{"leader cannot create", f.leader, nil, 0, ""},
		{"secretary cannot dispatch", f.secA, map[string]any{"action": "assign", "org_id": f.a.ID}, http.StatusForbidden, "action_forbidden"},
		// A's secretary may see the returned order (its org is still A)
		// and is told that accepting needs a dispatch first.
		{"accept before dispatch", f.secA, map[string]any{"action": "accept"}, http.StatusConflict, "transition_not_allowed"},
		{"unknown org", f.operator, map[string]any{"action": "assign", "org_id": "nope"}, http.StatusUnprocessableEntity, "validation_failed"},
		{"unknown action", f.operator, map[string]any{"action": "teleport"}, http.StatusUnprocessableEntity, "validation_failed"},
		{"unknown field", f.operator, map[string]any{"action": "assign", "status": "closed"}, http.StatusUnprocessableEntity, "validation_failed"},
	} {
		if tc.body == nil {
			wantError(t, f.as(tc.token, http.MethodPost, "/api/v1/work-orders", call("complaint", f.a.ID, "13800135678")), http.StatusForbidden, "forbidden")
			continue
		}
		e := wantError(t, f.act(tc.token, c.ID, tc.body), tc.status, tc.code)
		if tc.code == "transition_not_allowed" && !strings.Contains(e.Error.Message, "派单") {
			t.Fatalf("%s: message %q does not name 派单", tc.name, e.Error.Message)
		}
	}
	f.step(f.operator, c.ID, map[string]any{"action": "assign", "org_id": f.a.ID, "note": "请核实处理"})
	wantError(t, f.act(f.secB, c.ID, map[string]any{"action": "accept"}), http.StatusForbidden, "out_of_scope")
	wantError(t, f.act(f.operator, c.ID, map[string]any{"action": "accept"}), http.StatusForbidden, "action_forbidden")
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "return"}), http.StatusUnprocessableEntity, "validation_failed", "note")
	f.step(f.secA, c.ID, map[string]any{"action": "return", "note": "路灯归第二支部所在小区"})
	f.step(f.operator, c.ID, map[string]any{"action": "assign", "org_id": f.b.ID})
	wantError(t, f.act(f.secA, c.ID, map[string]any{"action": "accept"}), http.StatusForbidden, "out_of_scope")
	f.step(f.secB, c.ID, map[string]any{"action": "accept"})

	// Accepting twice: 409 naming what is possible instead.
	w := f.act(f.secB, c.ID, map[string]any{"action": "accept"})
	conflict := decode[struct {
		Error struct {
			Code, Message string
			Details       struct {
				Status  string   `json:"status"`
				Allowed []string `json:"allowed"`
			} `json:"details"`
		} `json:"error"`
	}](t, w, http.StatusConflict)
	if conflict.Error.Code != "transition_not_allowed" || conflict.Error.Details.Status != "accepted" ||
		!slices.Equal(conflict.Error.Details.Allowed, []string{"extend", "reply", "supervise", "merge"}) ||
		!strings.Contains(conflict.Error.Message, "延期、回复、督办、合并") {
		t.Fatalf("conflict %+v", conflict)
	}

	ext := decode[struct {
		Action     string    `json:"action"`
		Status     string    `json:"status"`
		OrderDueAt time.Time `json:"order_due_at"`
	}](t, f.act(f.secB, c.ID, map[string]any{"action": "extend", "days": 2, "note": "需协调供电公司"}), http.StatusCreated)
	// A secretary's 延期 is a request: the deadline stays 12-09 until an
	// operator approves; then 12-09 + 2 working days = Fri 12-11 17:00 Beijing.
	if ext.Action != "extension_requested" || ext.Status != "accepted" || !ext.OrderDueAt.Equal(time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("extend %+v", ext)
	}
	wantError(t, f.act(f.secB, c.ID, map[string]any{"action": "approve_extension"}), http.StatusForbidden, "action_forbidden")
	wantError(t, f.act(f.secB, c.ID, map[string]any{"action": "extend", "days": 1, "note": "再申请"}), http.StatusConflict, "transition_not_allowed")
	ok := decode[struct {
		Action     string    `json:"action"`
		Days       int       `json:"days"`
		OrderDueAt time.Time `json:"order_due_at"`
	}](t, f.act(f.operator, c.ID, map[string]any{"action": "approve_extension", "note": "同意"}), http.StatusCreated)
	if ok.Action != "approve_extension" || ok.Days != 2 || !ok.OrderDueAt.Equal(time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("approve %+v", ok)
	}
	wantError(t, f.act(f.secB, c.ID, map[string]any{"action": "extend", "days": 9, "note": "x"}), http.StatusUnprocessableEntity, "validation_failed", "days")
	f.step(f.leader, c.ID, map[string]any{"action": "supervise", "note": "请本周内办结"})
	wantError(t, f.act(f.leader, c.ID, map[string]any{"action": "close"}), http.StatusForbidden, "action_forbidden")
	f.step(f.secB, c.ID, map[string]any{"action": "reply", "note": "已联系供电公司更换灯具"})
	f.step(f.operator, c.ID, map[string]any{"action": "close"})
	wantError(t, f.act(f.operator, c.ID, map[string]any{"action": "reopen", "note": "x"}), http.StatusConflict, "transition_not_allowed")
	f.step(f.operator, c.ID, map[string]any{"action": "callback", "satisfaction": "unsatisfied", "note": "仍有一盏不亮"})
	f.step(f.operator, c.ID, map[string]any{"action": "reopen", "note": "仍有一盏不亮"})

	o := decode[orderJSON](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/"+c.ID, nil), http.StatusOK)
	var actions []string
	for i, ev := range o.Events {
		actions = append(actions, ev.Action)
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
	}
	want := []string{"receive", "assign", "return", "assign", "return", "assign", "accept", "extension_requested", "approve_extension", "supervise", "reply", "close", "callback", "reopen"}
	if !slices.Equal(actions, want) || o.Status != "assigned" || o.OrgID != f.b.ID {
		t.Fatalf("history %v status %s org %s", actions, o.Status, o.OrgID)
	}
	if o.Events[9].Actor.Role != "leader" || o.Events[4].Note != "路灯归第二支部所在小区" {
		t.Fatalf("events %+v", o.Events)
	}
	wantError(t, f.as(f.secA, http.MethodGet, "/api/v1/work-orders/"+c.ID, nil), http.StatusForbidden, "out_of_scope")
	wantError(t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/nope", nil), http.StatusNotFound, "work_order_not_found")
	wantError(t, f.act(f.operator, "nope", map[string]any{"action": "close"}), http.StatusNotFound, "work_order_not_found")
}

// TestWorkOrderPhoneMasking: no default answer carries the caller's full
// number, for any role (reveal-phone does: TestWorkOrderPhoneReveal); the
// logs and the store never hold it in clear.
func TestWorkOrderPhoneMasking(t *testing.T) {
	f := newWOFixture(t)
	const full, masked = "13800135678", "138****5678"
	c := f.create(f.operator, call("complaint", f.a.ID, "+86 138-0013-5678"))
	for _, tc := range []struct {
		who, token string
		want       string
	}{
		{"admin", adminToken, masked},
		{"operator", f.operator, masked},
		{"leader", f.leader, masked},
		{"secretary", f.secA, masked},
	} {
		w := f.as(tc.token, http.MethodGet, "/api/v1/work-orders/"+c.ID, nil)
		o := decode[orderJSON](t, w, http.StatusOK)
		if o.Caller.Phone != tc.want {
			t.Errorf("detail as %s: phone %q, want %q", tc.who, o.Caller.Phone, tc.want)
		}
		if strings.Contains(w.Body.String(), full) {
			t.Errorf("detail as %s leaks the number: %s", tc.who, w.Body)
		}
		lw := f.as(tc.token, http.MethodGet, "/api/v1/work-orders", nil)
		l := decode[struct{ Items []orderJSON }](t, lw, http.StatusOK)
		if len(l.Items) != 1 || l.Items[0].Caller.Phone != masked || strings.Contains(lw.Body.String(), full) || strings.Contains(lw.Body.String(), "sealed") {
			t.Errorf("list as %s: %s", tc.who, lw.Body)
		}
	}
	// Searching by the number finds the order through the keyed hash.
	l := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?q=138-0013-5678", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0].ID != c.ID {
		t.Fatalf("search by phone: %+v", l.Items)
	}
	// The ledger shows only the mask (read back cell by cell).
	rows := ledgerRows(t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/report.xlsx", nil))
	if len(rows) != 2 || rows[1][6] != masked {
		t.Fatalf("ledger rows %v", rows)
	}
	for _, r := range rows {
		for _, cell := range r {
			if strings.Contains(cell, full) {
				t.Fatalf("ledger leaks the number: %v", r)
			}
		}
	}
	// Durations and request ids are left out: their random digits can hold "5678".
	logs := regexp.MustCompile(`(duration|request_id)=\S+`).ReplaceAllString(f.logs.String(), "")
	if strings.Contains(logs, full) || strings.Contains(logs, "5678") || strings.Contains(logs, "192.0.2.1") {
		t.Fatalf("logs mention the caller: %s", logs)
	}
	// The store holds the number sealed, never in clear.
	for _, coll := range []string{"work_orders", "work_order_events"} {
		cur, err := f.db.Collection(coll).Find(t.Context(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(t.Context(), &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if raw := fmt.Sprint(d); strings.Contains(raw, full) || strings.Contains(raw, "138-0013") {
				t.Fatalf("%s stores the number in clear: %s", coll, raw)
			}
		}
		if len(docs) == 0 {
			t.Fatalf("nothing stored in %s", coll)
		}
	}
}

// TestWorkOrderDuplicateHint: the same number (typed differently), branch
// and kind within 7 days is flagged; another kind is not.
func TestWorkOrderDuplicateHint(t *testing.T) {
	f := newWOFixture(t)
	first := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	if len(first.PossibleDuplicates) != 0 {
		t.Fatalf("first call flagged: %+v", first.PossibleDuplicates)
	}
	f.clock.set(bj(10, 0).AddDate(0, 0, 6))
	second := f.create(f.operator, call("complaint", f.a.ID, "138 0013 5678"))
	if len(second.PossibleDuplicates) != 1 || second.PossibleDuplicates[0].ID != first.ID || second.PossibleDuplicates[0].Number != first.Number {
		t.Fatalf("duplicates %+v, want %s", second.PossibleDuplicates, first.Number)
	}
	other := f.create(f.operator, call("praise", f.a.ID, "13800135678"))
	elsewhere := f.create(f.operator, call("complaint", f.b.ID, "13800135678"))
	if len(other.PossibleDuplicates)+len(elsewhere.PossibleDuplicates) != 0 {
		t.Fatalf("other kind or org flagged: %+v %+v", other, elsewhere)
	}
	f.clock.set(bj(10, 1).AddDate(0, 0, 13)) // 7 days and a minute after the second
	third := f.create(f.operator, call("complaint", f.a.ID, "13800135678"))
	if len(third.PossibleDuplicates) != 0 {
		t.Fatalf("older than 7 days flagged: %+v", third.PossibleDuplicates)
	}
}
