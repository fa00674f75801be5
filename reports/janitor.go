package reports

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store"
)

// The janitor's reads list the exports collection (a filter on status or
// created_at, which the embedded store evaluates by scanning it). That
// stays bounded because the collection holds only jobs younger than Keep
// plus one sweep interval — a day of exports, tens or hundreds of small
// documents — whereas a per-day index document of job ids would be a
// second write per job that, without transactions, could drift from the
// jobs it lists. Chunks, the bulk of the data, are only ever touched by
// their computed _id.

// Start fails the unfinished jobs whose runner is gone (no heartbeat for
// Stale: a previous process, or a dead instance; jobs of live instances
// keep running) and starts the janitor, which does the same and removes
// jobs and files older than Keep every Sweep. Both stop at Close.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.failStaleJobs(ctx); err != nil {
		return err
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(r.cfg.Sweep)
		defer t.Stop()
		// The first sweep waits one interval: files live a day, so an hour
		// more after a restart costs nothing, and Start stays quick.
		for {
			select {
			case <-r.ctx.Done():
				return
			case <-t.C:
			}
			if _, err := r.Sweep(r.ctx); err != nil && r.ctx.Err() == nil {
				r.log.Warn("exports janitor", "err", err)
			}
		}
	}()
	return nil
}

// stale reports whether unfinished job j has lost its runner.
func (r *Runner) stale(j *Job) bool {
	return j.UpdatedAt.Before(r.now().Add(-r.cfg.Stale))
}

const msgStale = "服务重启或实例停止，导出中断，请重新导出"

func (r *Runner) failStale(ctx context.Context, j *Job) {
	r.log.Warn("export job lost its runner", "job", j.ID, "instance", j.Instance, "heartbeat", j.UpdatedAt)
	r.markFailed(ctx, j, j.Chunks, msgStale)
}

// failStaleJobs fails every unfinished job without a recent heartbeat.
func (r *Runner) failStaleJobs(ctx context.Context) error {
	open, err := store.FindAll[Job](ctx, r.coll(),
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{StatusQueued, StatusRunning}}}}}, "find unfinished exports")
	if err != nil {
		return fmt.Errorf("exports: fail stale jobs: %w", err)
	}
	for i := range open {
		if j := &open[i]; r.stale(j) {
			r.failStale(ctx, j)
		}
	}
	return nil
}

// Sweep fails stale jobs, then removes the jobs created more than Keep ago
// with their chunks (by _id, the job knows how many) and returns how many
// jobs it removed. Jobs still running on a live instance wait for the next
// sweep. Several instances may sweep at once: every delete is idempotent.
func (r *Runner) Sweep(ctx context.Context) (int, error) {
	if err := r.failStaleJobs(ctx); err != nil {
		return 0, err
	}
	cutoff := r.now().Add(-r.cfg.Keep)
	old, err := store.FindAll[Job](ctx, r.coll(), bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: cutoff}}}}, "sweep exports")
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range old {
		j := &old[i]
		if (j.Status == StatusRunning || j.Status == StatusQueued) && !r.stale(j) {
			continue
		}
		// Chunks first: a job whose removal is cut off is found again.
		if err := deleteChunks(ctx, r.chunks(), j.ID, j.Chunks); err != nil {
			return n, err
		}
		if err := r.release(ctx, j.Slot, j.ID); err != nil {
			return n, err
		}
		if _, err := r.coll().DeleteOne(ctx, bson.D{{Key: "_id", Value: j.ID}}); err != nil {
			return n, fmt.Errorf("sweep exports: %w", err)
		}
		n++
	}
	return n, nil
}
