package surveys_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// blockingHook holds the flusher in its first batch until released, and
// records the size of every batch.
type blockingHook struct {
	mu      sync.Mutex
	sizes   []int
	entered chan struct{}
	release chan struct{}
}

func (h *blockingHook) AfterCommit(_ context.Context, bs []surveys.CommittedBallot) error {
	h.mu.Lock()
	first := len(h.sizes) == 0
	h.sizes = append(h.sizes, len(bs))
	h.mu.Unlock()
	if first {
		close(h.entered)
		<-h.release
	}
	return nil
}

// TestBatchGrowsWhileTheFlusherIsBusy: ballots that arrive one by one,
// further apart than MaxWait, while the flusher is writing, all go into the
// next batch; a batch is closed when the flusher can take it, not when
// MaxWait has passed (which kept batches at one MaxWait's arrivals under
// load).
func TestBatchGrowsWhileTheFlusherIsBusy(t *testing.T) {
	ctx := t.Context()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(ctx, db, surveys.BallotIndexes()); err != nil {
		t.Fatal(err)
	}
	hook := &blockingHook{entered: make(chan struct{}), release: make(chan struct{})}
	bt := surveys.NewBatcher(db, surveys.BatcherConfig{MaxWait: time.Millisecond, Flushers: 1, AfterCommit: hook})
	t.Cleanup(bt.Close)
	sv := &surveys.Survey{ID: "sv-batch"}
	write := func(i int) error {
		_, err := bt.Write(ctx, sv, &surveys.Ballot{ID: fmt.Sprintf("b%02d", i), SurveyID: sv.ID, SubmissionID: fmt.Sprintf("sub-%02d", i)})
		return err
	}
	errs := make(chan error, 11)
	go func() { errs <- write(0) }()
	<-hook.entered // the flusher is busy with ballot 0
	const later = 10
	for i := 1; i <= later; i++ {
		go func() { errs <- write(i) }()
		for bt.Pending() < 1+i { // queued before the next one comes
			time.Sleep(time.Millisecond)
		}
		time.Sleep(3 * time.Millisecond) // well past MaxWait
	}
	close(hook.release)
	for range 1 + later {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.sizes) != 2 || hook.sizes[1] != later {
		t.Fatalf("batches %v, want [1 %d]: the ballots queued during the write should make one batch", hook.sizes, later)
	}
}
