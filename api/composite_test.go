package api_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
	"minyi/assessments"
	"minyi/surveys"
)

// compositeClock is a test compositeClock that can be moved forward.
type compositeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *compositeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *compositeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// compositeFixture is three branches and a satisfaction survey of them with
// two ballots of the masses (weight 1), one scored question:
//
//	ZB1: 满意 (100), 满意 (100)   → score (100 + 100) ÷ 2 = 100, satisfaction 2 ÷ 2 = 100%
//	ZB2: 满意 (100), 不满意 (0)   → score (100 + 0) ÷ 2 = 50,   satisfaction 1 ÷ 2 = 50%
//	ZB3: 不了解, 不了解 (abstain) → no score
type compositeFixture struct {
	*env
	clock       *compositeClock
	tree        orgTree
	zb3         surveys.Org
	surveyID    string
	secretary   string // a token of ZB1's secretary
	secretaryB2 string // of ZB2's
}

func newCompositeFixture(t *testing.T) *compositeFixture {
	t.Helper()
	clk := &compositeClock{now: fixedNow}
	e := newEnv(t, func(c *envConfig) { c.app.Now = clk.Now })
	fx := &compositeFixture{env: e, clock: clk, tree: e.orgTree()}
	fx.zb3 = decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第三党支部", "code": "ZB3", "kind": "branch", "parent_id": fx.tree.general.ID}), http.StatusCreated)
	def := surveyDef{
		Title: "2026年度党支部满意度测评", Kind: "satisfaction",
		Subjects:    []map[string]string{orgSubject(fx.tree.zb1.ID), orgSubject(fx.tree.zb2.ID), orgSubject(fx.zb3.ID)},
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Name: "群众", Weight: 1}},
		Access:      surveys.Access{Mode: "public"},
		Questions: []surveys.Question{{Key: "q1", Type: "single", Title: "服务群众", Required: true, PerSubject: true, Options: []surveys.Option{
			{Key: "a", Label: "满意", Score: f64p(100), Satisfied: true},
			{Key: "c", Label: "不满意", Score: f64p(0)},
			{Key: "d", Label: "不了解", Abstain: true},
		}}},
		Scoring: surveys.Scoring{SatisfactionDenominator: "non_abstain"},
	}
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", def), http.StatusCreated)
	fx.surveyID = sv["id"].(string)
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/publish", nil), http.StatusOK)
	for i, zb2 := range []string{"a", "c"} {
		answers := []map[string]any{
			{"question": "q1", "subject": fx.tree.zb1.ID, "option": "a"},
			{"question": "q1", "subject": fx.tree.zb2.ID, "option": zb2},
			{"question": "q1", "subject": fx.zb3.ID, "option": "d"},
		}
		decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots",
			map[string]any{"submission_id": fmt.Sprintf("assess-%04d", i), "rater_group": "masses", "answers": answers}, "Authorization", ""), http.StatusCreated)
	}
	fx.secretary = e.tokenFor(accounts.RoleSecretary, fx.tree.zb1.ID)
	fx.secretaryB2 = e.tokenFor(accounts.RoleSecretary, fx.tree.zb2.ID)
	return fx
}

// scheme is the body of POST /assessments: the survey's score (weight
// 0.6), 加减分 (weight 0), tiers 先进 ≥ 90 / 中间 ≥ 60 / 后进, and a veto:
// satisfaction below 60% is at most 中间.
func (fx *compositeFixture) scheme(title, from, to, previous string) map[string]any {
	return map[string]any{
		"title": title, "period": map[string]string{"from": from, "to": to},
		"subjects":    map[string]string{"kind": "branches", "org_id": fx.tree.root.ID},
		"previous_id": previous,
		"components": []map[string]any{
			{"key": "sat", "kind": "survey", "survey_id": fx.surveyID, "measure": "score", "weight": 0.6},
			{"key": "adj", "kind": "manual", "weight": 0},
		},
		"tiers": []map[string]any{
			{"key": "advanced", "label": "先进", "min_score": 90},
			{"key": "middle", "label": "中间", "min_score": 60},
			{"key": "lagging", "label": "后进", "min_score": 0},
		},
		"vetoes": []map[string]any{{"component": "sat", "measure": "satisfaction_rate", "below": 0.6, "max_tier": "middle"}},
	}
}

func (fx *compositeFixture) results(t *testing.T, id string, hdr ...string) assessments.View {
	t.Helper()
	return decode[assessments.View](t, fx.do(http.MethodGet, "/api/v1/assessments/"+id+"/results", nil, hdr...), http.StatusOK)
}

