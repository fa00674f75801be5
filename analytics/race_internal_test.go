package analytics

import (
	"context"
	"strings"
	"testing"

	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// A fold that read the epoch before a rebuild swapped it must not count
// into the new epoch: the head's epoch filter makes it fail, AfterCommit
// marks the survey, and Reconcile rebuilds it although the counts agree.
func TestFoldRacingRebuildIsCaught(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(ctx, db, append(surveys.BallotIndexes(), TallyIndexes()...)); err != nil {
		t.Fatal(err)
	}
	bs := surveys.NewBallotStore(db)
	s := NewTallyStore(db, bs, nil)
	one := 1
	b := []surveys.Ballot{
		{ID: "a", SurveyID: "sv", Channel: "web", RaterGroup: "g", Valid: true, Answers: []surveys.Answer{{Question: "q", Value: &one}}},
		{ID: "b", SurveyID: "sv", Channel: "web", RaterGroup: "g", Valid: true, Answers: []surveys.Answer{{Question: "q", Value: &one}}},
	}
	if _, err := db.Collection("ballots").InsertMany(ctx, []any{b[0], b[1]}); err != nil {
		t.Fatal(err)
	}
	if err := s.AfterCommit(ctx, []surveys.CommittedBallot{{Ballot: &b[0]}}); err != nil {
		t.Fatal(err)
	}
	// b[1] is stored; a rebuild runs and counts it (epoch 0 → 1) ...
	if n, err := s.Rebuild(ctx, "sv"); err != nil || n != 2 {
		t.Fatalf("rebuild: %d, %v", n, err)
	}
	// ... while b[1]'s own fold, which read epoch 0, lands afterwards.
	d := map[string]*Tally{"sv": Fold(b[1:])}
	if err := s.foldAt(ctx, []string{"sv"}, d, map[string]int64{"sv": 0}); err == nil {
		t.Fatal("a fold into a swapped epoch succeeded")
	}
	s.markDirty("sv") // what AfterCommit does with that error
	tl, err := s.Load(ctx, "sv")
	if err != nil || !tl.Equal(Fold(b)) {
		t.Fatalf("the stale fold changed the current tally: %+v %v", tl, err)
	}
	rebuilt, err := s.Reconcile(ctx, "sv")
	if err != nil || !rebuilt {
		t.Fatalf("a dirty survey with equal counts was not rebuilt: %v %v", rebuilt, err)
	}
}

func TestEscapeKey(t *testing.T) {
	for _, k := range []string{"", "%", "a", "a.b", "$x", "a/b", "%2E", "x\x00y", "满意.度"} {
		e := escapeKey(k)
		if e == "" || e[0] == '$' || strings.ContainsAny(e, "./\x00") {
			t.Errorf("escapeKey(%q) = %q is not a safe field name", k, e)
		}
		if got := unescapeKey(e); got != k {
			t.Errorf("unescapeKey(escapeKey(%q)) = %q", k, got)
		}
	}
	if escapeKey("q1") != "q1" {
		t.Error("plain keys must stay readable")
	}
}
