package commitments

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
	"minyi/store"
)

// How the commitments avoid scanning (DESIGN.md: the embedded store scans
// for any filter but _id). Commitments grow year by year, so every request
// reads documents by _id only:
//
//   - a commitment is one document (collCommitments, _id an object id) and
//     its history one document per event (collEvents, _id "<id>/<seq>",
//     read 1..seq), as work-order events are;
//   - the list of an org and period is one index document, _id
//     "org/<org id>/<period>", holding a copy of each of its commitments
//     under e.<id>; lists, statistics, the ledger and the public page read
//     these, one per org and period;
//   - the overdue working set is one document, _id "open", holding the
//     approved commitments still without an outcome (bounded by what is
//     being delivered now, not by history), for the home pages;
//   - an org's evaluation survey of a period is "eval/<org id>/<period>".
//
// Every write stores the commitment first, then its index copies; a crash
// in between leaves a copy one step behind, which the commitment's next
// step rewrites.
const (
	collCommitments = "commitments"
	collEvents      = "commitment_events"
	collIndex       = "commitment_index"
	openID          = "open"
)

var (
	errNotFound = minyi.NotFound("commitment_not_found", "承诺")
	errBusy     = minyi.E(minyi.ErrConflict, "concurrent_update", "该承诺正被他人同时处理，请刷新后重试")
)

// Actor is who took a step.
type Actor struct {
	ID   string `bson:"id,omitempty" json:"id,omitempty"`
	Name string `bson:"name" json:"name"`
	Role string `bson:"role" json:"role"`
}

// Event kinds: every version and decision is one.
const (
	EventCreate   = "create"
	EventEdit     = "edit"
	EventSubmit   = "submit"
	EventApprove  = "approve"
	EventReturn   = "return"
	EventProgress = "progress"
	EventOutcome  = "outcome"
)

// Event is one step of a commitment's history. Create, edit and submit
// carry the content as it then stood (a submit is a version: Version).
type Event struct {
	Seq         int       `bson:"seq" json:"seq"`
	Kind        string    `bson:"kind" json:"kind"`
	At          time.Time `bson:"at" json:"at"`
	Actor       Actor     `bson:"actor" json:"actor"`
	Version     int       `bson:"version,omitempty" json:"version,omitempty"`
	Content     *Content  `bson:"content,omitempty" json:"content,omitempty"`
	Reason      string    `bson:"reason,omitempty" json:"reason,omitempty"`
	Percent     int       `bson:"percent,omitempty" json:"percent,omitempty"`
	Note        string    `bson:"note,omitempty" json:"note,omitempty"`
	Date        string    `bson:"date,omitempty" json:"date,omitempty"`
	Outcome     Outcome   `bson:"outcome,omitempty" json:"outcome,omitempty"`
	Explanation string    `bson:"explanation,omitempty" json:"explanation,omitempty"`
}

type eventDoc struct {
	ID           string `bson:"_id"`
	CommitmentID string `bson:"commitment_id"`
	Event        `bson:",inline"`
}

// openEntry is what the overdue working set keeps of a commitment.
type openEntry struct {
	OrgID   string `bson:"o"`
	Period  string `bson:"p"`
	Owner   string `bson:"w"`
	Content string `bson:"c"`
	Due     string `bson:"d"`
}

// Store keeps commitments, their events and their index documents.
type Store struct {
	db  *mongo.Database
	now func() time.Time
	// saving serialises this process's steps and index writes: the
	// embedded store applies concurrent updates of one document by reading
	// and writing it back. The unique event _id decides between processes.
	saving sync.Mutex
}

// NewStore returns a store over db with clock now.
func NewStore(db *mongo.Database, now func() time.Time) *Store {
	return &Store{db: db, now: now}
}

// Indexes: none beyond _id; every read is by _id.
func Indexes() []store.Index { return nil }

func (s *Store) coll() *mongo.Collection   { return s.db.Collection(collCommitments) }
func (s *Store) events() *mongo.Collection { return s.db.Collection(collEvents) }
func (s *Store) index() *mongo.Collection  { return s.db.Collection(collIndex) }

