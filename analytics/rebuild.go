package analytics

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/surveys"
)

// How tallies stay right without transactions.
//
// The write path is: the batcher stores a batch with insertMany, then calls
// AfterCommit, which $incs the tallies. Nothing makes the two atomic, so a
// crash (or a failed bulkWrite) between them leaves ballots stored but not
// counted: the head's ballot count is then LOWER than the number of ballots
// stored. Every ballot adds exactly 1 to the head's count in the same fold
// as its histogram counts, so "tallied count = stored count" is the
// invariant we check:
//
//   - Reconcile compares the head's count with BallotStore.Count and rebuilds
//     the survey when they differ, or when a fold in this process failed
//     (the survey is marked dirty: a bulkWrite that failed half way may have
//     counted histograms without the head or the reverse);
//   - RunReconciler does that periodically for the surveys cmd names (open
//     ones, and every dirty one), so a crash heals within an interval of the
//     restart. Count scans the ballots on the embedded store: this runs in
//     the background, never on a request path.
//
// A rebuild streams the survey's ballots once, folds them, writes the new
// tally as documents of a NEW epoch, then swaps the head (one replaceOne)
// to that epoch and deletes the old epoch's documents. Readers follow the
// head, so they see the old tally or the new one, never half of one. A crash
// before the swap leaves the old tally current and the new documents as
// leftovers (ignored, deleted by the next rebuild); a crash after the swap
// leaves old documents to delete, nothing wrong.
//
// Submissions during a rebuild: a batch stored while the rebuild streams may
// be missed by the stream and folded into the old epoch (lost at the swap),
// or seen by the stream and folded again into the new epoch (counted
// twice). A fold whose epoch was swapped under it fails on the head's epoch
// filter and marks the survey dirty; the rest is caught by counting:
// Reconcile trusts a rebuild only when the stored count did not move while
// it ran (count before = ballots streamed = count after). Then no ballot
// arrived during the rebuild, so none can have been missed, and the only
// possible error is a batch stored before it but folded after the swap,
// counted twice — which shows as tallied > stored at the next comparison.
// A miss and a double can only cancel out (equal counts, wrong histograms)
// when ballots arrive during the rebuild, which is exactly what the rule
// refuses: the survey is rebuilt again, up to maxRebuilds times per
// Reconcile, and otherwise stays dirty for the next round.

// maxRebuilds bounds one Reconcile: under a steady stream of ballots the
// rebuild may never settle; the periodic reconciler keeps trying.
const maxRebuilds = 3

// rebuildChunk is how many tally documents one insertMany writes.
const rebuildChunk = 500

// Rebuild recounts a survey from its stored ballots (one stream), replaces
// its tallies and returns how many ballots it counted. See the rule above.
func (s *TallyStore) Rebuild(ctx context.Context, surveyID string) (int64, error) {
	s.rebuildMu.Lock()
	defer s.rebuildMu.Unlock()
	_, epoch, err := s.tallied(ctx, surveyID)
	if err != nil {
		return 0, err
	}
	next := epoch + 1
	// Leftovers of a crashed rebuild (or folds that lost a race) would
	// collide with the new documents.
	if _, err := s.coll().DeleteMany(ctx, bson.D{{Key: "survey_id", Value: surveyID}, {Key: "epoch", Value: bson.D{{Key: "$ne", Value: epoch}}}}); err != nil {
		return 0, fmt.Errorf("clear tally leftovers: %w", err)
	}
	t := NewTally()
	var n int64
	// Scan, not Stream: a fold does not care about order, and the embedded
	// store would sort every ballot in memory first.
	err = s.ballots.Scan(ctx, surveyID, func(b *surveys.Ballot) error {
		t.Add(b)
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := s.insertEpoch(ctx, surveyID, next, t); err != nil {
		return 0, err
	}
	head := bson.D{{Key: "_id", Value: surveyID}, {Key: "survey_id", Value: surveyID}, {Key: "kind", Value: kindHead}, {Key: "epoch", Value: next}}
	head = append(head, nest(headIncs(t))...)
	if _, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: surveyID}}, head, options.Replace().SetUpsert(true)); err != nil {
		return 0, fmt.Errorf("swap tally epoch: %w", err)
	}
	if _, err := s.coll().DeleteMany(ctx, bson.D{{Key: "survey_id", Value: surveyID}, {Key: "epoch", Value: bson.D{{Key: "$ne", Value: next}}}}); err != nil {
		// The new tally is in place; the old documents are ignored and go
		// at the next rebuild.
		s.log.WarnContext(ctx, "delete old tallies", "survey_id", surveyID, "err", err)
	}
	return n, nil
}

// insertEpoch writes t's histogram documents for epoch.
func (s *TallyStore) insertEpoch(ctx context.Context, surveyID string, epoch int64, t *Tally) error {
	var docs []any
	for k, inc := range histIncs(t) {
		d := bson.D{{Key: "_id", Value: docID(surveyID, epoch, k[0], k[1])}, {Key: "survey_id", Value: surveyID},
			{Key: "kind", Value: k[0]}, {Key: "epoch", Value: epoch}}
		if k[0] == kindSubject {
			d = append(d, bson.E{Key: "subject", Value: k[1]})
		}
		docs = append(docs, append(d, nest(inc)...))
	}
	for len(docs) > 0 {
		chunk := docs[:min(rebuildChunk, len(docs))]
		docs = docs[len(chunk):]
		if _, err := s.coll().InsertMany(ctx, chunk, options.InsertMany().SetOrdered(false)); err != nil {
			return fmt.Errorf("write rebuilt tallies: %w", err)
		}
	}
	return nil
}

