package exports

import (
	"cmp"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/feedback"
)

// The ledger's per-unit figures on 统计: for each 承办组织 its orders, the
// on-time rate of its replies, and the resolution and satisfaction rates
// of its standing callbacks (as the 三率 assessment counts them).

// unitStats are the statistics of each org's orders ("" for the orders
// not yet dispatched).
type unitStats map[string]*feedback.Stats

func (u unitStats) add(o *feedback.Order, now time.Time) {
	st, ok := u[o.OrgID]
	if !ok {
		st = feedback.NewStats()
		u[o.OrgID] = st
	}
	st.Add(o, now)
}

var unitHeader = []string{"承办组织", "工单数", "已回复", "按时回复", "按时办结率", "回访数", "解决率", "满意率（含基本满意）"}

// rows are the per-unit table: its header, then one row per org by name.
func (u unitStats) rows(names map[string]string) [][]any {
	type unit struct {
		name string
		st   *feedback.Stats
	}
	list := make([]unit, 0, len(u))
	for id, st := range u {
		name := names[id]
		switch {
		case id == "":
			name = "（未派单）"
		case name == "":
			name = id
		}
		list = append(list, unit{name, st.Finish()})
	}
	slices.SortFunc(list, func(a, b unit) int { return cmp.Compare(a.name, b.name) })
	rate := func(r *float64) any {
		if r == nil {
			return "—"
		}
		return *r
	}
	head := make([]any, len(unitHeader))
	for i, h := range unitHeader {
		head[i] = h
	}
	out := [][]any{head}
	for _, x := range list {
		s := x.st
		out = append(out, []any{x.name, s.Total, s.Replied, s.OnTime, rate(s.OnTimeRate), s.Callbacks,
			rate(s.ResolutionRate), rate(s.BasicSatisfactionRate)})
	}
	return out
}

// ledgerHeaderFooter names the ledger on every printed page and numbers
// the pages.
func ledgerHeaderFooter(f *excelize.File, sheet string) error {
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&C&\"-,Bold\"工单台账",
		OddFooter: "&L&A&R第 &P 页，共 &N 页",
	})
}
