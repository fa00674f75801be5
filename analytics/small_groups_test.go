package analytics_test

import (
	"slices"
	"testing"

	"minyi/analytics"
)

// TestSmallGroupsNotReported: the fixture's members group holds 2 ballots
// (TestGroupFilter), fewer than the default 3, so no subject reports the
// members' own score and ?group=members shows no scores; the masses' own
// scores and every overall score stay as in wantFixture.
func TestSmallGroupsNotReported(t *testing.T) {
	s := fixtureSurvey()
	s.Scoring.MinGroupBallots = nil // the default, 3
	all := computeFixture(fixtureSurvey(), analytics.Filter{}, nil)
	r := computeFixture(s, analytics.Filter{}, nil)
	if !slices.Equal(r.HiddenGroups, []string{"members"}) {
		t.Fatalf("hidden groups %v, want [members]", r.HiddenGroups)
	}
	for i, sr := range r.Subjects {
		for _, g := range sr.ByGroup {
			if g.Group == "members" {
				t.Errorf("%s reports the members' own score %v", sr.Subject.ID, g.Score)
			}
		}
		if sr.Score != all.Subjects[i].Score {
			t.Errorf("%s: overall score %v, want %v (the small group still counts)", sr.Subject.ID, sr.Score, all.Subjects[i].Score)
		}
	}
	alone := computeFixture(s, analytics.Filter{Group: "members"}, nil)
	for _, sr := range alone.Subjects {
		if sr.Score.Valid || sr.Rank != nil {
			t.Errorf("?group=members: %s scored %v", sr.Subject.ID, sr.Score)
		}
	}
}
