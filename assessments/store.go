package assessments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"minyi"
	"minyi/store"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// How an assessment is stored, so that nothing scans (DESIGN notes in the
// README): the assessment is one document by _id holding its whole state;
// every change is first an entry "<assessment id>/<seq>" of the log,
// inserted under a unique _id — the insert that loses a race fails and
// retries on the new state, so two admins (or instances) never overwrite
// each other — and then folded into the document. A crash between the two
// leaves an entry the document lacks; Get finds entries after the
// document's version by _id and folds them in. The list of assessments is
// the ids in one index document, each read by _id.
const (
	collAssessments = "assessments"
	collLog         = "assessment_log"
	collIndex       = "assessment_index"
	indexID         = "all"
	maxAttempts     = 5
)

// Store keeps assessments.
type Store struct {
	db  *mongo.Database
	now func() time.Time
}

// NewStore keeps assessments in db.
func NewStore(db *mongo.Database, now func() time.Time) *Store {
	return &Store{db: db, now: now}
}

func (s *Store) coll() *mongo.Collection  { return s.db.Collection(collAssessments) }
func (s *Store) log() *mongo.Collection   { return s.db.Collection(collLog) }
func (s *Store) index() *mongo.Collection { return s.db.Collection(collIndex) }

// Entry is one change of an assessment.
type Entry struct {
	ID        string            `bson:"_id"`
	Seq       int               `bson:"seq"`
	Kind      string            `bson:"kind"` // manual | final | objection | answer | publish | close
	SubjectID string            `bson:"subject_id,omitempty"`
	Mark      Mark              `bson:"mark,omitempty"`
	Objection int               `bson:"objection,omitempty"` // the objection an answer answers
	Text      string            `bson:"text,omitempty"`
	Until     time.Time         `bson:"until,omitempty"`
	Frozen    []Row             `bson:"frozen,omitempty"`
	Sources   map[string]string `bson:"sources,omitempty"`
	By        string            `bson:"by"`
	At        time.Time         `bson:"at"`
}

// The entry kinds.
const (
	entryManual    = "manual"
	entryFinal     = "final"
	entryObjection = "objection"
	entryAnswer    = "answer"
	entryPublish   = "publish"
	entryClose     = "close"
)

func entryID(id string, seq int) string { return fmt.Sprintf("%s/%06d", id, seq) }

// Create stores a new assessment and lists it.
func (s *Store) Create(ctx context.Context, a *Assessment) error {
	now := s.now().UTC()
	a.ID = bson.NewObjectID().Hex()
	a.Status, a.CreatedAt, a.UpdatedAt, a.Version = StatusDraft, now, now, 0
	if _, err := s.coll().InsertOne(ctx, a); err != nil {
		return fmt.Errorf("create assessment: %w", err)
	}
	err := store.Upserted(func() error {
		_, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: indexID}},
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: a.ID}}}}, options.UpdateOne().SetUpsert(true))
		return err
	})
	if err != nil {
		return fmt.Errorf("list assessment: %w", err)
	}
	return nil
}

// Get returns assessment id with every entry folded in.
func (s *Store) Get(ctx context.Context, id string) (*Assessment, error) {
	var a Assessment
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, minyi.NotFound("assessment_not_found", "考评")
	}
	if err != nil {
		return nil, fmt.Errorf("get assessment: %w", err)
	}
	caught := false
	for {
		var e Entry
		err := s.log().FindOne(ctx, bson.D{{Key: "_id", Value: entryID(id, a.Version+1)}}).Decode(&e)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("get assessment entries: %w", err)
		}
		apply(&a, &e)
		caught = true
	}
	if caught {
		if err := s.save(ctx, &a); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// IDs lists every assessment's id, oldest first.
func (s *Store) IDs(ctx context.Context) ([]string, error) {
	var d struct {
		IDs []string `bson:"ids"`
	}
	err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: indexID}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	return d.IDs, nil
}

// Append records e on assessment id once check, run on the current state,
// allows it; it returns the state with e applied. fill, when given,
// completes e from what check saw, just before it is recorded.
func (s *Store) Append(ctx context.Context, id string, e Entry, check func(*Assessment) error, fill ...func(*Entry)) (*Assessment, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		a, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := check(a); err != nil {
			return nil, err
		}
		e.Seq = a.Version + 1
		e.ID = entryID(id, e.Seq)
		e.At = s.now().UTC()
		for _, f := range fill {
			f(&e)
		}
		if _, err := s.log().InsertOne(ctx, e); store.IsDuplicate(err) {
			continue // someone else changed it first: check again on the new state
		} else if err != nil {
			return nil, fmt.Errorf("record assessment entry: %w", err)
		}
		apply(a, &e)
		if err := s.save(ctx, a); err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, minyi.E(minyi.ErrConflict, "busy", "该考评正被他人修改，请稍后重试")
}

// save writes a's state over the stored one.
func (s *Store) save(ctx context.Context, a *Assessment) error {
	if _, err := s.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, a); err != nil {
		return fmt.Errorf("save assessment: %w", err)
	}
	return nil
}

// apply folds entry e into a.
func apply(a *Assessment, e *Entry) {
	switch e.Kind {
	case entryManual:
		if a.Manual == nil {
			a.Manual = map[string]Mark{}
		}
		a.Manual[e.SubjectID] = e.Mark
	case entryFinal:
		if a.Finals == nil {
			a.Finals = map[string]Mark{}
		}
		a.Finals[e.SubjectID] = e.Mark
	case entryObjection:
		a.Objections = append(a.Objections, Objection{Seq: e.Seq, SubjectID: e.SubjectID, Text: e.Text, By: e.By, At: e.At})
	case entryAnswer:
		for i := range a.Objections {
			if a.Objections[i].Seq == e.Objection {
				at := e.At
				a.Objections[i].Answer, a.Objections[i].AnsweredBy, a.Objections[i].AnsweredAt = e.Text, e.By, &at
			}
		}
	case entryPublish:
		at, until := e.At, e.Until
		a.Status, a.PublishedAt, a.PublicUntil, a.Frozen, a.FrozenSources = StatusPublished, &at, &until, e.Frozen, e.Sources
	case entryClose:
		at := e.At
		a.Status, a.ClosedAt = StatusClosed, &at
	}
	a.Version = e.Seq
	a.UpdatedAt = e.At
}
