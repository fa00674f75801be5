package analytics

import (
	"math"
	"slices"
	"sort"

	"minyi/surveys"
)

// TieEpsilon: scores this close share a rank, and a score this close below a
// grade's threshold still meets it (a weighted mean of 90s may come out as
// 89.99999999999999).
const TieEpsilon = 1e-9

// ValueCount is Count answers of Value.
type ValueCount struct {
	Value float64
	Count int64
}

// Answers returns A(s,q,g) of a histogram as (score, count) pairs in
// ascending score order: the scores of the non-abstain options. Options
// without a score (and keys the question no longer has) are not answers to
// score; abstentions are counted elsewhere, never scored.
func Answers(q *surveys.Question, h *Hist) []ValueCount {
	if h == nil {
		return nil
	}
	byScore := map[float64]int64{}
	for _, o := range q.Options {
		if o.Abstain || o.Score == nil {
			continue
		}
		if n := h.C[o.Key]; n > 0 {
			byScore[*o.Score] += n
		}
	}
	return sortedValues(byScore)
}

// scaleValues returns a scale histogram's integer values and counts.
func scaleValues(h *Hist) []ValueCount {
	byValue := map[float64]int64{}
	for k, n := range h.C {
		v, ok := parseInt(k)
		if ok && n > 0 {
			byValue[float64(v)] += n
		}
	}
	return sortedValues(byValue)
}

