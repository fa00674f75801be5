package feedback

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"

	"minyi/store"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// How the work-order pages avoid scanning the orders.
//
// The embedded store looks documents up by _id and scans for anything else
// (DESIGN.md), and the orders grow all year. So every request path reads
// documents of collIndex by _id, and the orders themselves by _id:
//
//   - the working set: the orders still to be handled, and those called
//     back unsatisfied (for 重办), as summaries spread over workingShards
//     documents, _id "active/<nn>" (nn from a hash of the order id). Fully
//     handled orders leave it. The queues and the lists filtered to such
//     statuses read the shards (all of them, once a page) instead of the
//     orders. Shards, not one document per status, because the embedded
//     store rewrites a document whole on every update: a step writes one
//     small shard once, however long the backlog;
//   - every other list (all statuses, 已回访, text search, a period)
//     walks the day buckets of a store.Timeline newest first;
//   - a phone search and the duplicate hint read the caller's history,
//     "caller/<phone hash>" (intake.go), then those orders;
//   - the detail reads the order and its events by their _ids (order/seq).
//
// Summaries are hints: a page fetches each order it shows by _id and checks
// the filter against it, so a crash between the order's write and its
// summary's leaves a stale hint (skipped, and rewritten), never a wrong row.
// On MongoDB the same documents are read the same way, by _id.
const (
	collIndex     = "work_order_index"
	activePrefix  = "active/"
	workingShards = 16
	// indexedMarker marks a database whose index documents are built in
	// their present form (summary strings, working-set shards).
	indexedMarker = "meta/indexed2"
)

// inWorkingSet: orders still to be handled, and unsatisfied callbacks.
func inWorkingSet(st Status, sat Satisfaction) bool {
	return st != StatusMerged && (st != StatusCalledBack || sat == Unsatisfied)
}

// workingShard is the shard that holds order id's entry.
func workingShard(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return shardID(int(h.Sum32() % workingShards))
}

func shardID(i int) string { return fmt.Sprintf("%s%02d", activePrefix, i) }

func (s *Store) index() *mongo.Collection { return s.db.Collection(collIndex) }

// once runs build unless marker is set, then sets marker and also (the
// markers build also satisfies): the start-up passes that build index
// documents for data stored before they existed, once per database.
func (s *Store) once(ctx context.Context, marker string, build func() error, also ...string) error {
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: marker}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("work-order index %s: %w", marker, err)
	}
	if err := build(); err != nil {
		return err
	}
	for _, m := range append(also, marker) {
		_, err = s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: m}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: s.now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("work-order index %s: %w", m, err)
		}
	}
	return nil
}

// indexOrder writes o's summaries: its timeline entry, then its 三率
// record, its statistics entry and its working-set entry (set, or removed
// when o left the working set) in one ordered bulk write.
func (s *Store) indexOrder(ctx context.Context, o *Order) error {
	if err := s.timeline.Put(ctx, o.CreatedAt, o.ID, timelineSummary(o)); err != nil {
		return err
	}
	var w, tokens writeSet
	s.indexWrites(o, &w, &tokens)
	return s.writeIndex(ctx, &w, &tokens)
}

// timelineSummary is o's timeline entry: its summary with the content, for
// the text search.
func timelineSummary(o *Order) summary {
	m := summarize(o)
	m.Content = o.Content
	return m
}

// indexWrites adds o's index entries other than its timeline entry to w
// (tokens: the statistics tokens, written last).
func (s *Store) indexWrites(o *Order, w, tokens *writeSet) {
	s.assessWrites(o, w)        // the 三率 records (assessment_index.go)
	s.statsWrites(o, w, tokens) // the statistics entry (stats_index.go)
	if inWorkingSet(o.Status, o.Satisfaction) {
		w.set(workingShard(o.ID), "e."+o.ID, summarize(o))
	} else {
		w.unset(workingShard(o.ID), "e."+o.ID)
	}
}

