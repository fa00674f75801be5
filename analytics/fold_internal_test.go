package analytics

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func foldEnv(t *testing.T) (*surveys.BallotStore, func() *TallyStore, *surveys.Batcher, *TallyStore) {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(ctx, db, append(surveys.BallotIndexes(), TallyIndexes()...)); err != nil {
		t.Fatal(err)
	}
	bs := surveys.NewBallotStore(db)
	newTallies := func() *TallyStore { return NewTallyStore(db, bs, nil) }
	tallies := newTallies()
	tallies.StartFolding()
	bt := surveys.NewBatcher(db, surveys.BatcherConfig{AfterCommit: tallies})
	return bs, newTallies, bt, tallies
}

func ballotN(i int) *surveys.Ballot {
	v := i % 5
	return &surveys.Ballot{ID: fmt.Sprintf("sv:%04d", i), SurveyID: "sv", Channel: "web", RaterGroup: "g", Valid: true,
		Answers: []surveys.Answer{{Question: "q", Value: &v}, {Question: "m", Subject: fmt.Sprintf("s%d", i%3), Option: "a"}}}
}

// Ballots written concurrently through the batcher are acknowledged, folded
// in the background (coalesced), and a Load after the acknowledgement sees
// every one of them; the tally equals a fold of the stored ballots.
func TestBackgroundFoldCoalescesAndIsReadable(t *testing.T) {
	_, _, bt, tallies := foldEnv(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var all []surveys.Ballot
	for i := range 200 {
		b := ballotN(i)
		all = append(all, *b)
		wg.Go(func() {
			if out, err := bt.Write(ctx, nil, b); err != nil || out != surveys.Stored {
				t.Errorf("write %s: %v %v", b.ID, out, err)
			}
		})
	}
	wg.Wait()
	got, err := tallies.Load(ctx, "sv")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(Fold(all)) {
		t.Fatalf("tally after acknowledged writes: %+v", got.Ballots)
	}
	bt.Close()
	tallies.Close()
	if rebuilt, err := tallies.Reconcile(ctx, "sv"); err != nil || rebuilt {
		t.Fatalf("reconcile of a consistent survey: rebuilt %v, %v", rebuilt, err)
	}
}

// The crash window: ballots are acknowledged before their fold; the
// process dies with the fold pending (the deltas are dropped); the next
// process's reconciliation finds the tally short and rebuilds it.
func TestCrashBetweenInsertAndFoldHeals(t *testing.T) {
	bs, newTallies, bt, dying := foldEnv(t)
	ctx := context.Background()
	var crashed atomic.Bool
	dying.bg.mu.Lock()
	dying.bg.crash = func() bool { crashed.Store(true); return true }
	dying.bg.mu.Unlock()
	var all []surveys.Ballot
	for i := range 5 {
		b := ballotN(i)
		all = append(all, *b)
		if out, err := bt.Write(ctx, nil, b); err != nil || out != surveys.Stored {
			t.Fatalf("write: %v %v", out, err)
		}
	}
	bt.Close()
	dying.Close() // the last pending fold is dropped too: the process is gone
	if !crashed.Load() {
		t.Fatal("no fold was pending after the acknowledgements")
	}
	if n, err := bs.Count(ctx, "sv"); err != nil || n != 5 {
		t.Fatalf("stored %d, %v", n, err)
	}

	next := newTallies() // the restarted process
	if n, _, err := next.tallied(ctx, "sv"); err != nil || n != 0 {
		t.Fatalf("tallied before reconcile: %d, %v", n, err)
	}
	rebuilt, err := next.Reconcile(ctx, "sv")
	if err != nil || !rebuilt {
		t.Fatalf("reconcile: rebuilt %v, %v", rebuilt, err)
	}
	got, err := next.Load(ctx, "sv")
	if err != nil || !got.Equal(Fold(all)) {
		t.Fatalf("healed tally %+v, %v", got, err)
	}
}

// A fold that fails (the store refused the write) leaves the survey marked;
// the fold loop reconciles it within seconds, not at the reconciler's next
// round, and the tally again equals the stored ballots.
func TestFailedFoldHealsWithinSeconds(t *testing.T) {
	_, _, bt, tallies := foldEnv(t)
	ctx := context.Background()
	var failing atomic.Bool
	failing.Store(true)
	tallies.bg.mu.Lock()
	tallies.bg.fail = func() bool { return failing.Swap(false) } // the first fold fails
	tallies.bg.mu.Unlock()
	var all []surveys.Ballot
	for i := range 5 {
		b := ballotN(i)
		all = append(all, *b)
		if out, err := bt.Write(ctx, nil, b); err != nil || out != surveys.Stored {
			t.Fatalf("write: %v %v", out, err)
		}
	}
	deadline := time.Now().Add(4 * healAfter)
	for {
		got, err := tallies.Load(ctx, "sv")
		if err != nil {
			t.Fatal(err)
		}
		if got.Equal(Fold(all)) && len(tallies.dirtyIDs()) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tally still %+v after %v", got.Ballots, 4*healAfter)
		}
		<-time.After(50 * time.Millisecond)
	}
	if failing.Load() {
		t.Fatal("no fold failed")
	}
	bt.Close()
	tallies.Close()
}
