package analytics

import (
	"slices"

	"minyi/surveys"
)

// Small rater groups are not reported on their own: with one or two
// ballots in a group, that group's score is those raters' votes. A group
// with fewer ballots than the survey's scoring.min_group_ballots (default
// DefaultMinGroupBallots; 0 turns this off) keeps counting in the scores of
// all groups, but its own score is left out of every subject's by_group,
// and asking for it alone (?group=) shows no scores. This is the one place
// results know of it (Compute calls it before and after scoring).

// DefaultMinGroupBallots is the fewest ballots a rater group needs to be
// reported separately.
const DefaultMinGroupBallots = 3

// smallGroups are the rater groups of t with ballots, but fewer than the
// survey's minimum.
func smallGroups(s *surveys.Survey, t *Tally) []string {
	least := DefaultMinGroupBallots
	if s.Scoring.MinGroupBallots != nil {
		least = *s.Scoring.MinGroupBallots
	}
	n := map[string]int64{}
	for k, c := range t.Ballots {
		n[k.Group] += c
	}
	var out []string
	for g, c := range n {
		if c > 0 && c < int64(least) {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return out
}

// hideSmallGroups is the tally to score for filter f: an empty one when f
// asks for a small group alone.
func hideSmallGroups(t *Tally, f Filter, small []string) *Tally {
	if f.Group != "" && slices.Contains(small, f.Group) {
		return NewTally()
	}
	return t
}

// dropSmallGroups removes the small groups' own scores from r.
func dropSmallGroups(r *Results, small []string) {
	if len(small) == 0 {
		return
	}
	r.HiddenGroups = small
	for i := range r.Subjects {
		r.Subjects[i].ByGroup = slices.DeleteFunc(r.Subjects[i].ByGroup, func(g GroupScore) bool {
			return slices.Contains(small, g.Group)
		})
	}
}