func compositeSubject(t *testing.T, v assessments.View, id string) assessments.SubjectView {
	t.Helper()
	for _, s := range v.Subjects {
		if s.Subject.ID == id {
			return s
		}
	}
	t.Fatalf("no subject %s in %+v", id, v.Subjects)
	return assessments.SubjectView{}
}

func nearly(got, want float64) bool { return math.Abs(got-want) < 1e-4 }

func TestCompositeTwoPeriods(t *testing.T) {
	fx := newCompositeFixture(t)
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

	// Period 1: ZB1 100 (rank 1, 先进), ZB2 50 (rank 2, 后进: below 60),
	// ZB3 no score (listed apart).
	a1 := decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments", fx.scheme("2025年度党支部综合考评", "2025-01-01", "2025-12-31", "")), http.StatusCreated)
	v1 := fx.results(t, a1.ID)
	zb1, zb2, zb3 := compositeSubject(t, v1, fx.tree.zb1.ID), compositeSubject(t, v1, fx.tree.zb2.ID), compositeSubject(t, v1, fx.zb3.ID)
	if !nearly(zb1.Score.Value, 100) || *zb1.Rank != 1 || zb1.Tier.Key != "advanced" {
		t.Fatalf("ZB1 in period 1: %+v", zb1)
	}
	if !nearly(zb2.Score.Value, 50) || *zb2.Rank != 2 || zb2.Tier.Key != "lagging" {
		t.Fatalf("ZB2 in period 1: %+v", zb2)
	}
	if zb3.Score.Valid || zb3.Rank != nil || len(v1.Unranked) != 1 || v1.Unranked[0] != fx.zb3.ID {
		t.Fatalf("ZB3 should be unranked with no score: %+v, unranked %v", zb3, v1.Unranked)
	}

	// Publicity: an objection from ZB1's secretary, refused for ZB2 (not
	// in its subtree); closing waits for the days and the answer.
	decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/objections", map[string]any{"subject_id": zb1.Subject.ID, "text": "不服"}, bearer(fx.secretary)...), http.StatusConflict)
	decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/publish", map[string]any{"days": 7}), http.StatusOK)
	decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/objections", map[string]any{"subject_id": zb1.Subject.ID, "text": "第一支部的得分未计入走访记录"}, bearer(fx.secretary)...), http.StatusCreated)
	wantError(t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/objections", map[string]any{"subject_id": zb2.Subject.ID, "text": "异议"}, bearer(fx.secretary)...), http.StatusForbidden, "out_of_scope")
	wantError(t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/close", nil), http.StatusConflict, "still_public")
	fx.clock.add(8 * 24 * time.Hour)
	wantError(t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/objections", map[string]any{"subject_id": zb1.Subject.ID, "text": "迟到的异议"}, bearer(fx.secretary)...), http.StatusConflict, "not_public")
	wantError(t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/close", nil), http.StatusConflict, "objections_open")
	got := fx.do(http.MethodGet, "/api/v1/assessments/"+a1.ID, nil)
	seq := decode[assessments.Assessment](t, got, http.StatusOK).Objections[0].Seq
	decode[assessments.Assessment](t, fx.do(http.MethodPost, fmt.Sprintf("/api/v1/assessments/%s/objections/%d/answer", a1.ID, seq), map[string]any{"answer": "经核实，走访记录不属于本项考评范围，维持原结果"}), http.StatusOK)
	closed := decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments/"+a1.ID+"/close", nil), http.StatusOK)
	if closed.Status != assessments.StatusClosed {
		t.Fatalf("status %s after close", closed.Status)
	}

	// Period 2 follows period 1. ZB2 gets 55 manual points:
	//	ZB2: 50 + 55 = 105 → rank 1 (up from 2: rank_change +1, change 105 − 50 = +55),
	//	     but its satisfaction 50% < 60%: at most 中间 — vetoed from 先进;
	//	ZB1: 100 → rank 2 (down from 1: rank_change −1, change 0), 先进.
	a2 := decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments", fx.scheme("2026年度党支部综合考评", "2026-01-01", "2026-12-31", a1.ID)), http.StatusCreated)
	wantError(t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/manual", map[string]any{"points": 55}), http.StatusUnprocessableEntity, "validation_failed", "reason")
	wantError(t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/manual", map[string]any{"points": 55, "reason": "x"}, bearer(fx.secretaryB2)...), http.StatusForbidden, "forbidden")
	decode[assessments.Assessment](t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/manual", map[string]any{"points": 55, "reason": "获评市级先进基层党组织"}), http.StatusOK)

	v2 := fx.results(t, a2.ID, bearer(fx.secretaryB2)...) // a secretary reads the assessment judging its branch
	zb1, zb2 = compositeSubject(t, v2, fx.tree.zb1.ID), compositeSubject(t, v2, fx.tree.zb2.ID)
	if !nearly(zb2.Score.Value, 105) || *zb2.Rank != 1 || *zb2.RankChange != 1 || !nearly(zb2.Change.Value, 55) {
		t.Fatalf("ZB2 in period 2: score %v rank %v rank change %v change %v", zb2.Score, *zb2.Rank, *zb2.RankChange, zb2.Change)
	}
	if zb2.Tier.Key != "middle" || len(zb2.Vetoes) != 1 || zb2.Vetoes[0].Reason != "「满意度测评」的满意率为 50%，低于 60%，至多评为「中间」" {
		t.Fatalf("ZB2 should be vetoed to 中间: %+v", zb2)
	}
	if !nearly(zb1.Score.Value, 100) || *zb1.Rank != 2 || *zb1.RankChange != -1 || !nearly(zb1.Change.Value, 0) || zb1.Tier.Key != "advanced" {
		t.Fatalf("ZB1 in period 2: %+v", zb1)
	}
	if len(v2.Red) != 2 || v2.Red[0] != zb2.Subject.ID {
		t.Fatalf("红榜 %v", v2.Red)
	}
	decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/assessments/"+a2.ID+"/results", nil, bearer(fx.tokenFor(accounts.RoleOperator, ""))...), http.StatusForbidden)

	// Published, the results are frozen; the final tier follows, with a reason.
	decode[assessments.Assessment](t, fx.do(http.MethodPost, "/api/v1/assessments/"+a2.ID+"/publish", map[string]any{"days": 5}), http.StatusOK)
	wantError(t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/manual", map[string]any{"points": 1, "reason": "x"}), http.StatusConflict, "assessment_published")
	wantError(t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/final-tier", map[string]any{"tier": "middle", "reason": "x"}, bearer(fx.secretaryB2)...), http.StatusForbidden, "forbidden")
	decode[assessments.Assessment](t, fx.do(http.MethodPut, "/api/v1/assessments/"+a2.ID+"/subjects/"+zb2.Subject.ID+"/final-tier", map[string]any{"tier": "middle", "reason": "党委会研究确定"}), http.StatusOK)
	v2 = fx.results(t, a2.ID)
	if !v2.Frozen || compositeSubject(t, v2, zb2.Subject.ID).FinalTier.Label != "中间" || v2.Tiers[1].Final != 1 || v2.Tiers[0].Recommended != 1 {
		t.Fatalf("frozen results with the final tier: %+v", v2)
	}

	// The trend: ZB2 50 then 105, ZB1 100 twice.
	trend := decode[assessments.Trend](t, fx.do(http.MethodGet, "/api/v1/assessments/"+a2.ID+"/trend", nil), http.StatusOK)
	if len(trend.Periods) != 2 || trend.Periods[0].ID != a1.ID {
		t.Fatalf("trend periods %+v", trend.Periods)
	}
	for _, line := range trend.Subjects {
		if line.Subject.ID == zb2.Subject.ID && (!nearly(line.Points[0].Score.Value, 50) || !nearly(line.Points[1].Score.Value, 105)) {
			t.Fatalf("ZB2 trend %+v", line.Points)
		}
	}

	checkAssessmentWorkbook(t, fx.do(http.MethodGet, "/api/v1/assessments/"+a2.ID+"/report.xlsx", nil).Body.Bytes())
}

func checkAssessmentWorkbook(t *testing.T, body []byte) {
	t.Helper()
	if dir := os.Getenv("MINYI_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "assessment.xlsx"), body, 0o644)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("workbook: %v (%.200s)", err, body)
	}
	defer f.Close()
	want := []string{"综合排名", "分项1-满意度测评", "分项2-加减分", "趋势", "公示与异议", "说明"}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows("综合排名")
	if err != nil {
		t.Fatal(err)
	}
	// Title, two note rows, the header, then ZB2 first.
	if rows[0][0] != "2026年度党支部综合考评" || rows[3][0] != "名次" || rows[4][1] != "第二党支部" || rows[4][5] != "105.00" || rows[4][7] != "↑1" || rows[4][8] != "中间" {
		t.Fatalf("综合排名 rows: %q", rows[:5])
	}
	for _, sheet := range want {
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v %v", sheet, layout, err)
		}
		hf, err := f.GetHeaderFooter(sheet)
		if err != nil || hf.OddFooter != "&C第 &P 页，共 &N 页" {
			t.Errorf("%s: footer %+v %v", sheet, hf, err)
		}
	}
}
