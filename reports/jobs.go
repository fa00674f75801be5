package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/store"
	"minyi/surveys"
)

const collExports = "exports"

// Job statuses.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Job is one background export. Its file is kept in the store as Chunks
// chunks (collChunks) while the job is kept (a day), so any instance
// serves it.
type Job struct {
	ID         string     `bson:"_id" json:"id"`
	Kind       string     `bson:"kind" json:"kind"`
	SurveyID   string     `bson:"survey_id" json:"survey_id"`
	Status     string     `bson:"status" json:"status"`
	Percent    int        `bson:"percent" json:"percent"`
	Rows       int64      `bson:"rows" json:"rows"`
	Error      string     `bson:"error,omitempty" json:"error,omitempty"`
	FileName   string     `bson:"file_name" json:"file_name"`
	ASCIIName  string     `bson:"ascii_name" json:"-"`
	Size       int64      `bson:"size,omitempty" json:"size,omitempty"`
	Owner      string     `bson:"owner" json:"-"` // who asked: only they (and admins) may read it
	Orgs       []string   `bson:"orgs,omitempty" json:"-"`
	Group      string     `bson:"group,omitempty" json:"group,omitempty"`   // the rater group filter of a survey_report
	OrgID      string     `bson:"org_id,omitempty" json:"org_id,omitempty"` // the org filter (its subtree) of a survey_report
	Texts      bool       `bson:"texts" json:"-"`
	Raw        bool       `bson:"raw" json:"-"`
	CreatedAt  time.Time  `bson:"created_at" json:"created_at"`
	FinishedAt *time.Time `bson:"finished_at,omitempty" json:"finished_at,omitempty"`

	Instance  string    `bson:"instance" json:"-"`   // the runner that runs it
	UpdatedAt time.Time `bson:"updated_at" json:"-"` // its heartbeat while queued or running
	Chunks    int       `bson:"chunks" json:"-"`     // chunks stored so far (all of them once done)
	ChunkSize int       `bson:"chunk_size" json:"-"`
	Slot      string    `bson:"slot,omitempty" json:"-"` // the owner's slot it holds while unfinished
}

// Indexes are the exports collection's indexes: the janitor finds old
// jobs by created_at.
func Indexes() []store.Index {
	return []store.Index{{Collection: collExports, Name: "created_at", Keys: bson.D{{Key: "created_at", Value: 1}}}}
}

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	Keep      time.Duration // how long jobs and files are kept (default a day)
	Sweep     time.Duration // how often the janitor runs (default an hour)
	Parallel  int           // jobs run at once by this runner (default 1: the machine also serves ballots)
	PerUser   int           // unfinished (queued or running) jobs one person may have, all instances together (default 2)
	ChunkSize int           // bytes a stored chunk holds (default DefaultChunkSize)
	Heartbeat time.Duration // how often an unfinished job records that its runner lives (default 30 s)
	Stale     time.Duration // an unfinished job without a heartbeat this long lost its runner (default 3 min)
	Instance  string        // this runner's id, recorded on its jobs (default random)
	Now       func() time.Time
	Logger    *slog.Logger
}

// Runner runs export jobs in the background, independent of the request
// that asked for them: a client that disconnects does not stop its job;
// Close (at shutdown) does. Several runners (instances) share one
// database: each runs the jobs it took, any serves any finished file.
type Runner struct {
	db   *mongo.Database
	src  *Source
	cfg  RunnerConfig
	log  *slog.Logger
	now  func() time.Time
	sem  chan struct{}
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup // the janitor and the jobs
	jobs sync.WaitGroup // the jobs alone, for Wait

	mu     sync.Mutex // orders Submit's Add with Close's Wait
	closed bool
}

// NewRunner returns a runner keeping its files in db.
func NewRunner(db *mongo.Database, src *Source, cfg RunnerConfig) (*Runner, error) {
	if cfg.Keep <= 0 {
		cfg.Keep = 24 * time.Hour
	}
	if cfg.Sweep <= 0 {
		cfg.Sweep = time.Hour
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 1
	}
	if cfg.PerUser <= 0 {
		cfg.PerUser = 2
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = DefaultChunkSize
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 30 * time.Second
	}
	if cfg.Stale <= 0 {
		cfg.Stale = 3 * time.Minute
	}
	if cfg.Stale < 2*cfg.Heartbeat {
		return nil, errors.New("exports: Stale must be at least two heartbeats")
	}
	if cfg.Instance == "" {
		cfg.Instance = newID()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Runner{db: db, src: src, cfg: cfg, log: cfg.Logger, now: cfg.Now,
		sem: make(chan struct{}, cfg.Parallel), ctx: ctx, stop: stop}, nil
}

func (r *Runner) coll() *mongo.Collection   { return r.db.Collection(collExports) }
func (r *Runner) chunks() *mongo.Collection { return r.db.Collection(collChunks) }

// Source is the runner's source, for direct downloads.
func (r *Runner) Source() *Source { return r.src }

// Close stops running jobs (their partial chunks are removed) and the
// janitor, and waits for them.
func (r *Runner) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.stop()
	r.wg.Wait()
}

