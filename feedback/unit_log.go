package feedback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store"
)

// What a unit did stays in its view: one index document per unit, _id
// "unit/<org id>", lists the orders its people signed for, sent back, asked
// to extend or answered, newest step first (at most maxUnitOrders), so the
// branch's 已处理 list shows an order it returned and the dispatcher sent
// elsewhere, too.

const (
	unitPrefix    = "unit/"
	maxUnitOrders = 300
)

// unitSteps are the steps a unit takes on its orders.
var unitSteps = []Action{ActionAccept, ActionReturn, ActionExtensionRequested, ActionReply}

// noteUnit records that o's unit took step e on it.
func (s *Service) noteUnit(ctx context.Context, o *Order, e *Event) error {
	if o.OrgID == "" || !slices.Contains(unitSteps, e.Action) {
		return nil
	}
	return s.store.rememberUnit(ctx, o.OrgID, dupRef{ID: o.ID, CreatedAt: e.At})
}

func (s *Store) rememberUnit(ctx context.Context, orgID string, r dupRef) error {
	s.indexing.Lock()
	defer s.indexing.Unlock()
	refs, err := s.unitRefs(ctx, orgID)
	if err != nil {
		return err
	}
	refs = withUnitStep(refs, r)
	err = store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: unitPrefix + orgID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "refs", Value: refs}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("remember unit's order: %w", err)
	}
	return nil
}

// withUnitStep is a unit's log refs with r first (moved, if its order was
// there), at most maxUnitOrders.
func withUnitStep(refs []dupRef, r dupRef) []dupRef {
	refs = slices.DeleteFunc(refs, func(x dupRef) bool { return x.ID == r.ID })
	return append([]dupRef{r}, refs...)[:min(len(refs)+1, maxUnitOrders)]
}

func (s *Store) unitRefs(ctx context.Context, orgID string) ([]dupRef, error) {
	return s.refs(ctx, unitPrefix+orgID)
}

// UnitOrders are up to n orders the units orgIDs acted on, the most
// recently handled first, as they stand now (an order sent back may since
// be with another unit).
func (s *Store) UnitOrders(ctx context.Context, orgIDs []string, n int) ([]Order, error) {
	var refs []dupRef
	for _, id := range orgIDs {
		r, err := s.unitRefs(ctx, id)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r...)
	}
	slices.SortFunc(refs, func(a, b dupRef) int { return cmp.Compare(b.CreatedAt.UnixNano(), a.CreatedAt.UnixNano()) })
	out := []Order{}
	seen := map[string]bool{}
	for _, r := range refs {
		if len(out) == n {
			break
		}
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		o, err := s.order(ctx, r.ID)
		if errors.Is(err, errOrderNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}
