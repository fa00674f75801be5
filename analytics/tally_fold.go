package analytics

import (
	"context"
	"errors"
	"sync"
	"time"

	"minyi/surveys"
)

// Folding off the request path.
//
// The batcher answers a ballot once its insertMany returned and hands the
// committed batch to AfterCommit. With the background folder running
// (StartFolding), AfterCommit only adds the batch into a pending delta per
// survey — in memory, O(answers) — and returns; one goroutine takes
// everything pending, so any number of batches that arrived during the
// previous fold become one fold: one bulkWrite with one $inc upsert per
// tally document touched, O(documents), not O(ballots). Folds start at
// most every foldEvery; the lag is that plus one fold (well under 1 s).
//
// A reader of the same process sees its own ballots: Load waits (at most
// maxFoldWait) until the folds pending for that survey when it was called
// are written. A crash between the insert and the fold loses the pending
// deltas, never the ballots: the tally is then short of the stored count,
// which the reconciliation detects and rebuilds (rebuild.go), as it does
// for a fold that failed.

// maxFoldWait bounds how long Load waits for pending folds of its survey.
const maxFoldWait = time.Second

type folder struct {
	mu      sync.Mutex
	pending map[string]*Tally // survey → delta not yet written
	queued  uint64            // sequence of the last batch queued
	need    map[string]uint64 // survey → sequence of its last queued batch
	folded  uint64            // every batch up to this sequence is written (or failed)
	changed chan struct{}     // closed and replaced whenever folded moves
	wake    chan struct{}     // buffered 1: something is pending
	urgent  chan struct{}     // buffered 1: a reader waits for a fold
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	// crash, set by tests, drops the pending deltas instead of folding
	// them, as a process dying between insert and fold would; fail makes
	// a fold fail as a store error would.
	crash func() bool
	fail  func() bool
}

// healAfter is how soon the tallies a failed fold left unsure are
// reconciled (rebuilt from the stored ballots when their count differs),
// rather than at the reconciler's next round; again every healAfter while
// the store keeps failing.
const healAfter = 2 * time.Second

// StartFolding makes AfterCommit queue batches and fold them in the
// background (see above). Call Close to fold what is queued and stop.
// Without it every AfterCommit folds before returning.
func (s *TallyStore) StartFolding() {
	f := &folder{
		pending: map[string]*Tally{}, need: map[string]uint64{},
		changed: make(chan struct{}), wake: make(chan struct{}, 1), urgent: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	s.mu.Lock()
	s.bg = f
	s.mu.Unlock()
	go s.foldLoop(f)
}

// Close folds the batches still queued and stops the background folder.
// Close the batcher first, so that no batch arrives afterwards.
func (s *TallyStore) Close() {
	s.mu.Lock()
	f := s.bg
	s.mu.Unlock()
	if f == nil {
		return
	}
	f.once.Do(func() { close(f.stop) })
	<-f.done
}

func (s *TallyStore) folder() *folder {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bg
}

// enqueue adds a batch to the pending deltas.
func (f *folder) enqueue(batch []surveys.CommittedBallot) {
	f.mu.Lock()
	f.queued++
	for _, cb := range batch {
		id := cb.Ballot.SurveyID
		t := f.pending[id]
		if t == nil {
			t = NewTally()
			f.pending[id] = t
		}
		t.Add(cb.Ballot)
		f.need[id] = f.queued
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// empty reports whether nothing is pending.
func (f *folder) empty() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending) == 0
}

// poke wakes the fold loop.
func (f *folder) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take removes everything pending and the sequence it reaches.
func (f *folder) take() (map[string]*Tally, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pending
	f.pending = map[string]*Tally{}
	return p, f.queued
}

func (f *folder) advance(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.folded = seq
	for id, n := range f.need {
		if n <= seq {
			delete(f.need, id)
		}
	}
	close(f.changed)
	f.changed = make(chan struct{})
}

// wait returns once every batch queued before the call for surveyID (all
// surveys when "") is written, ctx ends or maxFoldWait passed.
func (f *folder) wait(ctx context.Context, surveyID string) {
	f.mu.Lock()
	target := f.queued
	if surveyID != "" {
		target = f.need[surveyID]
	}
	if f.folded < target {
		select { // fold now rather than after the pause
		case f.urgent <- struct{}{}:
		default:
		}
	}
	f.mu.Unlock()
	timeout := time.NewTimer(maxFoldWait)
	defer timeout.Stop()
	for {
		f.mu.Lock()
		done, ch := f.folded >= target, f.changed
		f.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		case <-timeout.C:
			return
		}
	}
}

