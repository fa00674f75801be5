package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store"
	"minyi/surveys"
)

const collTallies = "tallies"

// TallyStore keeps the tallies. It implements surveys.AfterCommit: the
// submission batcher hands it every committed batch.
type TallyStore struct {
	db      *mongo.Database
	ballots *surveys.BallotStore
	log     *slog.Logger

	rebuildMu sync.Mutex // one rebuild at a time in this process

	mu    sync.Mutex
	dirty map[string]bool // surveys whose tallies a failed fold left unsure
	bg    *folder         // the background folder, once started (tally_fold.go)
}

// NewTallyStore returns the tally store over db; ballots is read by
// rebuilds and reconciliation only.
func NewTallyStore(db *mongo.Database, ballots *surveys.BallotStore, log *slog.Logger) *TallyStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &TallyStore{db: db, ballots: ballots, log: log, dirty: map[string]bool{}}
}

// TallyIndexes are the tally collection's indexes: Load and the rebuild's
// clean-up find a survey's documents by survey_id.
func TallyIndexes() []store.Index {
	return []store.Index{
		{Collection: collTallies, Name: "survey_epoch", Keys: bson.D{{Key: "survey_id", Value: 1}, {Key: "epoch", Value: 1}}},
	}
}

func (s *TallyStore) coll() *mongo.Collection { return s.db.Collection(collTallies) }

// AfterCommit folds a committed batch into the tallies: one unordered
// bulkWrite with one $inc upsert per touched document, all surveys of the
// batch together. With the background folder started it only queues the
// batch (tally_fold.go). The head documents (ballot counts) come last in the
// bulk, so a write cut short more likely leaves the counts behind the
// histograms, which the reconciliation notices (see Reconcile). Any error
// marks the batch's surveys for a rebuild and is returned for the batcher
// to log; the ballots themselves are stored either way.
func (s *TallyStore) AfterCommit(ctx context.Context, batch []surveys.CommittedBallot) error {
	if f := s.folder(); f != nil {
		f.enqueue(batch)
		return nil
	}
	bySurvey := map[string]*Tally{}
	var ids []string
	for _, cb := range batch {
		id := cb.Ballot.SurveyID
		t := bySurvey[id]
		if t == nil {
			t = NewTally()
			bySurvey[id] = t
			ids = append(ids, id)
		}
		t.Add(cb.Ballot)
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	if err := s.fold(ctx, ids, bySurvey); err != nil {
		s.markDirty(ids...)
		return err
	}
	return nil
}

func (s *TallyStore) fold(ctx context.Context, ids []string, deltas map[string]*Tally) error {
	epochs, err := s.epochs(ctx, ids)
	if err != nil {
		return err
	}
	return s.foldAt(ctx, ids, deltas, epochs)
}

// foldAt writes the deltas into the given epochs' documents.
func (s *TallyStore) foldAt(ctx context.Context, ids []string, deltas map[string]*Tally, epochs map[string]int64) error {
	var models, heads []mongo.WriteModel
	for _, id := range ids {
		t, epoch := deltas[id], epochs[id]
		incs := histIncs(t)
		keys := slices.SortedFunc(maps.Keys(incs), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		})
		for _, k := range keys {
			// The filter is exactly {_id} (the epoch is part of it), the
			// one filter the embedded store looks up by index instead of
			// scanning the collection; the other fields are $set.
			fields := bson.D{{Key: "survey_id", Value: id}, {Key: "kind", Value: k[0]}, {Key: "epoch", Value: epoch}}
			if k[0] == kindSubject {
				fields = append(fields, bson.E{Key: "subject", Value: k[1]})
			}
			models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: docID(id, epoch, k[0], k[1])}}).
				SetUpdate(bson.D{{Key: "$set", Value: fields}, {Key: "$inc", Value: incs[k]}}).SetUpsert(true))
		}
		// The head's filter names the epoch the histograms went to: if a
		// rebuild swapped epochs meanwhile, it matches nothing and the
		// upsert collides with the head's _id, so this fold fails and
		// marks the survey instead of counting into the wrong epoch. (On
		// the embedded store this filter scans the tally collection, one
		// per survey a fold touches; the collection holds O(subjects +
		// questions) documents per survey, never ballots.)
		heads = append(heads, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: id}, {Key: "survey_id", Value: id}, {Key: "kind", Value: kindHead}, {Key: "epoch", Value: epoch}}).
			SetUpdate(bson.D{{Key: "$inc", Value: headIncs(t)}}).SetUpsert(true))
	}
	models = append(models, heads...)
	if _, err := s.coll().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return fmt.Errorf("fold tallies: %w", err)
	}
	return nil
}