// Wait waits for every job submitted so far to finish (tests).
func (r *Runner) Wait() { r.jobs.Wait() }

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Submit queues a job for req on survey sv and starts it in the background;
// 429 export_limit while owner already has PerUser unfinished jobs.
func (r *Runner) Submit(ctx context.Context, sv *surveys.Survey, req Request, owner string) (*Job, error) {
	if err := CheckKind(req.Kind); err != nil {
		return nil, err
	}
	errClosing := minyi.E(minyi.ErrUnavailable, "shutting_down", "服务正在停止，请稍后再试")
	if r.ctx.Err() != nil {
		return nil, errClosing
	}
	now := r.now()
	name, ascii := FileName(sv, req.Kind, now.In(r.src.loc()))
	j := &Job{ID: newID(), Kind: req.Kind, SurveyID: sv.ID, Status: StatusQueued, FileName: name, ASCIIName: ascii,
		Owner: owner, Orgs: req.Orgs, Group: req.Group, OrgID: req.OrgID, Texts: req.Texts, Raw: req.Raw,
		CreatedAt: now.UTC().Truncate(time.Millisecond), Instance: r.cfg.Instance,
		UpdatedAt: now.UTC().Truncate(time.Millisecond), ChunkSize: r.cfg.ChunkSize}
	// The job is stored before it reserves a slot: a slot whose job is
	// missing is taken over by the next request (a crash left it).
	if _, err := r.coll().InsertOne(ctx, j); err != nil {
		return nil, fmt.Errorf("insert export job: %w", err)
	}
	slot, err := r.reserve(ctx, owner, j.ID)
	if err == nil {
		j.Slot = slot
		err = r.set(ctx, j.ID, bson.D{{Key: "slot", Value: slot}})
	}
	if err != nil {
		bg := context.WithoutCancel(ctx)
		_ = r.release(bg, slot, j.ID)
		if _, derr := r.coll().DeleteOne(bg, bson.D{{Key: "_id", Value: j.ID}}); derr != nil {
			r.log.Warn("export job: remove refused job", "job", j.ID, "err", derr)
		}
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.fail(j, 0, context.Canceled)
		return nil, errClosing
	}
	r.wg.Add(1)
	r.jobs.Add(1)
	go func() {
		defer r.wg.Done()
		defer r.jobs.Done()
		r.run(sv, j, req)
	}()
	return j, nil
}

func (r *Runner) set(ctx context.Context, id string, fields bson.D) error {
	_, err := r.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	return err
}

// heartbeat records every Heartbeat that this runner still owns job id,
// until the returned stop is called: another instance starting (or its
// janitor) fails only jobs whose heartbeat stopped.
func (r *Runner) heartbeat(id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.cfg.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-r.ctx.Done():
				return
			case <-t.C:
			}
			if err := r.set(r.ctx, id, bson.D{{Key: "updated_at", Value: r.now().UTC()}}); err != nil && r.ctx.Err() == nil {
				r.log.Warn("export job: heartbeat", "job", id, "err", err)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// run builds the job's file into chunks; the job is marked done (and its
// file served) only once every chunk is stored. On failure its chunks are
// removed.
func (r *Runner) run(sv *surveys.Survey, j *Job, req Request) {
	ctx := r.ctx
	stop := r.heartbeat(j.ID)
	defer stop()
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		r.fail(j, 0, ctx.Err())
		return
	}
	if err := r.set(ctx, j.ID, bson.D{{Key: "status", Value: StatusRunning}, {Key: "updated_at", Value: r.now().UTC()}}); err != nil {
		r.fail(j, 0, err)
		return
	}
	w := newChunkWriter(ctx, r.chunks(), j.ID, r.cfg.ChunkSize, func(n int) error {
		return r.set(ctx, j.ID, bson.D{{Key: "chunks", Value: n}})
	})
	rows, err := r.write(ctx, sv, j, req, w)
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		r.fail(j, w.n, err)
		return
	}
	done := r.now().UTC()
	if err := r.set(context.WithoutCancel(ctx), j.ID, bson.D{{Key: "status", Value: StatusDone}, {Key: "percent", Value: 100},
		{Key: "rows", Value: rows}, {Key: "size", Value: w.size}, {Key: "chunks", Value: w.n},
		{Key: "updated_at", Value: done}, {Key: "finished_at", Value: done}}); err != nil {
		r.log.Error("export job: record done", "job", j.ID, "err", err)
		return
	}
	if err := r.release(context.WithoutCancel(ctx), j.Slot, j.ID); err != nil {
		r.log.Warn("export job: release slot", "job", j.ID, "err", err)
	}
}

