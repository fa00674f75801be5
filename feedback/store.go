package feedback

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

const (
	collOrders   = "work_orders"
	collCounters = "work_order_counters"
	collEvents   = "work_order_events"
)

var (
	errOrderNotFound = minyi.NotFound("work_order_not_found", "工单")
	errBusy          = minyi.E(minyi.ErrConflict, "concurrent_update", "工单正被他人同时处理，请刷新后重试")
)

// DuplicateWindow is how far back a new order looks for the same caller,
// branch and kind.
const DuplicateWindow = 7 * 24 * time.Hour

// Store keeps work orders and their per-day number counters.
type Store struct {
	db     *mongo.Database
	now    func() time.Time
	policy *Policy
	// numbering serialises this process's counter increments: the
	// embedded store loses concurrent $inc updates (measured: 40 parallel
	// findOneAndUpdate $inc on one document returned 6 distinct values),
	// and it serves one process only, so a local lock makes it exact.
	// On MongoDB the $inc is atomic anyway and the lock costs little.
	numbering sync.Mutex
	// saving serialises state writes for the same reason: the embedded
	// store evaluates an update's filter and applies it non-atomically.
	saving sync.Mutex
	// indexing serialises writes of the index documents (index.go), which
	// many orders share.
	indexing sync.Mutex
	timeline *store.Timeline // every order, newest first (index.go)
	stats    statsCache      // the statistics' day documents read (stats_index.go)
	// The workspace's settings (intake.go): the category catalogue new
	// orders are checked against and the administrators' calendar entries
	// refreshed before a deadline is set; nil when not wired.
	cats *Categories
	cal  *Calendar
}

// NewStore returns a store over db; now is the clock and policy the
// calendar and deadlines.
func NewStore(db *mongo.Database, now func() time.Time, policy *Policy) *Store {
	return &Store{db: db, now: now, policy: policy,
		timeline: store.NewTimeline(db.Collection(collIndex), "orders", policy.Location())}
}

// Policy is the calendar and deadlines the store applies.
func (s *Store) Policy() *Policy { return s.policy }

// Indexes are the indexes the work-order collections need.
func Indexes() []store.Index {
	return []store.Index{
		{Collection: collOrders, Name: "number_unique", Keys: bson.D{{Key: "number", Value: 1}}, Unique: true},
		{Collection: collOrders, Name: "status_due", Keys: bson.D{{Key: "status", Value: 1}, {Key: "due_at", Value: 1}}},
		{Collection: collOrders, Name: "org_created", Keys: bson.D{{Key: "org_id", Value: 1}, {Key: "created_at", Value: 1}}},
		{Collection: collOrders, Name: "phone_created", Keys: bson.D{{Key: "caller.phone_hash", Value: 1}, {Key: "created_at", Value: 1}}},
		{Collection: collOrders, Name: "created", Keys: bson.D{{Key: "created_at", Value: 1}}},
		{Collection: collEvents, Name: "order_seq", Keys: bson.D{{Key: "order_id", Value: 1}, {Key: "seq", Value: 1}}, Unique: true},
	}
}

func (s *Store) coll() *mongo.Collection { return s.db.Collection(collOrders) }

// Create validates o, numbers it, records the receive event and stores it.
// Events in then (an assignment at intake) are checked and applied after
// the receive event and stored with it: the new order is written once, in
// its final state, not once a step.
func (s *Store) Create(ctx context.Context, o *Order, actor Actor, then ...Event) error {
	if err := o.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	for attempt := 0; ; attempt++ {
		num, err := s.nextNumber(ctx, now)
		if err != nil {
			return err
		}
		o.ID = bson.NewObjectID().Hex()
		o.Number = num
		s.policy.Receive(o, actor, bson.NewObjectID().Hex(), now)
		for _, e := range then {
			e.ID, e.At = bson.NewObjectID().Hex(), now
			if err := s.policy.Step(o, &e); err != nil {
				return err
			}
		}
		_, err = s.coll().InsertOne(ctx, o)
		if err == nil {
			break
		}
		// The number is taken: the counter handed it out twice (see
		// nextNumber) or was reset. Each retry moves the counter on.
		if !store.IsDuplicate(err) || attempt == maxNumberAttempts {
			return fmt.Errorf("insert work order: %w", err)
		}
	}
	evs := make([]any, len(o.Events))
	for i, e := range o.Events {
		evs[i] = storedEvent(o.ID, e)
	}
	if _, err := s.events().InsertMany(ctx, evs); err != nil {
		return fmt.Errorf("insert work order event: %w", err)
	}
	if err := s.indexOrder(ctx, o); err != nil {
		return err
	}
	return s.rememberHistory(ctx, o)
}

