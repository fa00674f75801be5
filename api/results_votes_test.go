package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/exports"
	"minyi/surveys"
)

// appraisalFixture is a published 民主评议党员 of five members, A B C in
// 第一党支部 and D E in 第二党支部, rated by four ballots through the public
// endpoint (one rater group, weight 1; 优秀 at most a third of the subjects
// on one ballot: floor(5/3) = 1).
type appraisalFixture struct {
	*env
	surveyID string
	org      orgTree
	ids      map[string]string // A…E → member id
}

// The four ballots, one grade per member in the order A B C D E
// (x 优秀 95, q 合格 80, b 基本合格 65, u 不合格 40, ? 不了解):
//
//	1: x q q q b    2: x q b q u    3: q x q ? u    4: x q u q ?
var appraisalBallots = []string{"xqqqb", "xqbqu", "qxq?u", "xquq?"}

func newAppraisalFixture(t *testing.T) *appraisalFixture {
	t.Helper()
	e := newEnv(t)
	fx := &appraisalFixture{env: e, org: e.orgTree(), ids: map[string]string{}}
	var subjects []map[string]string
	for i, name := range []string{"A", "B", "C", "D", "E"} {
		org := fx.org.zb1.ID
		if i >= 3 {
			org = fx.org.zb2.ID
		}
		m := e.member("党员"+name, org)
		fx.ids[name] = m.ID
		subjects = append(subjects, map[string]string{"type": "member", "id": m.ID})
	}
	def := surveyDef{
		Title: "2026年度民主评议党员", Kind: "appraisal", Subjects: subjects,
		RaterGroups: []surveys.RaterGroup{{Key: "members", Name: "党员", Weight: 1}},
		Access:      surveys.Access{Mode: "public"},
		Questions: []surveys.Question{
			{Key: "grade", Type: "single", Title: "评议等次", Required: true, PerSubject: true, Options: []surveys.Option{
				{Key: "excellent", Label: "优秀", Score: f64p(95)}, {Key: "qualified", Label: "合格", Score: f64p(80)},
				{Key: "basic", Label: "基本合格", Score: f64p(65)}, {Key: "unqualified", Label: "不合格", Score: f64p(40)},
				{Key: "unknown", Label: "不了解", Abstain: true},
			}},
		},
		Rules: surveys.Rules{Quotas: []surveys.Quota{{Question: "grade", Option: "excellent", MaxShare: 1.0 / 3}}},
		Scoring: surveys.Scoring{Grades: []surveys.Grade{
			{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: 1.0 / 3}, {Key: "qualified", Label: "合格", MinScore: 70},
			{Key: "basic", Label: "基本合格", MinScore: 60}, {Key: "unqualified", Label: "不合格", MinScore: 0},
		}},
	}
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", def), http.StatusCreated)
	fx.surveyID = sv["id"].(string)
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/publish", nil), http.StatusOK)
	keys := map[byte]string{'x': "excellent", 'q': "qualified", 'b': "basic", 'u': "unqualified", '?': "unknown"}
	for i, b := range appraisalBallots {
		var answers []map[string]any
		for j, name := range []string{"A", "B", "C", "D", "E"} {
			answers = append(answers, map[string]any{"question": "grade", "subject": fx.ids[name], "option": keys[b[j]]})
		}
		w := e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots",
			map[string]any{"submission_id": fmt.Sprintf("appraisal-%d", i), "rater_group": "members", "answers": answers}, "Authorization", "")
		if got := decode[map[string]any](t, w, http.StatusCreated); got["valid"] != true {
			t.Fatalf("ballot %d: %v", i, got)
		}
	}
	return fx
}

func (fx *appraisalFixture) results(t *testing.T, query string, hdr ...string) map[string]any {
	t.Helper()
	return decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/results"+query, nil, hdr...), http.StatusOK)
}

// bySubject indexes a results answer's subjects by member id.
func bySubject(r map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range r["subjects"].([]any) {
		m := s.(map[string]any)
		out[m["subject"].(map[string]any)["id"].(string)] = m
	}
	return out
}

