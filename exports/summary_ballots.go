package exports

import (
	"sort"

	"minyi/surveys"
)

// vi counts valid and invalid ballots of one group or channel.
type vi struct {
	key            string
	valid, invalid int64
}

// ballotTables are the summary's ballot counts by group (the survey's
// groups first, in order) and by channel.
func ballotTables(sc Scorecard) (groups, channels []vi) {
	g, c := map[string]*vi{}, map[string]*vi{}
	get := func(m map[string]*vi, k string) *vi {
		if m[k] == nil {
			m[k] = &vi{key: k}
		}
		return m[k]
	}
	for _, rg := range sc.Survey.RaterGroups {
		get(g, rg.Key)
	}
	if sc.Counts != nil {
		for _, n := range sc.Counts {
			for _, x := range []*vi{get(g, n.Group), get(c, n.Channel)} {
				if n.Valid {
					x.valid += n.Count
				} else {
					x.invalid += n.Count
				}
			}
		}
	} else {
		// Without per-group validity the totals by group are shown as
		// returned ballots only.
		for k, n := range sc.Results.Ballots.ByGroup {
			get(g, k).valid += n
		}
		for k, n := range sc.Results.Ballots.ByChannel {
			get(c, k).valid += n
		}
	}
	order := func(m map[string]*vi, first []string) []vi {
		var out []vi
		seen := map[string]bool{}
		for _, k := range first {
			if x := m[k]; x != nil && !seen[k] {
				seen[k] = true
				out = append(out, *x)
			}
		}
		var rest []string
		for k := range m {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			out = append(out, *m[k])
		}
		return out
	}
	var gk []string
	for _, rg := range sc.Survey.RaterGroups {
		gk = append(gk, rg.Key)
	}
	return order(g, gk), order(c, channelKeys())
}

// channelKeys are the channels' keys in the order the summary lists them.
func channelKeys() []string {
	var out []string
	for _, c := range surveys.Channels() {
		out = append(out, string(c))
	}
	return out
}