func sortedValues(m map[float64]int64) []ValueCount {
	out := make([]ValueCount, 0, len(m))
	for v, n := range m {
		out = append(out, ValueCount{Value: v, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// Mean is the plain mean of the values, undefined when there are none.
func Mean(vals []ValueCount) (float64, bool) {
	return TrimmedMean(vals, nil)
}

// TrimmedMean is the mean of vals (ascending, as Answers returns them)
// after dropping the trim.DropHighest highest and trim.DropLowest lowest
// values, when there are at least trim.MinAnswers of them. It works on the
// histogram directly: the dropped values are taken off the two ends of the
// sorted (value, count) list. A trim that would drop every value is not
// applied (a definition should never ask for one; the plain mean is the
// answer that loses no information). Undefined when vals is empty.
func TrimmedMean(vals []ValueCount, trim *surveys.Trim) (float64, bool) {
	var total int64
	for _, vc := range vals {
		total += vc.Count
	}
	if total == 0 {
		return 0, false
	}
	var lo, hi int64
	if trim != nil && total >= int64(trim.MinAnswers) {
		lo, hi = int64(max(trim.DropLowest, 0)), int64(max(trim.DropHighest, 0))
		if total-lo-hi < 1 {
			lo, hi = 0, 0
		}
	}
	keepFrom, keepTo := lo, total-hi // positions [keepFrom, keepTo) in sorted order
	var sum float64
	var pos int64
	for _, vc := range vals {
		from, to := max(pos, keepFrom), min(pos+vc.Count, keepTo)
		if to > from {
			sum += vc.Value * float64(to-from)
		}
		pos += vc.Count
	}
	return sum / float64(keepTo-keepFrom), true
}

// QuestionMean is m(s,q,g): the (trimmed) mean of the question's answers in
// one histogram.
func QuestionMean(q *surveys.Question, h *Hist, trim *surveys.Trim) (float64, bool) {
	return TrimmedMean(Answers(q, h), trim)
}

// Weighted is one term of a weighted mean.
type Weighted struct {
	Value  float64
	Weight float64
}

// WeightedMean is Σ w·v / Σ w over the defined terms. Callers pass only
// defined values, so the weights are renormalised over what exists.
// Undefined when there are no terms or their weights add up to zero.
func WeightedMean(terms []Weighted) (float64, bool) {
	var num, den float64
	for _, t := range terms {
		num += t.Weight * t.Value
		den += t.Weight
	}
	if len(terms) == 0 || den == 0 {
		return 0, false
	}
	return num / den, true
}

// Satisfaction counts one question's answers for a satisfaction rate.
type Satisfaction struct {
	Satisfied  int64
	NonAbstain int64
	Abstain    int64
}

func (s *Satisfaction) add(o Satisfaction) {
	s.Satisfied += o.Satisfied
	s.NonAbstain += o.NonAbstain
	s.Abstain += o.Abstain
}

// Rate is satisfied / non-abstain answers, or satisfied / all answers
// (abstentions included) when denominator is "all"; undefined when the
// denominator is zero.
func (s Satisfaction) Rate(denominator surveys.Denominator) (float64, bool) {
	den := s.NonAbstain
	if denominator == surveys.DenomAll {
		den += s.Abstain
	}
	if den == 0 {
		return 0, false
	}
	return float64(s.Satisfied) / float64(den), true
}

// HasSatisfied reports whether a question counts in satisfaction rates: a
// single question with at least one option marked satisfied.
func HasSatisfied(q *surveys.Question) bool {
	if q.Type != surveys.QSingle {
		return false
	}
	return slices.ContainsFunc(q.Options, func(o surveys.Option) bool { return o.Satisfied })
}

// SatisfactionOf counts one histogram of a single question.
func SatisfactionOf(q *surveys.Question, h *Hist) Satisfaction {
	var s Satisfaction
	if h == nil {
		return s
	}
	for _, o := range q.Options {
		n := h.C[o.Key]
		switch {
		case o.Abstain:
			s.Abstain += n
		default:
			s.NonAbstain += n
			if o.Satisfied {
				s.Satisfied += n
			}
		}
	}
	return s
}

// Ranks ranks scores descending: equal scores (within TieEpsilon of the
// previous one) share a rank and the next rank skips (1, 2, 2, 4). It
// returns, for each index of scores, its rank, and the indexes in rank
// order; ties keep their input order.
func Ranks(scores []float64) (rank []int, order []int) {
	order = make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	rank = make([]int, len(scores))
	for pos, i := range order {
		if pos > 0 && math.Abs(scores[order[pos-1]]-scores[i]) <= TieEpsilon {
			rank[i] = rank[order[pos-1]]
		} else {
			rank[i] = pos + 1
		}
	}
	return rank, order
}

// RecommendGrades gives each ranked subject (scores, with ranks from Ranks)
// the index of its recommended grade in grades, or -1 for none.
//
// Walk the subjects in rank order, a whole tie at a time; each takes the
// first grade whose threshold it meets (score ≥ min_score) and whose quota
// has room. A grade's quota is floor(max_share × n) of the n ranked
// subjects (no quota when max_share is 0). When the subjects of one rank
// that meet a grade's threshold do not all fit in what is left of its
// quota, none of them takes it: they go on to the next grade they meet.
func RecommendGrades(scores []float64, rank []int, order []int, grades []surveys.Grade) []int {
	out := make([]int, len(scores))
	for i := range out {
		out[i] = -1
	}
	n := len(scores)
	room := make([]int, len(grades))
	for gi, g := range grades {
		room[gi] = -1 // unlimited
		if g.MaxShare > 0 {
			// + TieEpsilon: 0.29 × 100 is 28.999999999999996 in binary
			// floating point, and the floor a person computes is 29.
			room[gi] = int(math.Floor(g.MaxShare*float64(n) + TieEpsilon))
		}
	}
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && rank[order[end]] == rank[order[start]] {
			end++
		}
		pending := slices.Clone(order[start:end])
		for gi, g := range grades {
			var meets, rest []int
			for _, i := range pending {
				if scores[i] >= g.MinScore-TieEpsilon {
					meets = append(meets, i)
				} else {
					rest = append(rest, i)
				}
			}
			if len(meets) == 0 {
				continue
			}
			if room[gi] >= 0 && len(meets) > room[gi] {
				continue // the tie does not fit: none of them takes this grade
			}
			for _, i := range meets {
				out[i] = gi
			}
			if room[gi] >= 0 {
				room[gi] -= len(meets)
			}
			pending = rest
			if len(pending) == 0 {
				break
			}
		}
		start = end
	}
	return out
}