// TestAppraisalVotesAndScopedRanks checks votes per grade, 优秀率/不合格率
// and ranks within a scope against hand-computed figures.
//
//	scores (mean of the option scores, 不了解 not scored):
//	  A 95 95 80 95 → 365/4 = 91.25   B 80 80 95 80 → 335/4 = 83.75
//	  C 80 65 80 40 → 265/4 = 66.25   D 80 80 80    → 240/3 = 80
//	  E 65 40 40    → 145/3 = 48.3333
//	overall ranks: A 1, B 2, D 3, C 4, E 5
//	grades, n = 5: 优秀 quota floor(5/3) = 1 → A; 合格 ≥ 70: B, D; 基本合格 ≥ 60: C; E 不合格
//	votes (shares of the 4 answers): A 优秀 3 = 0.75, 合格 1 = 0.25;
//	  D 合格 3 = 0.75, 不了解 1 = 0.25;  E 基本合格 1 = 0.25, 不合格 2 = 0.5, 不了解 1 = 0.25
//	优秀率 = share of 优秀, 不合格率 = share of 不合格: A 0.75 / 0; B 0.25 / 0; C 0 / 0.25; E 0 / 0.5
//	第一党支部 (A B C): ranks 1 2 3, overall 1 2 4;  第二党支部 (D E): 1 2, overall 3 5
func TestAppraisalVotesAndScopedRanks(t *testing.T) {
	fx := newAppraisalFixture(t)
	all := bySubject(fx.results(t, ""))
	for name, want := range map[string]string{
		"A": `{"excellent": {"count": 3, "share": 0.75}, "qualified": {"count": 1, "share": 0.25}, "basic": {"count": 0, "share": 0},
		       "unqualified": {"count": 0, "share": 0}, "abstain": {"count": 0, "share": 0}}`,
		"D": `{"excellent": {"count": 0, "share": 0}, "qualified": {"count": 3, "share": 0.75}, "basic": {"count": 0, "share": 0},
		       "unqualified": {"count": 0, "share": 0}, "abstain": {"count": 1, "share": 0.25}}`,
		"E": `{"excellent": {"count": 0, "share": 0}, "qualified": {"count": 0, "share": 0}, "basic": {"count": 1, "share": 0.25},
		       "unqualified": {"count": 2, "share": 0.5}, "abstain": {"count": 1, "share": 0.25}}`,
	} {
		wantJSON(t, all[fx.ids[name]]["votes"], want)
	}
	type fig struct {
		score, rank, ex, un any
		grade               string
	}
	for name, want := range map[string]fig{
		"A": {91.25, 1.0, 0.75, 0.0, "excellent"}, "B": {83.75, 2.0, 0.25, 0.0, "qualified"},
		"C": {66.25, 4.0, 0.0, 0.25, "basic"}, "D": {80.0, 3.0, 0.0, 0.0, "qualified"},
		"E": {48.3333, 5.0, 0.0, 0.5, "unqualified"},
	} {
		s := all[fx.ids[name]]
		got := fig{s["score"], s["rank"], s["excellent_rate"], s["unqualified_rate"], s["grade"].(map[string]any)["key"].(string)}
		if got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
		if _, ok := s["overall_rank"]; ok {
			t.Errorf("%s: overall_rank without a scope", name)
		}
		if s["satisfaction_rate"] != nil {
			t.Errorf("%s: satisfaction rate %v in an appraisal without satisfied options", name, s["satisfaction_rate"])
		}
	}

	ranks := func(r map[string]any) map[string][2]any {
		out := map[string][2]any{}
		for name, id := range fx.ids {
			if s, ok := bySubject(r)[id]; ok {
				out[name] = [2]any{s["rank"], s["overall_rank"]}
			}
		}
		return out
	}
	wantRanks := func(what string, got, want map[string][2]any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: ranks (rank, overall) %v, want %v", what, got, want)
		}
	}
	wantRanks("org_id=第一党支部", ranks(fx.results(t, "?org_id="+fx.org.zb1.ID)),
		map[string][2]any{"A": {1.0, 1.0}, "B": {2.0, 2.0}, "C": {3.0, 4.0}})
	wantRanks("org_id=第二党支部", ranks(fx.results(t, "?org_id="+fx.org.zb2.ID)),
		map[string][2]any{"D": {1.0, 3.0}, "E": {2.0, 5.0}})
	sec := "Bearer " + fx.tokenFor(accounts.RoleSecretary, fx.org.zb2.ID)
	wantRanks("secretary of 第二党支部", ranks(fx.results(t, "", "Authorization", sec)),
		map[string][2]any{"D": {1.0, 3.0}, "E": {2.0, 5.0}})
	// The grades stay those of the whole survey under a scope.
	if g := bySubject(fx.results(t, "?org_id="+fx.org.zb2.ID))[fx.ids["D"]]["grade"].(map[string]any)["key"]; g != "qualified" {
		t.Errorf("D's grade under a scope: %v", g)
	}
}

