package analytics

import (
	"minyi/surveys"
)

// scorer applies the scoring rules of one survey to one tally.
type scorer struct {
	s      *surveys.Survey
	t      *Tally
	groups []surveys.RaterGroup // the groups scored, with their weights
	dims   []string             // dimensions in question order
}

// newScorer picks the groups: the survey's rater groups with their weights;
// a survey without groups scores every group found in the tally with weight
// 1; a ?group= view scores that one group alone, so its subject score is its
// group score.
func newScorer(s *surveys.Survey, t *Tally, only string) *scorer {
	sc := &scorer{s: s, t: t}
	switch {
	case only != "":
		g := surveys.RaterGroup{Key: only, Name: only, Weight: 1}
		for _, rg := range s.RaterGroups {
			if rg.Key == only {
				g.Name = rg.Name
			}
		}
		sc.groups = []surveys.RaterGroup{g}
	case len(s.RaterGroups) > 0:
		sc.groups = s.RaterGroups
	default:
		seen := map[string]bool{}
		for c := range t.Hists {
			seen[c.Group] = true
		}
		for _, g := range sortedKeys(seen) {
			sc.groups = append(sc.groups, surveys.RaterGroup{Key: g, Name: g, Weight: 1})
		}
	}
	seen := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		if q.PerSubject && q.Scored() && q.Dimension != "" && !seen[q.Dimension] {
			seen[q.Dimension] = true
			sc.dims = append(sc.dims, q.Dimension)
		}
	}
	return sc
}

func (sc *scorer) hist(subject, question, group string) *Hist {
	return sc.t.Hists[Cell{Subject: subject, Question: question, Group: group}]
}

// groupScore is G(s,g) over the scored per-subject questions that keep
// (all of them when keep is nil): the weighted mean of the defined question
// means, and how many answers it rests on.
func (sc *scorer) groupScore(subject, group string, keep func(*surveys.Question) bool) (float64, bool, int64) {
	var terms []Weighted
	var answers int64
	for i := range sc.s.Questions {
		q := &sc.s.Questions[i]
		if !q.PerSubject || !q.Scored() || keep != nil && !keep(q) {
			continue
		}
		vals := Answers(q, sc.hist(subject, q.Key, group))
		for _, v := range vals {
			answers += v.Count
		}
		if m, ok := TrimmedMean(vals, sc.s.Scoring.Trim); ok {
			terms = append(terms, Weighted{Value: m, Weight: q.QuestionWeight()})
		}
	}
	g, ok := WeightedMean(terms)
	return g, ok, answers
}

// combine is S(s) (or a dimension score): Σ w_g·G / Σ w_g over the groups
// whose G is defined.
func (sc *scorer) combine(subject string, keep func(*surveys.Question) bool) (float64, bool) {
	var terms []Weighted
	for _, g := range sc.groups {
		if v, ok, _ := sc.groupScore(subject, g.Key, keep); ok {
			terms = append(terms, Weighted{Value: v, Weight: g.Weight})
		}
	}
	return WeightedMean(terms)
}

// subjects computes every subject's scorecard, ranks and grades, in rank
// order (unranked subjects last, in survey order).
func (sc *scorer) subjects(final map[string]FinalGrade) []SubjectResult {
	out := make([]SubjectResult, len(sc.s.Subjects))
	gq := GradeQuestion(sc.s)
	var ranked []int // indexes into out with a defined score
	var scores []float64
	for i, sub := range sc.s.Subjects {
		out[i] = sc.subject(sub)
		if gq != nil {
			votes(gq, &out[i])
		}
		if fg, ok := final[sub.ID]; ok {
			out[i].FinalGrade = &fg
		}
		if out[i].Score.Valid {
			ranked = append(ranked, i)
			scores = append(scores, out[i].Score.Value)
		}
	}
	rank, order := Ranks(scores)
	grades := RecommendGrades(scores, rank, order, sc.s.Scoring.Grades)
	sorted := make([]SubjectResult, 0, len(out))
	isRanked := make([]bool, len(out))
	for _, k := range order {
		i := ranked[k]
		isRanked[i] = true
		r := rank[k]
		out[i].Rank = &r
		if gi := grades[k]; gi >= 0 {
			g := sc.s.Scoring.Grades[gi]
			out[i].Grade = &GradeRef{Key: g.Key, Label: g.Label}
		}
		sorted = append(sorted, out[i])
	}
	for i := range out {
		if !isRanked[i] {
			sorted = append(sorted, out[i])
		}
	}
	return sorted
}

