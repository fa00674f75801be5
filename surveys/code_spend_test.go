package surveys_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// TestSpendAfterACrash: a submission whose code was spent but whose ballot
// never got stored (a crash between the two writes) retries with the same
// submission id and stores its ballot; another submission with that code
// is refused; once the ballot is stored the claim is gone, so the spend
// record holds nothing but the survey and the code's hash.
func TestSpendAfterACrash(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, append(surveys.CodeIndexes(), surveys.BallotIndexes()...)); err != nil {
		t.Fatal(err)
	}
	cs := surveys.NewCodeStore(db, secret.New("test-key"), func() time.Time { return t0 })
	sv := appraisal()
	sv.Access.Mode = surveys.AccessCode
	codes, err := cs.Issue(ctx, sv, "masses", 1)
	if err != nil {
		t.Fatal(err)
	}
	code, err := cs.Lookup(ctx, sv.ID, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	// The crash: spent by submission A, no ballot.
	if mine, err := cs.Spend(ctx, code, cs.Claim(sv.ID, "sub-crash-a")); err != nil || !mine {
		t.Fatalf("first spend: %v %v", mine, err)
	}
	bt := surveys.NewBatcher(db, surveys.BatcherConfig{Codes: cs})
	t.Cleanup(bt.Close)
	sub := &surveys.Submitter{Surveys: source{sv.ID: sv}, Codes: cs, Ballots: surveys.NewBallotStore(db), Writer: bt, Now: func() time.Time { return t0 }}
	other := good("sub-crash-b")
	other.Code, other.RaterGroup = codes[0], ""
	if _, err := sub.Submit(ctx, other); err == nil {
		t.Fatal("another submission used the spent code")
	}
	retry := good("sub-crash-a")
	retry.Code, retry.RaterGroup = codes[0], ""
	r, err := sub.Submit(ctx, retry)
	if err != nil || r.Replayed {
		t.Fatalf("the crashed submission's retry: %+v %v, want its ballot stored", r, err)
	}
	again, err := sub.Submit(ctx, retry)
	if err != nil || !again.Replayed || again.ID != r.ID {
		t.Fatalf("a second retry: %+v %v, want the original receipt", again, err)
	}
	var spend bson.M
	if err := db.Collection("code_spends").FindOne(ctx, bson.D{}).Decode(&spend); err != nil {
		t.Fatal(err)
	}
	if _, ok := spend["claim"]; ok || len(spend) != 2 {
		t.Fatalf("spend record after the ballot %v, want only _id and survey_id", spend)
	}
	var ballot bson.M
	if err := db.Collection("ballots").FindOne(ctx, bson.D{}).Decode(&ballot); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"code_hash", "submission_id"} {
		if _, ok := ballot[k]; ok {
			t.Errorf("stored ballot keeps %s", k)
		}
	}
	if got := ballot["created_at"].(bson.DateTime).Time().UTC(); !got.Equal(t0.Truncate(time.Hour)) {
		t.Errorf("ballot time %v, want the hour %v", got, t0.Truncate(time.Hour))
	}
}