// foldEvery spaces the folds: under a stream of ballots every fold takes
// all that arrived since the previous one, so their cost per second stays
// bounded by the documents they touch, not by the ballot rate. It adds at
// most this much to the lag, and less to a reader of this process, whose
// wait cuts the pause short (folder.urgent). Each fold is one update per
// tally document it touches (a 30-branch survey: about 60), all competing
// with the ballots' inserts for the embedded store's one writer; at 100 ms
// the folds held it half the time under a stream of ballots.
const foldEvery = 500 * time.Millisecond

// errInjected is the failure tests inject into a fold (folder.fail).
var errInjected = errors.New("injected fold failure")

func (s *TallyStore) foldLoop(f *folder) {
	defer close(f.done)
	pause := time.NewTimer(0)
	defer pause.Stop()
	heal := time.NewTimer(time.Hour)
	heal.Stop()
	defer heal.Stop()
	armed := false
	arm := func() {
		if !armed && len(s.dirtyIDs()) > 0 {
			heal.Reset(healAfter)
			armed = true
		}
	}
	for {
		select {
		case <-f.wake:
		case <-heal.C:
			armed = false
			s.healDirty(f)
			arm()
			continue
		case <-f.stop:
			s.finalFold(f)
			return
		}
		select {
		case <-pause.C:
		case <-f.urgent:
			if !pause.Stop() {
				<-pause.C
			}
		case <-f.stop:
			s.finalFold(f)
			return
		}
		if !s.foldPending(f) {
			f.poke() // held: come round again after the pause
		}
		arm()
		pause.Reset(foldEvery)
	}
}

// healDirty reconciles the surveys a failed fold marked. It runs in the
// fold loop: what is pending is folded first, so Reconcile finds nothing
// to wait for.
func (s *TallyStore) healDirty(f *folder) {
	s.foldPending(f)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, id := range s.dirtyIDs() {
		if _, err := s.Reconcile(ctx, id); err != nil {
			s.log.Error("heal tallies after a failed fold", "survey_id", id, "err", err)
		}
	}
}

// foldPending writes the coalesced deltas with a context of its own: no
// request is waiting on it. It reports false, keeping the deltas pending,
// when it could not take the fold lease (fold_lease.go): another instance
// is folding, or the store is unreachable.
func (s *TallyStore) foldPending(f *folder) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !f.empty() {
		if err := s.takeFoldLease(ctx); err != nil {
			if !errors.Is(err, errLeaseHeld) {
				s.log.Error("fold tallies", "err", err)
			}
			return false
		}
		defer s.releaseFoldLease(ctx)
	}
	deltas, seq := f.take()
	defer f.advance(seq)
	if len(deltas) == 0 || f.crash != nil && f.crash() {
		return true
	}
	ids := sortedKeys(deltas)
	err := errInjected
	if f.fail == nil || !f.fail() {
		err = s.fold(ctx, ids, deltas)
	}
	if err != nil {
		s.markDirty(ids...)
		s.log.Error("fold tallies", "err", err, "surveys", len(ids))
	}
	return true
}

// finalFold folds what is pending at Close, waiting a few seconds for a
// lease another instance holds.
func (s *TallyStore) finalFold(f *folder) {
	for range 50 {
		if s.foldPending(f) {
			return
		}
		time.Sleep(foldEvery)
	}
	s.log.Error("fold tallies at close: lease never free; the reconciliation will recount")
}
