package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
)

// Lists of orders: index entries (index.go) give the candidates, newest
// first; each order is then read by _id and checked against the filter.

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
