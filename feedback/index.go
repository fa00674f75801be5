package feedback

import (
	"cmp"
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

func workingShard(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%s%02d", activePrefix, h.Sum32()%workingShards)
}

func (s *Store) index() *mongo.Collection { return s.db.Collection(collIndex) }

// indexOrder writes o's summaries: its timeline entry, its 三率 record and
// its working-set entry (set, or removed when o left the working set).
func (s *Store) indexOrder(ctx context.Context, o *Order) error {
	sum := summarize(o)
	withText := sum
	withText.Content = o.Content
	if err := s.timeline.Put(ctx, o.CreatedAt, o.ID, withText); err != nil {
		return err
	}
	if err := s.assessIndex(ctx, o); err != nil { // the 三率 records (assessment_index.go)
		return err
	}
	if err := s.statsIndex(ctx, o); err != nil { // the statistics entry (stats_index.go)
		return err
	}
	s.indexing.Lock()
	defer s.indexing.Unlock()
	update := bson.D{{Key: "$unset", Value: bson.D{{Key: "e." + o.ID, Value: ""}}}}
	if inWorkingSet(o.Status, o.Satisfaction) {
		update = bson.D{{Key: "$set", Value: bson.D{{Key: "e." + o.ID, Value: sum}}}}
	}
	err := store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: workingShard(o.ID)}}, update, options.UpdateOne().SetUpsert(true))
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
		err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s%02d", activePrefix, i)}}).Decode(&d)
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

type hint struct {
	day, id string
}

// hints are up to n index entries matching f, in list order (newest day,
// then highest id), below the cursor. ws, when not nil, is the working set
// already read for this request.
func (s *Store) hints(ctx context.Context, f Filter, cur hint, n int, ws map[string]summary) ([]hint, error) {
	var out []hint
	keep := func(id string, m summary) {
		h := hint{day: s.timeline.Day(m.CreatedAt), id: id}
		if f.matches(m) && (cur.id == "" || before(h, cur)) {
			out = append(out, h)
		}
	}
	if sts := f.workingSetStatuses(); sts != nil {
		if ws == nil {
			var err error
			if ws, err = s.workingSet(ctx); err != nil {
				return nil, err
			}
		}
		for id, m := range ws {
			if slices.Contains(sts, m.Status) {
				keep(id, m)
			}
		}
		return newestFirst(out, n), nil
	}
	if f.PhoneHash != "" {
		// The caller's history, their newest maxCallerOrder orders; its
		// references hold no filter fields, so List checks each order.
		refs, err := s.historyRefs(ctx, f.PhoneHash)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if h := (hint{day: s.timeline.Day(r.CreatedAt), id: r.ID}); cur.id == "" || before(h, cur) {
				out = append(out, h)
			}
		}
		return newestFirst(out, n), nil
	}
	err := s.timeline.Walk(ctx, cur.day, cur.id, f.From, f.To, func(id string, raw bson.RawValue) (bool, error) {
		var m summary
		if err := raw.Unmarshal(&m); err != nil {
			return false, fmt.Errorf("read work-order index: %w", err)
		}
		if f.matches(m) {
			out = append(out, hint{day: s.timeline.Day(m.CreatedAt), id: id})
		}
		return len(out) < n, nil
	})
	return out, err
}

func newestFirst(hs []hint, n int) []hint {
	slices.SortFunc(hs, func(a, b hint) int { return -cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.id, b.id)) })
	return hs[:min(n, len(hs))]
}

func before(a, b hint) bool { return a.day < b.day || a.day == b.day && a.id < b.id }

// List returns up to limit orders matching f, newest first, after the
// cursor (an order id), and the cursor of the next page ("" at the end).
func (s *Store) List(ctx context.Context, f Filter, limit int, after string) ([]Order, string, error) {
	return s.list(ctx, f, limit, after, nil)
}

// Lists answers the first page of several filters at once (a queue page's
// sections), reading the working set once for all of them.
func (s *Store) Lists(ctx context.Context, fs []Filter, limit int) ([][]Order, error) {
	var ws map[string]summary
	for _, f := range fs {
		if f.workingSetStatuses() != nil {
			var err error
			if ws, err = s.workingSet(ctx); err != nil {
				return nil, err
			}
			break
		}
	}
	out := make([][]Order, len(fs))
	for i, f := range fs {
		page, _, err := s.list(ctx, f, limit, "", ws)
		if err != nil {
			return nil, err
		}
		out[i] = page
	}
	return out, nil
}

