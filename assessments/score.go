// Package assessments is the periodic assessment (考核) of branches or
// members: a scheme combines, for each subject, values that come from
// elsewhere — a survey's score or satisfaction rate, the hotline's 三率
// score, the fulfilment of public commitments, points entered by hand —
// into one weighted score, ranks the subjects, and sorts them into tiers
// with quotas and vetoes, as grades are given in an appraisal.
//
// This file is the arithmetic, with no store: Compute takes what the
// sources said of each subject and returns the scored, ranked, tiered
// subjects. Everything it does is stated in Method, which the results page
// and the workbook print.
package assessments

import (
	"math"
	"strings"

	"minyi/analytics"
)

// Kind is where a component's value comes from.
type Kind string

// The component kinds.
const (
	KindSurvey      Kind = "survey"      // a subject's result in a survey of the period
	KindHotline     Kind = "hotline"     // the unit's 三率 score over the period
	KindCommitments Kind = "commitments" // the owner's public commitments of the period
	KindManual      Kind = "manual"      // points entered per subject with a reason
)

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	switch k {
	case KindSurvey:
		return "满意度测评"
	case KindHotline:
		return "热线三率"
	case KindCommitments:
		return "公开承诺"
	case KindManual:
		return "加减分"
	}
	return string(k)
}

// The measures a component may take; a rate (0–1) becomes a value on 0–100
// by × 100.
const (
	MeasureScore           = "score"
	MeasureSatisfaction    = "satisfaction_rate"
	MeasureFulfilled       = "fulfilled_rate"
	MeasureEvaluationScore = "evaluation_score"
	MeasurePoints          = "points"
)

// MeasureLabel is a measure's Chinese name.
func MeasureLabel(m string) string {
	switch m {
	case MeasureScore:
		return "得分"
	case MeasureSatisfaction:
		return "满意率"
	case MeasureFulfilled:
		return "兑现率"
	case MeasureEvaluationScore:
		return "评诺得分"
	case MeasurePoints:
		return "分值"
	}
	return m
}

// isRate reports whether measure m is a ratio 0–1 rather than points.
func isRate(m string) bool { return strings.HasSuffix(m, "_rate") }

// Component is one weighted part of a scheme.
type Component struct {
	Key      string  `bson:"key" json:"key"`
	Label    string  `bson:"label,omitempty" json:"label,omitempty"`
	Kind     Kind    `bson:"kind" json:"kind"`
	SurveyID string  `bson:"survey_id,omitempty" json:"survey_id,omitempty"`
	Measure  string  `bson:"measure,omitempty" json:"measure,omitempty"`
	Weight   float64 `bson:"weight" json:"weight"`
}

// Name is the component's label, or its kind's.
func (c Component) Name() string {
	if c.Label != "" {
		return c.Label
	}
	return c.Kind.Label()
}

// bonus reports whether the component adds its points after weighting
// (a manual component of weight 0: 加减分) instead of being weighed.
func (c Component) bonus() bool { return c.Kind == KindManual && c.Weight == 0 }

// Tier is one tier: the first whose MinScore a subject meets and whose
// quota (MaxShare of the ranked subjects, 0 = none) has room.
type Tier struct {
	Key      string  `bson:"key" json:"key"`
	Label    string  `bson:"label" json:"label"`
	MinScore float64 `bson:"min_score" json:"min_score"`
	MaxShare float64 `bson:"max_share,omitempty" json:"max_share,omitempty"`
}

// Veto caps the tier of a subject whose Measure of Component is below
// Below: it is placed at MaxTier or lower.
type Veto struct {
	Component string  `bson:"component" json:"component"`
	Measure   string  `bson:"measure" json:"measure"`
	Below     float64 `bson:"below" json:"below"`
	MaxTier   string  `bson:"max_tier" json:"max_tier"`
}

// Rules is what Compute needs of a scheme.
type Rules struct {
	Components []Component
	Tiers      []Tier
	Vetoes     []Veto
}

// Input is what the sources said of one subject: per component key, the
// measures known (a survey gives score and satisfaction_rate, …). A
// component without the measure it takes is missing for this subject.
type Input struct {
	SubjectID string
	Measures  map[string]map[string]float64
}

// Previous is a subject's standing in the previous assessment.
type Previous struct {
	Score float64
	Rank  int
}

// AppliedVeto is a veto that capped a subject's tier, with why in words.
type AppliedVeto struct {
	Component string `json:"component"`
	Reason    string `json:"reason"`
}

// Result is one subject scored. Pointers are nil where a value is not
// defined: Score when no weighted component has a value (the subject is
// listed apart, unranked), Change and RankChange without a previous
// standing.
type Result struct {
	SubjectID  string
	Values     map[string]*float64 // per component key, on 0–100 (points for a bonus)
	Missing    []string            // component keys without a value
	Score      *float64
	Rank       *int
	Tier       int // index into Rules.Tiers, -1 for none
	Vetoes     []AppliedVeto
	Change     *float64
	RankChange *int
}

