package surveys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// Outcome is what became of one ballot handed to a writer.
type Outcome int

// Outcomes of a write.
const (
	Stored    Outcome = iota // the ballot is durably stored
	Duplicate                // a unique index refused it: same submission, or its code already used
)

// BallotWriter stores ballots. Write returns only once the ballot is
// durable (or refused), so a submitter can be answered truthfully.
type BallotWriter interface {
	Write(ctx context.Context, survey *Survey, b *Ballot) (Outcome, error)
}

// CodeMarker marks ballot codes used once their ballots are stored.
type CodeMarker interface {
	MarkUsed(ctx context.Context, hashes []string) error
}

// BatcherConfig tunes the group commit.
type BatcherConfig struct {
	MaxBatch    int           // flush at this many ballots (default 256)
	MaxWait     time.Duration // or this long after the first one arrived (default 1 ms)
	Flushers    int           // batches written at once (default 1)
	Codes       CodeMarker    // optional
	AfterCommit AfterCommit   // optional: the tally seam
	Logger      *slog.Logger
}

// Batcher is the group commit of the submission path: ballots from
// concurrent requests are collected for at most MaxWait or MaxBatch ballots
// and written with one unordered insertMany; each request is answered only
// after that write returns. Uniqueness (one ballot per submission id, one
// per code) is enforced by the store's unique indexes, never by reading
// first, so concurrent duplicates cannot both succeed.
type Batcher struct {
	coll *mongo.Collection
	cfg  BatcherConfig
	in   chan *pending
	stop chan struct{}
	done chan struct{}
	once sync.Once
	// waiting counts the Write calls whose ballot is queued and not yet
	// answered (Pending).
	waiting atomic.Int64
	// hookMu serialises the after-commit hook: the embedded store applies
	// concurrent $inc updates of one document non-atomically, so two
	// flushers must not fold into the same tallies at once.
	hookMu sync.Mutex
}

type pending struct {
	survey *Survey
	ballot *Ballot
	res    chan writeResult
}

type writeResult struct {
	outcome Outcome
	err     error
}

// ErrShuttingDown is returned for ballots submitted after Close began.
var ErrShuttingDown = minyi.E(minyi.ErrUnavailable, "shutting_down", "服务正在重启，请稍后重新提交")

