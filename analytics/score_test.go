package analytics_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"minyi/analytics"
	"minyi/surveys"
)

// wantFixture is the scorecard of the fixture, worked out by hand.
//
// Question means m(s,q,g) (trim: ≥ 4 answers → drop 1 highest, 1 lowest):
//
//	s1.q1 masses  A = {100,100,80,0} (d abstains), |A| = 4 ≥ 4 → drop 100 and 0
//	              → {100,80} → 90
//	s1.q2 masses  A = {100,60}, |A| = 2 < 4 → untrimmed → 80
//	s1.q1 members A = {80,80} → 80;  s1.q2 members: no answers → undefined
//	s2.q1 masses  {100,100} → 100;   s2.q2 masses {100} → 100
//	s4.q1 masses  {0} → 0;           s4.q1 members {80} → 80
//	s5.q1 masses  A = {} (abstention only) → undefined
//
// Group scores G(s,g) = Σ w_q·m / Σ w_q over defined m (q1 weight 1, q2 weight 2):
//
//	G(s1,masses)  = (1·90 + 2·80) / 3 = 250/3 = 83.3333…
//	G(s1,members) = 80 (q2 undefined: the weights renormalise over q1 alone)
//	G(s2,masses)  = (100 + 2·100) / 3 = 100;  G(s2,members) undefined
//	G(s4,masses)  = 0;  G(s4,members) = 80
//
// Subject scores S(s) = Σ w_g·G / Σ w_g over defined G (masses 0.6, members 0.4):
//
//	S(s1) = 0.6·250/3 + 0.4·80 = 50 + 32 = 82;  S(s3) = 82 (same answers)
//	S(s2) = 0.6·100 / 0.6 = 100 (members gave no answers: renormalised)
//	S(s4) = 0.6·0 + 0.4·80 = 32
//	S(s5) undefined → no rank, score or grade
//
// Dimension scores (the same with one dimension's questions):
//
//	s1 服务 (q1): 0.6·90 + 0.4·80 = 86;  s1 作风 (q2): 0.6·80 / 0.6 = 80
//	s2 服务 100, 作风 100;  s4 服务 0.6·0 + 0.4·80 = 32, 作风 undefined
//
// Satisfaction (q1 and q2 have satisfied options; non_abstain denominator):
//
//	s1: q1 masses sat a,a,b = 3 of non-abstain 4 (+1 abstain), members 2 of 2;
//	    q2 masses sat 1 (a) of 2 → 6/8 = 0.75  (q1 alone 5/6 = 0.8333, q2 1/2 = 0.5)
//	s2: q1 2/2, q2 1/1 → 3/3 = 1
//	s4: q1 masses c 0/1, members b 1/1 → 1/2 = 0.5
//	s5: 0/0 → undefined (null)
//
// Ranks: s2 100 → 1; s1, s3 82 → 2, 2; s4 32 → 4.
//
// Grades, n = 4 ranked subjects: excellent quota floor(0.25·4) = 1, good 1.
//
//	s2 (100): excellent, quota 1 → fits (0 left)
//	s1, s3 (82, tied): excellent? 82 < 90. good? both ≥ 80 but 2 > 1 place:
//	    the tie does not fit → neither takes it → qualified (≥ 60, no quota)
//	s4 (32): unqualified (≥ 0)
//
// Per-subject question rows (over both groups): s1.q1 answers 7 (5 + 2),
// abstain 1, mean = 0.6·90 + 0.4·80 = 86 (the group-weighted question mean);
// s1.q2 answers 2, mean 0.6·80 / 0.6 = 80.
//
// Ballots: valid 7, invalid 1 (I1); by group masses 6 (M1–M5, I1), members
// 2; by channel web 6 (M1 M2 M3 E1 E2 I1), paper 1 (M4), hotline 1 (M5).
// q3: 4 answers, mean (9 + 7 + 10 + 5) / 4 = 31/4 = 7.75.
// q3's NPS (a 0–10 scale): promoters 9, 10 = 2/4 = 0.5, detractors 5 = 1/4 =
// 0.25 (7 is neither), score = (2 − 1) × 100 / 4 = 25.
// q4: 2 answers, a 2, b 1, c 0; a multiple question has no mean.
// Every question's shares are its counts ÷ its answers (s1.q1: a 2/7 =
// 0.2857, b 3/7 = 0.4286; none without answers).
//
// Group satisfaction rates (by_group, same questions as the subject's):
//
//	s1, s3 masses: q1 3/4 + q2 1/2 = 4/6 = 0.6667; members q1 2/2 = 1
//	s2 masses 3/3 = 1, members none → null;  s4 masses 0/1 = 0, members 1/1 = 1
//	s5: abstentions only → null
const wantFixture = `{
 "survey_id": "sv1", "generated_at": "2026-11-25T10:00:00Z",
 "ballots": {"valid": 7, "invalid": 1, "by_group": {"masses": 6, "members": 2},
             "by_channel": {"web": 6, "paper": 1, "hotline": 1}, "invalid_reasons": {"all_same": 1}},
 "subjects": [
  {"subject": {"type": "member", "id": "s2", "name": "张二", "org_id": "b1"},
   "rank": 1, "score": 100, "satisfaction_rate": 1,
   "grade": {"key": "excellent", "label": "优秀"}, "final_grade": null,
   "by_group": [{"group": "masses", "name": "群众", "weight": 0.6, "answers": 3, "score": 100, "satisfaction_rate": 1},
                {"group": "members", "name": "党员", "weight": 0.4, "answers": 0, "score": null, "satisfaction_rate": null}],
   "by_dimension": [{"dimension": "服务", "score": 100}, {"dimension": "作风", "score": 100}],
   "questions": [
    {"question": "q1", "answers": 2, "abstain": 0, "distribution": {"a": 2, "b": 0, "c": 0, "d": 0}, "shares": {"a": 1, "b": 0, "c": 0, "d": 0}, "mean": 100, "satisfaction_rate": 1},
    {"question": "q2", "answers": 1, "abstain": 0, "distribution": {"a": 1, "b": 0, "c": 0}, "shares": {"a": 1, "b": 0, "c": 0}, "mean": 100, "satisfaction_rate": 1}]},
  {"subject": {"type": "member", "id": "s1", "name": "张一", "org_id": "b1"},
   "rank": 2, "score": 82, "satisfaction_rate": 0.75,
   "grade": {"key": "qualified", "label": "合格"}, "final_grade": null,
   "by_group": [{"group": "masses", "name": "群众", "weight": 0.6, "answers": 6, "score": 83.3333, "satisfaction_rate": 0.6667},
                {"group": "members", "name": "党员", "weight": 0.4, "answers": 2, "score": 80, "satisfaction_rate": 1}],
   "by_dimension": [{"dimension": "服务", "score": 86}, {"dimension": "作风", "score": 80}],
   "questions": [
    {"question": "q1", "answers": 7, "abstain": 1, "distribution": {"a": 2, "b": 3, "c": 1, "d": 1}, "shares": {"a": 0.2857, "b": 0.4286, "c": 0.1429, "d": 0.1429}, "mean": 86, "satisfaction_rate": 0.8333},
    {"question": "q2", "answers": 2, "abstain": 0, "distribution": {"a": 1, "b": 1, "c": 0}, "shares": {"a": 0.5, "b": 0.5, "c": 0}, "mean": 80, "satisfaction_rate": 0.5}]},
  {"subject": {"type": "member", "id": "s3", "name": "张三", "org_id": "b2"},
   "rank": 2, "score": 82, "satisfaction_rate": 0.75,
   "grade": {"key": "qualified", "label": "合格"}, "final_grade": null,
   "by_group": [{"group": "masses", "name": "群众", "weight": 0.6, "answers": 6, "score": 83.3333, "satisfaction_rate": 0.6667},
                {"group": "members", "name": "党员", "weight": 0.4, "answers": 2, "score": 80, "satisfaction_rate": 1}],
   "by_dimension": [{"dimension": "服务", "score": 86}, {"dimension": "作风", "score": 80}],
   "questions": [
    {"question": "q1", "answers": 7, "abstain": 1, "distribution": {"a": 2, "b": 3, "c": 1, "d": 1}, "shares": {"a": 0.2857, "b": 0.4286, "c": 0.1429, "d": 0.1429}, "mean": 86, "satisfaction_rate": 0.8333},
    {"question": "q2", "answers": 2, "abstain": 0, "distribution": {"a": 1, "b": 1, "c": 0}, "shares": {"a": 0.5, "b": 0.5, "c": 0}, "mean": 80, "satisfaction_rate": 0.5}]},
  {"subject": {"type": "member", "id": "s4", "name": "张四", "org_id": "b1"},
   "rank": 4, "score": 32, "satisfaction_rate": 0.5,
   "grade": {"key": "unqualified", "label": "不合格"}, "final_grade": null,
   "by_group": [{"group": "masses", "name": "群众", "weight": 0.6, "answers": 1, "score": 0, "satisfaction_rate": 0},
                {"group": "members", "name": "党员", "weight": 0.4, "answers": 1, "score": 80, "satisfaction_rate": 1}],
   "by_dimension": [{"dimension": "服务", "score": 32}, {"dimension": "作风", "score": null}],
   "questions": [
    {"question": "q1", "answers": 2, "abstain": 0, "distribution": {"a": 0, "b": 1, "c": 1, "d": 0}, "shares": {"a": 0, "b": 0.5, "c": 0.5, "d": 0}, "mean": 32, "satisfaction_rate": 0.5},
    {"question": "q2", "answers": 0, "abstain": 0, "distribution": {"a": 0, "b": 0, "c": 0}, "shares": {"a": null, "b": null, "c": null}, "mean": null, "satisfaction_rate": null}]},
  {"subject": {"type": "member", "id": "s5", "name": "张五", "org_id": "b1"},
   "rank": null, "score": null, "satisfaction_rate": null, "grade": null, "final_grade": null,
   "by_group": [{"group": "masses", "name": "群众", "weight": 0.6, "answers": 0, "score": null, "satisfaction_rate": null},
                {"group": "members", "name": "党员", "weight": 0.4, "answers": 0, "score": null, "satisfaction_rate": null}],
   "by_dimension": [{"dimension": "服务", "score": null}, {"dimension": "作风", "score": null}],
   "questions": [
    {"question": "q1", "answers": 1, "abstain": 1, "distribution": {"a": 0, "b": 0, "c": 0, "d": 1}, "shares": {"a": 0, "b": 0, "c": 0, "d": 1}, "mean": null, "satisfaction_rate": null},
    {"question": "q2", "answers": 0, "abstain": 0, "distribution": {"a": 0, "b": 0, "c": 0}, "shares": {"a": null, "b": null, "c": null}, "mean": null, "satisfaction_rate": null}]}
 ],
 "questions": [
  {"question": "q3", "type": "scale", "answers": 4, "mean": 7.75,
   "nps": {"score": 25, "promoters": 0.5, "detractors": 0.25},
   "distribution": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "6": 0, "7": 1, "8": 0, "9": 1, "10": 1},
   "shares": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0.25, "6": 0, "7": 0.25, "8": 0, "9": 0.25, "10": 0.25}},
  {"question": "q4", "type": "multiple", "answers": 2, "distribution": {"a": 2, "b": 1, "c": 0}, "shares": {"a": 1, "b": 0.5, "c": 0}}
 ]
}`

