package feedback

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"minyi/decimal"
)

// The 三率 assessment of the units that handle work orders (issue 14): for
// each unit the response, resolution and satisfaction rates of its orders
// of a period, a weighted score, a rank among the units with enough rated
// orders, the change against the previous period and where the points were
// lost. Assess is a pure function of the records (assessment_index.go); the
// service (assessment_ops.go) reads them and checks the reader's scope.

// Unit is an org that may handle orders, as the assessment names it.
type Unit struct {
	ID     string
	Name   string
	Branch bool // a 党支部: listed even without orders
}

// UnitRef names a unit in the answer.
type UnitRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AssessPeriod is a period as dates (Asia/Shanghai, both days included).
type AssessPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// LostPoints is where a unit lost points: the rate, the points and the
// orders that cost them.
type LostPoints struct {
	Metric string   `json:"metric"` // response_rate, resolution_rate or satisfaction_rate
	Label  string   `json:"label"`
	Points float64  `json:"points"`
	Orders []string `json:"orders"`
}

// TopicCount is how many orders of a period were about one topic (the
// order's kind), with the previous period's count.
type TopicCount struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Orders   int    `json:"orders"`
	Previous int    `json:"previous"`
	Change   int    `json:"change"`
}

// AssessUnit is one unit's figures. Rates, the score and the change are
// null when undefined (a base of 0; no previous score), never 0.
type AssessUnit struct {
	Org              UnitRef      `json:"org"`
	Orders           int          `json:"orders"`
	AcceptedInTime   int          `json:"accepted_in_time"`
	ResponseBase     int          `json:"response_base"`
	AwaitingAccept   int          `json:"awaiting_acceptance"` // not accepted, still within the limit: not in the base yet
	Rated            int          `json:"rated"`               // orders with a standing callback
	ResolutionBase   int          `json:"resolution_base"`     // of them, those with a resolution
	Resolved         int          `json:"resolved"`
	Partly           int          `json:"partly"`
	Unresolved       int          `json:"unresolved"`
	Satisfied        int          `json:"satisfied"`
	Basic            int          `json:"basic"`
	Unsatisfied      int          `json:"unsatisfied"`
	ResponseRate     *float64     `json:"response_rate"`
	ResolutionRate   *float64     `json:"resolution_rate"`
	SatisfactionRate *float64     `json:"satisfaction_rate"`
	Score            *float64     `json:"score"`
	Rank             *int         `json:"rank"`
	Ranked           bool         `json:"ranked"`
	PreviousScore    *float64     `json:"previous_score"`
	Change           *float64     `json:"change"`
	Lost             []LostPoints `json:"lost"`
	Topics           []TopicCount `json:"topics"`

	exact float64 // the unrounded score, for ranking
}

// Assessment is the answer of GET /work-orders/assessment.
type Assessment struct {
	Period      AssessPeriod      `json:"period"`
	Previous    AssessPeriod      `json:"previous_period"`
	GeneratedAt time.Time         `json:"generated_at"`
	Settings    AssessSettings    `json:"settings"`
	Definitions AssessDefinitions `json:"definitions"`
	Units       []AssessUnit      `json:"units"`
	Total       AssessUnit        `json:"total"`  // every listed unit together, unranked
	Topics      []TopicCount      `json:"topics"` // over all units, most orders first: the 每月一题 candidates lead
}

// AssessInput is what Assess computes from.
type AssessInput struct {
	Settings         AssessSettings
	Policy           *Policy // the calendar the acceptance limit is counted on
	Now              time.Time
	From, To         time.Time // the period, [From, To)
	PrevFrom, PrevTo time.Time // the previous period
	Units            []Unit    // the units of the reader's scope
	Records          map[string][]AssessRecord
	// CategoryLabel names a category key path (nil or "" for unknown: the
	// path is shown).
	CategoryLabel func(string) string
}

// Assess computes the assessment of in.
func Assess(in AssessInput) *Assessment {
	loc := in.Policy.Location()
	a := &Assessment{
		Period: dates(in.From, in.To, loc), Previous: dates(in.PrevFrom, in.PrevTo, loc), GeneratedAt: in.Now.UTC(),
		Settings: in.Settings, Definitions: in.Settings.Definitions(), Units: []AssessUnit{}, Topics: []TopicCount{},
	}
	var all, allPrev []AssessRecord
	for _, u := range in.Units {
		cur := within(in.Records[u.ID], in.From, in.To)
		prev := within(in.Records[u.ID], in.PrevFrom, in.PrevTo)
		if !u.Branch && len(cur) == 0 && len(prev) == 0 {
			continue
		}
		all, allPrev = append(all, cur...), append(allPrev, prev...)
		x := in.unit(UnitRef{ID: u.ID, Name: u.Name}, cur)
		if p := in.unit(x.Org, prev); p.Score != nil {
			x.PreviousScore = p.Score
			if x.Score != nil {
				ch := decimal.Round(*x.Score-*p.Score, decimal.DisplayPlaces)
				x.Change = &ch
			}
		}
		x.Topics = topics(cur, prev, in.CategoryLabel)
		a.Units = append(a.Units, x)
	}
	a.Total = in.unit(UnitRef{Name: "合计"}, all)
	a.Total.Topics, a.Topics = topics(all, allPrev, in.CategoryLabel), topics(all, allPrev, in.CategoryLabel)
	rankUnits(a.Units, in.Settings.MinRated)
	return a
}

func dates(from, to time.Time, loc *time.Location) AssessPeriod {
	return AssessPeriod{From: from.In(loc).Format(time.DateOnly), To: to.Add(-time.Nanosecond).In(loc).Format(time.DateOnly)}
}