func listID(orgID, period string) string { return "org/" + orgID + "/" + period }
func evalID(orgID, period string) string { return "eval/" + orgID + "/" + period }

// Create stores the new commitment c with its first event.
func (s *Store) Create(ctx context.Context, c *Commitment, e Event) error {
	s.saving.Lock()
	defer s.saving.Unlock()
	c.ID = bson.NewObjectID().Hex()
	c.CreatedAt = s.now().UTC()
	c.UpdatedAt = c.CreatedAt
	c.Seq = 1
	e.Seq, e.At = 1, c.CreatedAt
	if _, err := s.coll().InsertOne(ctx, c); err != nil {
		return fmt.Errorf("insert commitment: %w", err)
	}
	if _, err := s.events().InsertOne(ctx, eventDoc{ID: eventID(c.ID, 1), CommitmentID: c.ID, Event: e}); err != nil {
		return fmt.Errorf("insert commitment event: %w", err)
	}
	return s.reindex(ctx, c)
}

// Get returns commitment id.
func (s *Store) Get(ctx context.Context, id string) (*Commitment, error) {
	var c Commitment
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get commitment: %w", err)
	}
	return &c, nil
}

// Events reads c's history, one find by _id per event.
func (s *Store) Events(ctx context.Context, c *Commitment) ([]Event, error) {
	out := make([]Event, 0, c.Seq)
	for seq := 1; seq <= c.Seq; seq++ {
		var d eventDoc
		err := s.events().FindOne(ctx, bson.D{{Key: "_id", Value: eventID(c.ID, seq)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // a step whose event was stored but not the state, or the reverse
		}
		if err != nil {
			return nil, fmt.Errorf("get commitment events: %w", err)
		}
		out = append(out, d.Event)
	}
	return out, nil
}

// Step applies one step to commitment id: step checks the current state,
// changes c and returns the event; the event's unique _id makes a second
// step from the same state fail with 409.
func (s *Store) Step(ctx context.Context, id string, step func(c *Commitment) (Event, error)) (*Commitment, *Event, error) {
	s.saving.Lock()
	defer s.saving.Unlock()
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.catchUp(ctx, c); err != nil {
		return nil, nil, err
	}
	e, err := step(c)
	if err != nil {
		return nil, nil, err
	}
	c.Seq++
	c.UpdatedAt = s.now().UTC()
	e.Seq, e.At = c.Seq, c.UpdatedAt
	if _, err := s.events().InsertOne(ctx, eventDoc{ID: eventID(c.ID, c.Seq), CommitmentID: c.ID, Event: e}); err != nil {
		if store.IsDuplicate(err) {
			return nil, nil, errBusy
		}
		return nil, nil, fmt.Errorf("insert commitment event: %w", err)
	}
	if _, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, c); err != nil {
		return nil, nil, fmt.Errorf("save commitment: %w", err)
	}
	if err := s.reindex(ctx, c); err != nil {
		return nil, nil, err
	}
	return c, &e, nil
}

// catchUp repairs a commitment whose stored state lags behind its events
// (a crash between a step's event insert and its state write): it applies
// the events after c.Seq, one find by _id each, and stores the result, so
// the next step's event takes the next free sequence number instead of
// failing on a taken one for ever. Callers hold s.saving.
func (s *Store) catchUp(ctx context.Context, c *Commitment) error {
	caught := false
	for {
		var d eventDoc
		err := s.events().FindOne(ctx, bson.D{{Key: "_id", Value: eventID(c.ID, c.Seq+1)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return fmt.Errorf("get commitment event: %w", err)
		}
		apply(c, d.Event)
		caught = true
	}
	if !caught {
		return nil
	}
	if _, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, c); err != nil {
		return fmt.Errorf("repair commitment: %w", err)
	}
	return s.reindex(ctx, c)
}

// apply is what event e did to c, as the service's steps do it.
func apply(c *Commitment, e Event) {
	c.Seq, c.UpdatedAt = e.Seq, e.At
	if e.Content != nil {
		c.Content = *e.Content
	}
	switch e.Kind {
	case EventEdit:
		if e.Actor.ID != "" && !slices.Contains(c.Authors, e.Actor.ID) {
			c.Authors = append(c.Authors, e.Actor.ID)
		}
	case EventSubmit:
		c.Status, c.Versions = StatusSubmitted, e.Version
	case EventApprove:
		c.Status, c.Decision, c.Reason = StatusApproved, EventApprove, e.Reason
	case EventReturn:
		c.Status, c.Decision, c.Reason, c.Returns = StatusReturned, EventReturn, e.Reason, c.Returns+1
	case EventProgress:
		c.Percent, c.Note, c.ProgressOn = e.Percent, e.Note, e.Date
	case EventOutcome:
		c.Status, c.Outcome, c.Explanation = StatusCompleted, e.Outcome, e.Explanation
		if e.Outcome == OutcomeFulfilled {
			c.Percent = 100
		}
	}
}

// reindex writes c's copy in its org-and-period list and its entry in the
// overdue working set (or removes it there). Callers hold s.saving.
func (s *Store) reindex(ctx context.Context, c *Commitment) error {
	models := []mongo.WriteModel{
		mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: listID(c.OrgID, c.Period)}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "e." + c.ID, Value: c}}}}).SetUpsert(true),
	}
	if c.Status == StatusApproved && c.Outcome == "" {
		entry := openEntry{OrgID: c.OrgID, Period: c.Period, Owner: c.Owner.Name, Content: c.Content.Content, Due: c.Due}
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: openID}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "e." + c.ID, Value: entry}}}}).SetUpsert(true))
	} else {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: openID}}).
			SetUpdate(bson.D{{Key: "$unset", Value: bson.D{{Key: "e." + c.ID, Value: ""}}}}))
	}
	err := store.Upserted(func() error {
		_, err := s.index().BulkWrite(ctx, models)
		return err
	})
	if err != nil {
		return fmt.Errorf("index commitment: %w", err)
	}
	return nil
}