// TestQuestionnaireRatesAndNPS: a 群众满意度问卷 without subjects answers
// its questions' figures.
//
//	overall (very 100 ✓, satisfied 80 ✓, neutral 60, unsatisfied 0, unknown 不了解):
//	  very, satisfied, neutral, unsatisfied, unknown, satisfied
//	  answers 6, abstain 1; satisfied 1 + 2 = 3 of 5 non-abstain = 0.6;
//	  mean (100 + 80 + 60 + 0 + 80) / 5 = 320/5 = 64
//	recommend (0–10): 10 9 8 6 3 9 → mean 45/6 = 7.5;
//	  promoters (9–10) 3/6 = 0.5, detractors (0–6) 2/6 = 0.3333,
//	  NPS = (3 − 2) × 100 / 6 = 16.6667
func TestQuestionnaireRatesAndNPS(t *testing.T) {
	e := newEnv(t)
	draft := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateQuestionnaire, nil), http.StatusCreated)
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+draft.ID+"/publish", nil), http.StatusOK)
	overall := []string{"very", "satisfied", "neutral", "unsatisfied", "unknown", "satisfied"}
	recommend := []int{10, 9, 8, 6, 3, 9}
	for i := range overall {
		answers := []map[string]any{
			{"question": "overall", "option": overall[i]},
			{"question": "improve", "options": []string{"parking"}},
			{"question": "recommend", "value": recommend[i]},
		}
		w := e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots",
			map[string]any{"submission_id": fmt.Sprintf("questionnaire-%04d", i), "rater_group": "masses", "answers": answers}, "Authorization", "")
		decode[map[string]any](t, w, http.StatusCreated)
	}
	r := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/surveys/"+draft.ID+"/results", nil), http.StatusOK)
	qs := map[string]map[string]any{}
	for _, q := range r["questions"].([]any) {
		m := q.(map[string]any)
		qs[m["question"].(string)] = m
	}
	// shares: each count ÷ 6 answers — 1/6 = 0.1667, 2/6 = 0.3333.
	wantJSON(t, qs["overall"], `{"question": "overall", "type": "single", "answers": 6, "abstain": 1, "mean": 64, "satisfaction_rate": 0.6,
		"distribution": {"very": 1, "satisfied": 2, "neutral": 1, "unsatisfied": 1, "unknown": 1},
		"shares": {"very": 0.1667, "satisfied": 0.3333, "neutral": 0.1667, "unsatisfied": 0.1667, "unknown": 0.1667}}`)
	wantJSON(t, qs["recommend"]["nps"], `{"score": 16.6667, "promoters": 0.5, "detractors": 0.3333}`)
	if qs["recommend"]["mean"] != 7.5 {
		t.Errorf("recommend mean %v, want 7.5", qs["recommend"]["mean"])
	}
	if _, ok := qs["improve"]["satisfaction_rate"]; ok {
		t.Errorf("a multiple question has a satisfaction rate: %v", qs["improve"])
	}
	if len(r["subjects"].([]any)) != 0 {
		t.Errorf("subjects %v", r["subjects"])
	}

	// The page: the questions' results, not an empty ranking.
	_, cookie, _ := e.signInAs(accounts.RoleLeader, "")
	body := wantAdminPage(t, e.pageAs("/results/"+draft.ID, cookie, nil), http.StatusOK, `id="questions"`, "题目结果",
		"满意率 <strong>60.0%</strong>", "净推荐值 <strong>16.67</strong>（推荐者 50.0%，贬损者 33.3%）", "不了解 1")
	if strings.Contains(body, "还没有评价对象的结果") || strings.Contains(body, `id="ranking"`) {
		t.Error("a survey without subjects shows a ranking")
	}

	// The workbook: no ranking sheet without subjects; 题目分布 states the
	// main question's 不了解, mean and satisfaction rate, and the NPS.
	f := openXLSX(t, e.do(http.MethodGet, "/api/v1/surveys/"+draft.ID+"/report.xlsx", nil), draft.Title+"-测评结果-20261125.xlsx")
	if got := strings.Join(f.GetSheetList(), ","); got != "汇总,题目分布,意见建议,原始答卷" {
		t.Errorf("sheets %s", got)
	}
	rows, err := f.GetRows(exports.SheetDistribution)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[1], ","); got != "题目,选项,人数,占比,答案数,不了解,平均分,满意率,净推荐值" {
		t.Errorf("题目分布 header %s", got)
	}
	found := map[string]bool{}
	for _, row := range rows[2:] {
		switch strings.Join(row, "|") {
		case "您对社区党组织的工作总体上是否满意？|满意|2|33.3%|6|1|64.00|60.0%",
			"您有多大可能向亲友推荐在本社区居住？（0分表示完全不可能，10分表示非常可能）|9|2|33.3%|6||7.50||16.67":
			found[row[1]] = true
		}
	}
	if len(found) != 2 {
		t.Errorf("题目分布 lacks the hand-computed rows: %q", rows)
	}
}
