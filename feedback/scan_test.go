package feedback_test

import (
	"fmt"
	"testing"
	"time"

	"minyi/feedback"
	"minyi/store"
	"minyi/store/storetest"
)

// TestHotPathsDoNotScan fails when a work-order request path starts
// sending a query the embedded store answers by scanning a collection that
// grows (anything but a find, update or delete by exactly {_id}): it seeds
// handled and open orders, then records every command of entering an
// order with its duplicate hint, reading one with its history, each step,
// every queue and the lists with their filters.
func TestHotPathsDoNotScan(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 2, 10, 0)}
	s := feedback.NewStore(db, c.now, policy(t))
	scans := storetest.WatchScans(t, db)

	step := func(id string, e feedback.Event) {
		t.Helper()
		e.Actor = operator
		if _, _, err := s.Act(ctx, id, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	handled := []feedback.Event{{Action: feedback.ActionAssign, OrgID: "b1"}, {Action: feedback.ActionAccept},
		{Action: feedback.ActionReply, Note: "已办"}, {Action: feedback.ActionClose}, {Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied}}
	var last *feedback.Order
	for i := range 24 {
		c.set(cst(2026, 11, 2+i%12, 10, i))
		o := newOrder(fmt.Sprintf("h%d", i%5), "b1", feedback.KindOpinion)
		if err := s.Create(ctx, o, operator); err != nil {
			t.Fatal(err)
		}
		for _, e := range handled[:i%(len(handled)+1)] {
			step(o.ID, e)
		}
		last = o
	}
	if _, err := s.Duplicates(ctx, last); err != nil {
		t.Fatal(err)
	}
	now := cst(2026, 11, 20, 10, 0)
	filters := []feedback.Filter{
		{},
		{Statuses: []feedback.Status{feedback.StatusReceived, feedback.StatusReturned}},
		{Statuses: []feedback.Status{feedback.StatusAssigned}, OrgIDs: []string{"b1"}},
		{Statuses: []feedback.Status{feedback.StatusCalledBack}, Unsatisfied: true},
		{Statuses: []feedback.Status{feedback.StatusAccepted}, PendingExtension: true},
		{Statuses: []feedback.Status{feedback.StatusCalledBack}},
		{Overdue: true, Now: now},
		{OrgID: "b1", From: cst(2026, 11, 5, 0, 0), To: cst(2026, 11, 9, 0, 0)},
		{Q: "路灯"},
		{PhoneHash: "h3"},
		// The workspace's filters (all-orders list).
		{Kind: feedback.KindOpinion, Channel: feedback.ChannelHotline, Category: "city", Supervised: true},
		{Statuses: []feedback.Status{feedback.StatusMerged}},
	}
	for _, f := range filters {
		page, next, err := s.List(ctx, f, 3, "")
		if err != nil {
			t.Fatal(err)
		}
		if next != "" {
			if _, _, err := s.List(ctx, f, 3, next); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range page {
			if _, err := s.Get(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.Lists(ctx, filters, 3); err != nil { // a queue page's sections at once
		t.Fatal(err)
	}
	c.set(now.Add(time.Hour))
	o := newOrder("h1", "b1", feedback.KindOpinion)
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	step(o.ID, handled[0])
	// The workspace: the caller's history, an extension request and its
	// approval, a merge, the category catalogue and the calendar entries.
	if _, err := s.CallerHistory(ctx, o, nil, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnitOrders(ctx, []string{"b1", "b2"}, 50); err != nil {
		t.Fatal(err)
	}
	step(o.ID, feedback.Event{Action: feedback.ActionAccept})
	step(o.ID, feedback.Event{Action: feedback.ActionExtend, Days: 2, Note: "需协调"})
	step(o.ID, feedback.Event{Action: feedback.ActionApproveExtension})
	dup := newOrder("h1", "b1", feedback.KindOpinion)
	if err := s.Create(ctx, dup, operator); err != nil {
		t.Fatal(err)
	}
	step(dup.ID, feedback.Event{Action: feedback.ActionMerge, EventDetail: feedback.EventDetail{Ref: &feedback.OrderRef{ID: o.ID, Number: o.Number}}})
	step(o.ID, feedback.Event{Action: feedback.ActionAbsorb, EventDetail: feedback.EventDetail{Ref: &feedback.OrderRef{ID: dup.ID, Number: dup.Number}}})
	if _, err := feedback.NewCategories(db, c.now, nil).Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := feedback.NewCalendar(db, policy(t), c.now, nil).Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, sc := range scans.Scans() {
		t.Errorf("scan: %s", sc)
	}
}

// TestStatsDoNotScan: the statistics of a period and the leader's
// overview read documents by _id only, over a populated store; streaming
// the orders, as the statistics did before, is caught.
func TestStatsDoNotScan(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, feedback.Indexes()); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: cst(2026, 11, 2, 10, 0)}
	fx := &statsFixture{db: db, s: feedback.NewStore(db, c.now, policy(t)), c: c}
	fx.seed(t)
	if err := fx.s.EnsureStatsIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	scans := storetest.WatchScans(t, db)
	now := cst(2026, 11, 20, 10, 0)
	for _, f := range statsFilters() {
		if _, err := fx.s.Stats(ctx, f, now); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.Overview(ctx, f.From, f.To, now, f.OrgIDs); err != nil {
			t.Fatal(err)
		}
	}
	for _, sc := range scans.Scans() {
		t.Errorf("scan: %s", sc)
	}
	// The old path: every order of the period streamed.
	scans.Reset()
	streamedStats(t, fx.s, statsFilters()[5], now)
	if len(scans.Scans()) == 0 {
		t.Error("streaming the orders went unnoticed")
	}
}
