package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"minyi/store"
	"slices"
	"strings"
	"time"

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
//   - the working set: one document per status, _id "active/<status>",
//     holds a summary of every order in that status, except orders called
//     back satisfied or basic (fully handled; only an unsatisfied callback
//     stays, for 重办). The queues and the lists filtered to such statuses
//     read one document per status;
//   - every other list (all statuses, 已回访, text or phone search, a period)
//     walks the day buckets of a store.Timeline newest first;
//   - the duplicate hint reads "dup/<phone hash>/<org>/<kind>", the recent
//     orders of that caller, branch and kind;
//   - the detail reads the order and its events by their _ids (order/seq).
//
// Summaries are hints: a page fetches each order it shows by _id and checks
// the filter against it, so a crash between the order's write and its
// summary's leaves a stale hint (skipped, and rewritten), never a wrong row.
// On MongoDB the same documents are read the same way, by _id.
const (
	collIndex     = "work_order_index"
	activePrefix  = "active/"
	dupPrefix     = "dup/"
	indexedMarker = "meta/indexed"
)

// summary is what an index entry holds of an order.
type summary struct {
	Number    string       `bson:"n"`
	Status    Status       `bson:"s"`
	OrgID     string       `bson:"o,omitempty"`
	Kind      Kind         `bson:"k"`
	PhoneHash string       `bson:"p,omitempty"`
	Content   string       `bson:"c,omitempty"` // timeline only, for the text search
	Sat       Satisfaction `bson:"sat,omitempty"`
	CreatedAt time.Time    `bson:"t"`
	DueAt     time.Time    `bson:"d"`
	Version   int          `bson:"v"`
	// For the all-orders list's filters (workspace_filter.go).
	Channel    Channel `bson:"ch,omitempty"`
	Category   string  `bson:"cat,omitempty"`
	Supervised int     `bson:"sup,omitempty"`
}

func summarize(o *Order) summary {
	return summary{Number: o.Number, Status: o.Status, OrgID: o.OrgID, Kind: o.Kind, PhoneHash: o.Caller.Hash,
		Sat: o.Satisfaction, CreatedAt: o.CreatedAt, DueAt: o.DueAt, Version: o.Version,
		Channel: o.Channel, Category: o.Category, Supervised: o.Supervised}
}

// inWorkingSet: orders still to be handled, and unsatisfied callbacks.
func inWorkingSet(st Status, sat Satisfaction) bool {
	return st != StatusMerged && (st != StatusCalledBack || sat == Unsatisfied)
}

func (s *Store) index() *mongo.Collection { return s.db.Collection(collIndex) }

// indexOrder writes o's summaries: its timeline entry, and its working-set
// entry (moved from prev, the status it was stored with before, if that
// differs).
func (s *Store) indexOrder(ctx context.Context, o *Order, prev Status) error {
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
	var models []mongo.WriteModel
	if prev != "" && prev != o.Status {
		models = append(models, unsetEntry(prev, o.ID))
	}
	if inWorkingSet(o.Status, o.Satisfaction) {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: activePrefix + string(o.Status)}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "e." + o.ID, Value: sum}}}}).SetUpsert(true))
	} else {
		models = append(models, unsetEntry(o.Status, o.ID))
	}
	err := store.Upserted(func() error {
		_, err := s.index().BulkWrite(ctx, models)
		return err
	})
	if err != nil {
		return fmt.Errorf("index work order: %w", err)
	}
	return nil
}

func unsetEntry(st Status, id string) mongo.WriteModel {
	return mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: activePrefix + string(st)}}).
		SetUpdate(bson.D{{Key: "$unset", Value: bson.D{{Key: "e." + id, Value: ""}}}})
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
	st      Status // the status of the summary
}

// hints are up to n index entries matching f, in list order (newest day,
// then highest id), below the cursor.
func (s *Store) hints(ctx context.Context, f Filter, cur hint, n int) ([]hint, error) {
	if sts := f.workingSetStatuses(); sts != nil {
		var out []hint
		for _, st := range sts {
			var d struct {
				E map[string]summary `bson:"e"`
			}
			err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: activePrefix + string(st)}}).Decode(&d)
			if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
				return nil, fmt.Errorf("read work-order queue: %w", err)
			}
			for id, m := range d.E {
				h := hint{day: s.timeline.Day(m.CreatedAt), id: id, st: st}
				if f.matches(m) && (cur.id == "" || before(h, cur)) {
					out = append(out, h)
				}
			}
		}
		slices.SortFunc(out, func(a, b hint) int { return -cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.id, b.id)) })
		return out[:min(n, len(out))], nil
	}
	var out []hint
	err := s.timeline.Walk(ctx, cur.day, cur.id, f.From, f.To, func(id string, raw bson.Raw) (bool, error) {
		var m summary
		if err := bson.Unmarshal(raw, &m); err != nil {
			return false, fmt.Errorf("read work-order index: %w", err)
		}
		if f.matches(m) {
			out = append(out, hint{day: s.timeline.Day(m.CreatedAt), id: id, st: m.Status})
		}
		return len(out) < n, nil
	})
	return out, err
}

