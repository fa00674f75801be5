package feedback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
)

// The 三率 assessment reads no order. Each unit has one document per month
// of receipt in collIndex, _id "assess/<yyyy-mm>/<org id>", holding a
// compact record per order whose latest assignment is to that unit
// (e.<order id>). Every saved state rewrites the order's record (indexOrder
// calls assessWrites), and moves it when the order goes to another unit. An
// assessment of a period then reads months × units documents by _id: the
// cost follows the org tree and the length of the period, never the history.
const (
	assessPrefix   = "assess/"
	assessedMarker = "meta/assessed"
)

// AssessRecord is what the assessment keeps of one order, stored as one
// string (assessment_record.go).
type AssessRecord struct {
	Number       string
	Kind         Kind
	Category     string // the order's category key path
	Received     time.Time
	Assigned     time.Time
	Accepted     *time.Time
	Resolution   Resolution
	Satisfaction Satisfaction
}

// assessed reports whether o counts for its unit: dispatched to it and in
// the unit's hands or past them. A returned order waits for the dispatcher,
// not the unit; any status not named here (a duplicate merged into its
// original, say) does not count either.
func (o *Order) assessed() bool {
	if o.OrgID == "" || o.AssignedAt == nil {
		return false
	}
	switch o.Status {
	case StatusAssigned, StatusAccepted, StatusReplied, StatusClosed, StatusCalledBack:
		return true
	}
	return false
}

func assessID(month, org string) string { return assessPrefix + month + "/" + org }

// AssessMonth is the month key of an instant in the calendar's zone.
func (s *Store) AssessMonth(t time.Time) string { return t.In(s.policy.Location()).Format("2006-01") }

// assessWrites adds o's record in its unit's month document to w, and
// its removal from those of the units it was assigned to before (from its
// events, when loaded) or that it no longer counts for.
func (s *Store) assessWrites(o *Order, w *writeSet) {
	month := s.AssessMonth(o.CreatedAt)
	counted := o.assessed()
	for _, e := range o.Events {
		if e.Action == ActionAssign && e.OrgID != "" && (!counted || e.OrgID != o.OrgID) {
			w.unset(assessID(month, e.OrgID), "e."+o.ID)
		}
	}
	if !counted {
		if o.OrgID != "" {
			w.unset(assessID(month, o.OrgID), "e."+o.ID)
		}
		return
	}
	w.set(assessID(month, o.OrgID), "e."+o.ID, AssessRecord{Number: o.Number, Kind: o.Kind, Category: o.Category,
		Received: o.CreatedAt, Assigned: *o.AssignedAt, Accepted: o.AcceptedAt, Resolution: o.Resolution, Satisfaction: o.Satisfaction})
}

// AssessRecords reads the records of orgs for months (yyyy-mm), one find by
// _id per unit and month, four at a time: org id → its records.
func (s *Store) AssessRecords(ctx context.Context, months, orgs []string) (map[string][]AssessRecord, error) {
	parts := make([]map[string]AssessRecord, len(orgs)*len(months))
	err := store.Parallel(ctx, len(parts), 4, func(ctx context.Context, i int) error {
		var d struct {
			E map[string]AssessRecord `bson:"e"`
		}
		err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: assessID(months[i%len(months)], orgs[i/len(months)])}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read assessment records: %w", err)
		}
		parts[i] = d.E
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]AssessRecord, len(orgs))
	for i, part := range parts {
		org := orgs[i/len(months)]
		for _, r := range part {
			out[org] = append(out[org], r)
		}
	}
	return out, nil
}

// EnsureAssessed writes the assessment records of orders stored before
// they existed (one pass over the orders and their events, once per
// database), then marks the database. Run it at start, after
// EnsureIndexed.
func (s *Store) EnsureAssessed(ctx context.Context) error {
	return s.once(ctx, assessedMarker, func() error {
		return s.Each(ctx, Filter{}, func(o *Order) error { return s.assessStored(ctx, o) })
	})
}

// assessStored writes a stored order's state and assessment record, its
// events replayed (for EnsureAssessed).
func (s *Store) assessStored(ctx context.Context, o *Order) error {
	if o.OrgID == "" {
		return nil // never dispatched: nothing to assess
	}
	full, err := s.Get(ctx, o.ID) // replays the events: assigned_at and accepted_at
	if err != nil {
		return err
	}
	s.saving.Lock()
	_, err = s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: full.ID}}, bson.D{{Key: "$set", Value: derived(full)}})
	s.saving.Unlock()
	if err != nil {
		return fmt.Errorf("save work order state: %w", err)
	}
	var w writeSet
	s.assessWrites(full, &w)
	return s.writeIndex(ctx, &w, &writeSet{})
}
