package assessments

import (
	"math"
	"strings"
	"testing"
)

func fixtureRules() Rules {
	return Rules{
		Components: []Component{
			{Key: "sat", Kind: KindSurvey, Measure: MeasureScore, Weight: 0.5},
			{Key: "hot", Kind: KindHotline, Weight: 0.3},
			{Key: "com", Kind: KindCommitments, Measure: MeasureFulfilled, Weight: 0.2},
			{Key: "adj", Kind: KindManual, Weight: 0},
		},
		Tiers: []Tier{
			{Key: "advanced", Label: "先进", MinScore: 90, MaxShare: 0.5},
			{Key: "middle", Label: "中间", MinScore: 70},
			{Key: "lagging", Label: "后进", MinScore: 0},
		},
		Vetoes: []Veto{{Component: "sat", Measure: MeasureSatisfaction, Below: 0.6, MaxTier: "middle"}},
	}
}

type m = map[string]map[string]float64

// The hand-computed fixture: weights 0.5 / 0.3 / 0.2 and a manual bonus.
//
//	A: 0.5×95 + 0.3×92 + 0.2×100 = 47.5 + 27.6 + 20   = 95.1
//	B: 0.5×96 + 0.3×94 + 0.2×90  = 48 + 28.2 + 18     = 94.2 (satisfaction 55% < 60%: at most 中间)
//	C: hotline missing: (0.5×92 + 0.2×95) ÷ 0.7 = 65 ÷ 0.7 = 92.857142…
//	D: 0.5×90 + 0.3×90 + 0.2×90  = 90
//	E: 0.5×88 + 0.3×92 + 0.2×92  = 44 + 27.6 + 18.4   = 90 (ties D)
//	F: only manual points: no weighted value, no score, unranked
//	G: 0.5×60 + 0.3×50 + 0.2×50  = 30 + 15 + 10 = 55, + 3 manual = 58
//
// Ranks over the 6 scored: A 1, B 2, C 3, D 4, E 4, G 6. The 先进 quota is
// floor(0.5 × 6) = 3. A takes it (2 left); B is vetoed to 中间; C takes it
// (1 left); D and E tie at 90 and do not both fit in 1: neither takes it,
// both are 中间; G (58) is 后进.
func TestComputeFixture(t *testing.T) {
	in := []Input{
		{SubjectID: "A", Measures: m{"sat": {"score": 95, "satisfaction_rate": 0.9}, "hot": {"score": 92}, "com": {"fulfilled_rate": 1}}},
		{SubjectID: "B", Measures: m{"sat": {"score": 96, "satisfaction_rate": 0.55}, "hot": {"score": 94}, "com": {"fulfilled_rate": 0.9}}},
		{SubjectID: "C", Measures: m{"sat": {"score": 92, "satisfaction_rate": 0.8}, "com": {"fulfilled_rate": 0.95}}},
		{SubjectID: "D", Measures: m{"sat": {"score": 90, "satisfaction_rate": 0.85}, "hot": {"score": 90}, "com": {"fulfilled_rate": 0.9}, "adj": {"points": 0}}},
		{SubjectID: "E", Measures: m{"sat": {"score": 88, "satisfaction_rate": 0.8}, "hot": {"score": 92}, "com": {"fulfilled_rate": 0.92}}},
		{SubjectID: "F", Measures: m{"adj": {"points": 2}}},
		{SubjectID: "G", Measures: m{"sat": {"score": 60, "satisfaction_rate": 0.7}, "hot": {"score": 50}, "com": {"fulfilled_rate": 0.5}, "adj": {"points": 3}}},
	}
	prev := map[string]Previous{"A": {Score: 93, Rank: 2}, "D": {Score: 91, Rank: 1}}
	got := Compute(fixtureRules(), in, prev)

	want := []struct {
		id      string
		score   float64 // NaN: none
		rank    int     // 0: none
		tier    int
		missing string
		vetoed  bool
	}{
		{"A", 95.1, 1, 0, "adj", false},
		{"B", 94.2, 2, 1, "adj", true},
		{"C", 65 / 0.7, 3, 0, "hot,adj", false},
		{"D", 90, 4, 1, "", false},
		{"E", 90, 4, 1, "adj", false},
		{"F", math.NaN(), 0, -1, "sat,hot,com", false},
		{"G", 58, 6, 2, "", false},
	}
	for i, w := range want {
		r := got[i]
		if r.SubjectID != w.id {
			t.Fatalf("result %d is %s, want %s", i, r.SubjectID, w.id)
		}
		if math.IsNaN(w.score) {
			if r.Score != nil || r.Rank != nil {
				t.Errorf("%s: score %v rank %v, want none", w.id, r.Score, r.Rank)
			}
		} else if r.Score == nil || math.Abs(*r.Score-w.score) > 1e-9 || r.Rank == nil || *r.Rank != w.rank {
			t.Errorf("%s: score %v rank %v, want %v rank %d", w.id, deref(r.Score), r.Rank, w.score, w.rank)
		}
		if r.Tier != w.tier {
			t.Errorf("%s: tier %d, want %d", w.id, r.Tier, w.tier)
		}
		if got := strings.Join(r.Missing, ","); got != w.missing {
			t.Errorf("%s: missing %q, want %q", w.id, got, w.missing)
		}
		if (len(r.Vetoes) > 0) != w.vetoed {
			t.Errorf("%s: vetoes %v, want vetoed=%v", w.id, r.Vetoes, w.vetoed)
		}
	}
	if reason := got[1].Vetoes[0].Reason; reason != "「满意度测评」的满意率为 55%，低于 60%，至多评为「中间」" {
		t.Errorf("veto reason %q", reason)
	}
	// A: 95.1 − 93 = 2.1, moved from 2 to 1 (+1); D: 90 − 91 = −1, from 1 to 4 (−3).
	if c := got[0].Change; c == nil || math.Abs(*c-2.1) > 1e-9 || *got[0].RankChange != 1 {
		t.Errorf("A change %v rank change %v", deref(c), got[0].RankChange)
	}
	if c := got[3].Change; c == nil || math.Abs(*c+1) > 1e-9 || *got[3].RankChange != -3 {
		t.Errorf("D change %v rank change %v", deref(c), got[3].RankChange)
	}
	if got[6].Change != nil || got[6].RankChange != nil {
		t.Errorf("G has no previous standing, got change %v", deref(got[6].Change))
	}
}

