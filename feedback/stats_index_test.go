package feedback_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/feedback"
	"minyi/store"
	"minyi/store/storetest"
)

// streamedStats is the reference: what GET /work-orders/stats computed
// before the day documents, every order of the filter streamed.
func streamedStats(t *testing.T, s *feedback.Store, f feedback.Filter, now time.Time) *feedback.Stats {
	t.Helper()
	st := feedback.NewStats()
	err := s.Each(t.Context(), f, func(o *feedback.Order) error {
		st.Add(o, now)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st.Finish()
}

// statsFixture is orders in many states over several days and orgs.
type statsFixture struct {
	db     *mongo.Database
	s      *feedback.Store
	c      *clock
	orders []*feedback.Order
}

func (fx *statsFixture) step(t *testing.T, id string, at time.Time, e feedback.Event) {
	t.Helper()
	fx.c.set(at)
	e.Actor = operator
	if _, _, err := fx.s.Act(t.Context(), id, e, nil); err != nil {
		t.Fatalf("%s: %v", e.Action, err)
	}
}

func newStatsFixture(t *testing.T) *statsFixture {
	t.Helper()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 2, 10, 0)}
	fx := &statsFixture{db: db, s: feedback.NewStore(db, c.now, policy(t)), c: c}
	fx.seed(t)
	return fx
}

// seed enters 40 orders over 11-02 … 11-11 and takes each through one
// scenario (i % 10).
func (fx *statsFixture) seed(t *testing.T) {
	t.Helper()
	s := fx.s
	orgs := []string{"b1", "b2", "b3", ""}
	cats := []string{"city/lights", "city", "", "life/water"}
	kinds := []feedback.Kind{feedback.KindComplaint, feedback.KindOpinion, feedback.KindHelp, feedback.KindEnquiry, feedback.KindSuggestion}
	A := func(a feedback.Action) feedback.Event { return feedback.Event{Action: a} }
	for i := range 40 {
		// Days 11-02 … 11-11, at hours that include the first and last
		// minutes of a local day.
		at := cst(2026, 11, 2+i%10, []int{0, 9, 13, 23}[i%4], []int{0, 30, 5, 59}[i%4])
		fx.c.set(at)
		o := newOrder(fmt.Sprintf("h%d", i%7), orgs[i%4], kinds[i%5])
		o.Category = cats[i%4]
		if err := s.Create(t.Context(), o, operator); err != nil {
			t.Fatal(err)
		}
		fx.orders = append(fx.orders, o)
		soon := func(h int) time.Time { return at.Add(time.Duration(h) * time.Hour) }
		late := func(h int) time.Time { return at.AddDate(0, 1, 0).Add(time.Duration(h) * time.Hour) }
		assign := feedback.Event{Action: feedback.ActionAssign, OrgID: orgs[(i+1)%3]} // to another org than at intake
		reply := feedback.Event{Action: feedback.ActionReply, Note: "已办"}
		callback := func(sat feedback.Satisfaction, r feedback.Resolution) feedback.Event {
			return feedback.Event{Action: feedback.ActionCallback, Satisfaction: sat, Resolution: r}
		}
		switch i % 10 {
		case 0: // received (dispatched at intake, or not)
		case 1: // assigned
			fx.step(t, o.ID, soon(1), assign)
		case 2: // accepted, extended
			fx.step(t, o.ID, soon(1), assign)
			fx.step(t, o.ID, soon(2), A(feedback.ActionAccept))
			fx.step(t, o.ID, soon(3), feedback.Event{Action: feedback.ActionExtend, Days: 2, Note: "需协调"})
			fx.step(t, o.ID, soon(4), A(feedback.ActionApproveExtension))
		case 3: // replied on time
			fx.step(t, o.ID, soon(1), assign)
			fx.step(t, o.ID, soon(2), A(feedback.ActionAccept))
			fx.step(t, o.ID, soon(3), reply)
		case 4: // replied late, supervised
			fx.step(t, o.ID, soon(1), assign)
			fx.step(t, o.ID, soon(2), A(feedback.ActionAccept))
			fx.step(t, o.ID, soon(3), feedback.Event{Action: feedback.ActionSupervise, Note: "请加快"})
			fx.step(t, o.ID, late(0), reply)
		case 5: // closed
			fx.step(t, o.ID, soon(1), assign)
			fx.step(t, o.ID, soon(2), A(feedback.ActionAccept))
			fx.step(t, o.ID, soon(3), reply)
			fx.step(t, o.ID, soon(4), A(feedback.ActionClose))
		case 6, 7, 8: // called back: satisfied, basic, unsatisfied (then reopened)
			fx.step(t, o.ID, soon(1), assign)
			fx.step(t, o.ID, soon(2), A(feedback.ActionAccept))
			fx.step(t, o.ID, soon(3), reply)
			fx.step(t, o.ID, soon(4), A(feedback.ActionClose))
			switch i % 10 {
			case 6:
				fx.step(t, o.ID, soon(5), callback(feedback.Satisfied, feedback.Resolved))
			case 7:
				fx.step(t, o.ID, soon(5), callback(feedback.Basic, feedback.Partly))
			case 8:
				fx.step(t, o.ID, soon(5), callback(feedback.Unsatisfied, feedback.Unresolved))
				if i == 18 {
					fx.step(t, o.ID, soon(6), feedback.Event{Action: feedback.ActionReopen, Note: "仍未解决"})
				}
			}
		case 9: // a duplicate merged into the order before it
			orig := fx.orders[i-1]
			fx.step(t, o.ID, soon(1), feedback.Event{Action: feedback.ActionMerge, EventDetail: feedback.EventDetail{Ref: &feedback.OrderRef{ID: orig.ID, Number: orig.Number}}})
			fx.step(t, orig.ID, soon(1), feedback.Event{Action: feedback.ActionAbsorb, EventDetail: feedback.EventDetail{Ref: &feedback.OrderRef{ID: o.ID, Number: o.Number}}})
		}
	}
}

