package feedback

import (
	"time"

	"minyi/decimal"
)

// Stats are the figures of a set of orders (one org, one period). Rates
// are nil when their denominator is zero: "no callbacks yet" is not 0%.
type Stats struct {
	Total    int            `json:"total"`
	ByKind   map[Kind]int   `json:"by_kind"`
	ByStatus map[Status]int `json:"by_status"`
	ByOrg    map[string]int `json:"by_org"`
	// ByCategory counts orders by their category's key path (categories.go).
	ByCategory map[string]int `json:"by_category"`
	Overdue    int            `json:"overdue"`

	// Replied counts orders with a current reply; OnTime those replied by
	// their deadline (extensions included). OnTimeRate = OnTime / Replied.
	Replied    int      `json:"replied"`
	OnTime     int      `json:"on_time"`
	OnTimeRate *float64 `json:"on_time_rate"`

	// Callbacks counts orders whose latest callback stands (a reopened
	// order's earlier verdict no longer does). SatisfactionRate =
	// Satisfied / Callbacks; BasicSatisfactionRate = (Satisfied + Basic) /
	// Callbacks, the wider 满意率 some offices report.
	Callbacks             int      `json:"callbacks"`
	Satisfied             int      `json:"satisfied"`
	Basic                 int      `json:"basic"`
	Unsatisfied           int      `json:"unsatisfied"`
	SatisfactionRate      *float64 `json:"satisfaction_rate"`
	BasicSatisfactionRate *float64 `json:"basic_satisfaction_rate"`

	// The callback's resolution, where it was given: ResolutionRate =
	// (Resolved + PartlyResolved × Partly) ÷ (Resolved + Partly +
	// Unresolved), the 解决率 of the 三率 assessment.
	Resolved       int      `json:"resolved"`
	Partly         int      `json:"partly"`
	Unresolved     int      `json:"unresolved"`
	ResolutionRate *float64 `json:"resolution_rate"`

	// Reopened counts orders reopened (重办) at least once; Reopens counts
	// every reopening.
	Reopened   int `json:"reopened"`
	Reopens    int `json:"reopens"`
	Supervised int `json:"supervised"`
}

// NewStats returns empty statistics with every kind and status present, so
// that tables and sheets show zeros rather than gaps.
func NewStats() *Stats {
	st := &Stats{ByKind: map[Kind]int{}, ByStatus: map[Status]int{}, ByOrg: map[string]int{}, ByCategory: map[string]int{}}
	for _, k := range Kinds {
		st.ByKind[k] = 0
	}
	for _, s := range Statuses {
		st.ByStatus[s] = 0
	}
	return st
}

// Add counts one order; now decides overdue.
func (st *Stats) Add(o *Order, now time.Time) {
	st.addEntry(entryOf(o))
	if o.Overdue(now) {
		st.Overdue++
	}
}

// addEntry counts everything of one order but overdue: Add of a streamed
// order, and Store.Stats of the statistics entries (stats_index.go).
func (st *Stats) addEntry(e statEntry) {
	st.Total++
	st.ByKind[e.Kind]++
	st.ByStatus[e.Status]++
	if e.OrgID != "" {
		st.ByOrg[e.OrgID]++
	}
	if e.Category != "" {
		st.ByCategory[e.Category]++
	}
	if e.Replied {
		st.Replied++
		if e.OnTime {
			st.OnTime++
		}
	}
	switch e.Satisfaction {
	case Satisfied:
		st.Satisfied++
	case Basic:
		st.Basic++
	case Unsatisfied:
		st.Unsatisfied++
	}
	if e.Satisfaction != "" {
		st.Callbacks++
	}
	switch e.Resolution {
	case Resolved:
		st.Resolved++
	case Partly:
		st.Partly++
	case Unresolved:
		st.Unresolved++
	}
	if e.Reopened > 0 {
		st.Reopened++
		st.Reopens += e.Reopened
	}
	if e.Supervised > 0 {
		st.Supervised++
	}
}

// Finish computes the rates, rounded as the API publishes every number.
func (st *Stats) Finish() *Stats {
	st.OnTimeRate = ratio(st.OnTime, st.Replied)
	st.SatisfactionRate = ratio(st.Satisfied, st.Callbacks)
	st.BasicSatisfactionRate = ratio(st.Satisfied+st.Basic, st.Callbacks)
	if n := st.Resolved + st.Partly + st.Unresolved; n > 0 {
		r := decimal.Round((float64(st.Resolved)+PartlyResolved*float64(st.Partly))/float64(n), decimal.JSONPlaces)
		st.ResolutionRate = &r
	}
	return st
}

// PartlyResolved is what a 部分解决 counts for in Stats.ResolutionRate: the
// assessment's default (DefaultAssessSettings), fixed here so that the
// statistics of a period read the same under any assessment settings.
const PartlyResolved = 0.5

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := decimal.Round(float64(n)/float64(d), decimal.JSONPlaces)
	return &r
}
