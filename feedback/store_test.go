package feedback_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
	"minyi/feedback"
	"minyi/store"
	"minyi/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func newStore(t *testing.T, start time.Time) (*feedback.Store, *clock) {
	t.Helper()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	return feedback.NewStore(db, c.now, policy(t)), c
}

func newOrder(hash, org string, kind feedback.Kind) *feedback.Order {
	return &feedback.Order{Channel: feedback.ChannelHotline, Kind: kind, Content: "小区路灯不亮",
		Caller: feedback.Caller{Name: "张先生", Phone: "138****5678", Hash: hash, Sealed: "sealed"}, OrgID: org}
}

// TestNumberingUnderConcurrency: many operators taking calls at once all get
// distinct numbers, 0001 to N for the day, and the next day starts again.
func TestNumberingUnderConcurrency(t *testing.T) {
	s, c := newStore(t, cst(2026, 11, 25, 10, 0))
	const n = 40
	numbers := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			o := newOrder(fmt.Sprintf("h%d", i), "a", feedback.KindOpinion)
			errs[i] = s.Create(t.Context(), o, operator)
			numbers[i] = o.Number
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, num := range numbers {
		if want := fmt.Sprintf("20261125-%04d", i+1); num != want {
			t.Fatalf("numbers %v: position %d is %s, want %s", numbers, i, num, want)
		}
	}
	// 2026-11-25 16:30 UTC is already the 26th in Beijing.
	c.set(time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC))
	o := newOrder("x", "a", feedback.KindOpinion)
	if err := s.Create(t.Context(), o, operator); err != nil {
		t.Fatal(err)
	}
	if o.Number != "20261126-0001" {
		t.Fatalf("next day's first number %s", o.Number)
	}
}

func TestCreateStoresReceiveEvent(t *testing.T) {
	s, _ := newStore(t, cst(2026, 11, 25, 10, 0))
	o := newOrder("h", "a", feedback.KindComplaint)
	if err := s.Create(t.Context(), o, operator); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != feedback.StatusReceived || len(got.Events) != 1 || got.Events[0].Action != feedback.ActionReceive ||
		got.Events[0].Actor != operator || !got.DueAt.Equal(cst(2026, 12, 9, 17, 0)) || got.Caller.Hash != "h" {
		t.Fatalf("stored %+v", got)
	}
	if _, err := s.Get(t.Context(), "nope"); !errors.Is(err, minyi.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	bad := &feedback.Order{Channel: "fax", Kind: "gossip"}
	if err := s.Create(t.Context(), bad, operator); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("invalid order: %v", err)
	}
}

