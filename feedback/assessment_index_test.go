package feedback_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
	"minyi/feedback"
	"minyi/store/storetest"
)

// TestAssessRecordsFollowTheOrder: the month document of the unit holds the
// order's record as it moves (assigned, accepted, called back), the record
// leaves a unit the order is returned by or moved from, and EnsureAssessed
// rebuilds the records of a database that has orders but no records.
func TestAssessRecordsFollowTheOrder(t *testing.T) {
	s, c := newStore(t, cst(2026, 12, 1, 10, 0))
	ctx := t.Context()
	o := newOrder("h1", "", feedback.KindComplaint)
	if err := s.Create(ctx, o, operator); err != nil {
		t.Fatal(err)
	}
	month := []string{"2026-12"}
	records := func() map[string][]feedback.AssessRecord {
		t.Helper()
		r, err := s.AssessRecords(ctx, month, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	act := func(e feedback.Event) {
		t.Helper()
		if _, _, err := s.Act(ctx, o.ID, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	if r := records(); len(r) != 0 {
		t.Fatalf("records of an undispatched order: %v", r)
	}
	act(feedback.Event{Action: feedback.ActionAssign, OrgID: "a", Actor: operator})
	if r := records(); len(r["a"]) != 1 || r["a"][0].Number != o.Number || r["a"][0].Accepted != nil {
		t.Fatalf("after assign: %+v", r)
	}
	act(feedback.Event{Action: feedback.ActionReturn, Note: "不属于本支部", Actor: operator})
	if r := records(); len(r) != 0 {
		t.Fatalf("after return: %+v", r)
	}
	c.set(cst(2026, 12, 1, 11, 0))
	act(feedback.Event{Action: feedback.ActionAssign, OrgID: "b", Actor: operator})
	act(feedback.Event{Action: feedback.ActionAccept, Actor: operator})
	act(feedback.Event{Action: feedback.ActionReply, Note: "已办", Actor: operator})
	act(feedback.Event{Action: feedback.ActionClose, Actor: operator})
	act(feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Basic, Resolution: feedback.Partly, Actor: operator})
	r := records()
	if len(r["a"]) != 0 || len(r["b"]) != 1 {
		t.Fatalf("after the move to b: %+v", r)
	}
	got := r["b"][0]
	if !got.Assigned.Equal(cst(2026, 12, 1, 11, 0)) || got.Accepted == nil || got.Resolution != feedback.Partly || got.Satisfaction != feedback.Basic {
		t.Fatalf("b's record %+v", got)
	}
	// A database whose records are lost (or that predates them) is rebuilt
	// once at start.
	idx := s.IndexCollection()
	if _, err := idx.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"assess/2026-12/b", "meta/assessed"}}}}}); err != nil {
		t.Fatal(err)
	}
	if r := records(); len(r) != 0 {
		t.Fatalf("records left: %+v", r)
	}
	if err := s.EnsureAssessed(ctx); err != nil {
		t.Fatal(err)
	}
	if r := records(); len(r["b"]) != 1 || !reflect.DeepEqual(r["b"][0], got) {
		t.Fatalf("rebuilt %+v, want %+v", r, got)
	}
}

type fakeUnits []feedback.Unit

func (u fakeUnits) Scope(context.Context) ([]string, error)        { return nil, nil }
func (u fakeUnits) Units(context.Context) ([]feedback.Unit, error) { return u, nil }

// TestAssessmentDoesNotScan: the assessment of a month and the leader's
// overview send only finds by _id (and the writes of the steps before).
func TestAssessmentDoesNotScan(t *testing.T) {
	s, c := newStore(t, cst(2026, 12, 1, 10, 0))
	ctx := minyi.WithPrincipal(t.Context(), &minyi.Principal{Role: minyi.RoleLeader, Name: "领导"})
	for i := range 6 {
		o := newOrder(fmt.Sprintf("h%d", i), "", feedback.KindOpinion)
		if err := s.Create(ctx, o, operator); err != nil {
			t.Fatal(err)
		}
		for _, e := range []feedback.Event{{Action: feedback.ActionAssign, OrgID: []string{"a", "b"}[i%2]}, {Action: feedback.ActionAccept}}[:i%3] {
			e.Actor = operator
			if _, _, err := s.Act(ctx, o.ID, e, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.set(cst(2026, 12, 2, 10, 0))
	scans := storetest.WatchScans(t, s.IndexCollection().Database())
	svc := feedback.NewAssessmentService(s, fakeUnits{{ID: "a", Name: "甲", Branch: true}, {ID: "b", Name: "乙", Branch: true}},
		feedback.DefaultAssessSettings(), c.now)
	a, err := svc.Assess(ctx, feedback.AssessQuery{Period: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Total.Orders != 4 { // i = 1, 2, 4, 5 were assigned
		t.Fatalf("total %d orders", a.Total.Orders)
	}
	ov, err := s.Overview(ctx, cst(2026, 12, 1, 0, 0), cst(2027, 1, 1, 0, 0), c.now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ov.Received != 6 {
		t.Fatalf("overview %+v", ov)
	}
	for _, sc := range scans.Scans() {
		t.Errorf("scan: %s", sc)
	}
}
