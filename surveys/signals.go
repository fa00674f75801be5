package surveys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store"
)

// Stuffing signals of open-link surveys: how many ballots came from a
// device that had already submitted, and how many arrived in a burst from
// one address. One small document per survey (its _id is the survey id), so
// counting never reads ballots; bursts are measured in memory per instance
// over one-minute windows, bounded by the addresses of the last minute.
//
// Noting a ballot touches no store: the counts gather in memory and are
// added to the survey's document once a second (SignalFlushEvery), one
// $inc for all of a survey's ballots since the last flush. A write per
// ballot would be one more commit on the submission path, serialised on the
// survey's document — in a burst, which is when signals count, that is
// what capped the ballots per second. Get adds the counts not yet flushed,
// so this instance reads its own signals at once; another instance sees
// them within a second. A crash loses at most that second's signals, never
// a ballot.

const collSignals = "ballot_signals"

// BurstPerMinute is how many open-link ballots one address may send in a
// minute before the next ones count as a burst.
const BurstPerMinute = 10

// SignalFlushEvery is how often noted signals are written to the store.
const SignalFlushEvery = time.Second

// Signals are a survey's stuffing signals.
type Signals struct {
	SurveyID     string    `bson:"_id" json:"survey_id"`
	RepeatDevice int       `bson:"repeat_device" json:"repeat_device"`        // ballots from a device that had submitted before
	Burst        int       `bson:"burst" json:"burst"`                        // ballots beyond BurstPerMinute a minute from one address
	BurstMinutes int       `bson:"burst_minutes" json:"burst_minutes"`        // address-minutes that crossed the threshold
	LastAt       time.Time `bson:"last_at,omitempty" json:"last_at,omitzero"` // the hour of the last signal
}

func (s *Signals) add(d *Signals) {
	s.RepeatDevice += d.RepeatDevice
	s.Burst += d.Burst
	s.BurstMinutes += d.BurstMinutes
	if d.LastAt.After(s.LastAt) {
		s.LastAt = d.LastAt
	}
}

// SignalStore counts stuffing signals.
type SignalStore struct {
	db  *mongo.Database
	now func() time.Time

	mu      sync.Mutex
	minute  int64
	windows map[string]int      // survey + address → open-link ballots this minute
	pending map[string]*Signals // survey → counts not yet flushed

	// flushing serialises flushes (the loop's and Close's): the embedded
	// store loses concurrent $inc of one document.
	flushing sync.Mutex
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	log      *slog.Logger
}

// NewSignalStore returns the signal counter over db and starts its flusher;
// Close stops it after a last flush.
func NewSignalStore(db *mongo.Database, now func() time.Time, log *slog.Logger) *SignalStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &SignalStore{db: db, now: now, windows: map[string]int{}, pending: map[string]*Signals{},
		stop: make(chan struct{}), done: make(chan struct{}), log: log}
	go s.loop()
	return s
}

func (s *SignalStore) loop() {
	defer close(s.done)
	t := time.NewTicker(SignalFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := s.Flush(ctx); err != nil {
				s.log.Error("flush ballot signals", "err", err)
			}
			cancel()
		}
	}
}

// Close stops the flusher and writes what is left.
func (s *SignalStore) Close() {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		s.log.Error("flush ballot signals", "err", err)
	}
}

// Note records one stored open-link ballot of survey from the client
// address hash; repeat says its device had submitted before. It only
// counts in memory.
func (s *SignalStore) Note(surveyID, client string, repeat bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := now.Unix() / 60; m != s.minute {
		s.minute, s.windows = m, map[string]int{}
	}
	key := surveyID + "|" + client
	s.windows[key]++
	n := s.windows[key]
	if !repeat && n <= BurstPerMinute {
		return
	}
	d := s.pending[surveyID]
	if d == nil {
		d = &Signals{SurveyID: surveyID}
		s.pending[surveyID] = d
	}
	if repeat {
		d.RepeatDevice++
	}
	if n > BurstPerMinute {
		d.Burst++
	}
	if n == BurstPerMinute+1 {
		d.BurstMinutes++
	}
	d.LastAt = now.UTC().Truncate(time.Hour)
}

// Flush adds the counts noted since the last flush to the store, one
// update per survey; counts it could not write are kept for the next.
func (s *SignalStore) Flush(ctx context.Context) error {
	s.flushing.Lock()
	defer s.flushing.Unlock()
	s.mu.Lock()
	batch := s.pending
	s.pending = map[string]*Signals{}
	s.mu.Unlock()
	var first error
	for id, d := range batch {
		err := store.Upserted(func() error {
			_, err := s.db.Collection(collSignals).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$inc", Value: bson.D{{Key: "repeat_device", Value: d.RepeatDevice}, {Key: "burst", Value: d.Burst}, {Key: "burst_minutes", Value: d.BurstMinutes}}},
					{Key: "$set", Value: bson.D{{Key: "last_at", Value: d.LastAt}}}},
				options.UpdateOne().SetUpsert(true))
			return err
		})
		if err != nil {
			s.mu.Lock()
			if p := s.pending[id]; p != nil {
				d.add(p)
			}
			s.pending[id] = d
			s.mu.Unlock()
			if first == nil {
				first = fmt.Errorf("note ballot signals: %w", err)
			}
		}
	}
	return first
}

// Get returns the survey's signals (zeros when there are none).
func (s *SignalStore) Get(ctx context.Context, surveyID string) (*Signals, error) {
	out := Signals{SurveyID: surveyID}
	// Counts a flush is writing may or may not be in the document yet:
	// Get waits for the flush, then adds what is still pending.
	s.flushing.Lock()
	defer s.flushing.Unlock()
	err := s.db.Collection(collSignals).FindOne(ctx, bson.D{{Key: "_id", Value: surveyID}}).Decode(&out)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read ballot signals: %w", err)
	}
	s.mu.Lock()
	if d := s.pending[surveyID]; d != nil {
		out.add(d)
	}
	s.mu.Unlock()
	return &out, nil
}