func before(a, b hint) bool { return a.day < b.day || a.day == b.day && a.id < b.id }

// List returns up to limit orders matching f, newest first, after the
// cursor (an order id), and the cursor of the next page ("" at the end).
func (s *Store) List(ctx context.Context, f Filter, limit int, after string) ([]Order, string, error) {
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
		hs, err := s.hints(ctx, f, cur, n)
		if err != nil {
			return nil, "", err
		}
		for _, h := range hs {
			o, err := s.order(ctx, h.id)
			if errors.Is(err, errOrderNotFound) {
				continue
			}
			if err != nil {
				return nil, "", err
			}
			full := summarize(o)
			full.Content = o.Content
			if !f.matches(full) {
				// A stale hint: the order moved on after its summary was
				// written (or a crash between the two). Rewrite it.
				if err := s.indexOrder(ctx, o, h.st); err != nil {
					return nil, "", err
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

// dupRef is one recent order of a caller, branch and kind.
type dupRef struct {
	ID        string    `bson:"id"`
	CreatedAt time.Time `bson:"t"`
}

func dupID(o *Order) string {
	return dupPrefix + o.Caller.Hash + "/" + o.OrgID + "/" + string(o.Kind)
}

// rememberCaller adds o to its caller's recent orders, dropping those past
// the window.
func (s *Store) rememberCaller(ctx context.Context, o *Order) error {
	if o.Caller.Hash == "" {
		return nil
	}
	s.indexing.Lock()
	defer s.indexing.Unlock()
	refs, err := s.recent(ctx, o)
	if err != nil {
		return err
	}
	keep := []dupRef{{ID: o.ID, CreatedAt: o.CreatedAt}}
	for _, r := range refs {
		if r.ID != o.ID && r.CreatedAt.After(o.CreatedAt.Add(-DuplicateWindow)) {
			keep = append(keep, r)
		}
	}
	err = store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: dupID(o)}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "refs", Value: keep}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("remember caller: %w", err)
	}
	return nil
}

func (s *Store) recent(ctx context.Context, o *Order) ([]dupRef, error) {
	var d struct {
		Refs []dupRef `bson:"refs"`
	}
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: dupID(o)}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read caller's orders: %w", err)
	}
	return d.Refs, nil
}

// Duplicates lists earlier orders from the same phone to the same org about
// the same kind within DuplicateWindow of o, newest first. It is a hint for
// the operator, never a refusal: callers do call twice about two things.
func (s *Store) Duplicates(ctx context.Context, o *Order) ([]Ref, error) {
	out := []Ref{}
	if o.Caller.Hash == "" {
		return out, nil
	}
	refs, err := s.recent(ctx, o)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(refs, func(a, b dupRef) int { return cmp.Compare(b.ID, a.ID) })
	for _, r := range refs {
		if r.ID == o.ID || r.CreatedAt.Before(o.CreatedAt.Add(-DuplicateWindow)) || len(out) == 10 {
			continue
		}
		d, err := s.order(ctx, r.ID)
		if errors.Is(err, errOrderNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if d.OrgID == o.OrgID && d.Kind == o.Kind && d.Caller.Hash == o.Caller.Hash {
			out = append(out, Ref{ID: d.ID, Number: d.Number, Status: d.Status, CreatedAt: d.CreatedAt})
		}
	}
	return out, nil
}

// EnsureIndexed builds the index documents for orders stored before they
// existed (one stream of the orders, once per database), then marks the
// database indexed. Run it at start, after store.EnsureIndexes.
func (s *Store) EnsureIndexed(ctx context.Context) error {
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: indexedMarker}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("work-order index: %w", err)
	}
	err = s.Each(ctx, Filter{}, func(o *Order) error {
		if err := s.indexOrder(ctx, o, ""); err != nil {
			return err
		}
		if o.CreatedAt.After(s.now().Add(-DuplicateWindow)) {
			return s.rememberCaller(ctx, o)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: indexedMarker}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: s.now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("work-order index: %w", err)
	}
	return nil
}