// write streams the workbook into w and returns how many ballot rows it holds.
func (r *Runner) write(ctx context.Context, sv *surveys.Survey, j *Job, req Request, w io.Writer) (rows int64, err error) {
	// Progress is recorded when the percentage moves: at most a hundred
	// writes however many ballots there are.
	last := -1
	progress := func(done, total int64) {
		pct := 0
		if total > 0 {
			pct = int(done * 99 / total) // 100 only once the file is complete
		}
		if pct == last {
			return
		}
		last = pct
		if err := r.set(ctx, j.ID, bson.D{{Key: "percent", Value: pct}, {Key: "rows", Value: done},
			{Key: "updated_at", Value: r.now().UTC()}}); err != nil && ctx.Err() == nil {
			r.log.Warn("export job: progress", "job", j.ID, "err", err)
		}
	}
	err = r.src.Write(ctx, w, sv, req, func(done, total int64) {
		rows = done
		progress(done, total)
	})
	return rows, err
}

// fail records a failed job, removes the chunks it stored (up to chunks)
// and frees its slot. The reader sees a Chinese reason: a domain error's
// own message, otherwise a generic one (the cause goes to the log).
func (r *Runner) fail(j *Job, chunks int, err error) {
	msg := "导出失败，请稍后重试或联系管理员"
	var me *minyi.Error
	switch {
	case errors.As(err, &me):
		msg = "导出失败：" + me.Message
	case errors.Is(err, context.Canceled):
		msg = "服务正在停止，导出中断，请重新导出"
	}
	r.log.Error("export job failed", "job", j.ID, "survey", j.SurveyID, "kind", j.Kind, "err", err)
	r.markFailed(context.WithoutCancel(r.ctx), j, chunks, msg)
}

// markFailed records job j failed with msg, then deletes its chunks and
// frees its slot; what cannot be removed now the janitor removes later.
func (r *Runner) markFailed(ctx context.Context, j *Job, chunks int, msg string) {
	done := r.now().UTC()
	if err := r.set(ctx, j.ID, bson.D{{Key: "status", Value: StatusFailed}, {Key: "error", Value: msg},
		{Key: "updated_at", Value: done}, {Key: "finished_at", Value: done}}); err != nil {
		r.log.Error("export job: record failure", "job", j.ID, "err", err)
		return
	}
	if err := deleteChunks(ctx, r.chunks(), j.ID, chunks); err != nil {
		r.log.Warn("export job: remove chunks", "job", j.ID, "err", err)
	}
	if err := r.release(ctx, j.Slot, j.ID); err != nil {
		r.log.Warn("export job: release slot", "job", j.ID, "err", err)
	}
}

var errJobNotFound = minyi.NotFound("export_not_found", "导出任务")

// Get returns job id.
func (r *Runner) Get(ctx context.Context, id string) (*Job, error) {
	var j Job
	err := r.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&j)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errJobNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get export job: %w", err)
	}
	return &j, nil
}

// Reader streams a finished job's file from the store, chunk by chunk by
// _id, whichever instance wrote it; 409 export_not_ready until it is done,
// 410 export_expired once the janitor removed it. The first chunk is read
// here, so that an expired file is refused before a response starts.
func (r *Runner) Reader(ctx context.Context, j *Job) (io.ReadCloser, error) {
	switch j.Status {
	case StatusDone:
	case StatusFailed:
		return nil, minyi.E(minyi.ErrConflict, "export_failed", "导出失败，没有文件："+j.Error)
	default:
		return nil, minyi.E(minyi.ErrConflict, "export_not_ready", "文件还在生成中，请稍候")
	}
	cr := &chunkReader{ctx: ctx, coll: r.chunks(), job: j.ID, n: j.Chunks}
	if j.Chunks > 0 {
		if err := cr.fetch(); err != nil {
			return nil, err
		}
	}
	return cr, nil
}