// A veto applies only to a subject whose measure is known and below the
// line.
func TestComputeVetoOnlyWithItsMeasure(t *testing.T) {
	r := fixtureRules()
	r.Tiers[0].MaxShare = 0 // no quota: only the veto could keep them out
	in := []Input{
		// No satisfaction rate known: the veto cannot apply.
		{SubjectID: "X", Measures: m{"sat": {"score": 96}, "hot": {"score": 94}}},
		// Exactly at the line: not below it.
		{SubjectID: "Y", Measures: m{"sat": {"score": 95, "satisfaction_rate": 0.6}, "hot": {"score": 95}}},
	}
	got := Compute(r, in, nil)
	for _, g := range got {
		if g.Tier != 0 || len(g.Vetoes) != 0 {
			t.Errorf("%s: tier %d vetoes %v, want 先进 and no veto", g.SubjectID, g.Tier, g.Vetoes)
		}
	}
}

func TestShareWords(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{1.0 / 3, "三分之一"}, {0.3334, "三分之一"}, {0.3, "30%"}, {0.5, "50%"}, {0.125, "12.5%"}, {2.0 / 3, "三分之二"}} {
		if got := Share(c.in); got != c.want {
			t.Errorf("Share(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMethodStatesEveryRule(t *testing.T) {
	text := strings.Join(Method(fixtureRules()), "\n")
	for _, want := range []string{"权重 0.5", "「热线三率」（得分，权重 0.3）", "「加减分」的分值在加权后直接加到综合得分上",
		"「先进」：综合得分不低于 90 分，名额不超过参与排名对象数的50%", "「满意度测评」的满意率低于 60% 的，至多评为「中间」"} {
		if !strings.Contains(text, want) {
			t.Errorf("method lacks %q:\n%s", want, text)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