func within(recs []AssessRecord, from, to time.Time) []AssessRecord {
	var out []AssessRecord
	for _, r := range recs {
		if !r.Received.Before(from) && r.Received.Before(to) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b AssessRecord) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

// unit counts recs and computes the rates, the score and the lost points.
func (in AssessInput) unit(ref UnitRef, recs []AssessRecord) AssessUnit {
	x := AssessUnit{Org: ref, Orders: len(recs), Lost: []LostPoints{}, Topics: []TopicCount{}}
	limit := time.Duration(in.Settings.AcceptWithin.Hours * float64(time.Hour))
	var late, partial, unsatisfied []string
	for _, r := range recs {
		deadline := in.Policy.AddWorkingHours(r.Assigned, limit)
		switch {
		case r.Accepted != nil && !r.Accepted.After(deadline):
			x.AcceptedInTime++
			x.ResponseBase++
		case r.Accepted != nil || in.Now.After(deadline):
			x.ResponseBase++
			late = append(late, r.Number)
		default:
			x.AwaitingAccept++
		}
		switch r.Resolution {
		case Resolved:
			x.Resolved++
		case Partly:
			x.Partly++
			partial = append(partial, r.Number)
		case Unresolved:
			x.Unresolved++
			partial = append(partial, r.Number)
		}
		switch r.Satisfaction {
		case Satisfied:
			x.Satisfied++
		case Basic:
			x.Basic++
		case Unsatisfied:
			x.Unsatisfied++
			unsatisfied = append(unsatisfied, r.Number)
		}
	}
	x.ResolutionBase = x.Resolved + x.Partly + x.Unresolved
	x.Rated = x.Satisfied + x.Basic + x.Unsatisfied
	w := in.Settings.Weights
	rates := []struct {
		metric, label string
		weight, n     float64
		base          int
		out           **float64
		orders        []string
	}{
		{"response_rate", "响应率", w.Response, float64(x.AcceptedInTime), x.ResponseBase, &x.ResponseRate, late},
		{"resolution_rate", "解决率", w.Resolution, float64(x.Resolved) + in.Settings.PartlyResolved*float64(x.Partly), x.ResolutionBase, &x.ResolutionRate, partial},
		{"satisfaction_rate", "满意率", w.Satisfaction, float64(x.Satisfied + x.Basic), x.Rated, &x.SatisfactionRate, unsatisfied},
	}
	var sum, weights float64
	for _, r := range rates {
		if r.base == 0 {
			continue
		}
		rate := r.n / float64(r.base)
		shown := decimal.Round(rate, decimal.JSONPlaces)
		*r.out = &shown
		sum += r.weight * rate
		weights += r.weight
	}
	if weights == 0 {
		return x
	}
	x.exact = 100 * sum / weights
	score := decimal.Round(x.exact, decimal.DisplayPlaces)
	x.Score = &score
	for _, r := range rates {
		if r.base == 0 {
			continue
		}
		lost := 100 * r.weight * (1 - r.n/float64(r.base)) / weights
		if pts := decimal.Round(lost, decimal.DisplayPlaces); pts > 0 {
			x.Lost = append(x.Lost, LostPoints{Metric: r.metric, Label: r.label, Points: pts, Orders: r.orders})
		}
	}
	return x
}

// tieEpsilon: scores this close share a rank (as analytics.TieEpsilon).
const tieEpsilon = 1e-9

// rankUnits ranks the units with at least minRated rated orders by score,
// ties sharing a rank (1, 2, 2, 4), and orders the list: ranked units by
// rank, then the others apart, in the order of units (the org tree's)
// within a tie and among the others.
func rankUnits(units []AssessUnit, minRated int) {
	for i := range units {
		units[i].Ranked = units[i].Score != nil && units[i].Rated >= minRated
	}
	slices.SortStableFunc(units, func(a, b AssessUnit) int {
		if a.Ranked != b.Ranked {
			if a.Ranked {
				return -1
			}
			return 1
		}
		if a.Ranked && math.Abs(a.exact-b.exact) > tieEpsilon {
			return cmp.Compare(b.exact, a.exact)
		}
		return 0 // the org tree's order
	})
	for i := range units {
		if !units[i].Ranked {
			break
		}
		r := i + 1
		if i > 0 && math.Abs(units[i-1].exact-units[i].exact) <= tieEpsilon {
			r = *units[i-1].Rank
		}
		units[i].Rank = &r
	}
}

// topics counts cur and prev by kind, most orders this period first.
func topics(cur, prev []AssessRecord, label func(string) string) []TopicCount {
	// An order is counted under its category; one entered before the
	// catalogue existed has none and is counted under its kind.
	key := func(r AssessRecord) string {
		if r.Category != "" {
			return r.Category
		}
		return "kind:" + string(r.Kind)
	}
	n, p := map[string]int{}, map[string]int{}
	var keys []string
	for _, recs := range []struct {
		rs []AssessRecord
		m  map[string]int
	}{{cur, n}, {prev, p}} {
		for _, r := range recs.rs {
			k := key(r)
			if n[k] == 0 && p[k] == 0 {
				keys = append(keys, k)
			}
			recs.m[k]++
		}
	}
	out := []TopicCount{}
	for _, k := range keys {
		l := ""
		if kind, ok := strings.CutPrefix(k, "kind:"); ok {
			l = Kind(kind).Label()
		} else if label != nil {
			l = label(k)
		}
		if l == "" {
			l = k
		}
		out = append(out, TopicCount{Key: k, Label: l, Orders: n[k], Previous: p[k], Change: n[k] - p[k]})
	}
	slices.SortStableFunc(out, func(a, b TopicCount) int { return cmp.Or(cmp.Compare(b.Orders, a.Orders), cmp.Compare(a.Key, b.Key)) })
	return out
}