func (s *Store) list(ctx context.Context, f Filter, limit int, after string, ws map[string]summary) ([]Order, string, error) {
	var cur hint
	if after != "" {
		o, err := s.order(ctx, after)
		if errors.Is(err, errOrderNotFound) {
			return []Order{}, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		cur = hint{day: s.timeline.Day(o.CreatedAt), id: o.ID}
	}
	out := []Order{}
	for {
		n := limit + 1 - len(out)
		hs, err := s.hints(ctx, f, cur, n, ws)
		if err != nil {
			return nil, "", err
		}
		ids := make([]string, len(hs))
		for i, h := range hs {
			ids[i] = h.id
		}
		orders, err := s.orders(ctx, ids)
		if err != nil {
			return nil, "", err
		}
		for _, o := range orders {
			if o == nil || len(out) > limit {
				continue
			}
			full := summarize(o)
			full.Content = o.Content
			if !f.matches(full) {
				// A stale hint: the order moved on after its summary was
				// written (or a crash between the two). Rewrite it. (A
				// caller's reference is no summary: nothing to rewrite.)
				if f.PhoneHash == "" {
					if err := s.indexOrder(ctx, o); err != nil {
						return nil, "", err
					}
				}
				continue
			}
			out = append(out, *o)
		}
		if len(hs) < n || len(out) > limit {
			break
		}
		cur = hs[len(hs)-1]
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// orders reads the orders with ids by _id, a few at a time; a missing one
// is nil.
func (s *Store) orders(ctx context.Context, ids []string) ([]*Order, error) {
	out := make([]*Order, len(ids))
	err := store.Parallel(ctx, len(ids), 4, func(ctx context.Context, i int) error {
		o, err := s.order(ctx, ids[i])
		if errors.Is(err, errOrderNotFound) {
			return nil
		}
		out[i] = o
		return err
	})
	return out, err
}

// order reads one order without its events.
func (s *Store) order(ctx context.Context, id string) (*Order, error) {
	var o Order
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&o)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errOrderNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get work order: %w", err)
	}
	return &o, nil
}

// Duplicates lists earlier orders from the same phone to the same org about
// the same kind within DuplicateWindow of o, newest first, from the
// caller's history. It is a hint for the operator, never a refusal: callers
// do call twice about two things.
func (s *Store) Duplicates(ctx context.Context, o *Order) ([]Ref, error) {
	out := []Ref{}
	if o.Caller.Hash == "" {
		return out, nil
	}
	refs, err := s.historyRefs(ctx, o.Caller.Hash)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range refs {
		if r.ID == o.ID || r.CreatedAt.Before(o.CreatedAt.Add(-DuplicateWindow)) || r.CreatedAt.After(o.CreatedAt) ||
			r.OrgID != "" && r.OrgID != o.OrgID || r.Kind != "" && r.Kind != o.Kind {
			continue
		}
		ids = append(ids, r.ID)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(b, a) })
	orders, err := s.orders(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, d := range orders {
		if d != nil && len(out) < 10 && d.OrgID == o.OrgID && d.Kind == o.Kind && d.Caller.Hash == o.Caller.Hash {
			out = append(out, Ref{ID: d.ID, Number: d.Number, Status: d.Status, CreatedAt: d.CreatedAt})
		}
	}
	return out, nil
}

// EnsureIndexed builds the index documents, in their present form, for
// orders stored before they existed (one stream of the orders, once per
// database): the timeline, the working-set shards, the callers' histories,
// the statistics. The working-set documents of the earlier form (one per
// status) are deleted; its per-caller duplicate documents ("dup/…") are
// no longer read and are left, as finding them would take a scan. Run it
// at start, after store.EnsureIndexes.
func (s *Store) EnsureIndexed(ctx context.Context) error {
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: indexedMarker}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("work-order index: %w", err)
	}
	for _, st := range Statuses {
		if _, err := s.index().DeleteOne(ctx, bson.D{{Key: "_id", Value: activePrefix + string(st)}}); err != nil {
			return fmt.Errorf("work-order index: %w", err)
		}
	}
	for i := range workingShards {
		if _, err := s.index().DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s%02d", activePrefix, i)}}); err != nil {
			return fmt.Errorf("work-order index: %w", err)
		}
	}
	err = s.Each(ctx, Filter{}, func(o *Order) error {
		if err := s.indexOrder(ctx, o); err != nil {
			return err
		}
		return s.rememberHistory(ctx, o)
	})
	if err != nil {
		return err
	}
	// indexOrder wrote the statistics entries too (stats_index.go).
	for _, marker := range []string{statsMarker, indexedMarker} {
		_, err = s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: marker}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: s.now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("work-order index: %w", err)
		}
	}
	return nil
}