// jsonEqual compares two JSON documents as values.
func jsonEqual(t *testing.T, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		pg, _ := json.MarshalIndent(g, "", " ")
		pw, _ := json.MarshalIndent(w, "", " ")
		t.Fatalf("results differ\n got: %s\nwant: %s", pg, pw)
	}
}

// computeFixture scores the fixture ballots under s (the fixture survey,
// perhaps with a setting changed).
func computeFixture(s *surveys.Survey, f analytics.Filter, final map[string]analytics.FinalGrade) *analytics.Results {
	return analytics.Compute(s, analytics.Fold(fixtureBallots()), f, final, genAt)
}

func TestComputeFixture(t *testing.T) {
	jsonEqual(t, computeFixture(fixtureSurvey(), analytics.Filter{}, nil), wantFixture)
}

// TestSatisfactionAllDenominator: with denominator "all" the abstentions
// join the denominator. s1: 6 satisfied of 8 non-abstain + 1 abstain
// = 6/9 = 0.6667; s1.q1 5/(6+1) = 0.7143; s5: 0 satisfied of 0 + 1 = 0.
func TestSatisfactionAllDenominator(t *testing.T) {
	s := fixtureSurvey()
	s.Scoring.SatisfactionDenominator = "all"
	r := computeFixture(s, analytics.Filter{}, nil)
	got := map[string]any{}
	for _, sr := range r.Subjects {
		got[sr.Subject.ID] = sr.SatisfactionRate
		if sr.Subject.ID == "s1" {
			got["s1.q1"] = sr.Questions[0].SatisfactionRate
		}
	}
	jsonEqual(t, got, `{"s1": 0.6667, "s1.q1": 0.7143, "s2": 1, "s3": 0.6667, "s4": 0.5, "s5": 0}`)
}