// nest turns dotted $inc fields into the nested document they describe
// ({"h.q1.g.n": 3} → {h: {q1: {g: {n: 3}}}}), for inserting a whole tally.
func nest(flat bson.D) bson.D {
	var root bson.D
	for _, e := range flat {
		root = setPath(root, splitPath(e.Key), e.Value)
	}
	return root
}

func splitPath(p string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	return append(parts, p[start:])
}

func setPath(d bson.D, path []string, v any) bson.D {
	for i := range d {
		if d[i].Key == path[0] {
			if len(path) == 1 {
				d[i].Value = v
			} else {
				sub, _ := d[i].Value.(bson.D)
				d[i].Value = setPath(sub, path[1:], v)
			}
			return d
		}
	}
	if len(path) == 1 {
		return append(d, bson.E{Key: path[0], Value: v})
	}
	return append(d, bson.E{Key: path[0], Value: setPath(nil, path[1:], v)})
}

// Reconcile checks one survey's tallies against its stored ballots and
// rebuilds them when they disagree (see the rule above). It reports whether
// it rebuilt.
//
// Counting the ballots takes seconds on the embedded store, and batches
// keep landing meanwhile, so the comparison is made only when it means
// something: the head's count is read before and after counting the
// ballots, and when it moved the survey is busy and the check is left to
// the next round (unless a failed fold marked the survey, which always
// rebuilds). A batch stored but not yet folded at the instant of the check
// can still make the counts differ for a moment; the price is one needless
// rebuild, never a wrong tally.
func (s *TallyStore) Reconcile(ctx context.Context, surveyID string) (bool, error) {
	if f := s.folder(); f != nil {
		f.wait(ctx, surveyID) // batches acknowledged but not folded yet would look missing
	}
	stored, tallied, quiet, err := s.compare(ctx, surveyID)
	if err != nil {
		return false, err
	}
	rebuilt := false
	for attempt := 0; ; attempt++ {
		dirty := s.takeDirty(surveyID)
		if !dirty && (stored == tallied || attempt == 0 && !quiet) {
			return rebuilt, nil
		}
		if attempt == maxRebuilds {
			s.markDirty(surveyID)
			return rebuilt, fmt.Errorf("reconcile survey %s: ballots keep arriving during the rebuild (stored %d, tallied %d); will retry", surveyID, stored, tallied)
		}
		s.log.InfoContext(ctx, "rebuilding tallies", "survey_id", surveyID, "stored", stored, "tallied", tallied, "dirty", dirty)
		counted, err := s.Rebuild(ctx, surveyID)
		if err != nil {
			s.markDirty(surveyID)
			return rebuilt, err
		}
		rebuilt = true
		after, err := s.ballots.Count(ctx, surveyID)
		if err != nil {
			s.markDirty(surveyID)
			return rebuilt, err
		}
		if counted != stored || after != stored {
			s.markDirty(surveyID) // ballots arrived while it ran: not trusted
		}
		stored = after
		if tallied, _, err = s.tallied(ctx, surveyID); err != nil {
			return rebuilt, err
		}
	}
}

// compare counts the stored ballots between two reads of the tallied
// count; quiet reports that no fold landed meanwhile.
func (s *TallyStore) compare(ctx context.Context, surveyID string) (stored, tallied int64, quiet bool, err error) {
	before, _, err := s.tallied(ctx, surveyID)
	if err != nil {
		return 0, 0, false, err
	}
	if stored, err = s.ballots.Count(ctx, surveyID); err != nil {
		return 0, 0, false, err
	}
	if tallied, _, err = s.tallied(ctx, surveyID); err != nil {
		return 0, 0, false, err
	}
	return stored, tallied, before == tallied, nil
}

// RunReconciler reconciles, every interval until ctx ends, the surveys
// surveyIDs names (e.g. the published ones) and every survey a failed fold
// marked. Start it from cmd in a goroutine; errors are logged, not fatal.
func (s *TallyStore) RunReconciler(ctx context.Context, interval time.Duration, surveyIDs func(context.Context) ([]string, error)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		s.ReconcileAll(ctx, surveyIDs)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ReconcileAll is one round of RunReconciler.
func (s *TallyStore) ReconcileAll(ctx context.Context, surveyIDs func(context.Context) ([]string, error)) {
	ids, err := surveyIDs(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "reconcile: list surveys", "err", err)
	}
	seen := map[string]bool{}
	for _, id := range append(s.dirtyIDs(), ids...) {
		if seen[id] || ctx.Err() != nil {
			continue
		}
		seen[id] = true
		if rebuilt, err := s.Reconcile(ctx, id); err != nil {
			s.log.ErrorContext(ctx, "reconcile tallies", "survey_id", id, "err", err)
		} else if rebuilt {
			s.log.InfoContext(ctx, "tallies rebuilt", "survey_id", id)
		}
	}
}
