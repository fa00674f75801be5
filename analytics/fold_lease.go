package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
)

// The fold lease: one instance folds at a time.
//
// Each process folds its own ballots. On MongoDB two instances' $inc
// upserts of one tally document are atomic, but the embedded store applies
// concurrent updates of one document non-atomically (it reads, changes and
// writes back), so two instances folding at once on a shared embedded store
// lose increments — and a lost histogram increment is not seen by the
// reconciler, which compares ballot counts. A fold therefore first takes
// the lease: a document inserted under a fixed _id (a unique insert is the
// one write the embedded store applies atomically), deleted after the
// fold. A process that finds it taken keeps its deltas pending and tries
// again at its next fold. A lease older than foldLeaseStale (its holder
// died mid-fold) is broken; the holder's deltas are then lost with it,
// as in any crash, and the reconciliation heals the counts.

const (
	collTallyLocks = "tally_locks"
	foldLeaseID    = "fold"
	foldLeaseStale = 30 * time.Second
)

type foldLease struct {
	ID    string    `bson:"_id"`
	Taken time.Time `bson:"taken"`
}

// errLeaseHeld says another process is folding: try again later.
var errLeaseHeld = errors.New("fold lease held by another process")

// takeFoldLease inserts the lease, breaking a stale one once.
func (s *TallyStore) takeFoldLease(ctx context.Context) error {
	c := s.db.Collection(collTallyLocks)
	for try := 0; try < 2; try++ {
		_, err := c.InsertOne(ctx, foldLease{ID: foldLeaseID, Taken: time.Now().UTC()})
		if err == nil {
			return nil
		}
		if !store.IsDuplicate(err) {
			return fmt.Errorf("take fold lease: %w", err)
		}
		var held foldLease
		err = c.FindOne(ctx, bson.D{{Key: "_id", Value: foldLeaseID}}).Decode(&held)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			continue // released meanwhile
		case err != nil:
			return fmt.Errorf("read fold lease: %w", err)
		case time.Since(held.Taken) < foldLeaseStale:
			return errLeaseHeld
		}
		// Stale: delete exactly that lease (not a newer one), then retry.
		if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: foldLeaseID}, {Key: "taken", Value: held.Taken}}); err != nil {
			return fmt.Errorf("break fold lease: %w", err)
		}
	}
	return errLeaseHeld
}

// releaseFoldLease deletes the lease, whatever the request's state.
func (s *TallyStore) releaseFoldLease(ctx context.Context) {
	if _, err := s.db.Collection(collTallyLocks).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: foldLeaseID}}); err != nil {
		s.log.Error("release fold lease", "err", err)
	}
}
