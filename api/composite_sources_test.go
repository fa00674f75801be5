package api_test

import (
	"net/http"
	"testing"

	"minyi/assessments"
	"minyi/surveys"
)

// TestCompositeReadsTheHotline: a periodic assessment of December 2026
// takes each branch's 三率 score from the hotline (the fixture of
// TestAssessmentFormulas, whose scores are worked out there), and the
// commitments component, with no commitments entered, is missing for all.
//
// Hotline weight 1, commitments weight 1 (missing everywhere, so the
// weights renormalise to the hotline alone):
//
//	A 100 → rank 1; B 90.5 and C 90.5 → rank 2 (tie); D 84.5 → rank 4;
//	E and F are unranked in the 三率 (fewer than 5 rated orders) and G has
//	no orders: none of them has a weighted value, so they are listed apart.
//
// 先进 needs ≥ 90 within a quota of floor(0.5 × 4) = 2: A takes one place;
// B and C tie and do not both fit in the one left, so both drop to 中间
// (≥ 80). D (84.5) would be 中间, but its 满意率 0.8 is below 0.85: the
// veto caps it at 后进.
func TestCompositeReadsTheHotline(t *testing.T) {
	f := newAssessFixture(t)
	root := decode[surveys.Org](t, f.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "某街道党工委", "code": "JD", "kind": "committee"}), http.StatusCreated)
	for _, o := range f.orgs {
		decode[surveys.Org](t, f.do(http.MethodPatch, "/api/v1/orgs/"+o.ID, map[string]any{"parent_id": root.ID}), http.StatusOK)
	}
	scheme := map[string]any{
		"title": "2026年12月党支部综合考评", "period": map[string]string{"from": "2026-12-01", "to": "2026-12-31"},
		"subjects": map[string]string{"kind": "branches", "org_id": root.ID},
		"components": []map[string]any{
			{"key": "hot", "kind": "hotline", "weight": 1},
			{"key": "com", "kind": "commitments", "measure": "fulfilled_rate", "weight": 1},
		},
		"tiers": []map[string]any{
			{"key": "advanced", "label": "先进", "min_score": 90, "max_share": 0.5},
			{"key": "middle", "label": "中间", "min_score": 80},
			{"key": "lagging", "label": "后进", "min_score": 0},
		},
		"vetoes": []map[string]any{{"component": "hot", "measure": "satisfaction_rate", "below": 0.85, "max_tier": "lagging"}},
	}
	a := decode[assessments.Assessment](t, f.do(http.MethodPost, "/api/v1/assessments", scheme), http.StatusCreated)
	v := decode[assessments.View](t, f.as(f.leader, http.MethodGet, "/api/v1/assessments/"+a.ID+"/results", nil), http.StatusOK)
	want := []struct {
		org   string
		score float64 // 0: none
		rank  int
		tier  string
	}{
		{"A", 100, 1, "advanced"}, {"B", 90.5, 2, "middle"}, {"C", 90.5, 2, "middle"}, {"D", 84.5, 4, "lagging"},
		{"E", 0, 0, ""}, {"F", 0, 0, ""}, {"G", 0, 0, ""},
	}
	for _, w := range want {
		s := compositeSubject(t, v, f.orgs[w.org].ID)
		if w.score == 0 {
			if s.Score.Valid || s.Rank != nil || s.Tier != nil {
				t.Errorf("%s: %+v, want no score", w.org, s)
			}
			continue
		}
		if !nearly(s.Score.Value, w.score) || s.Rank == nil || *s.Rank != w.rank || s.Tier == nil || s.Tier.Key != w.tier {
			t.Errorf("%s: score %v rank %v tier %+v, want %v, %d, %s", w.org, s.Score, s.Rank, s.Tier, w.score, w.rank, w.tier)
		}
		if len(s.Missing) != 1 || s.Missing[0] != "com" {
			t.Errorf("%s: missing %v, want the commitments", w.org, s.Missing)
		}
	}
	d := compositeSubject(t, v, f.orgs["D"].ID)
	if len(d.Vetoes) != 1 || d.Vetoes[0].Reason != "「热线三率」的满意率为 80%，低于 85%，至多评为「后进」" {
		t.Errorf("D's veto %+v", d.Vetoes)
	}
	traced := map[string]string{}
	for _, det := range compositeSubject(t, v, f.orgs["B"].ID).Details["hot"] {
		traced[det.Label] = det.Value
	}
	if traced["工单"] != "5" || traced["响应率"] != "80.00%" || traced["解决率"] != "90.00%" || traced["三率得分"] != "90.50" {
		t.Errorf("B's hotline figures %v", traced)
	}
	if e := compositeSubject(t, v, f.orgs["E"].ID).Details["hot"]; len(e) == 0 || e[len(e)-1].Value != "不计（已回访工单少于 5 件）" {
		t.Errorf("E's hotline figures %v", e)
	}
}
