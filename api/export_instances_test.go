package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/accounts"
	"minyi/api"
	"minyi/app"
	"minyi/reports"
)

// TestExportOtherInstance: a job's file is kept in the store, so a second
// instance over the same database (its own app and runner) serves it,
// byte for byte as the instance that wrote it.
func TestExportOtherInstance(t *testing.T) {
	fx := newResultsFixture(t)
	j := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID}), http.StatusAccepted)
	id := j["id"].(string)
	fx.app.Exports.Wait()

	a2, err := app.New(t.Context(), fx.app.Store, app.Config{Now: fx.app.Now, SecretKey: "test-secret-key", Policy: testPolicy(t), Argon2: &testArgon2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a2.Close)
	other := &env{t: t, srv: api.New(api.Options{App: a2, AdminToken: adminToken, BaseURL: testBaseURL}), app: a2, acc: a2.Accounts}

	mine := fx.do(http.MethodGet, "/api/v1/exports/"+id+"/file", nil)
	theirs := other.do(http.MethodGet, "/api/v1/exports/"+id+"/file", nil)
	if mine.Code != http.StatusOK || theirs.Code != http.StatusOK || !bytes.Equal(mine.Body.Bytes(), theirs.Body.Bytes()) {
		t.Fatalf("file from its instance %d (%d bytes), from the other %d (%d bytes): want the same file", mine.Code, mine.Body.Len(), theirs.Code, theirs.Body.Len())
	}
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	wantRanking(t, openXLSX(t, theirs, sv["title"].(string)+"-测评结果-20261125.xlsx"), fx.results(t, ""))
	if got := theirs.Header().Get("Content-Length"); got != fmt.Sprint(theirs.Body.Len()) {
		t.Errorf("Content-Length %s for %d bytes", got, theirs.Body.Len())
	}

	// Its runner restarting fails nothing of the first instance's (here:
	// nothing unfinished is stale).
	if err := a2.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := decode[map[string]any](t, other.do(http.MethodGet, "/api/v1/exports/"+id, nil), http.StatusOK); st["status"] != "done" {
		t.Errorf("job after the other instance started: %v", st)
	}
}

// TestExportLimit: a person with two unfinished jobs (on any instance) is
// answered 429 export_limit with Retry-After; once one of them is done the
// next export is taken.
func TestExportLimit(t *testing.T) {
	fx := newResultsFixture(t)
	body := map[string]any{"kind": "ballots", "survey_id": fx.surveyID}
	first := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", body), http.StatusAccepted)
	fx.app.Exports.Wait()
	done, err := fx.app.Exports.Get(t.Context(), first["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	// Two jobs of the same person still running elsewhere, beating now.
	db := fx.app.Store.DB
	for n, id := range []string{"busy0", "busy1"} {
		job := reports.Job{ID: id, Kind: reports.KindBallots, SurveyID: fx.surveyID, Status: reports.StatusRunning, Owner: done.Owner,
			CreatedAt: fixedNow, UpdatedAt: fixedNow, Instance: "elsewhere", Slot: fmt.Sprintf("%s#%d", done.Owner, n)}
		if _, err := db.Collection("exports").InsertOne(t.Context(), job); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Collection("export_slots").InsertOne(t.Context(), bson.D{{Key: "_id", Value: job.Slot}, {Key: "job", Value: id}}); err != nil {
			t.Fatal(err)
		}
	}
	w := fx.do(http.MethodPost, "/api/v1/exports", body)
	e := wantError(t, w, http.StatusTooManyRequests, "export_limit")
	if e.Error.Message == "" || w.Header().Get("Retry-After") == "" {
		t.Errorf("429 without a message or Retry-After: %s %v", w.Body, w.Header())
	}
	// Another person is not held up.
	leader := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleLeader, "")}
	decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID}, leader...), http.StatusAccepted)

	// One finishes (its instance crashed before freeing the slot): the
	// slot is taken over.
	if _, err := db.Collection("exports").UpdateOne(t.Context(), bson.D{{Key: "_id", Value: "busy1"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: reports.StatusDone}}}}); err != nil {
		t.Fatal(err)
	}
	next := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", body), http.StatusAccepted)
	fx.app.Exports.Wait()
	if st := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/exports/"+next["id"].(string), nil), http.StatusOK); st["status"] != "done" {
		t.Errorf("export after a slot freed: %v", st)
	}
}