// maxNumberAttempts bounds the retries for a free number; each costs two
// small writes, and even forty operators at once need only a few.
const maxNumberAttempts = 50

// nextNumber hands out 20261125-0001, -0002, ... per local day from one
// counter document per day. On MongoDB the $inc is atomic; on the embedded
// store the numbering lock makes it so. Several processes on one MongoDB
// with a counter restored from an old backup could still meet a taken
// number: the unique index on number decides and Create retries.
func (s *Store) nextNumber(ctx context.Context, now time.Time) (string, error) {
	day := now.In(s.policy.Location()).Format("20060102")
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	for attempt := 0; ; attempt++ {
		var c struct {
			N int `bson:"n"`
		}
		s.numbering.Lock()
		err := s.db.Collection(collCounters).FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: day}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}, opts).Decode(&c)
		s.numbering.Unlock()
		if err == nil {
			return fmt.Sprintf("%s-%04d", day, c.N), nil
		}
		// Two first-of-the-day upserts race to insert the counter; the
		// loser sees a duplicate and simply increments the winner's.
		if !store.IsDuplicate(err) || attempt == 5 {
			return "", fmt.Errorf("number work order: %w", err)
		}
	}
}

// eventDoc is an event as stored: one document per event, its _id made of
// the order id and the sequence number, so that two steps from the same
// state cannot both be stored — the unique _id decides who was first,
// which holds on the embedded store too, where a conditional update does not.
type eventDoc struct {
	ID      string `bson:"_id"`
	OrderID string `bson:"order_id"`
	Event   `bson:",inline"`
}

func storedEvent(orderID string, e Event) eventDoc {
	return eventDoc{ID: eventID(orderID, e.Seq), OrderID: orderID, Event: e}
}

func eventID(orderID string, seq int) string { return fmt.Sprintf("%s/%06d", orderID, seq) }

func (s *Store) events() *mongo.Collection { return s.db.Collection(collEvents) }

