package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"minyi/surveys"
)

// fieldCodes maps each field of a 422 answer to its error codes.
func fieldCodes(t *testing.T, w *httptest.ResponseRecorder) map[string][]string {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	out := map[string][]string{}
	for _, f := range e.Error.Fields {
		out[f.Field] = append(out[f.Field], f.Code)
		if f.Message == "" {
			t.Errorf("field %s without message", f.Field)
		}
	}
	return out
}

func hasFieldCode(got map[string][]string, field, code string) bool {
	for _, c := range got[field] {
		if c == code {
			return true
		}
	}
	return false
}

// TestSurveyValidation: each rule of a survey definition, broken on its
// own in an otherwise valid survey, answers 422 naming the JSON path and
// the rule. Draft rules are checked at POST /surveys, completeness rules at
// publish.
func TestSurveyValidation(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	m := e.member("张建国", o.zb1.ID)
	empty := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第三党支部", "code": "ZB3", "kind": "branch", "parent_id": o.general.ID}), http.StatusCreated)
	past := fixedNow.Add(-time.Hour)
	later := fixedNow.Add(24 * time.Hour)

	// Sanity: the base definition is valid and publishes.
	base := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", validDef(orgSubject(o.zb1.ID))), http.StatusCreated)
	decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+base.ID+"/publish", nil), http.StatusOK)

	q := func(d *surveyDef, i int) *surveys.Question { return &d.Questions[i] }
	cases := []struct {
		name    string
		mut     func(d *surveyDef)
		publish bool // the rule is checked at publish, not at create
		field   string
		code    string
	}{
		{"title required", func(d *surveyDef) { d.Title = " " }, false, "title", "required"},
		{"title too long", func(d *surveyDef) { d.Title = string(make([]rune, 201)) }, false, "title", "too_long"},
		{"kind", func(d *surveyDef) { d.Kind = "poll" }, false, "kind", "invalid"},
		{"subject type", func(d *surveyDef) { d.Subjects[0]["type"] = "person" }, false, "subjects[0].type", "invalid"},
		{"subject id required", func(d *surveyDef) { d.Subjects[0]["id"] = "" }, false, "subjects[0].id", "required"},
		{"duplicate subject", func(d *surveyDef) { d.Subjects = append(d.Subjects, orgSubject(o.zb1.ID)) }, false, "subjects[1].id", "duplicate"},
		{"unknown org subject", func(d *surveyDef) { d.Subjects[0]["id"] = "nope" }, false, "subjects[0].id", "unknown_subject"},
		{"unknown member subject", func(d *surveyDef) {
			d.Subjects = append(d.Subjects, map[string]string{"type": "member", "id": m.ID}, map[string]string{"type": "member", "id": o.zb1.ID})
		}, false, "subjects[2].id", "unknown_subject"},
		{"unknown org_members subject", func(d *surveyDef) { d.Subjects[0] = map[string]string{"type": "org_members", "id": "nope"} }, false, "subjects[0].id", "unknown_subject"},
		{"unknown running org", func(d *surveyDef) { d.OrgID = "nope" }, false, "org_id", "unknown_org"},
		{"group key duplicate", func(d *surveyDef) { d.RaterGroups[1].Key = "masses" }, false, "rater_groups[1].key", "duplicate"},
		{"group key invalid", func(d *surveyDef) { d.RaterGroups[0].Key = "群众" }, false, "rater_groups[0].key", "invalid"},
		{"group name required", func(d *surveyDef) { d.RaterGroups[0].Name = "" }, false, "rater_groups[0].name", "required"},
		{"negative weight", func(d *surveyDef) { d.RaterGroups[0].Weight = -0.1 }, false, "rater_groups[0].weight", "negative"},
		{"all-zero weights", func(d *surveyDef) { d.RaterGroups[0].Weight, d.RaterGroups[1].Weight = 0, 0 }, false, "rater_groups", "all_zero_weights"},
		{"access mode", func(d *surveyDef) { d.Access.Mode = "invite" }, false, "access.mode", "invalid"},
		{"opens after closes", func(d *surveyDef) { d.Access.OpensAt, d.Access.ClosesAt = &later, &past }, false, "access.closes_at", "before_opens"},
		{"opens equals closes", func(d *surveyDef) { d.Access.OpensAt, d.Access.ClosesAt = &later, &later }, false, "access.closes_at", "before_opens"},
		{"question key duplicate", func(d *surveyDef) { q(d, 1).Key = "q1" }, false, "questions[1].key", "duplicate"},
		{"question key required", func(d *surveyDef) { q(d, 2).Key = "" }, false, "questions[2].key", "required"},
		{"question type", func(d *surveyDef) { q(d, 2).Type = "ranking" }, false, "questions[2].type", "invalid"},
		{"question title", func(d *surveyDef) { q(d, 3).Title = "" }, false, "questions[3].title", "required"},
		{"option key duplicate", func(d *surveyDef) { q(d, 0).Options[1].Key = "a" }, false, "questions[0].options[1].key", "duplicate"},
		{"option label", func(d *surveyDef) { q(d, 1).Options[2].Label = "" }, false, "questions[1].options[2].label", "required"},
		{"too few options", func(d *surveyDef) { q(d, 1).Options = q(d, 1).Options[:1]; q(d, 1).Min, q(d, 1).Max = nil, nil }, false, "questions[1].options", "too_few"},
		{"scored option without score", func(d *surveyDef) { q(d, 0).Options[2].Score = nil }, false, "questions[0].options[2].score", "score_required"},
		{"score above 100", func(d *surveyDef) { q(d, 0).Options[0].Score = f64p(120) }, false, "questions[0].options[0].score", "out_of_range"},
		{"score below 0", func(d *surveyDef) { q(d, 0).Options[2].Score = f64p(-5) }, false, "questions[0].options[2].score", "out_of_range"},
		{"abstain with score", func(d *surveyDef) { q(d, 0).Options[3].Score = f64p(50) }, false, "questions[0].options[3].score", "abstain_scored"},
		{"abstain satisfied", func(d *surveyDef) { q(d, 0).Options[3].Satisfied = true }, false, "questions[0].options[3].satisfied", "abstain_satisfied"},
		{"all options abstain", func(d *surveyDef) {
			q(d, 3).Type, q(d, 3).MaxLength = "single", 0
			q(d, 3).Options = []surveys.Option{{Key: "x", Label: "不了解", Abstain: true}, {Key: "y", Label: "说不清", Abstain: true}}
		}, false, "questions[3].options", "all_abstain"},
		{"score on multiple", func(d *surveyDef) { q(d, 1).Options[0].Score = f64p(10) }, false, "questions[1].options[0].score", "not_allowed"},
		{"multiple min > max", func(d *surveyDef) { q(d, 1).Min, q(d, 1).Max = intp(2), intp(1) }, false, "questions[1].min", "min_gt_max"},
		{"multiple max > options", func(d *surveyDef) { q(d, 1).Max = intp(4) }, false, "questions[1].max", "exceeds_options"},
		{"multiple min > options", func(d *surveyDef) { q(d, 1).Min, q(d, 1).Max = intp(4), nil }, false, "questions[1].min", "exceeds_options"},
		{"multiple negative min", func(d *surveyDef) { q(d, 1).Min = intp(-1) }, false, "questions[1].min", "out_of_range"},
		{"multiple max zero", func(d *surveyDef) { q(d, 1).Min, q(d, 1).Max = nil, intp(0) }, false, "questions[1].max", "out_of_range"},
		{"scale min required", func(d *surveyDef) { q(d, 2).Min = nil }, false, "questions[2].min", "required"},
		{"scale max required", func(d *surveyDef) { q(d, 2).Max = nil }, false, "questions[2].max", "required"},
		{"scale min >= max", func(d *surveyDef) { q(d, 2).Min = intp(10) }, false, "questions[2].min", "min_gt_max"},
		{"scale too wide", func(d *surveyDef) { q(d, 2).Max = intp(101) }, false, "questions[2].max", "out_of_range"},
		{"options on a scale", func(d *surveyDef) { q(d, 2).Options = q(d, 1).Options }, false, "questions[2].options", "not_allowed"},
		{"text too long limit", func(d *surveyDef) { q(d, 3).MaxLength = 5001 }, false, "questions[3].max_length", "out_of_range"},
		{"text negative limit", func(d *surveyDef) { q(d, 3).MaxLength = -1 }, false, "questions[3].max_length", "out_of_range"},
		{"max_length on a single", func(d *surveyDef) { q(d, 0).MaxLength = 10 }, false, "questions[0].max_length", "not_allowed"},
		{"min on a single", func(d *surveyDef) { q(d, 0).Min = intp(1) }, false, "questions[0].min", "not_allowed"},
		{"max on a text", func(d *surveyDef) { q(d, 3).Max = intp(1) }, false, "questions[3].max", "not_allowed"},
		{"per_subject on a text", func(d *surveyDef) { q(d, 3).PerSubject = true }, false, "questions[3].per_subject", "not_allowed"},
		{"dimension without per_subject", func(d *surveyDef) { q(d, 3).Dimension = "服务" }, false, "questions[3].dimension", "not_allowed"},
		{"question weight zero", func(d *surveyDef) { q(d, 0).Weight = f64p(0) }, false, "questions[0].weight", "out_of_range"},
		{"question weight on unscored", func(d *surveyDef) { q(d, 2).Weight = f64p(1) }, false, "questions[2].weight", "not_allowed"},
		{"quota unknown question", func(d *surveyDef) { d.Rules.Quotas[0].Question = "q9" }, false, "rules.quotas[0].question", "unknown_question"},
		{"quota unknown option", func(d *surveyDef) { d.Rules.Quotas[0].Option = "z" }, false, "rules.quotas[0].option", "unknown_option"},
		{"quota not per subject", func(d *surveyDef) { d.Rules.Quotas[0].Question = "q2" }, false, "rules.quotas[0].question", "not_per_subject"},
		{"quota share zero", func(d *surveyDef) { d.Rules.Quotas[0].MaxShare = 0 }, false, "rules.quotas[0].max_share", "out_of_range"},
		{"quota share above 1", func(d *surveyDef) { d.Rules.Quotas[0].MaxShare = 1.01 }, false, "rules.quotas[0].max_share", "out_of_range"},
		{"quota duplicate", func(d *surveyDef) { d.Rules.Quotas = append(d.Rules.Quotas, d.Rules.Quotas[0]) }, false, "rules.quotas[1]", "duplicate"},
		{"on_violation", func(d *surveyDef) { d.Rules.OnViolation = "ignore" }, false, "rules.on_violation", "invalid"},
		{"trim drops too many", func(d *surveyDef) { d.Scoring.Trim.DropHighest = 5 }, false, "scoring.trim.min_answers", "too_small"},
		{"trim negative drop", func(d *surveyDef) { d.Scoring.Trim.DropLowest = -1 }, false, "scoring.trim.drop_lowest", "out_of_range"},
		{"trim min answers", func(d *surveyDef) { d.Scoring.Trim.MinAnswers = 0 }, false, "scoring.trim.min_answers", "out_of_range"},
		{"satisfaction denominator", func(d *surveyDef) { d.Scoring.SatisfactionDenominator = "some" }, false, "scoring.satisfaction_denominator", "invalid"},
		{"grades not descending", func(d *surveyDef) { d.Scoring.Grades[1].MinScore = 90 }, false, "scoring.grades[1].min_score", "not_descending"},
		{"grades ascending", func(d *surveyDef) { d.Scoring.Grades[2].MinScore = 70 }, false, "scoring.grades[2].min_score", "not_descending"},
		{"grade threshold above 100", func(d *surveyDef) { d.Scoring.Grades[0].MinScore = 101 }, false, "scoring.grades[0].min_score", "out_of_range"},
		{"grade share above 1", func(d *surveyDef) { d.Scoring.Grades[0].MaxShare = 1.5 }, false, "scoring.grades[0].max_share", "out_of_range"},
		{"grade share negative", func(d *surveyDef) { d.Scoring.Grades[1].MaxShare = -0.1 }, false, "scoring.grades[1].max_share", "out_of_range"},
		{"grade key duplicate", func(d *surveyDef) { d.Scoring.Grades[2].Key = "good" }, false, "scoring.grades[2].key", "duplicate"},
		{"grade label", func(d *surveyDef) { d.Scoring.Grades[0].Label = "" }, false, "scoring.grades[0].label", "required"},

		{"no questions", func(d *surveyDef) { d.Questions, d.Rules.Quotas = []surveys.Question{}, nil }, true, "questions", "required"},
		{"per-subject without subjects", func(d *surveyDef) { d.Subjects = nil }, true, "subjects", "required"},
		{"no rater groups", func(d *surveyDef) { d.RaterGroups = nil }, true, "rater_groups", "required"},
		{"org without members", func(d *surveyDef) { d.Subjects[0] = map[string]string{"type": "org_members", "id": empty.ID} }, true, "subjects[0].id", "no_members"},
		{"closes in the past", func(d *surveyDef) { d.Access.ClosesAt = &past }, true, "access.closes_at", "in_past"},
		{"all-same rule without per-subject questions", func(d *surveyDef) {
			q(d, 0).PerSubject, q(d, 0).Dimension = false, ""
			d.Rules.Quotas, d.Rules.InvalidIfAllSame = nil, true
		}, true, "rules.invalid_if_all_same", "no_per_subject"},
	}
	for _, tc := range cases {
		d := validDef(orgSubject(o.zb1.ID))
		tc.mut(&d)
		w := e.do(http.MethodPost, "/api/v1/surveys", d)
		if tc.publish {
			if w.Code != http.StatusCreated {
				t.Errorf("%s: create %d %s", tc.name, w.Code, w.Body)
				continue
			}
			var sv surveys.Survey
			json.Unmarshal(w.Body.Bytes(), &sv)
			w = e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil)
		}
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422; body %s", tc.name, w.Code, w.Body)
			continue
		}
		if got := fieldCodes(t, w); !hasFieldCode(got, tc.field, tc.code) {
			t.Errorf("%s: want %s/%s, got %v", tc.name, tc.field, tc.code, got)
		}
	}
}

// TestSurveyValidationReportsAll: one request with several problems names
// every one of them.
func TestSurveyValidationReportsAll(t *testing.T) {
	e := newEnv(t)
	d := validDef(orgSubject("nope"))
	d.Title = ""
	d.RaterGroups[0].Weight = -1
	d.Questions[0].Options[2].Score = nil
	d.Questions[2].Min = intp(20)
	d.Scoring.Grades[1].MinScore = 95
	got := fieldCodes(t, e.do(http.MethodPost, "/api/v1/surveys", d))
	for field, code := range map[string]string{
		"title": "required", "subjects[0].id": "unknown_subject", "rater_groups[0].weight": "negative",
		"questions[0].options[2].score": "score_required", "questions[2].min": "min_gt_max", "scoring.grades[1].min_score": "not_descending",
	} {
		if !hasFieldCode(got, field, code) {
			t.Errorf("no %s/%s in %v", field, code, got)
		}
	}
}
