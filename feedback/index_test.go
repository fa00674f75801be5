package feedback_test

import (
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/feedback"
	"minyi/store"
	"minyi/store/storetest"
)

// TestPhoneSearchReadsTheCallersHistory: a phone search lists that
// caller's orders, newest first, page by page, with the other filters
// applied, and the duplicate hint finds the same caller, unit and kind
// within the window — both from the caller's history document.
func TestPhoneSearchReadsTheCallersHistory(t *testing.T) {
	s, c := newStore(t, cst(2026, 11, 2, 9, 0))
	ctx := t.Context()
	var mine []string // numbers of caller p1, oldest first
	for i := range 9 {
		c.set(cst(2026, 11, 2+i, 9, 0))
		for _, hash := range []string{"p1", "p2"} {
			o := newOrder(hash, []string{"a", "b"}[i%2], feedback.KindOpinion)
			if err := s.Create(ctx, o, operator); err != nil {
				t.Fatal(err)
			}
			if hash == "p1" {
				mine = append(mine, o.Number)
			}
		}
	}
	slices.Reverse(mine)
	var got []string
	for after := ""; ; {
		page, next, err := s.List(ctx, feedback.Filter{PhoneHash: "p1"}, 4, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page {
			got = append(got, o.Number)
		}
		if next == "" {
			break
		}
		after = next
	}
	if !slices.Equal(got, mine) {
		t.Fatalf("phone search: %v, want %v", got, mine)
	}
	page, _, err := s.List(ctx, feedback.Filter{PhoneHash: "p1", OrgID: "b"}, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 4 {
		t.Fatalf("phone search within unit b: %d orders, want 4", len(page))
	}

	// The duplicate hint: p1 called unit a on 11-02, 04, 06, 08 and 10;
	// a call on 11-12 09:00 about unit a finds those since 11-05 09:00.
	c.set(cst(2026, 11, 12, 9, 0))
	o := newOrder("p1", "a", feedback.KindOpinion)
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	dups, err := s.Duplicates(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	var dn []string
	for _, d := range dups {
		dn = append(dn, d.Number)
	}
	if want := []string{mine[0], mine[2], mine[4]}; !slices.Equal(dn, want) { // 11-10, 08, 06 (newest first)
		t.Fatalf("duplicates %v, want %v", dn, want)
	}
}

// TestQueueFindsAnOldExtensionRequest: the 延期申请待审批 section lists a
// request however many orders are being handled: the filter is applied to
// the working set, not to the newest page of accepted orders.
func TestQueueFindsAnOldExtensionRequest(t *testing.T) {
	s, c := newStore(t, cst(2026, 11, 2, 9, 0))
	ctx := t.Context()
	var first string
	for i := range 60 {
		c.set(cst(2026, 11, 2, 9, i))
		o := newOrder(fmt.Sprintf("q%d", i), "a", feedback.KindHelp)
		if err := s.Create(ctx, o, operator); err != nil {
			t.Fatal(err)
		}
		for _, e := range []feedback.Event{{Action: feedback.ActionAssign, OrgID: "a"}, {Action: feedback.ActionAccept}} {
			e.Actor = operator
			if _, _, err := s.Act(ctx, o.ID, e, nil); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			first = o.ID
			if _, _, err := s.Act(ctx, o.ID, feedback.Event{Action: feedback.ActionExtend, Days: 2, Note: "需协调", Actor: operator}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	lists, err := s.Lists(ctx, []feedback.Filter{
		{Statuses: []feedback.Status{feedback.StatusAccepted}, PendingExtension: true},
		{Statuses: []feedback.Status{feedback.StatusAccepted}},
	}, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(lists[0]) != 1 || lists[0][0].ID != first {
		t.Fatalf("pending extensions: %d orders, want the first one", len(lists[0]))
	}
	if len(lists[1]) != 50 || slices.ContainsFunc(lists[1], func(o feedback.Order) bool { return o.ID == first }) {
		t.Fatalf("accepted: %d orders (the newest 50 leave the first out)", len(lists[1]))
	}
}

// TestEnsureIndexedRebuildsTheWorkingSet: a database indexed in the
// earlier form (one working-set document per status, summaries as
// sub-documents) is rebuilt once at start: the old documents are gone
// and the queues list the same orders.
func TestEnsureIndexedRebuildsTheWorkingSet(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 2, 9, 0)}
	s := feedback.NewStore(db, c.now, policy(t))
	o := newOrder("r1", "a", feedback.KindHelp)
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	c.set(cst(2026, 11, 3, 9, 0))
	idx := db.Collection("work_order_index")
	// Undo the present form and leave an earlier one.
	for i := range 16 {
		if _, err := idx.DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("active/%02d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := idx.DeleteOne(ctx, bson.D{{Key: "_id", Value: "meta/indexed2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.InsertOne(ctx, bson.D{{Key: "_id", Value: "active/received"}, {Key: "e", Value: bson.D{{Key: o.ID, Value: bson.D{{Key: "n", Value: o.Number}, {Key: "s", Value: "received"}}}}}}); err != nil {
		t.Fatal(err)
	}
	if page, _, err := s.List(ctx, feedback.Filter{Statuses: []feedback.Status{feedback.StatusReceived}}, 10, ""); err != nil || len(page) != 0 {
		t.Fatalf("before: %d orders, %v (the shards are empty)", len(page), err)
	}
	if err := s.EnsureIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := idx.CountDocuments(ctx, bson.D{{Key: "_id", Value: "active/received"}}); err != nil || n != 0 {
		t.Fatalf("the earlier document is still there (%d, %v)", n, err)
	}
	page, _, err := s.List(ctx, feedback.Filter{Statuses: []feedback.Status{feedback.StatusReceived}}, 10, "")
	if err != nil || len(page) != 1 || page[0].ID != o.ID {
		t.Fatalf("after: %d orders, %v", len(page), err)
	}
}