// epochs reads the current epoch of each survey (0 for a survey without
// tallies yet), one find by _id each: an $in is not looked up by index on
// the embedded store.
func (s *TallyStore) epochs(ctx context.Context, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	for _, id := range ids {
		var h struct {
			Epoch int64 `bson:"epoch"`
		}
		err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "epoch", Value: 1}})).Decode(&h)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, fmt.Errorf("read tally epochs: %w", err)
		}
		out[id] = h.Epoch
	}
	return out, nil
}

// Load reads a survey's tally from its tally documents (never the ballots).
// A survey nobody answered yet has an empty tally.
func (s *TallyStore) Load(ctx context.Context, surveyID string) (*Tally, error) {
	if f := s.folder(); f != nil {
		f.wait(ctx, surveyID) // this process's acknowledged ballots are in
	}
	t, _, err := s.load(ctx, surveyID)
	return t, err
}

func (s *TallyStore) load(ctx context.Context, surveyID string) (*Tally, int64, error) {
	cur, err := s.coll().Find(ctx, bson.D{{Key: "survey_id", Value: surveyID}})
	if err != nil {
		return nil, 0, fmt.Errorf("load tallies: %w", err)
	}
	var docs []tallyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, fmt.Errorf("load tallies: %w", err)
	}
	t := NewTally()
	var epoch int64
	for _, d := range docs {
		if d.Kind == kindHead {
			epoch = d.Epoch
		}
	}
	for _, d := range docs {
		if d.Epoch != epoch {
			continue // a rebuild's leftover
		}
		switch d.Kind {
		case kindHead:
			for g, byChannel := range d.B {
				for ch, vi := range byChannel {
					if vi.V != 0 {
						t.Ballots[BallotKey{Valid: true, Group: unescapeKey(g), Channel: unescapeKey(ch)}] += vi.V
					}
					if vi.I != 0 {
						t.Ballots[BallotKey{Valid: false, Group: unescapeKey(g), Channel: unescapeKey(ch)}] += vi.I
					}
				}
			}
			for g, byReason := range d.R {
				for r, n := range byReason {
					t.Reasons[ReasonKey{Group: unescapeKey(g), Reason: unescapeKey(r)}] += n
				}
			}
		case kindSubject, kindQuestion:
			for q, byGroup := range d.H {
				for g, hc := range byGroup {
					c := Cell{Subject: d.Subject, Question: unescapeKey(q), Group: unescapeKey(g)}
					h := &Hist{N: hc.N, C: make(map[string]int64, len(hc.C))}
					for k, n := range hc.C {
						h.C[unescapeKey(k)] = n
					}
					if old := t.Hists[c]; old != nil {
						old.add(h)
					} else {
						t.Hists[c] = h
					}
				}
			}
		}
	}
	return t, epoch, nil
}

// tallied is the number of ballots the head counts, and its epoch.
func (s *TallyStore) tallied(ctx context.Context, surveyID string) (int64, int64, error) {
	var d tallyDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: surveyID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read tally head: %w", err)
	}
	var n int64
	for _, byChannel := range d.B {
		for _, vi := range byChannel {
			n += vi.V + vi.I
		}
	}
	return n, d.Epoch, nil
}

func (s *TallyStore) markDirty(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		s.dirty[id] = true
	}
}

// takeDirty reports whether the survey was marked and clears the mark.
func (s *TallyStore) takeDirty(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dirty[id]
	delete(s.dirty, id)
	return d
}

func (s *TallyStore) dirtyIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.dirty)
}

// BallotCounts are the ballots a survey's head tally counts: valid and
// invalid, and both together per rater group (as Results.Ballots has them).
type BallotCounts struct {
	Valid   int64
	Invalid int64
	ByGroup map[string]int64
}

// Total is every ballot returned, valid or not.
func (b BallotCounts) Total() int64 { return b.Valid + b.Invalid }

// Counts reads the ballot counts of the surveys ids from their head
// documents: a list page shows a page of surveys
// with their counts without loading every survey's histograms. The head's
// counts are always of its own epoch (a fold's filter names the epoch, a
// rebuild replaces the head whole), so no epoch check is needed. A survey
// nobody answered has no head and is absent from the map.
func (s *TallyStore) Counts(ctx context.Context, ids []string) (map[string]BallotCounts, error) {
	out := make(map[string]BallotCounts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if f := s.folder(); f != nil {
		f.wait(ctx, "") // this process's acknowledged ballots are counted
	}
	// One find by _id per survey (a page of them): the embedded store
	// looks up {_id} by index but scans for an $in.
	for _, id := range ids {
		var d tallyDoc
		err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "b", Value: 1}, {Key: "kind", Value: 1}})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read ballot counts: %w", err)
		}
		if d.Kind != kindHead {
			continue
		}
		bc := BallotCounts{ByGroup: map[string]int64{}}
		for g, byChannel := range d.B {
			for _, vi := range byChannel {
				bc.Valid += vi.V
				bc.Invalid += vi.I
				bc.ByGroup[unescapeKey(g)] += vi.V + vi.I
			}
		}
		out[d.ID] = bc
	}
	return out, nil
}
