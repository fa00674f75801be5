package reports

import (
	"errors"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store/storetest"
)

// TestHeartbeat: while a job runs its heartbeat moves updated_at on, so
// that no other instance takes it for stale; it stops when the job does.
func TestHeartbeat(t *testing.T) {
	db := storetest.DB(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r, err := NewRunner(db, &Source{}, RunnerConfig{Now: clock, Heartbeat: 5 * time.Millisecond, Stale: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if _, err := r.coll().InsertOne(t.Context(), Job{ID: "j", Status: StatusRunning, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute) // stale, unless the heartbeat says otherwise
	mu.Unlock()
	stop := r.heartbeat("j")
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := r.Get(t.Context(), "j")
		if err != nil {
			t.Fatal(err)
		}
		if !r.stale(j) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no heartbeat recorded")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	if err := r.failStaleJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
	var j Job
	if err := r.coll().FindOne(t.Context(), bson.D{{Key: "_id", Value: "j"}}).Decode(&j); err != nil || j.Status != StatusRunning {
		t.Errorf("beating job %+v %v, want still running", j, err)
	}
}

// TestReserveSlots: at most PerUser slots per owner, taken atomically by
// concurrent requests; a slot whose job is finished is taken over.
func TestReserveSlots(t *testing.T) {
	db := storetest.DB(t)
	r, err := NewRunner(db, &Source{}, RunnerConfig{PerUser: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		if _, err := r.coll().InsertOne(t.Context(), Job{ID: id, Status: StatusQueued, UpdatedAt: r.now()}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	got := make([]string, 6)
	errs := make([]error, 6)
	for i, id := range []string{"a", "b", "c", "d", "e", "f"} {
		wg.Go(func() { got[i], errs[i] = r.reserve(t.Context(), "user:u1", id) })
	}
	wg.Wait()
	won := 0
	for i := range got {
		switch {
		case errs[i] == nil:
			won++
		case !errors.Is(errs[i], errExportLimit):
			t.Fatalf("reserve: %v", errs[i])
		}
	}
	if won != 2 {
		t.Fatalf("%d reservations won (%v %v), want 2", won, got, errs)
	}
	if _, err := r.reserve(t.Context(), "user:u2", "a"); err != nil {
		t.Errorf("another person: %v", err)
	}
	var held slot
	if err := r.slots().FindOne(t.Context(), bson.D{{Key: "_id", Value: "user:u1#0"}}).Decode(&held); err != nil {
		t.Fatal(err)
	}
	if err := r.set(t.Context(), held.Job, bson.D{{Key: "status", Value: StatusDone}}); err != nil {
		t.Fatal(err)
	}
	if id, err := r.reserve(t.Context(), "user:u1", "f"); err != nil || id != "user:u1#0" {
		t.Errorf("after a job finished: %q %v, want its slot", id, err)
	}
}
