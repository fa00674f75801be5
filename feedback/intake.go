package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// WithSettings makes new orders carry a category of cats and deadlines
// count the administrators' calendar entries of cal (refreshed first).
func (s *Store) WithSettings(cats *Categories, cal *Calendar) {
	s.cats, s.cal = cats, cal
}

// Categories is the catalogue the service checks orders against (nil when
// none was given).
func (s *Service) Categories() *Categories { return s.store.cats }

// intakeSteps are the events an order taken with its unit starts with
// besides its receipt (API.md second round): one assign by the operator
// who took the call, so the secretary sees it at once. Without a unit it
// waits in 待派单.
func intakeSteps(o *Order, p *minyi.Principal) []Event {
	if o.OrgID == "" {
		return nil
	}
	return []Event{{Action: ActionAssign, Actor: ActorOf(p), OrgID: o.OrgID}}
}

// The caller's history: one index document per caller (keyed hash), _id
// "caller/<hash>", listing that number's latest orders, so the detail page
// shows what the caller reported before, a phone search finds the caller's
// orders and the duplicate hint finds the same caller, unit and kind, all
// without a query on the orders.
const (
	callerPrefix   = "caller/"
	maxCallerOrder = 100
)

// dupRef is one order of a caller's history, with the unit and kind it was
// taken with (empty in references stored before they were kept).
type dupRef struct {
	ID        string    `bson:"id"`
	CreatedAt time.Time `bson:"t"`
	OrgID     string    `bson:"o,omitempty"`
	Kind      Kind      `bson:"k,omitempty"`
}

// rememberHistory adds o to its caller's history, keeping the newest
// maxCallerOrder.
func (s *Store) rememberHistory(ctx context.Context, o *Order) error {
	if o.Caller.Hash == "" {
		return nil
	}
	s.indexing.Lock()
	defer s.indexing.Unlock()
	refs, err := s.historyRefs(ctx, o.Caller.Hash)
	if err != nil {
		return err
	}
	refs = withHistory(refs, dupRef{ID: o.ID, CreatedAt: o.CreatedAt, OrgID: o.OrgID, Kind: o.Kind})
	err = store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: callerPrefix + o.Caller.Hash}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "refs", Value: refs}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("remember caller history: %w", err)
	}
	return nil
}

// withHistory is a caller's history refs with r added (or moved), newest
// first, at most maxCallerOrder.
func withHistory(refs []dupRef, r dupRef) []dupRef {
	refs = slices.DeleteFunc(refs, func(x dupRef) bool { return x.ID == r.ID })
	refs = append([]dupRef{r}, refs...)
	slices.SortStableFunc(refs, func(a, b dupRef) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return refs[:min(len(refs), maxCallerOrder)]
}

func (s *Store) historyRefs(ctx context.Context, hash string) ([]dupRef, error) {
	return s.refs(ctx, callerPrefix+hash)
}

// refs reads the references of an index document that lists orders (a
// caller's history, a unit's log); none when it does not exist.
func (s *Store) refs(ctx context.Context, id string) ([]dupRef, error) {
	var d struct {
		Refs []dupRef `bson:"refs"`
	}
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read order references: %w", err) // not the id: it holds a caller's hash
	}
	return d.Refs, nil
}

// HistoryItem is one earlier order of the same caller.
type HistoryItem struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	Status    Status    `json:"status"`
	Kind      Kind      `json:"kind"`
	Category  string    `json:"category,omitempty"`
	OrgID     string    `json:"org_id,omitempty"`
	Content   string    `json:"content"`
	CreatedAt time.Time `json:"created_at"`
}

// CallerHistory lists up to n other orders of o's caller, newest first,
// within scope (nil: every org).
func (s *Store) CallerHistory(ctx context.Context, o *Order, scope []string, n int) ([]HistoryItem, error) {
	out := []HistoryItem{}
	if o.Caller.Hash == "" {
		return out, nil
	}
	refs, err := s.historyRefs(ctx, o.Caller.Hash)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if r.ID == o.ID {
			continue
		}
		if len(out) == n {
			break
		}
		h, err := s.order(ctx, r.ID)
		if errors.Is(err, errOrderNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if scope != nil && !slices.Contains(scope, h.OrgID) {
			continue
		}
		out = append(out, HistoryItem{ID: h.ID, Number: h.Number, Status: h.Status, Kind: h.Kind, Category: h.Category,
			OrgID: h.OrgID, Content: h.Content, CreatedAt: h.CreatedAt})
	}
	return out, nil
}

// freshCalendar re-reads the administrators' calendar entries (at most
// every calendarTTL) before a deadline is set.
func (s *Service) freshCalendar(ctx context.Context) error {
	if s.store.cal == nil {
		return nil
	}
	return s.store.cal.Refresh(ctx)
}

// Calendar is the administrators' calendar the service refreshes (nil when
// none was given).
func (s *Service) Calendar() *Calendar { return s.store.cal }

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