// TestGroupFilter: ?group=members scores the members alone.
// s1.q1 {80,80} → 80 = G = S; s3 the same; s4 {80} → 80; s2 and s5 have no
// members' answers → undefined. All three tie at rank 1. n = 3 ranked:
// excellent needs 90; good quota floor(0.25·3) = 0 → the tie of three does
// not fit → qualified. Ballots: only the 2 members' ballots.
func TestGroupFilter(t *testing.T) {
	r := computeFixture(fixtureSurvey(), analytics.Filter{Group: "members"}, nil)
	type row struct {
		ID    string
		Rank  *int
		Score analytics.Number
		Grade string
	}
	var got []row
	for _, sr := range r.Subjects {
		g := ""
		if sr.Grade != nil {
			g = sr.Grade.Key
		}
		got = append(got, row{sr.Subject.ID, sr.Rank, sr.Score, g})
	}
	jsonEqual(t, got, `[
	 {"ID": "s1", "Rank": 1, "Score": 80, "Grade": "qualified"},
	 {"ID": "s3", "Rank": 1, "Score": 80, "Grade": "qualified"},
	 {"ID": "s4", "Rank": 1, "Score": 80, "Grade": "qualified"},
	 {"ID": "s2", "Rank": null, "Score": null, "Grade": ""},
	 {"ID": "s5", "Rank": null, "Score": null, "Grade": ""}]`)
	jsonEqual(t, r.Ballots, `{"valid": 2, "invalid": 0, "by_group": {"members": 2}, "by_channel": {"web": 2}, "invalid_reasons": {}}`)
	if r.Group != "members" || len(r.Subjects[0].ByGroup) != 1 {
		t.Fatalf("group view: %+v", r.Subjects[0].ByGroup)
	}
}