// List returns the commitments of org orgID and period, one find by _id.
func (s *Store) List(ctx context.Context, orgID, period string) ([]Commitment, error) {
	var d struct {
		E map[string]Commitment `bson:"e"`
	}
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: listID(orgID, period)}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("list commitments: %w", err)
	}
	out := make([]Commitment, 0, len(d.E))
	for _, c := range d.E {
		out = append(out, c)
	}
	return out, nil
}

// OpenEntry is an approved commitment still being delivered.
type OpenEntry struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	Period  string `json:"period"`
	Owner   string `json:"owner"`
	Content string `json:"content"`
	Due     string `json:"due"`
}

// Open returns the working set of approved commitments without an outcome.
func (s *Store) Open(ctx context.Context) ([]OpenEntry, error) {
	var d struct {
		E map[string]openEntry `bson:"e"`
	}
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: openID}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("open commitments: %w", err)
	}
	out := make([]OpenEntry, 0, len(d.E))
	for id, e := range d.E {
		out = append(out, OpenEntry{ID: id, OrgID: e.OrgID, Period: e.Period, Owner: e.Owner, Content: e.Content, Due: e.Due})
	}
	return out, nil
}

// Evaluation is an org's evaluation survey of a period.
type Evaluation struct {
	ID        string    `bson:"_id" json:"-"`
	SurveyID  string    `bson:"survey_id" json:"survey_id"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
}

// SetEvaluation records surveyID as the evaluation of org and period
// (a later one replaces it).
func (s *Store) SetEvaluation(ctx context.Context, orgID, period, surveyID string) error {
	id := evalID(orgID, period)
	err := store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "survey_id", Value: surveyID}, {Key: "created_at", Value: s.now().UTC()}}}},
			optsUpsert())
		return err
	})
	if err != nil {
		return fmt.Errorf("record evaluation: %w", err)
	}
	return nil
}

// EvaluationOf returns the evaluation survey id of org and period, "" if none.
func (s *Store) EvaluationOf(ctx context.Context, orgID, period string) (string, error) {
	var e Evaluation
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: evalID(orgID, period)}}).Decode(&e)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get evaluation: %w", err)
	}
	return e.SurveyID, nil
}

func optsUpsert() options.Lister[options.UpdateOneOptions] {
	return options.UpdateOne().SetUpsert(true)
}