// statsFilters are the filters GET /work-orders/stats can build: scope,
// org, period (local midnights and instants within a day), open ends.
func statsFilters() []feedback.Filter {
	return []feedback.Filter{
		{},
		{OrgIDs: []string{"b1", "b2"}},
		{OrgIDs: []string{}},
		{OrgID: "b2"},
		{OrgIDs: []string{"b1", "b3"}, OrgID: "b3"},
		{From: cst(2026, 11, 4, 0, 0), To: cst(2026, 11, 8, 0, 0)},
		{From: cst(2026, 11, 4, 0, 0)},
		{To: cst(2026, 11, 6, 0, 0)},
		{From: cst(2026, 11, 3, 9, 30), To: cst(2026, 11, 9, 13, 5)},                               // instants: the edge days in part
		{From: cst(2026, 11, 5, 13, 5).Add(time.Millisecond), To: cst(2026, 11, 5, 23, 59)},        // within one day, ends excluded
		{From: cst(2026, 11, 3, 9, 30), To: cst(2026, 11, 9, 13, 5), OrgIDs: []string{"b1", "b2"}}, // both
		{From: cst(2026, 12, 1, 0, 0), To: cst(2026, 12, 2, 0, 0)},                                 // no orders
	}
}

func compareStats(t *testing.T, s *feedback.Store, now time.Time) {
	t.Helper()
	for _, f := range statsFilters() {
		want := streamedStats(t, s, f, now)
		got, err := s.Stats(t.Context(), f, now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filter %+v at %s:\n got %+v\nwant %+v", f, now, got, want)
		}
	}
}

