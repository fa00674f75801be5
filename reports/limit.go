package reports

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
)

// collSlots holds one document per unfinished job of a person, _id
// "<owner>#<n>" for n below RunnerConfig.PerUser. A job reserves a slot by
// inserting it: the unique _id is the one check the embedded store applies
// atomically, across instances too, so two requests racing for the last
// slot cannot both win (a count followed by an insert could).
const collSlots = "export_slots"

type slot struct {
	ID  string `bson:"_id"`
	Job string `bson:"job"`
}

var errExportLimit = minyi.E(minyi.ErrRateLimited, "export_limit", "您已有导出任务正在进行，请等它们完成后再导出")

func (r *Runner) slots() *mongo.Collection { return r.db.Collection(collSlots) }

// reserve takes a free slot of owner for job and returns its id, or 429
// export_limit when every slot is held by an unfinished job. A slot whose
// job is finished, gone or stale (a crash left it) is taken over.
func (r *Runner) reserve(ctx context.Context, owner, job string) (string, error) {
	for n := range r.cfg.PerUser {
		id := owner + "#" + strconv.Itoa(n)
		ok, err := r.tryInsertSlot(ctx, id, job)
		if err != nil {
			return "", err
		}
		if ok {
			return id, nil
		}
	}
	for n := range r.cfg.PerUser {
		id := owner + "#" + strconv.Itoa(n)
		freed, err := r.reclaim(ctx, id)
		if err != nil {
			return "", err
		}
		if !freed {
			continue
		}
		ok, err := r.tryInsertSlot(ctx, id, job)
		if err != nil {
			return "", err
		}
		if ok {
			return id, nil
		}
	}
	return "", errExportLimit
}

func (r *Runner) tryInsertSlot(ctx context.Context, id, job string) (bool, error) {
	_, err := r.slots().InsertOne(ctx, slot{ID: id, Job: job})
	switch {
	case err == nil:
		return true, nil
	case mongo.IsDuplicateKeyError(err):
		return false, nil
	default:
		return false, fmt.Errorf("reserve export slot: %w", err)
	}
}

// reclaim deletes slot id if its job no longer holds it.
func (r *Runner) reclaim(ctx context.Context, id string) (bool, error) {
	var s slot
	err := r.slots().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read export slot: %w", err)
	}
	j, err := r.Get(ctx, s.Job)
	switch {
	case errors.Is(err, errJobNotFound):
	case err != nil:
		return false, err
	case j.Status == StatusQueued || j.Status == StatusRunning:
		if !r.stale(j) {
			return false, nil
		}
		r.failStale(ctx, j)
	}
	return true, r.release(ctx, id, s.Job)
}

// release frees slot id if job still holds it.
func (r *Runner) release(ctx context.Context, id, job string) error {
	if id == "" {
		return nil
	}
	if _, err := r.slots().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "job", Value: job}}); err != nil {
		return fmt.Errorf("release export slot: %w", err)
	}
	return nil
}
