package analytics_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"minyi/analytics"
	"minyi/surveys"
)

// TestTallyCounts: one find reads the ballot counts of several surveys
// from their heads, by hand: the fixture (7 valid, 1 invalid; 群众 6, 党员
// 2), a survey rebuilt once and folded again afterwards (its new epoch
// counted once, not twice), a survey with odd keys (groups unescaped), and
// neither a survey without ballots nor a histogram document's id.
func TestTallyCounts(t *testing.T) {
	e := newStoreEnv(t)
	ctx := context.Background()
	s := fixtureSurvey()
	all := fixtureBallots()
	e.commit(t, s, all[:4])
	e.commit(t, s, all[4:])

	two := func(id, group string, channel surveys.Channel, valid bool) surveys.Ballot {
		b := ballot(id, group, channel, valid, "s1.q1=a")
		b.SurveyID = "sv2"
		return b
	}
	e.commit(t, nil, []surveys.Ballot{two("A1", "masses", "web", true), two("A2", "masses", "paper", true)})
	e.commit(t, nil, []surveys.Ballot{two("A3", "members", "web", false)})
	if n, err := e.tallies.Rebuild(ctx, "sv2"); err != nil || n != 3 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	e.commit(t, nil, []surveys.Ballot{two("A4", "members", "hotline", true)})

	odd := []surveys.Ballot{
		{ID: "x1", SurveyID: "sv.$1", Channel: "web", RaterGroup: "$g.1", Valid: true},
		{ID: "x2", SurveyID: "sv.$1", Channel: "web.x", RaterGroup: "$g.1", Valid: false, Reason: "all_same"},
		{ID: "x3", SurveyID: "sv.$1", Channel: "", RaterGroup: "", Valid: true},
	}
	e.commit(t, nil, odd)

	got, err := e.tallies.Counts(ctx, []string{"sv1", "sv2", "sv.$1", "nobody", "sv1/0/s/s1", "sv1/0/q/q3"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]analytics.BallotCounts{
		"sv1":   {Valid: 7, Invalid: 1, ByGroup: map[string]int64{"masses": 6, "members": 2}},
		"sv2":   {Valid: 3, Invalid: 1, ByGroup: map[string]int64{"masses": 2, "members": 2}},
		"sv.$1": {Valid: 2, Invalid: 1, ByGroup: map[string]int64{"$g.1": 2, "": 1}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("counts (-want +got):\n%s", d)
	}
	if got["sv1"].Total() != 8 {
		t.Errorf("total %d, want 8", got["sv1"].Total())
	}
	// The same numbers as the scorecard's ballot summary.
	r := analytics.Compute(s, e.load(t, "sv1"), analytics.Filter{}, nil, genAt)
	if r.Ballots.Valid != got["sv1"].Valid || r.Ballots.Invalid != got["sv1"].Invalid || !cmp.Equal(r.Ballots.ByGroup, got["sv1"].ByGroup) {
		t.Errorf("counts %+v differ from the results' %+v", got["sv1"], r.Ballots)
	}
	if got, err := e.tallies.Counts(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v %v", got, err)
	}
}
