package analytics

import (
	"strconv"

	"minyi/surveys"
)

// The second round's additions to the scorecard (API.md, "Second round ›
// Results"): votes per grade for an appraisal, the rate of the best and
// the worst grade, the satisfaction rate and NPS of the questions not asked
// per subject, and ranks within a scope beside the overall rank.

// AbstainKey is the key of the abstentions in SubjectResult.Votes.
const AbstainKey = "abstain"

// VoteCount is how many raters chose one option for a subject, and the
// share of all the subject's answers to the question (abstentions included)
// that is.
type VoteCount struct {
	Count int64  `json:"count"`
	Share Number `json:"share"`
}

// NPS is a 0–10 scale's net promoter score: Promoters is the share of
// answers 9–10, Detractors of 0–6, Score = (Promoters − Detractors) × 100.
type NPS struct {
	Score      Number `json:"score"`
	Promoters  Number `json:"promoters"`
	Detractors Number `json:"detractors"`
}

// GradeQuestion is the question an appraisal's votes count: the question of
// its first per-ballot quota when that is a per-subject single question
// (the 评议等次 of 民主评议党员), else its first per-subject scored single
// question. A question with satisfied options asks for satisfaction, not a
// grade, and is never one. nil for any other kind of survey.
func GradeQuestion(s *surveys.Survey) *surveys.Question {
	if s.Kind != surveys.KindAppraisal {
		return nil
	}
	isGrade := func(q *surveys.Question) bool { return q.PerSubject && q.Scored() && !HasSatisfied(q) }
	for _, qt := range s.Rules.Quotas {
		if q, ok := s.Question(qt.Question); ok && isGrade(q) {
			return q
		}
	}
	for i := range s.Questions {
		if q := &s.Questions[i]; isGrade(q) {
			return q
		}
	}
	return nil
}

// votes fills r's Votes, ExcellentRate and UnqualifiedRate from its figures
// for the grade question gq: one entry per option (abstaining options
// together under AbstainKey), shares over every answer. The excellent rate
// is the share of the first non-abstain option, the unqualified rate that of
// the last (优秀 … 不合格 in the template's order).
func votes(gq *surveys.Question, r *SubjectResult) {
	var sq *SubjectQuestion
	for i := range r.Questions {
		if r.Questions[i].Question == gq.Key {
			sq = &r.Questions[i]
		}
	}
	if sq == nil {
		return
	}
	share := func(n int64) Number {
		if sq.Answers == 0 {
			return Number{}
		}
		return Num(float64(n) / float64(sq.Answers))
	}
	r.Votes = map[string]VoteCount{}
	var first, last string
	for _, o := range gq.Options {
		if o.Abstain {
			continue
		}
		if first == "" {
			first = o.Key
		}
		last = o.Key
		n := sq.Distribution[o.Key]
		r.Votes[o.Key] = VoteCount{Count: n, Share: share(n)}
	}
	r.Votes[AbstainKey] = VoteCount{Count: sq.Abstain, Share: share(sq.Abstain)}
	if first != "" {
		ex, un := r.Votes[first].Share, r.Votes[last].Share
		r.ExcellentRate, r.UnqualifiedRate = &ex, &un
	}
}

// scopeRanks ranks the subjects kept by a scope among themselves: each
// keeps its rank among all subjects as OverallRank and takes its rank
// within the scope as Rank (ties as everywhere: 1, 2, 2, 4). The subjects
// are already in overall rank order, so that order stays.
func scopeRanks(subjects []SubjectResult) {
	var scores []float64
	var idx []int
	for i := range subjects {
		if subjects[i].Rank != nil {
			overall := *subjects[i].Rank
			subjects[i].OverallRank = &overall
			scores = append(scores, subjects[i].Score.Value)
			idx = append(idx, i)
		}
	}
	rank, _ := Ranks(scores)
	for k, i := range idx {
		r := rank[k]
		subjects[i].Rank = &r
	}
}

// questionRates adds a question summary's satisfaction rate (a single
// question with satisfied options), abstentions and, for a 0–10 scale, NPS.
func (sc *scorer) questionRates(q *surveys.Question, merged *Hist, qs *QuestionSummary) {
	qs.Abstain = abstentions(q, merged)
	if HasSatisfied(q) {
		n := Number{}
		if v, ok := SatisfactionOf(q, merged).Rate(sc.s.Scoring.SatisfactionDenominator); ok {
			n = Num(v)
		}
		qs.SatisfactionRate = &n
	}
	if q.Type == surveys.QScale && q.Min != nil && q.Max != nil && *q.Min == 0 && *q.Max == 10 {
		qs.NPS = npsOf(merged)
	}
}

// npsOf is the NPS of a 0–10 histogram (all three undefined without
// answers).
func npsOf(h *Hist) *NPS {
	var pro, det, all int64
	for k, n := range h.C {
		v, err := strconv.Atoi(k)
		if err != nil {
			continue
		}
		all += n
		switch {
		case v >= 9:
			pro += n
		case v <= 6:
			det += n
		}
	}
	if all == 0 {
		return &NPS{}
	}
	p, d := float64(pro)/float64(all), float64(det)/float64(all)
	return &NPS{Score: Num(float64(pro-det) * 100 / float64(all)), Promoters: Num(p), Detractors: Num(d)}
}