// writeIndex writes w, then tokens, in order. It takes the indexing lock:
// the embedded store loses concurrent updates of one document, and this
// process serialises its own.
func (s *Store) writeIndex(ctx context.Context, w, tokens *writeSet) error {
	models := append(w.models(), tokens.models()...)
	if len(models) == 0 {
		return nil
	}
	s.indexing.Lock()
	defer s.indexing.Unlock()
	err := store.Upserted(func() error {
		_, err := s.index().BulkWrite(ctx, models)
		return err
	})
	if err != nil {
		return fmt.Errorf("index work order: %w", err)
	}
	return nil
}

// workingSet reads every shard of the working set: order id → summary.
// The shards are read concurrently; together they hold the open orders
// only, a bounded set.
func (s *Store) workingSet(ctx context.Context) (map[string]summary, error) {
	parts := make([]map[string]summary, workingShards)
	err := store.Parallel(ctx, workingShards, 4, func(ctx context.Context, i int) error {
		var d struct {
			E map[string]summary `bson:"e"`
		}
		err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: shardID(i)}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("read work-order queue: %w", err)
		}
		parts[i] = d.E
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]summary{}
	for _, p := range parts {
		maps.Copy(out, p)
	}
	return out, nil
}

// matches is Filter.query evaluated on a summary (or an order's summary).
func (f Filter) matches(m summary) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, m.Status) {
		return false
	}
	if f.Overdue && (!slices.Contains(OpenStatuses, m.Status) || !m.DueAt.Before(f.Now)) {
		return false
	}
	if f.Unsatisfied && m.Sat != Unsatisfied {
		return false
	}
	if f.OrgIDs != nil && !slices.Contains(f.OrgIDs, m.OrgID) {
		return false
	}
	if f.OrgID != "" && m.OrgID != f.OrgID {
		return false
	}
	if !f.From.IsZero() && m.CreatedAt.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !m.CreatedAt.Before(f.To) {
		return false
	}
	if f.PhoneHash != "" && m.PhoneHash != f.PhoneHash {
		return false
	}
	if f.PendingExtension && !m.Ext {
		return false
	}
	if f.Q != "" && !strings.Contains(m.Number, f.Q) && !strings.Contains(m.Content, f.Q) {
		return false
	}
	return f.matchesWorkspace(m)
}

// workingSetStatuses are the status documents that answer f, or nil when
// f can select orders outside the working set.
func (f Filter) workingSetStatuses() []Status {
	if f.Q != "" || f.PhoneHash != "" {
		return nil
	}
	var sts []Status
	switch {
	case f.Overdue:
		sts = OpenStatuses
	case len(f.Statuses) > 0:
		sts = f.Statuses
	default:
		return nil
	}
	for _, st := range sts {
		if st == StatusMerged || st == StatusCalledBack && !f.Unsatisfied {
			return nil // satisfied callbacks are not kept there
		}
	}
	return sts
}

// EnsureIndexed builds the index documents, in their present form, for
// orders stored before they existed (one stream of the orders, once per
// database): the timeline, the working-set shards, the callers' histories,
// the statistics. The working-set documents of the earlier form (one per
// status) are deleted; its per-caller duplicate documents ("dup/…") are
// no longer read and are left, as finding them would take a scan. Run it
// at start, after store.EnsureIndexes.
func (s *Store) EnsureIndexed(ctx context.Context) error {
	// indexOrder writes the statistics entries too (stats_index.go).
	return s.once(ctx, indexedMarker, func() error { return s.rebuildIndex(ctx) }, statsMarker)
}

func (s *Store) rebuildIndex(ctx context.Context) error {
	for _, st := range Statuses {
		if _, err := s.index().DeleteOne(ctx, bson.D{{Key: "_id", Value: activePrefix + string(st)}}); err != nil {
			return fmt.Errorf("work-order index: %w", err)
		}
	}
	for i := range workingShards {
		if _, err := s.index().DeleteOne(ctx, bson.D{{Key: "_id", Value: shardID(i)}}); err != nil {
			return fmt.Errorf("work-order index: %w", err)
		}
	}
	return s.Each(ctx, Filter{}, func(o *Order) error {
		if err := s.indexOrder(ctx, o); err != nil {
			return err
		}
		return s.rememberHistory(ctx, o)
	})
}