// TestStatsFromDayDocuments: Store.Stats, from the day documents and the
// working set, gives exactly what streaming the orders gives, for every
// filter the endpoint builds, also after orders moved on and at another
// time of asking (overdue).
func TestStatsFromDayDocuments(t *testing.T) {
	fx := newStatsFixture(t)
	now := cst(2026, 11, 20, 10, 0)
	compareStats(t, fx.s, now)
	if st := streamedStats(t, fx.s, feedback.Filter{}, now); st.Total != 40 || st.Overdue == 0 || st.Reopened != 1 ||
		st.ByStatus[feedback.StatusMerged] != 4 || st.Satisfied == 0 || st.Basic == 0 || st.Unsatisfied == 0 ||
		st.Replied == st.OnTime || st.OnTime == 0 || st.Supervised == 0 || st.Partly == 0 || len(st.ByCategory) != 3 {
		t.Fatalf("the fixture lacks a state: %+v", st)
	}

	// The orders move on: entries follow.
	o := fx.orders
	at := cst(2026, 12, 5, 10, 0)
	fx.step(t, o[10].ID, at, feedback.Event{Action: feedback.ActionAssign, OrgID: "b3"}) // received → assigned, org moved
	fx.step(t, o[11].ID, at, feedback.Event{Action: feedback.ActionAccept})
	fx.step(t, o[11].ID, at, feedback.Event{Action: feedback.ActionReply, Note: "已办"}) // late
	fx.step(t, o[13].ID, at, feedback.Event{Action: feedback.ActionClose})
	fx.step(t, o[13].ID, at, feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied, Resolution: feedback.Resolved})
	fx.step(t, o[18].ID, at, feedback.Event{Action: feedback.ActionAccept}) // the reopened one, second round
	fx.step(t, o[18].ID, at, feedback.Event{Action: feedback.ActionReply, Note: "已办"})
	fx.step(t, o[28].ID, at, feedback.Event{Action: feedback.ActionReopen, Note: "仍未解决"})
	fx.step(t, o[28].ID, at, feedback.Event{Action: feedback.ActionSupervise, Note: "请加快"})
	compareStats(t, fx.s, now)
	compareStats(t, fx.s, cst(2026, 12, 30, 10, 0))

	// Another instance on the same store (MongoDB) moves orders on: this
	// one's cached days follow, by their tokens.
	other := &statsFixture{db: fx.db, s: feedback.NewStore(fx.db, fx.c.now, policy(t)), c: fx.c}
	other.step(t, o[20].ID, at, feedback.Event{Action: feedback.ActionAssign, OrgID: "b2"})
	other.step(t, o[21].ID, at, feedback.Event{Action: feedback.ActionSupervise, Note: "请加快"})
	compareStats(t, fx.s, now)

	if _, err := fx.s.Stats(t.Context(), feedback.Filter{Kind: feedback.KindHelp}, now); err == nil {
		t.Error("a filter Stats cannot answer was accepted")
	}
}

// TestStatsIndexBackfill: a database whose orders predate the day
// documents gets them once, at start (EnsureStatsIndexed), and the
// Overview counts received orders from them.
func TestStatsIndexBackfill(t *testing.T) {
	fx := newStatsFixture(t)
	ctx := t.Context()
	now := cst(2026, 11, 20, 10, 0)
	want := streamedStats(t, fx.s, feedback.Filter{}, now)
	removeStatsDocs(ctx, t, fx.s)
	if got, err := fx.s.Stats(ctx, feedback.Filter{}, now); err != nil || got.Total != 0 {
		t.Fatalf("without day documents: %+v %v", got, err)
	}
	if err := fx.s.EnsureStatsIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := fx.s.Stats(ctx, feedback.Filter{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("backfilled:\n got %+v\nwant %+v", got, want)
	}
	// Marked: a second start does not stream again.
	removeStatsDocs(ctx, t, fx.s)
	if err := fx.s.EnsureStatsIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := fx.s.Stats(ctx, feedback.Filter{}, now); got.Total != 0 {
		t.Errorf("streamed again: %d", got.Total)
	}
}

func removeStatsDocs(ctx context.Context, t *testing.T, s *feedback.Store) {
	t.Helper()
	ids := []string{"stats-tokens/202611"} // as before the day documents existed: no tokens either
	for d := 2; d <= 11; d++ {
		ids = append(ids, fmt.Sprintf("stats/202611%02d", d))
	}
	for _, id := range ids {
		if _, err := s.IndexCollection().DeleteOne(ctx, map[string]string{"_id": id}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOverviewFromDayDocuments: received orders of a period and scope as
// the orders say.
func TestOverviewFromDayDocuments(t *testing.T) {
	fx := newStatsFixture(t)
	now := cst(2026, 11, 20, 10, 0)
	for _, f := range []feedback.Filter{
		{From: cst(2026, 11, 1, 0, 0), To: cst(2026, 12, 1, 0, 0)},
		{From: cst(2026, 11, 3, 9, 30), To: cst(2026, 11, 9, 13, 5), OrgIDs: []string{"b1", "b2"}},
		{From: cst(2026, 11, 4, 0, 0), To: cst(2026, 11, 5, 0, 0), OrgIDs: []string{}},
	} {
		ov, err := fx.s.Overview(t.Context(), f.From, f.To, now, f.OrgIDs)
		if err != nil {
			t.Fatal(err)
		}
		want := streamedStats(t, fx.s, f, now)
		overdue := streamedStats(t, fx.s, feedback.Filter{OrgIDs: f.OrgIDs}, now).Overdue
		if ov.Received != want.Total || ov.Overdue != overdue {
			t.Errorf("%+v: overview %+v, want received %d overdue %d", f, ov, want.Total, overdue)
		}
	}
}
