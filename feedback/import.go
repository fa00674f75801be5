package feedback

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store"
)

// Handled is an order handled elsewhere, for Import: the order as Create
// takes it, who received it and when, and the steps taken on it since,
// each with its actor and time (an assignment names its unit).
type Handled struct {
	Order    *Order
	Actor    Actor
	Received time.Time
	Steps    []Event
}

// importChunk is how many orders or events one insertMany of Import holds.
const importChunk = 500

// Import stores orders handled elsewhere as if each had been received and
// handled here step by step, in bulk (the scale bench loads its year with
// it; no HTTP endpoint or command calls it yet, a migration from an
// earlier hotline system would): each order is checked and its steps applied
// by the policy, as Create and Act would, numbered from its day's counter,
// and stored with its events by insertMany; its index entries (timeline,
// 三率 record, statistics, working set, the caller's history and its
// units' logs) are then written one update per index document for the
// whole batch, not one per step. What is stored is what the same steps
// taken one by one would have stored (TestImportStoresWhatStepsStore).
//
// Import is not idempotent: run twice, it stores the orders twice. A
// failure part-way leaves the orders stored so far; their index entries
// are rebuilt by EnsureIndexed after deleting meta/indexed2.
func (s *Store) Import(ctx context.Context, in []Handled) error {
	orders := make([]*Order, len(in))
	callers, units := map[string][]dupRef{}, map[string][]dupRef{}
	for i, h := range in {
		o := h.Order
		if err := o.Validate(); err != nil {
			return fmt.Errorf("import work order %d: %w", i+1, err)
		}
		o.ID = bson.NewObjectID().Hex()
		s.policy.Receive(o, h.Actor, bson.NewObjectID().Hex(), h.Received.UTC())
		if o.Caller.Hash != "" { // what Create records, before the steps
			callers[o.Caller.Hash] = append(callers[o.Caller.Hash], dupRef{ID: o.ID, CreatedAt: o.CreatedAt, OrgID: o.OrgID, Kind: o.Kind})
		}
		for _, e := range h.Steps {
			e.ID, e.At = bson.NewObjectID().Hex(), e.At.UTC()
			if err := s.policy.Step(o, &e); err != nil {
				return fmt.Errorf("import work order %d: %w", i+1, err)
			}
			if o.OrgID != "" && slices.Contains(unitSteps, e.Action) { // what noteUnit records
				units[o.OrgID] = append(units[o.OrgID], dupRef{ID: o.ID, CreatedAt: e.At})
			}
		}
		orders[i] = o
	}
	if err := s.numberAll(ctx, orders); err != nil {
		return err
	}
	if err := s.insertAll(ctx, orders); err != nil {
		return err
	}
	entries := make([]store.Entry, len(orders))
	var w, tokens writeSet
	for i, o := range orders {
		entries[i] = store.Entry{At: o.CreatedAt, ID: o.ID, Summary: timelineSummary(o)}
		s.indexWrites(o, &w, &tokens)
	}
	if err := s.timeline.PutMany(ctx, entries); err != nil {
		return err
	}
	if err := s.writeIndex(ctx, &w, &tokens); err != nil {
		return err
	}
	return s.rememberAll(ctx, callers, units)
}

// numberAll gives orders their numbers, each day's with one $inc of its
// counter by the day's count.
func (s *Store) numberAll(ctx context.Context, orders []*Order) error {
	byDay := map[string][]*Order{}
	var days []string
	for _, o := range orders {
		day := o.CreatedAt.In(s.policy.Location()).Format("20060102")
		if byDay[day] == nil {
			days = append(days, day)
		}
		byDay[day] = append(byDay[day], o)
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	for _, day := range days {
		var c struct {
			N int `bson:"n"`
		}
		k := len(byDay[day])
		err := store.Upserted(func() error {
			s.numbering.Lock()
			defer s.numbering.Unlock()
			return s.db.Collection(collCounters).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: day}},
				bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: k}}}}, opts).Decode(&c)
		})
		if err != nil {
			return fmt.Errorf("number work orders: %w", err)
		}
		for i, o := range byDay[day] {
			o.Number = fmt.Sprintf("%s-%04d", day, c.N-k+1+i)
		}
	}
	return nil
}

// insertAll stores orders and their events, importChunk at a time.
func (s *Store) insertAll(ctx context.Context, orders []*Order) error {
	var docs, evs []any
	flush := func(force bool) error {
		if len(docs) > 0 && (force || len(docs) >= importChunk) {
			if _, err := s.coll().InsertMany(ctx, docs); err != nil {
				return fmt.Errorf("import work orders: %w", err)
			}
			docs = docs[:0]
		}
		if len(evs) > 0 && (force || len(evs) >= importChunk) {
			if _, err := s.events().InsertMany(ctx, evs); err != nil {
				return fmt.Errorf("import work order events: %w", err)
			}
			evs = evs[:0]
		}
		return nil
	}
	for _, o := range orders {
		docs = append(docs, o)
		for _, e := range o.Events {
			evs = append(evs, storedEvent(o.ID, e))
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}

// rememberAll adds orders to their callers' histories and the units' steps
// to their logs (caller hash or org id → the references to add): each document read once, merged as rememberHistory and
// rememberUnit would one by one, and written once.
func (s *Store) rememberAll(ctx context.Context, callers, units map[string][]dupRef) error {
	type doc struct {
		id    string
		add   []dupRef
		merge func(old []dupRef, r dupRef) []dupRef
		refs  []dupRef
	}
	var docs []*doc
	for _, hash := range slices.Sorted(maps.Keys(callers)) {
		docs = append(docs, &doc{id: callerPrefix + hash, add: callers[hash], merge: withHistory})
	}
	for _, org := range slices.Sorted(maps.Keys(units)) {
		add := units[org]
		slices.SortStableFunc(add, func(a, b dupRef) int { return a.CreatedAt.Compare(b.CreatedAt) }) // in the order they were taken
		docs = append(docs, &doc{id: unitPrefix + org, add: add, merge: withUnitStep})
	}
	s.indexing.Lock()
	defer s.indexing.Unlock()
	err := store.Parallel(ctx, len(docs), 4, func(ctx context.Context, i int) error {
		var err error
		docs[i].refs, err = s.refs(ctx, docs[i].id)
		return err
	})
	if err != nil {
		return err
	}
	models := make([]mongo.WriteModel, len(docs))
	for i, d := range docs {
		for _, r := range d.add {
			d.refs = d.merge(d.refs, r)
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d.id}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "refs", Value: d.refs}}}}).SetUpsert(true)
	}
	if len(models) == 0 {
		return nil
	}
	err = store.Upserted(func() error {
		_, err := s.index().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("import work orders: remember callers and units: %w", err)
	}
	return nil
}