// subject computes one subject's figures (everything but rank and grade).
func (sc *scorer) subject(sub surveys.Subject) SubjectResult {
	r := SubjectResult{
		Subject:     SubjectRef{Type: sub.Type, ID: sub.ID, Name: sub.Name, OrgID: sub.OrgID, OrgName: sub.OrgName},
		ByGroup:     []GroupScore{},
		ByDimension: []DimensionScore{},
		Questions:   []SubjectQuestion{},
	}
	// S(s) is combine(sub.ID, nil), taken from the group scores listed
	// here rather than computing each G(s,g) a second time.
	var terms []Weighted
	r.ByGroup, terms = sc.byGroup(sub.ID)
	if v, ok := WeightedMean(terms); ok {
		r.Score = Num(v)
	}
	for _, d := range sc.dims {
		ds := DimensionScore{Dimension: d}
		if v, ok := sc.combine(sub.ID, func(q *surveys.Question) bool { return q.Dimension == d }); ok {
			ds.Score = Num(v)
		}
		r.ByDimension = append(r.ByDimension, ds)
	}
	var sat Satisfaction
	for i := range sc.s.Questions {
		q := &sc.s.Questions[i]
		if !q.PerSubject || q.Type == surveys.QText {
			continue
		}
		sq, qs := sc.subjectQuestion(sub.ID, q)
		r.Questions = append(r.Questions, sq)
		sat.add(qs)
	}
	if v, ok := sat.Rate(sc.s.Scoring.SatisfactionDenominator); ok {
		r.SatisfactionRate = Num(v)
	}
	return r
}

// subjectQuestion is one per-subject question over the scored groups, and
// its satisfaction counts (zero for a question without satisfied options).
func (sc *scorer) subjectQuestion(subject string, q *surveys.Question) (SubjectQuestion, Satisfaction) {
	merged := &Hist{C: map[string]int64{}}
	var sat Satisfaction
	var means []Weighted
	for _, g := range sc.groups {
		h := sc.hist(subject, q.Key, g.Key)
		if h == nil {
			continue
		}
		merged.add(h)
		if HasSatisfied(q) {
			sat.add(SatisfactionOf(q, h))
		}
		if q.Scored() {
			if m, ok := QuestionMean(q, h, sc.s.Scoring.Trim); ok {
				means = append(means, Weighted{Value: m, Weight: g.Weight})
			}
		}
	}
	sq := SubjectQuestion{
		Question: q.Key, Answers: merged.N, Abstain: abstentions(q, merged),
		Distribution: distribution(q, merged),
	}
	sq.Shares = shares(sq.Distribution, sq.Answers)
	switch {
	case q.Scored():
		if m, ok := WeightedMean(means); ok {
			sq.Mean = Num(m)
		}
	case q.Type == surveys.QScale:
		if m, ok := Mean(scaleValues(merged)); ok {
			sq.Mean = Num(m)
		}
	}
	if HasSatisfied(q) {
		if v, ok := sat.Rate(sc.s.Scoring.SatisfactionDenominator); ok {
			sq.SatisfactionRate = Num(v)
		}
	}
	return sq, sat
}

// questionSummaries lists the questions not asked per subject (text
// excepted: its answers are listed, not tallied).
func (sc *scorer) questionSummaries() []QuestionSummary {
	out := []QuestionSummary{}
	for i := range sc.s.Questions {
		q := &sc.s.Questions[i]
		if q.PerSubject || q.Type == surveys.QText {
			continue
		}
		merged := &Hist{C: map[string]int64{}}
		for _, g := range sc.groups {
			if h := sc.hist("", q.Key, g.Key); h != nil {
				merged.add(h)
			}
		}
		qs := QuestionSummary{Question: q.Key, Type: q.Type, Answers: merged.N, Distribution: distribution(q, merged)}
		qs.Shares = shares(qs.Distribution, qs.Answers)
		switch {
		case q.Type == surveys.QScale:
			qs.Mean = meanOf(scaleValues(merged))
		case q.Scored():
			qs.Mean = meanOf(Answers(q, merged))
		}
		sc.questionRates(q, merged, &qs)
		out = append(out, qs)
	}
	return out
}

func meanOf(vals []ValueCount) *Number {
	n := Number{}
	if m, ok := Mean(vals); ok {
		n = Num(m)
	}
	return &n
}