// NewBatcher starts a batcher writing to db's ballots collection. Call
// Close to flush and stop it.
func NewBatcher(db *mongo.Database, cfg BatcherConfig) *Batcher {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Millisecond
	}
	if cfg.Flushers <= 0 {
		cfg.Flushers = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Batcher{
		coll: db.Collection(collBallots),
		cfg:  cfg,
		in:   make(chan *pending, cfg.MaxBatch*4),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go b.loop()
	return b
}

// Write queues the ballot for the next batch and waits for its outcome.
// If ctx ends first the ballot may still be stored: the client's retry with
// the same submission id then gets the original answer.
func (b *Batcher) Write(ctx context.Context, survey *Survey, ballot *Ballot) (Outcome, error) {
	p := &pending{survey: survey, ballot: ballot, res: make(chan writeResult, 1)}
	select {
	case <-b.stop:
		return 0, ErrShuttingDown
	default:
	}
	select {
	case b.in <- p:
	case <-b.stop:
		return 0, ErrShuttingDown
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	select {
	case r := <-p.res:
		return r.outcome, r.err
	case <-b.done:
		// The batcher stopped; it answered everything it took, so a
		// ballot without an answer was queued too late and not written.
		select {
		case r := <-p.res:
			return r.outcome, r.err
		default:
			return 0, ErrShuttingDown
		}
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Pending is the number of ballots queued and not yet answered: the group
// commit's queue depth.
func (b *Batcher) Pending() int { return int(b.waiting.Load()) }

// Close stops accepting ballots, writes what is queued and returns when the
// last batch is answered. Stop the HTTP server first so no request waits.
func (b *Batcher) Close() {
	b.once.Do(func() { close(b.stop) })
	<-b.done
}

// loop collects batches and hands them to the flushers. A batch closes
// when a flusher is free to take it, MaxWait after its first ballot, or at
// once when it is full: while the flushers are busy, the ballots that keep
// arriving join the waiting batch, so under load the batches grow to what
// arrives during a write, and a lone ballot waits MaxWait at most. (A batch
// closed at MaxWait and then left waiting for a flusher would stay as small
// as one MaxWait's arrivals however busy the store.) One flusher is the
// default: the embedded store has one writer, and a second batch sent
// while the first is written waits in SQLite's busy handler, which sleeps
// in steps of milliseconds (measured with the scale bench: one flusher
// 10% more ballots a second and half the p99 of two). More flushers
// (BatcherConfig.Flushers) overlap batches on a MongoDB; batches are
// independent (uniqueness is the store's business), so their order does
// not matter.
func (b *Batcher) loop() {
	defer close(b.done)
	batches := make(chan []*pending)
	var wg sync.WaitGroup
	for range b.cfg.Flushers {
		wg.Go(func() {
			for batch := range batches {
				b.flush(batch)
			}
		})
	}
	defer wg.Wait()
	defer close(batches)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var batch []*pending
	due := false // MaxWait has passed since the batch's first ballot
	for {
		in, out := b.in, chan []*pending(nil)
		if len(batch) >= b.cfg.MaxBatch {
			in = nil // full: only a flusher can take it
		}
		if len(batch) > 0 && (due || in == nil) {
			out = batches
		}
		select {
		case p := <-in:
			if len(batch) == 0 {
				batch = make([]*pending, 0, b.cfg.MaxBatch)
				timer.Reset(b.cfg.MaxWait)
			}
			batch = append(batch, p)
		case <-timer.C:
			due = true
		case out <- batch:
			batch, due = nil, false
			timer.Stop()
		case <-b.stop:
			timer.Stop()
			for {
				select {
				case p := <-b.in:
					batch = append(batch, p)
					if len(batch) == b.cfg.MaxBatch {
						batches <- batch
						batch = nil
					}
				default:
					if len(batch) > 0 {
						batches <- batch
					}
					return
				}
			}
		}
	}
}

// flush writes one batch. It uses a context of its own: a submitter that
// gave up must not cancel its neighbours' write.
func (b *Batcher) flush(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	docs := make([]any, len(batch))
	for i, p := range batch {
		docs[i] = p.ballot
	}
	results := make([]writeResult, len(batch))
	_, err := b.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
			for i := range results {
				results[i].err = fmt.Errorf("insert ballots: %w", err)
			}
		} else {
			for _, we := range bwe.WriteErrors {
				if we.Index < 0 || we.Index >= len(results) {
					continue
				}
				if store.IsDuplicate(we) {
					results[we.Index].outcome = Duplicate
				} else {
					results[we.Index].err = fmt.Errorf("insert ballot: %w", we)
				}
			}
		}
	}
	b.afterCommit(ctx, batch, results)
	for i, p := range batch {
		p.res <- results[i]
	}
}

// afterCommit marks codes used and feeds the tallies, for the ballots that
// were stored. Failures here are logged: the ballots are durable, the code
// is single-use through its unique index anyway, and the tally
// reconciliation repairs a missed fold.
func (b *Batcher) afterCommit(ctx context.Context, batch []*pending, results []writeResult) {
	var hashes []string
	var committed []CommittedBallot
	for i, p := range batch {
		if results[i].err != nil || results[i].outcome != Stored {
			continue
		}
		if p.ballot.CodeHash != "" {
			hashes = append(hashes, p.ballot.CodeHash)
		}
		committed = append(committed, CommittedBallot{Survey: p.survey, Ballot: p.ballot})
	}
	if len(hashes) > 0 && b.cfg.Codes != nil {
		if err := b.cfg.Codes.MarkUsed(ctx, hashes); err != nil {
			b.cfg.Logger.Error("mark ballot codes used", "err", err, "codes", len(hashes))
		}
	}
	if len(committed) > 0 && b.cfg.AfterCommit != nil {
		b.hookMu.Lock()
		defer b.hookMu.Unlock()
		if err := b.cfg.AfterCommit.AfterCommit(ctx, committed); err != nil {
			b.cfg.Logger.Error("after-commit hook (tallies)", "err", err, "ballots", len(committed))
		}
	}
}

// DirectWriter writes each ballot with its own insertOne: the naive path,
// kept for the benchmark that measures what group commit buys.
type DirectWriter struct {
	coll  *mongo.Collection
	after AfterCommit
}

// NewDirectWriter returns the naive writer.
func NewDirectWriter(db *mongo.Database, after AfterCommit) *DirectWriter {
	return &DirectWriter{coll: db.Collection(collBallots), after: after}
}

// Write inserts one ballot.
func (w *DirectWriter) Write(ctx context.Context, survey *Survey, b *Ballot) (Outcome, error) {
	if _, err := w.coll.InsertOne(ctx, b); err != nil {
		if store.IsDuplicate(err) {
			return Duplicate, nil
		}
		return 0, fmt.Errorf("insert ballot: %w", err)
	}
	if w.after != nil {
		// The ballot is stored whatever the hook says; reconciliation heals tallies.
		_ = w.after.AfterCommit(ctx, []CommittedBallot{{Survey: survey, Ballot: b}})
	}
	return Stored, nil
}
