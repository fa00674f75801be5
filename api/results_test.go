package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

// resultsFixture is a published satisfaction survey of two branches B1 and
// B2 (under one committee) with three ballots submitted through the public
// endpoint, so they went through the batcher and its tally hook.
type resultsFixture struct {
	*env
	surveyID, b1, b2 string
}

func newResultsFixture(t *testing.T) *resultsFixture {
	t.Helper()
	e := newEnv(t)
	org := func(name, code, kind, parent string) string {
		o := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": name, "code": code, "kind": kind, "parent_id": parent}), http.StatusCreated)
		return o["id"].(string)
	}
	c := org("机关党委", "JG", "committee", "")
	fx := &resultsFixture{env: e, b1: org("第一党支部", "ZB1", "branch", c), b2: org("第二党支部", "ZB2", "branch", c)}
	def := validDef(orgSubject(fx.b1), orgSubject(fx.b2))
	def.Scoring.Trim = nil
	def.Scoring.MinGroupBallots = new(int) // groups of 1–2 ballots reported, as these hand-computed results expect
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", def), http.StatusCreated)
	fx.surveyID = sv["id"].(string)
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/publish", nil), http.StatusOK)
	for i, b := range []struct {
		group, b1, b2 string
		q2            []string
		q3            int
		q4            string
	}{
		{"masses", "a", "b", []string{"a"}, 9, "路灯坏了"},
		{"masses", "b", "c", []string{"a", "b"}, 7, ""},
		{"members", "a", "d", []string{"c"}, 10, "服务很好"},
	} {
		answers := []map[string]any{
			{"question": "q1", "subject": fx.b1, "option": b.b1},
			{"question": "q1", "subject": fx.b2, "option": b.b2},
			{"question": "q2", "options": b.q2},
			{"question": "q3", "value": b.q3},
		}
		if b.q4 != "" {
			answers = append(answers, map[string]any{"question": "q4", "text": b.q4})
		}
		w := e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots",
			map[string]any{"submission_id": fmt.Sprintf("results-%04d", i), "rater_group": b.group, "answers": answers}, "Authorization", "")
		decode[map[string]any](t, w, http.StatusCreated)
	}
	return fx
}

func (fx *resultsFixture) results(t *testing.T, query string, hdr ...string) map[string]any {
	t.Helper()
	return decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/results"+query, nil, hdr...), http.StatusOK)
}

// pick re-marshals part of a JSON answer for comparison.
func pick(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantJSON(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	g := any(nil)
	_ = json.Unmarshal([]byte(pick(t, got)), &g)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got  %s\nwant %s", pick(t, got), want)
	}
}

type subjectRow struct {
	ID    string
	Rank  any
	Score any
	Sat   any
	Grade any
	Final any
}

func rows(t *testing.T, r map[string]any) []subjectRow {
	t.Helper()
	var out []subjectRow
	for _, s := range r["subjects"].([]any) {
		m := s.(map[string]any)
		out = append(out, subjectRow{m["subject"].(map[string]any)["id"].(string), m["rank"], m["score"], m["satisfaction_rate"], m["grade"], m["final_grade"]})
	}
	return out
}