// Get returns the order with id, with its events, its state derived from
// them. A stored state that lags behind the events (a crash between the
// event insert and the state update) is repaired on the way.
func (s *Store) Get(ctx context.Context, id string) (*Order, error) {
	o, err := s.order(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.Events, err = s.eventsOf(ctx, id, 1); err != nil {
		return nil, err
	}
	r := Replay(*o)
	if r.Version != o.Version {
		if err := s.saveState(ctx, &r); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// eventsOf reads the order's events from seq on, one find by _id
// (order/seq) each until the first missing one: ids, not a query on
// order_id, which the embedded store would answer by scanning every event.
func (s *Store) eventsOf(ctx context.Context, id string, from int) ([]Event, error) {
	var out []Event
	for seq := from; ; seq++ {
		var d eventDoc
		err := s.events().FindOne(ctx, bson.D{{Key: "_id", Value: eventID(id, seq)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("get work order events: %w", err)
		}
		out = append(out, d.Event)
	}
}

// Act appends e to order id after checking it against the current state.
// allow, when set, vets the order first (org scope). If someone else moved
// the order meanwhile, the event insert fails on its unique id and Act
// reads and checks again, so the flow holds under races without
// transactions.
func (s *Store) Act(ctx context.Context, id string, e Event, allow func(*Order) error) (*Order, *Event, error) {
	for attempt := 0; attempt < 5; attempt++ {
		o, err := s.Get(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if allow != nil {
			if err := allow(o); err != nil {
				return nil, nil, err
			}
		}
		ev := e
		ev.ID = bson.NewObjectID().Hex()
		ev.At = s.now().UTC()
		if err := s.policy.Step(o, &ev); err != nil {
			return nil, nil, err
		}
		_, err = s.events().InsertOne(ctx, storedEvent(id, ev))
		if store.IsDuplicate(err) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("append work order event: %w", err)
		}
		if err := s.saveState(ctx, o); err != nil {
			return nil, nil, err
		}
		return o, &ev, nil
	}
	return nil, nil, errBusy
}

// saveState stores what o's events imply and indexes it. A later state is
// never left replaced by an earlier one, with writes by _id only (the one filter the embedded store does not
// answer by scanning): after writing, it looks for the event after o's
// last; if one exists, a later step may have saved its state before this
// write, so the state is derived again from the events and written again.
// A step that inserts its event after that look saves after this write.
func (s *Store) saveState(ctx context.Context, o *Order) error {
	for {
		s.saving.Lock()
		_, err := s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: o.ID}}, bson.D{{Key: "$set", Value: derived(o)}})
		s.saving.Unlock()
		if err != nil {
			return fmt.Errorf("save work order state: %w", err)
		}
		later, err := s.eventsOf(ctx, o.ID, o.Version+1)
		if err != nil {
			return err
		}
		if len(later) == 0 {
			return s.indexOrder(ctx, o)
		}
		o.Events = append(o.Events, later...)
		r := Replay(*o)
		*o = r
	}
}

// derived is the stored copy of what the events imply.
func derived(o *Order) bson.D {
	return append(bson.D{
		{Key: "status", Value: o.Status}, {Key: "org_id", Value: o.OrgID}, {Key: "due_at", Value: o.DueAt},
		{Key: "extensions", Value: o.Extensions}, {Key: "extended_days", Value: o.ExtendedDays},
		{Key: "supervised", Value: o.Supervised}, {Key: "reopened", Value: o.Reopened},
		{Key: "replied_at", Value: o.RepliedAt}, {Key: "on_time", Value: o.OnTime},
		{Key: "closed_at", Value: o.ClosedAt}, {Key: "satisfaction", Value: o.Satisfaction},
		{Key: "resolution", Value: o.Resolution}, {Key: "assigned_at", Value: o.AssignedAt}, {Key: "accepted_at", Value: o.AcceptedAt},
		{Key: "updated_at", Value: o.UpdatedAt}, {Key: "version", Value: o.Version},
	}, derivedHandling(o)...)
}

// Filter selects orders for lists, statistics and the ledger.
type Filter struct {
	Statuses  []Status
	OrgIDs    []string // the caller's scope; nil means every org
	OrgID     string
	Overdue   bool      // awaiting the reply past the deadline at Now
	Now       time.Time // for Overdue
	From, To  time.Time // created_at in [From, To); zero means open
	Q         string    // substring of number or content
	PhoneHash string    // same caller
	// Unsatisfied keeps orders called back unsatisfied (the 重办 queue).
	Unsatisfied bool
	// PendingExtension keeps orders whose extension request awaits a decision.
	PendingExtension bool
	// The all-orders list's filters (workspace_filter.go).
	Kind       Kind
	Channel    Channel
	Category   string // a key path: the node and everything under it
	Supervised bool   // 督办 at least once
}

func (f Filter) query() bson.D {
	q := bson.D{}
	var and bson.A
	if len(f.Statuses) > 0 {
		and = append(and, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: f.Statuses}}}})
	}
	if f.Overdue {
		and = append(and, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: OpenStatuses}}}},
			bson.D{{Key: "due_at", Value: bson.D{{Key: "$lt", Value: f.Now.UTC()}}}})
	}
	if f.OrgIDs != nil {
		and = append(and, bson.D{{Key: "org_id", Value: bson.D{{Key: "$in", Value: f.OrgIDs}}}})
	}
	if f.OrgID != "" {
		and = append(and, bson.D{{Key: "org_id", Value: f.OrgID}})
	}
	if !f.From.IsZero() {
		and = append(and, bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: f.From.UTC()}}}})
	}
	if !f.To.IsZero() {
		and = append(and, bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: f.To.UTC()}}}})
	}
	if f.PhoneHash != "" {
		and = append(and, bson.D{{Key: "caller.phone_hash", Value: f.PhoneHash}})
	}
	if f.Unsatisfied {
		and = append(and, bson.D{{Key: "satisfaction", Value: Unsatisfied}})
	}
	if f.PendingExtension {
		and = append(and, bson.D{{Key: "extension_request", Value: bson.D{{Key: "$exists", Value: true}}}})
	}
	if f.Q != "" {
		re := bson.D{{Key: "$regex", Value: regexp.QuoteMeta(f.Q)}}
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "number", Value: re}}, bson.D{{Key: "content", Value: re}},
		}}})
	}
	and = append(and, f.workspaceQuery()...)
	if len(and) > 0 {
		q = append(q, bson.E{Key: "$and", Value: and})
	}
	return q
}

// Each calls fn for every order matching f in creation order, without
// events, streaming from the store (statistics and the ledger).
func (s *Store) Each(ctx context.Context, f Filter, fn func(*Order) error) error {
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	cur, err := s.coll().Find(ctx, f.query(), opts)
	if err != nil {
		return fmt.Errorf("read work orders: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var o Order
		if err := cur.Decode(&o); err != nil {
			return fmt.Errorf("read work orders: %w", err)
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read work orders: %w", err)
	}
	return nil
}

// Ref names another order, for the duplicate hint.
type Ref struct {
	ID        string    `bson:"_id" json:"id"`
	Number    string    `bson:"number" json:"number"`
	Status    Status    `bson:"status" json:"status"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
}