// TestDuplicates: same phone + org + kind within 7 days is a possible
// duplicate; another kind, another org, another phone or an older order
// is not.
func TestDuplicates(t *testing.T) {
	s, c := newStore(t, cst(2026, 11, 10, 10, 0))
	mk := func(hash, org string, kind feedback.Kind) *feedback.Order {
		t.Helper()
		o := newOrder(hash, org, kind)
		if err := s.Create(t.Context(), o, operator); err != nil {
			t.Fatal(err)
		}
		return o
	}
	old := mk("p1", "a", feedback.KindComplaint) // 2026-11-10: 15 days before
	c.set(cst(2026, 11, 18, 10, 1))              // 7 days minus a minute before the new one
	recent := mk("p1", "a", feedback.KindComplaint)
	c.set(cst(2026, 11, 24, 10, 0))
	yesterday := mk("p1", "a", feedback.KindComplaint)
	mk("p1", "a", feedback.KindPraise)
	mk("p1", "b", feedback.KindComplaint)
	mk("p2", "a", feedback.KindComplaint)
	c.set(cst(2026, 11, 25, 10, 0))
	now := mk("p1", "a", feedback.KindComplaint)
	dups, err := s.Duplicates(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dups {
		got = append(got, d.Number)
	}
	if want := []string{yesterday.Number, recent.Number}; !slices.Equal(got, want) {
		t.Fatalf("duplicates %v, want %v (not %s)", got, want, old.Number)
	}
	none, err := s.Duplicates(t.Context(), newOrder("", "a", feedback.KindComplaint))
	if err != nil || len(none) != 0 {
		t.Fatalf("no phone, no duplicates: %v %v", none, err)
	}
}

// TestActRaces: ten secretaries pressing 签收 at once: one wins, the others
// are told the order was already accepted; the history has one accept.
func TestActRaces(t *testing.T) {
	s, _ := newStore(t, cst(2026, 11, 25, 10, 0))
	o := newOrder("h", "a", feedback.KindHelp)
	if err := s.Create(t.Context(), o, operator); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Act(t.Context(), o.ID, feedback.Event{Action: feedback.ActionAssign, Actor: operator}, nil); err != nil {
		t.Fatal(err)
	}
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, _, errs[i] = s.Act(t.Context(), o.ID, feedback.Event{Action: feedback.ActionAccept, Actor: feedback.Actor{Name: fmt.Sprint(i), Role: "secretary"}}, nil)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var de *minyi.Error
		switch {
		case err == nil:
			ok++
		case errors.As(err, &de) && (de.Code == "transition_not_allowed" || de.Code == "concurrent_update"):
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	got, err := s.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	accepts := 0
	for _, e := range got.Events {
		if e.Action == feedback.ActionAccept {
			accepts++
		}
	}
	if ok != 1 || accepts != 1 || got.Status != feedback.StatusAccepted || got.Version != 3 {
		t.Fatalf("%d succeeded, %d accept events, status %s, version %d", ok, accepts, got.Status, got.Version)
	}
	if r := feedback.Replay(*got); r.Status != got.Status || r.Version != got.Version || !r.DueAt.Equal(got.DueAt) {
		t.Fatalf("stored state differs from replay: %+v vs %+v", r, got)
	}
	// allow vets the order before anything is written.
	denied := errors.New("out of scope")
	if _, _, err := s.Act(t.Context(), o.ID, feedback.Event{Action: feedback.ActionSupervise}, func(*feedback.Order) error { return denied }); !errors.Is(err, denied) {
		t.Fatalf("allow not applied: %v", err)
	}
}

func TestListFilters(t *testing.T) {
	s, c := newStore(t, cst(2026, 11, 20, 10, 0))
	a := newOrder("p1", "a", feedback.KindHelp)
	a.Urgency = feedback.UrgencyUrgent // due 12:00 the same day
	a.Content = "电梯困人"
	if err := s.Create(t.Context(), a, operator); err != nil {
		t.Fatal(err)
	}
	c.set(cst(2026, 11, 24, 10, 0))
	b := newOrder("p2", "b", feedback.KindComplaint)
	if err := s.Create(t.Context(), b, operator); err != nil {
		t.Fatal(err)
	}
	now := cst(2026, 11, 25, 10, 0)
	ids := func(f feedback.Filter, limit int, after string) ([]string, string) {
		t.Helper()
		list, next, err := s.List(t.Context(), f, limit, after)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range list {
			if len(o.Events) != 0 {
				t.Fatal("lists carry no events")
			}
			out = append(out, o.Number)
		}
		return out, next
	}
	for _, tc := range []struct {
		name string
		f    feedback.Filter
		want []string
	}{
		{"all, newest first", feedback.Filter{}, []string{b.Number, a.Number}},
		{"overdue", feedback.Filter{Overdue: true, Now: now}, []string{a.Number}},
		{"org", feedback.Filter{OrgID: "b"}, []string{b.Number}},
		{"scope", feedback.Filter{OrgIDs: []string{"a", "x"}}, []string{a.Number}},
		{"empty scope", feedback.Filter{OrgIDs: []string{}}, nil},
		{"period", feedback.Filter{From: cst(2026, 11, 21, 0, 0), To: cst(2026, 11, 25, 0, 0)}, []string{b.Number}},
		{"text", feedback.Filter{Q: "电梯"}, []string{a.Number}},
		{"regex characters are literal", feedback.Filter{Q: ".*"}, nil},
		{"number", feedback.Filter{Q: b.Number}, []string{b.Number}},
		{"phone", feedback.Filter{PhoneHash: "p2"}, []string{b.Number}},
		{"status", feedback.Filter{Statuses: []feedback.Status{feedback.StatusAssigned}}, nil},
	} {
		if got, _ := ids(tc.f, 50, ""); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	first, next := ids(feedback.Filter{}, 1, "")
	second, last := ids(feedback.Filter{}, 1, next)
	if !slices.Equal(first, []string{b.Number}) || !slices.Equal(second, []string{a.Number}) || last != "" {
		t.Fatalf("paging: %v %q %v %q", first, next, second, last)
	}
}

// TestGetRepairsLaggingState: a crash between storing an event and
// storing the state it implies leaves the order behind its history; the
// next read derives the state from the events and writes it back.
func TestGetRepairsLaggingState(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 25, 10, 0)}
	s := feedback.NewStore(db, c.now, policy(t))
	o := newOrder("h", "a", feedback.KindHelp)
	if err := s.Create(t.Context(), o, operator); err != nil {
		t.Fatal(err)
	}
	for _, e := range []feedback.Event{{Action: feedback.ActionAssign}, {Action: feedback.ActionAccept}} {
		if _, _, err := s.Act(t.Context(), o.ID, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Simulate the lost state write of the accept.
	if _, err := db.Collection("work_orders").UpdateOne(t.Context(), bson.D{{Key: "_id", Value: o.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "assigned"}, {Key: "version", Value: 2}}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != feedback.StatusAccepted || got.Version != 3 {
		t.Fatalf("read %s v%d, want accepted v3", got.Status, got.Version)
	}
	list, _, err := s.List(t.Context(), feedback.Filter{Statuses: []feedback.Status{feedback.StatusAccepted}}, 10, "")
	if err != nil || len(list) != 1 {
		t.Fatalf("stored state not repaired: %v %v", list, err)
	}
}