// TestResultsEndpoint checks the scorecard against hand-computed figures.
//
//	B1 q1: masses a, b → {100, 80} → 90;  members a → {100} → 100
//	       S = 0.6·90 + 0.4·100 = 54 + 40 = 94;  satisfied a, b, a = 3/3 = 1
//	B2 q1: masses b, c → {80, 0} → 40;  members d abstains → undefined
//	       S = 0.6·40 / 0.6 = 40 (renormalised);  satisfied b of b, c = 1/2 = 0.5
//	ranks B1 1, B2 2; grades with n = 2: good (≥ 90) quota floor(0.3·2) = 0
//	→ B1 cannot take it → ok (≥ 60); B2 → bad
//	       by group: masses satisfied b of b, c = 0.5; members abstained → null
//	q2 (multiple): 3 answers, a 2, b 1, c 1;  q3: (9 + 7 + 10) / 3 = 8.6667,
//	NPS: promoters 9, 10 = 2/3, detractors none, (2 − 0) × 100 / 3 = 66.6667
func TestResultsEndpoint(t *testing.T) {
	fx := newResultsFixture(t)
	r := fx.results(t, "")
	wantJSON(t, r["ballots"], `{"valid": 3, "invalid": 0, "by_group": {"masses": 2, "members": 1}, "by_channel": {"web": 3}, "invalid_reasons": {}}`)
	got := rows(t, r)
	want := []subjectRow{
		{fx.b1, 1.0, 94.0, 1.0, map[string]any{"key": "ok", "label": "中"}, nil},
		{fx.b2, 2.0, 40.0, 0.5, map[string]any{"key": "bad", "label": "差"}, nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("subjects %+v, want %+v", got, want)
	}
	b2 := r["subjects"].([]any)[1].(map[string]any)
	wantJSON(t, b2["subject"], `{"type": "org", "id": "`+fx.b2+`", "name": "第二党支部", "org_id": "`+fx.b2+`", "org_name": "第二党支部"}`)
	wantJSON(t, b2["by_group"], `[{"group": "masses", "name": "群众", "weight": 0.6, "answers": 2, "score": 40, "satisfaction_rate": 0.5},
		{"group": "members", "name": "党员", "weight": 0.4, "answers": 0, "score": null, "satisfaction_rate": null}]`)
	wantJSON(t, b2["by_dimension"], `[{"dimension": "服务群众", "score": 40}]`)
	wantJSON(t, b2["questions"], `[{"question": "q1", "answers": 3, "abstain": 1, "distribution": {"a": 0, "b": 1, "c": 1, "d": 1}, "shares": {"a": 0, "b": 0.3333, "c": 0.3333, "d": 0.3333}, "mean": 40, "satisfaction_rate": 0.5}]`)
	wantJSON(t, r["questions"], `[
		{"question": "q2", "type": "multiple", "answers": 3, "distribution": {"a": 2, "b": 1, "c": 1}, "shares": {"a": 0.6667, "b": 0.3333, "c": 0.3333}},
		{"question": "q3", "type": "scale", "answers": 3, "mean": 8.6667,
		 "nps": {"score": 66.6667, "promoters": 0.6667, "detractors": 0},
		 "distribution": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 1, "8": 0, "9": 1, "10": 1},
		 "shares": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 0.3333, "8": 0, "9": 0.3333, "10": 0.3333}}]`)

	// ?group=members: B1 {100} → 100, rank 1; B2 has no members' answers.
	got = rows(t, fx.results(t, "?group=members"))
	if got[0].ID != fx.b1 || got[0].Score != 100.0 || got[0].Rank != 1.0 || got[1].Score != nil || got[1].Rank != nil {
		t.Fatalf("group view %+v", got)
	}
	wantError(t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/results?group=nobody", nil), http.StatusUnprocessableEntity, "validation_failed", "group")

	// ?org_id=B2 keeps B2, first of its scope and second overall.
	scoped := fx.results(t, "?org_id="+fx.b2)
	got = rows(t, scoped)
	if len(got) != 1 || got[0].ID != fx.b2 || got[0].Rank != 1.0 || scoped["subjects"].([]any)[0].(map[string]any)["overall_rank"] != 2.0 {
		t.Fatalf("org view %+v", got)
	}
	wantError(t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/results?org_id=nope", nil), http.StatusNotFound, "")

	// A full rebuild recounts the same tallies.
	rb := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/results/rebuild", nil), http.StatusOK)
	if rb["ballots"] != 3.0 {
		t.Fatalf("rebuild %v", rb)
	}
	again := fx.results(t, "")
	delete(again, "generated_at")
	delete(r, "generated_at")
	if pick(t, again) != pick(t, r) {
		t.Fatalf("results changed after a rebuild:\n%s\n%s", pick(t, r), pick(t, again))
	}
	wantError(t, fx.do(http.MethodGet, "/api/v1/surveys/nope/results", nil), http.StatusNotFound, "")
}

func TestResultsRolesAndScope(t *testing.T) {
	fx := newResultsFixture(t)
	path := "/api/v1/surveys/" + fx.surveyID
	leader := "Bearer " + fx.tokenFor(accounts.RoleLeader, "")
	operator := "Bearer " + fx.tokenFor(accounts.RoleOperator, "")
	sec2 := "Bearer " + fx.tokenFor(accounts.RoleSecretary, fx.b2)

	if got := rows(t, fx.results(t, "", "Authorization", leader)); len(got) != 2 {
		t.Fatalf("leader sees %d subjects", len(got))
	}
	// A secretary sees its own branch only, and may not ask for another.
	if got := rows(t, fx.results(t, "", "Authorization", sec2)); len(got) != 1 || got[0].ID != fx.b2 {
		t.Fatalf("secretary sees %+v", got)
	}
	wantError(t, fx.do(http.MethodGet, path+"/results?org_id="+fx.b1, nil, "Authorization", sec2), http.StatusForbidden, "out_of_scope")
	wantError(t, fx.do(http.MethodGet, path+"/results", nil, "Authorization", operator), http.StatusForbidden, "")
	wantError(t, fx.do(http.MethodPost, path+"/results/rebuild", nil, "Authorization", leader), http.StatusForbidden, "")
	wantError(t, fx.do(http.MethodGet, path+"/results", nil, "Authorization", ""), http.StatusUnauthorized, "")
}

func TestFinalGrade(t *testing.T) {
	fx := newResultsFixture(t)
	path := "/api/v1/surveys/" + fx.surveyID + "/subjects/"
	sec2 := "Bearer " + fx.tokenFor(accounts.RoleSecretary, fx.b2)
	leader := "Bearer " + fx.tokenFor(accounts.RoleLeader, "")

	rec := decode[map[string]any](t, fx.do(http.MethodPut, path+fx.b2+"/final-grade", map[string]any{"grade": "ok", "reason": "整改到位，群众认可"}, "Authorization", sec2), http.StatusOK)
	if rec["grade"] != nil || rec["key"] != "ok" || rec["label"] != "中" || rec["subject_id"] != fx.b2 {
		t.Fatalf("final grade record %v", rec)
	}
	wantError(t, fx.do(http.MethodPut, path+fx.b1+"/final-grade", map[string]any{"grade": "ok", "reason": "x"}, "Authorization", sec2), http.StatusForbidden, "out_of_scope")
	wantError(t, fx.do(http.MethodPut, path+fx.b1+"/final-grade", map[string]any{"grade": "ok", "reason": "x"}, "Authorization", leader), http.StatusForbidden, "")
	wantError(t, fx.do(http.MethodPut, path+fx.b1+"/final-grade", map[string]any{"grade": "excellent", "reason": " "}), http.StatusUnprocessableEntity, "validation_failed", "grade", "reason")
	wantError(t, fx.do(http.MethodPut, path+"nobody/final-grade", map[string]any{"grade": "ok", "reason": "x"}), http.StatusNotFound, "subject_not_found")
	wantError(t, fx.do(http.MethodPut, path+fx.b1+"/final-grade", map[string]any{"grade": "ok", "reason": "x", "extra": 1}), http.StatusUnprocessableEntity, "")

	// The latest record wins; the recommendation stays beside it.
	decode[map[string]any](t, fx.do(http.MethodPut, path+fx.b2+"/final-grade", map[string]any{"grade": "bad", "reason": "复核后维持"}), http.StatusOK)
	type history struct{ Items []map[string]any }
	h := decode[history](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/final-grades", nil, "Authorization", sec2), http.StatusOK)
	if len(h.Items) != 2 || h.Items[0]["key"] != "ok" || h.Items[1]["key"] != "bad" || h.Items[0]["set_by"] != "secretary-1" {
		t.Fatalf("history %v", h.Items)
	}
	b2 := rows(t, fx.results(t, "?org_id="+fx.b2))[0]
	wantJSON(t, b2.Grade, `{"key": "bad", "label": "差"}`)
	final := b2.Final.(map[string]any)
	if final["key"] != "bad" || final["reason"] != "复核后维持" || final["set_at"] != "2026-11-25T09:30:00Z" {
		t.Fatalf("final grade %v", final)
	}
}

func TestTextAnswers(t *testing.T) {
	fx := newResultsFixture(t)
	path := "/api/v1/surveys/" + fx.surveyID + "/texts"
	type page struct {
		Items []map[string]any
		Next  *string
	}
	p := decode[page](t, fx.do(http.MethodGet, path+"?question=q4&limit=1", nil), http.StatusOK)
	if len(p.Items) != 1 || p.Next == nil {
		t.Fatalf("first page %+v", p)
	}
	p2 := decode[page](t, fx.do(http.MethodGet, path+"?question=q4&limit=1&after="+*p.Next, nil), http.StatusOK)
	if len(p2.Items) != 1 || p2.Next != nil {
		t.Fatalf("second page %+v", p2)
	}
	texts := map[any]bool{p.Items[0]["text"]: true, p2.Items[0]["text"]: true}
	if !texts["路灯坏了"] || !texts["服务很好"] {
		t.Fatalf("texts %v", texts)
	}
	if p.Items[0]["question"] != "q4" || p.Items[0]["channel"] != string(surveys.ChannelWeb) {
		t.Fatalf("item %v", p.Items[0])
	}
	wantError(t, fx.do(http.MethodGet, path+"?question=q1", nil), http.StatusUnprocessableEntity, "validation_failed", "question")
	wantError(t, fx.do(http.MethodGet, path+"?question=q4", nil, "Authorization", "Bearer "+fx.tokenFor(accounts.RoleSecretary, fx.b2)), http.StatusForbidden, "")
	decode[page](t, fx.do(http.MethodGet, path+"?question=q4", nil, "Authorization", "Bearer "+fx.tokenFor(accounts.RoleLeader, "")), http.StatusOK)
}
