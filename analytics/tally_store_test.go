package analytics_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"pgregory.net/rapid"

	"minyi/analytics"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

type storeEnv struct {
	db      *mongo.Database
	ballots *surveys.BallotStore
	tallies *analytics.TallyStore
}

func newStoreEnv(t testing.TB) *storeEnv {
	t.Helper()
	db := storetest.DB(t)
	idx := append(surveys.BallotIndexes(), analytics.TallyIndexes()...)
	if err := store.EnsureIndexes(context.Background(), db, idx); err != nil {
		t.Fatal(err)
	}
	bs := surveys.NewBallotStore(db)
	return &storeEnv{db: db, ballots: bs, tallies: analytics.NewTallyStore(db, bs, nil)}
}

// insert stores ballots the way the batcher does (insertMany), without
// folding them: on its own it is the crash between insert and $inc.
func (e *storeEnv) insert(t testing.TB, bs []surveys.Ballot) {
	t.Helper()
	docs := make([]any, len(bs))
	for i := range bs {
		docs[i] = bs[i]
	}
	if _, err := e.db.Collection("ballots").InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// commit is the normal write path: insert, then AfterCommit.
func (e *storeEnv) commit(t testing.TB, s *surveys.Survey, bs []surveys.Ballot) {
	t.Helper()
	e.insert(t, bs)
	if err := e.tallies.AfterCommit(context.Background(), committed(s, bs)); err != nil {
		t.Fatal(err)
	}
}

func committed(s *surveys.Survey, bs []surveys.Ballot) []surveys.CommittedBallot {
	out := make([]surveys.CommittedBallot, len(bs))
	for i := range bs {
		out[i] = surveys.CommittedBallot{Survey: s, Ballot: &bs[i]}
	}
	return out
}

func (e *storeEnv) load(t testing.TB, id string) *analytics.Tally {
	t.Helper()
	tl, err := e.tallies.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// The stored tallies of batches folded one by one give the fixture's
// scorecard to the last digit.
func TestStoreFoldsBatches(t *testing.T) {
	e := newStoreEnv(t)
	s := fixtureSurvey()
	all := fixtureBallots()
	e.commit(t, s, all[:3])
	e.commit(t, s, all[3:5])
	e.commit(t, s, all[5:])
	got := e.load(t, "sv1")
	if !got.Equal(analytics.Fold(all)) {
		t.Fatalf("stored tally %+v differs from the fold", got)
	}
	jsonEqual(t, analytics.Compute(s, got, analytics.Filter{}, nil, genAt), wantFixture)
	// One head, five subject documents, q3 and q4: eight small documents.
	if n, _ := e.db.Collection("tallies").CountDocuments(context.Background(), bson.D{}); n != 8 {
		t.Fatalf("%d tally documents, want 8", n)
	}
}

// Ids, groups, channels, keys and reasons that are not plain field names
// ('.', '$', '%', '/', empty, numeric) survive the round trip.
func TestStoreOddKeys(t *testing.T) {
	e := newStoreEnv(t)
	v := -3
	bs := []surveys.Ballot{
		{ID: "x1", SurveyID: "sv.$1", Channel: "", RaterGroup: "$g.1", Valid: true, Answers: []surveys.Answer{
			{Question: "q.1", Subject: "a.b$c%2E/d", Option: "$opt.x"},
			{Question: "$q", Value: &v},
			{Question: "10", Options: []string{"", "1", "%"}},
		}},
		{ID: "x2", SurveyID: "sv.$1", Channel: "web.x", RaterGroup: "", Valid: false, Reason: "同一选项.$"},
	}
	e.commit(t, nil, bs)
	got := e.load(t, "sv.$1")
	if !got.Equal(analytics.Fold(bs)) {
		t.Fatalf("stored %+v\nwant   %+v", got, analytics.Fold(bs))
	}
}

// A crash between insertMany and the $inc leaves the tally short; the
// reconciliation notices the count and rebuilds, and the scorecard equals
// a fresh fold.
func TestReconcileHealsCrashWindow(t *testing.T) {
	e := newStoreEnv(t)
	s := fixtureSurvey()
	all := fixtureBallots()
	ctx := context.Background()
	e.commit(t, s, all[:4])
	e.insert(t, all[4:]) // stored, never folded: the crash
	if got := e.load(t, "sv1"); got.Total() != 4 {
		t.Fatalf("tallied %d before reconciling, want 4", got.Total())
	}
	rebuilt, err := e.tallies.Reconcile(ctx, "sv1")
	if err != nil || !rebuilt {
		t.Fatalf("reconcile: rebuilt %v, err %v", rebuilt, err)
	}
	got := e.load(t, "sv1")
	if !got.Equal(analytics.Fold(all)) {
		t.Fatal("healed tally differs from a fresh fold")
	}
	jsonEqual(t, analytics.Compute(s, got, analytics.Filter{}, nil, genAt), wantFixture)

	// Healthy now: nothing to do, and the write path carries on from the
	// new epoch.
	if rebuilt, err := e.tallies.Reconcile(ctx, "sv1"); err != nil || rebuilt {
		t.Fatalf("second reconcile: rebuilt %v, err %v", rebuilt, err)
	}
	more := []surveys.Ballot{ballot("N1", "members", "web", true, "s4.q1=a")}
	e.commit(t, s, more)
	if !e.load(t, "sv1").Equal(analytics.Fold(append(fixtureBallots(), more...))) {
		t.Fatal("fold after a rebuild went astray")
	}
	// Only the current epoch's documents remain.
	if n, _ := e.db.Collection("tallies").CountDocuments(ctx, bson.D{{Key: "epoch", Value: bson.D{{Key: "$ne", Value: 1}}}}); n != 0 {
		t.Fatalf("%d documents of an old epoch left", n)
	}
}

// A batch folded twice (tally above the stored count) heals the same way,
// and so does a fold that failed (the survey is marked dirty).
func TestReconcileHealsExcessAndFailedFold(t *testing.T) {
	e := newStoreEnv(t)
	s := fixtureSurvey()
	all := fixtureBallots()
	ctx := context.Background()
	e.commit(t, s, all)
	if err := e.tallies.AfterCommit(ctx, committed(s, all[:2])); err != nil { // a replayed fold
		t.Fatal(err)
	}
	if rebuilt, err := e.tallies.Reconcile(ctx, "sv1"); err != nil || !rebuilt {
		t.Fatalf("reconcile excess: rebuilt %v, err %v", rebuilt, err)
	}
	if !e.load(t, "sv1").Equal(analytics.Fold(all)) {
		t.Fatal("excess not healed")
	}

	more := []surveys.Ballot{ballot("N1", "masses", "web", true, "s1.q1=a")}
	e.insert(t, more)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := e.tallies.AfterCommit(cancelled, committed(s, more)); err == nil {
		t.Fatal("fold with a cancelled context succeeded")
	}
	var rounds int
	e.tallies.ReconcileAll(ctx, func(context.Context) ([]string, error) { rounds++; return nil, nil })
	if rounds != 1 || !e.load(t, "sv1").Equal(analytics.Fold(append(all, more...))) {
		t.Fatal("the survey a failed fold marked was not rebuilt")
	}
}

// Rebuilding an unchanged survey gives the same tally (the full rebuild of
// the issue, e.g. on demand).
func TestRebuildIsIdempotent(t *testing.T) {
	e := newStoreEnv(t)
	s := fixtureSurvey()
	e.commit(t, s, fixtureBallots())
	for range 2 {
		n, err := e.tallies.Rebuild(context.Background(), "sv1")
		if err != nil || n != 8 {
			t.Fatalf("rebuild: %d, %v", n, err)
		}
		if !e.load(t, "sv1").Equal(analytics.Fold(fixtureBallots())) {
			t.Fatal("rebuild changed the tally")
		}
	}
	if got := e.load(t, "nobody"); got.Total() != 0 || len(got.Hists) != 0 {
		t.Fatal("a survey without ballots has a tally")
	}
}

// Property: for random ballot streams folded into the store in random
// batches, the stored tally equals a full rebuild from the stored ballots
// (and the in-memory fold).
func TestPropertyStoreIncrementalEqualsRebuild(t *testing.T) {
	s := fixtureSurvey()
	iteration := 0
	rapid.Check(t, func(rt *rapid.T) {
		// A database per case: the embedded store scans, so one growing
		// collection would make every case slower than the last.
		e := newStoreEnv(t)
		iteration++
		id := fmt.Sprintf("p%d", iteration)
		all := genBallots(rt, "ballots")
		for i := range all {
			all[i].SurveyID = id
			all[i].ID = id + "-" + all[i].ID
		}
		for rest := all; len(rest) > 0; {
			k := rapid.IntRange(1, len(rest)).Draw(rt, "batch")
			e.commit(t, s, rest[:k])
			rest = rest[k:]
		}
		incremental := e.load(t, id)
		if _, err := e.tallies.Rebuild(context.Background(), id); err != nil {
			rt.Fatal(err)
		}
		rebuilt := e.load(t, id)
		if !incremental.Equal(rebuilt) || !rebuilt.Equal(analytics.Fold(all)) {
			rt.Fatalf("incremental %+v\nrebuilt %+v", incremental, rebuilt)
		}
	})
}

// RunReconciler heals at its first round (the one at start, after a crash)
// and returns when its context ends.
func TestRunReconciler(t *testing.T) {
	e := newStoreEnv(t)
	s := fixtureSurvey()
	all := fixtureBallots()
	e.commit(t, s, all[:2])
	e.insert(t, all[2:]) // the crash
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		rounds := 0
		e.tallies.RunReconciler(ctx, time.Millisecond, func(context.Context) ([]string, error) {
			if rounds++; rounds == 2 {
				cancel() // the first round is done
			}
			return []string{"sv1"}, nil
		})
	}()
	<-done
	if !e.load(t, "sv1").Equal(analytics.Fold(all)) {
		t.Fatal("the reconciler did not heal the survey")
	}
}
