package analytics

// By rater group: the one place a subject's figures are split by group
// (SubjectResult.ByGroup). Anything that withholds or merges the figures of
// a group (too few ballots to keep them secret) belongs here.

// byGroup is subject's figures for each scored group, in the survey's
// group order, and the defined group scores as the terms of S(s).
func (sc *scorer) byGroup(subject string) ([]GroupScore, []Weighted) {
	out := make([]GroupScore, 0, len(sc.groups))
	var terms []Weighted
	for _, g := range sc.groups {
		v, ok, n := sc.groupScore(subject, g.Key, nil)
		gs := GroupScore{Group: g.Key, Name: g.Name, Weight: g.Weight, Answers: n}
		if ok {
			gs.Score = Num(v)
			terms = append(terms, Weighted{Value: v, Weight: g.Weight})
		}
		if rate, ok := sc.groupSatisfaction(subject, g.Key); ok {
			gs.SatisfactionRate = Num(rate)
		}
		out = append(out, gs)
	}
	return out, terms
}

// groupSatisfaction is one group's satisfaction rate about subject over
// the per-subject single questions with satisfied options.
func (sc *scorer) groupSatisfaction(subject, group string) (float64, bool) {
	var sat Satisfaction
	for i := range sc.s.Questions {
		q := &sc.s.Questions[i]
		if q.PerSubject && HasSatisfied(q) {
			sat.add(SatisfactionOf(q, sc.hist(subject, q.Key, group)))
		}
	}
	return sat.Rate(sc.s.Scoring.SatisfactionDenominator)
}