// Compute scores, ranks and tiers the subjects of in, in input order.
//
// A subject's score is Σ wᵢ·vᵢ ÷ Σ wᵢ over the weighted components that
// have a value for it (the weights renormalised over what is present, as
// rater groups are), plus the points of every bonus component (manual, of
// weight 0). Scores within analytics.TieEpsilon share a rank (1, 2, 2, 4).
// Tiers go as grades do (analytics.RecommendGrades): walk the ranks, a
// whole tie at a time; each subject takes the first tier whose threshold
// it meets, whose quota — floor(max_share × ranked subjects) — has room
// for the whole tie, and that no veto of it forbids.
func Compute(r Rules, in []Input, prev map[string]Previous) []Result {
	out := make([]Result, len(in))
	var scored []int // indexes of in with a score
	for i, s := range in {
		out[i] = value(r.Components, s)
		if out[i].Score != nil {
			scored = append(scored, i)
		}
	}
	scores := make([]float64, len(scored))
	caps := make([]int, len(scored))
	for k, i := range scored {
		scores[k] = *out[i].Score
		out[i].Vetoes, caps[k] = vetoes(r, in[i])
	}
	rank, order := analytics.Ranks(scores)
	tiers := assignTiers(scores, rank, order, r.Tiers, caps)
	for k, i := range scored {
		out[i].Rank = &rank[k]
		out[i].Tier = tiers[k]
		if p, ok := prev[in[i].SubjectID]; ok {
			change := *out[i].Score - p.Score
			moved := p.Rank - rank[k]
			out[i].Change, out[i].RankChange = &change, &moved
		}
	}
	return out
}

// value is one subject's component values and score.
func value(cs []Component, s Input) Result {
	res := Result{SubjectID: s.SubjectID, Values: map[string]*float64{}, Tier: -1}
	var sum, weights, bonus float64
	for _, c := range cs {
		v, ok := measure(c, s)
		if !ok {
			res.Values[c.Key] = nil
			res.Missing = append(res.Missing, c.Key)
			continue
		}
		res.Values[c.Key] = &v
		if c.bonus() {
			bonus += v
			continue
		}
		sum += c.Weight * v
		weights += c.Weight
	}
	if weights > 0 {
		score := sum/weights + bonus
		res.Score = &score
	}
	return res
}

// measure is component c's value for s on 0–100, or its points for a bonus.
func measure(c Component, s Input) (float64, bool) {
	m := c.Measure
	if m == "" {
		m = defaultMeasure(c.Kind)
	}
	v, ok := s.Measures[c.Key][m]
	if !ok || math.IsNaN(v) {
		return 0, false
	}
	if isRate(m) {
		v *= 100
	}
	return v, true
}

// defaultMeasure is the measure a component takes when the scheme names
// none.
func defaultMeasure(k Kind) string {
	switch k {
	case KindCommitments:
		return MeasureFulfilled
	case KindManual:
		return MeasurePoints
	}
	return MeasureScore
}

// vetoes returns the vetoes that apply to s and the lowest tier index s may
// take (0 when none applies). A veto whose measure s lacks does not apply.
func vetoes(r Rules, s Input) ([]AppliedVeto, int) {
	var applied []AppliedVeto
	limit := 0
	for _, v := range r.Vetoes {
		x, ok := s.Measures[v.Component][v.Measure]
		if !ok || x >= v.Below-analytics.TieEpsilon {
			continue
		}
		t := tierIndex(r.Tiers, v.MaxTier)
		if t < 0 {
			continue
		}
		limit = max(limit, t)
		applied = append(applied, AppliedVeto{Component: v.Component,
			Reason: vetoReason(r, v, x, r.Tiers[t].Label)})
	}
	return applied, limit
}

func tierIndex(tiers []Tier, key string) int {
	for i, t := range tiers {
		if t.Key == key {
			return i
		}
	}
	return -1
}

// assignTiers is analytics.RecommendGrades with a floor per subject: caps[i]
// is the first tier index subject i may take.
func assignTiers(scores []float64, rank, order []int, tiers []Tier, caps []int) []int {
	out := make([]int, len(scores))
	for i := range out {
		out[i] = -1
	}
	room := make([]int, len(tiers))
	for ti, t := range tiers {
		room[ti] = -1 // unlimited
		if t.MaxShare > 0 {
			room[ti] = int(math.Floor(t.MaxShare*float64(len(scores)) + analytics.TieEpsilon))
		}
	}
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && rank[order[end]] == rank[order[start]] {
			end++
		}
		pending := append([]int(nil), order[start:end]...)
		for ti, t := range tiers {
			var meets, rest []int
			for _, i := range pending {
				if ti >= caps[i] && scores[i] >= t.MinScore-analytics.TieEpsilon {
					meets = append(meets, i)
				} else {
					rest = append(rest, i)
				}
			}
			if len(meets) == 0 || (room[ti] >= 0 && len(meets) > room[ti]) {
				continue // none meets it, or the tie does not fit: none takes it
			}
			for _, i := range meets {
				out[i] = ti
			}
			if room[ti] >= 0 {
				room[ti] -= len(meets)
			}
			if pending = rest; len(pending) == 0 {
				break
			}
		}
		start = end
	}
	return out
}
