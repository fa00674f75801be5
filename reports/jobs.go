package reports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

// Job is one background export. Its file lives in the runner's directory
// as <id>.xlsx while the job is kept (a day).
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
}

// Indexes are the exports collection's indexes: the janitor finds old
// jobs by created_at.
func Indexes() []store.Index {
	return []store.Index{{Collection: collExports, Name: "created_at", Keys: bson.D{{Key: "created_at", Value: 1}}}}
}

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	Dir      string        // where files are written (created if missing)
	Keep     time.Duration // how long jobs and files are kept (default a day)
	Sweep    time.Duration // how often the janitor runs (default an hour)
	Parallel int           // jobs run at once (default 1: the machine also serves ballots)
	Now      func() time.Time
	Logger   *slog.Logger
}

// Runner runs export jobs in the background, independent of the request
// that asked for them: a client that disconnects does not stop its job;
// Close (at shutdown) does.
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

// NewRunner returns a runner writing files to cfg.Dir.
func NewRunner(db *mongo.Database, src *Source, cfg RunnerConfig) (*Runner, error) {
	if cfg.Dir == "" {
		return nil, errors.New("exports: no directory for export files")
	}
	// Export files hold personal data: only the service's user reads them.
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("exports directory: %w", err)
	}
	if err := os.Chmod(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("exports directory: %w", err)
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 24 * time.Hour
	}
	if cfg.Sweep <= 0 {
		cfg.Sweep = time.Hour
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 1
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

func (r *Runner) coll() *mongo.Collection { return r.db.Collection(collExports) }

// Source is the runner's source, for direct downloads.
func (r *Runner) Source() *Source { return r.src }

// Start marks the jobs a previous process left unfinished as failed and
// starts the janitor, which removes jobs and files older than Keep. Both
// stop at Close.
func (r *Runner) Start(ctx context.Context) error {
	_, err := r.coll().UpdateMany(ctx,
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{StatusQueued, StatusRunning}}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: StatusFailed}, {Key: "error", Value: "服务重启，导出中断，请重新导出"}}}})
	if err != nil {
		return fmt.Errorf("exports: fail stale jobs: %w", err)
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

// Close stops running jobs (their partial files are removed) and the
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

// Submit queues a job for req on survey sv and starts it in the background.
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
		Owner: owner, Orgs: req.Orgs, Group: req.Group, OrgID: req.OrgID, Texts: req.Texts, Raw: req.Raw, CreatedAt: now.UTC().Truncate(time.Millisecond)}
	if _, err := r.coll().InsertOne(ctx, j); err != nil {
		return nil, fmt.Errorf("insert export job: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.fail(j, context.Canceled)
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

// path is where a job's finished file is.
func (r *Runner) path(id string) string { return filepath.Join(r.cfg.Dir, id+".xlsx") }

func (r *Runner) set(ctx context.Context, id string, fields bson.D) error {
	_, err := r.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	return err
}

// run builds the job's file: into <id>.xlsx.part, renamed when complete,
// so a half-written file is never served; removed on failure.
func (r *Runner) run(sv *surveys.Survey, j *Job, req Request) {
	ctx := r.ctx
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		r.fail(j, ctx.Err())
		return
	}
	if err := r.set(ctx, j.ID, bson.D{{Key: "status", Value: StatusRunning}}); err != nil {
		r.fail(j, err)
		return
	}
	part := r.path(j.ID) + ".part"
	rows, err := r.write(ctx, sv, j, req, part)
	if err == nil {
		err = os.Rename(part, r.path(j.ID))
	}
	if err != nil {
		_ = os.Remove(part)
		r.fail(j, err)
		return
	}
	var size int64
	if fi, err := os.Stat(r.path(j.ID)); err == nil {
		size = fi.Size()
	}
	done := r.now().UTC()
	if err := r.set(context.WithoutCancel(ctx), j.ID, bson.D{{Key: "status", Value: StatusDone}, {Key: "percent", Value: 100},
		{Key: "rows", Value: rows}, {Key: "size", Value: size}, {Key: "finished_at", Value: done}}); err != nil {
		r.log.Error("export job: record done", "job", j.ID, "err", err)
	}
}

// write builds the file at path and returns how many ballot rows it holds.
func (r *Runner) write(ctx context.Context, sv *surveys.Survey, j *Job, req Request, path string) (rows int64, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
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
		if err := r.set(ctx, j.ID, bson.D{{Key: "percent", Value: pct}, {Key: "rows", Value: done}}); err != nil && ctx.Err() == nil {
			r.log.Warn("export job: progress", "job", j.ID, "err", err)
		}
	}
	err = r.src.Write(ctx, f, sv, req, func(done, total int64) {
		rows = done
		progress(done, total)
	})
	return rows, err
}

// fail records a failed job. The reader sees a Chinese reason: a domain
// error's own message, otherwise a generic one (the cause goes to the log).
func (r *Runner) fail(j *Job, err error) {
	msg := "导出失败，请稍后重试或联系管理员"
	var me *minyi.Error
	switch {
	case errors.As(err, &me):
		msg = "导出失败：" + me.Message
	case errors.Is(err, context.Canceled):
		msg = "服务正在停止，导出中断，请重新导出"
	}
	r.log.Error("export job failed", "job", j.ID, "survey", j.SurveyID, "kind", j.Kind, "err", err)
	done := r.now().UTC()
	if serr := r.set(context.WithoutCancel(r.ctx), j.ID, bson.D{{Key: "status", Value: StatusFailed}, {Key: "error", Value: msg},
		{Key: "finished_at", Value: done}}); serr != nil {
		r.log.Error("export job: record failure", "job", j.ID, "err", serr)
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

// Open opens a finished job's file; 409 export_not_ready until then.
func (r *Runner) Open(j *Job) (*os.File, error) {
	switch j.Status {
	case StatusDone:
	case StatusFailed:
		return nil, minyi.E(minyi.ErrConflict, "export_failed", "导出失败，没有文件："+j.Error)
	default:
		return nil, minyi.E(minyi.ErrConflict, "export_not_ready", "文件还在生成中，请稍候")
	}
	f, err := os.Open(r.path(j.ID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, minyi.E(minyi.ErrGone, "export_expired", "导出文件已清理，请重新导出")
	}
	return f, err
}

// Sweep removes the jobs created more than Keep ago with their files, and
// any file in the directory older than that whose job is gone. It returns
// how many jobs it removed.
func (r *Runner) Sweep(ctx context.Context) (int, error) {
	cutoff := r.now().Add(-r.cfg.Keep)
	old, err := store.FindAll[Job](ctx, r.coll(), bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: cutoff}}}}, "sweep exports")
	if err != nil {
		return 0, err
	}
	ids := bson.A{}
	for _, j := range old {
		if j.Status == StatusRunning || j.Status == StatusQueued {
			continue // still being written by this process: next sweep
		}
		if err := os.Remove(r.path(j.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, err
		}
		ids = append(ids, j.ID)
	}
	if len(ids) > 0 {
		if _, err := r.coll().DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
			return 0, fmt.Errorf("sweep exports: %w", err)
		}
	}
	// Files whose job vanished (a crash between the two steps above).
	ents, err := os.ReadDir(r.cfg.Dir)
	if err != nil {
		return len(ids), err
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) && strings.Contains(e.Name(), ".xlsx") {
			id := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".part"), ".xlsx")
			if _, err := r.Get(ctx, id); errors.Is(err, errJobNotFound) {
				_ = os.Remove(filepath.Join(r.cfg.Dir, e.Name()))
			}
		}
	}
	return len(ids), nil
}
