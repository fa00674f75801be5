package commitments

import (
	"testing"
	"time"

	"minyi/store/storetest"
)

// TestStepHealsACrash: a step whose event was stored but not the state (a
// crash in between) is applied by the next step, which then takes the next
// sequence number, and the lists see the repaired state.
func TestStepHealsACrash(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	now := func() time.Time { return time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) }
	s := NewStore(db, now)
	c := &Commitment{OrgID: "A", Owner: Owner{Type: OwnerMember, ID: "m1", Name: "张三"}, Period: "2026", Status: StatusDraft,
		Content: Content{Area: AreaWork, Content: "内容", Target: "目标", Due: "2026-12-31", Responsible: "张三"}}
	if err := s.Create(ctx, c, Event{Kind: EventCreate}); err != nil {
		t.Fatal(err)
	}
	// The crash: the submit event (seq 2) is stored, the state is not.
	snap := c.Content
	lost := eventDoc{ID: eventID(c.ID, 2), CommitmentID: c.ID, Event: Event{Seq: 2, Kind: EventSubmit, Version: 1, Content: &snap, At: now()}}
	if _, err := s.events().InsertOne(ctx, lost); err != nil {
		t.Fatal(err)
	}
	got, e, err := s.Step(ctx, c.ID, func(c *Commitment) (Event, error) {
		if c.Status != StatusSubmitted || c.Versions != 1 {
			t.Fatalf("the step saw %s v%d, not the stored submit", c.Status, c.Versions)
		}
		c.Status, c.Decision = StatusApproved, EventApprove
		return Event{Kind: EventApprove, Version: 1}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 3 || got.Seq != 3 || got.Status != StatusApproved {
		t.Fatalf("after the step: %+v %+v", got, e)
	}
	list, err := s.List(ctx, "A", "2026")
	if err != nil || len(list) != 1 || list[0].Status != StatusApproved || list[0].Versions != 1 {
		t.Fatalf("list %+v %v", list, err)
	}
	ev, err := s.Events(ctx, got)
	if err != nil || len(ev) != 3 || ev[1].Kind != EventSubmit {
		t.Fatalf("events %+v %v", ev, err)
	}
}