// TestOrgFilter keeps subjects of the org subtree with their survey-wide
// grade; s3, ranked 2 among all four, is rank 1 of the one subject in b2
// and keeps 2 as its overall rank.
func TestOrgFilter(t *testing.T) {
	final := map[string]analytics.FinalGrade{"s3": {Key: "good", Label: "良好", Reason: "群众反映好", SetBy: "u1", SetAt: genAt}}
	r := computeFixture(fixtureSurvey(), analytics.Filter{Orgs: map[string]bool{"b2": true}}, final)
	if len(r.Subjects) != 1 || r.Subjects[0].Subject.ID != "s3" || *r.Subjects[0].Rank != 1 || *r.Subjects[0].OverallRank != 2 || r.Subjects[0].Grade.Key != "qualified" {
		t.Fatalf("org filter: %+v", r.Subjects)
	}
	jsonEqual(t, r.Subjects[0].FinalGrade, `{"key": "good", "label": "良好", "reason": "群众反映好", "set_by": "u1", "set_at": "2026-11-25T10:00:00Z"}`)
}

func TestTrimmedMean(t *testing.T) {
	trim := &surveys.Trim{MinAnswers: 5, DropHighest: 2, DropLowest: 1}
	vc := func(pairs ...float64) []analytics.ValueCount {
		var out []analytics.ValueCount
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, analytics.ValueCount{Value: pairs[i], Count: int64(pairs[i+1])})
		}
		return out
	}
	tests := []struct {
		name string
		vals []analytics.ValueCount
		trim *surveys.Trim
		want float64
		ok   bool
	}{
		{"empty is undefined", nil, trim, 0, false},
		// 4 answers < 5: untrimmed (0 + 60 + 80 + 100) / 4 = 60
		{"below min_answers", vc(0, 1, 60, 1, 80, 1, 100, 1), trim, 60, true},
		// 0 ×1, 60 ×2, 80 ×1, 100 ×3 = 7 answers: drop the lowest (0) and
		// the two highest (100, 100) → {60, 60, 80, 100} → 300/4 = 75
		{"drops across a bucket", vc(0, 1, 60, 2, 80, 1, 100, 3), trim, 75, true},
		// 80 ×5: dropping inside one bucket → 80 ×2 → 80
		{"one bucket", vc(80, 5), trim, 80, true},
		// drop 1+1 of 2 answers with min_answers 2 would leave nothing:
		// not applied → (0 + 100) / 2 = 50
		{"would drop all", vc(0, 1, 100, 1), &surveys.Trim{MinAnswers: 2, DropHighest: 1, DropLowest: 1}, 50, true},
		{"no trim", vc(0, 1, 100, 3), nil, 75, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := analytics.TrimmedMean(tt.vals, tt.trim)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("got %v %v, want %v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRanks(t *testing.T) {
	// 90 and 90 + 1e-10 are equal within 1e-9: one rank; the next skips.
	scores := []float64{70, 90, 95, 90 + 1e-10, 60}
	rank, order := analytics.Ranks(scores)
	if want := []int{4, 2, 1, 2, 5}; !reflect.DeepEqual(rank, want) {
		t.Fatalf("ranks %v, want %v", rank, want)
	}
	if want := []int{2, 3, 1, 0, 4}; !reflect.DeepEqual(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestRecommendGrades(t *testing.T) {
	grades := []surveys.Grade{
		{Key: "A", MinScore: 90, MaxShare: 0.34}, // n = 6 → floor(2.04) = 2 places
		{Key: "B", MinScore: 70, MaxShare: 0.5},  // floor(3) = 3 places
		{Key: "C", MinScore: 60},
		{Key: "D", MinScore: 0},
	}
	tests := []struct {
		name   string
		scores []float64
		want   []string
	}{
		// 95, 92 take both A places; 91 meets A but it is full → B.
		// 80, 75 → B (3 places: 91, 80, 75); 65 → C.
		{"quota fills in rank order", []float64{95, 92, 91, 80, 75, 65}, []string{"A", "A", "B", "B", "B", "C"}},
		// 95 takes one A place; 93, 93 tie for the one left → neither → B;
		// then B has 3 places: 93, 93 and 80; 75 finds B full → C.
		{"tie does not fit", []float64{95, 93, 93, 80, 75, 50}, []string{"A", "B", "B", "B", "C", "D"}},
		// three tied at 91 for 2 A places → all three drop to B (3 places,
		// fits); 89.99 misses A and B is full → C; 85 → C; 10 → D.
		{"whole tie drops", []float64{91, 91, 91, 89.99, 85, 10}, []string{"B", "B", "B", "C", "C", "D"}},
		// 89.9999999999 within 1e-9 of 90 meets A's threshold.
		{"threshold epsilon", []float64{89.9999999999, 50, 50, 50, 50, 50}, []string{"A", "D", "D", "D", "D", "D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rank, order := analytics.Ranks(tt.scores)
			idx := analytics.RecommendGrades(tt.scores, rank, order, grades)
			var got []string
			for _, gi := range idx {
				if gi < 0 {
					got = append(got, "-")
				} else {
					got = append(got, grades[gi].Key)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("grades %v, want %v", got, tt.want)
			}
		})
	}
}

// floor(0.29 × 100) is 29, although 0.29 × 100 is 28.999999999999996 in
// floating point: 100 distinct scores ≥ 90 give exactly 29 A's.
func TestGradeQuotaFloor(t *testing.T) {
	scores := make([]float64, 100)
	for i := range scores {
		scores[i] = 99 - float64(i)*0.01
	}
	rank, order := analytics.Ranks(scores)
	idx := analytics.RecommendGrades(scores, rank, order, []surveys.Grade{{Key: "A", MinScore: 90, MaxShare: 0.29}, {Key: "B", MinScore: 0}})
	a := 0
	for _, gi := range idx {
		if gi == 0 {
			a++
		}
	}
	if a != 29 {
		t.Fatalf("%d A grades, want floor(0.29 × 100) = 29", a)
	}
}
