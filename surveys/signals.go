package surveys

import (
	"context"
	"errors"
	"fmt"
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

const collSignals = "ballot_signals"

// BurstPerMinute is how many open-link ballots one address may send in a
// minute before the next ones count as a burst.
const BurstPerMinute = 10

// Signals are a survey's stuffing signals.
type Signals struct {
	SurveyID     string    `bson:"_id" json:"survey_id"`
	RepeatDevice int       `bson:"repeat_device" json:"repeat_device"`        // ballots from a device that had submitted before
	Burst        int       `bson:"burst" json:"burst"`                        // ballots beyond BurstPerMinute a minute from one address
	BurstMinutes int       `bson:"burst_minutes" json:"burst_minutes"`        // address-minutes that crossed the threshold
	LastAt       time.Time `bson:"last_at,omitempty" json:"last_at,omitzero"` // the hour of the last signal
}

// SignalStore counts stuffing signals.
type SignalStore struct {
	db  *mongo.Database
	now func() time.Time

	mu      sync.Mutex // serialises this instance's increments (the embedded store loses concurrent $inc of one document)
	minute  int64
	windows map[string]int // survey + address → open-link ballots this minute
}

// NewSignalStore returns the signal counter over db.
func NewSignalStore(db *mongo.Database, now func() time.Time) *SignalStore {
	return &SignalStore{db: db, now: now, windows: map[string]int{}}
}

// Note records one stored open-link ballot of survey from the client
// address hash; repeat says its device had submitted before.
func (s *SignalStore) Note(ctx context.Context, surveyID, client string, repeat bool) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := now.Unix() / 60; m != s.minute {
		s.minute, s.windows = m, map[string]int{}
	}
	key := surveyID + "|" + client
	s.windows[key]++
	n := s.windows[key]
	inc := bson.D{}
	if repeat {
		inc = append(inc, bson.E{Key: "repeat_device", Value: 1})
	}
	if n > BurstPerMinute {
		inc = append(inc, bson.E{Key: "burst", Value: 1})
	}
	if n == BurstPerMinute+1 {
		inc = append(inc, bson.E{Key: "burst_minutes", Value: 1})
	}
	if len(inc) == 0 {
		return nil
	}
	at := now.UTC().Truncate(time.Hour)
	err := store.Upserted(func() error {
		_, err := s.db.Collection(collSignals).UpdateOne(ctx, bson.D{{Key: "_id", Value: surveyID}},
			bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "last_at", Value: at}}}},
			options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("note ballot signal: %w", err)
	}
	return nil
}

// Get returns the survey's signals (zeros when there are none).
func (s *SignalStore) Get(ctx context.Context, surveyID string) (*Signals, error) {
	out := Signals{SurveyID: surveyID}
	err := s.db.Collection(collSignals).FindOne(ctx, bson.D{{Key: "_id", Value: surveyID}}).Decode(&out)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read ballot signals: %w", err)
	}
	return &out, nil
}
