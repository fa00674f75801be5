package exports_test

import (
	"fmt"
	"strings"
	"testing"

	"minyi/exports"
)

// TestSummaryBallotsAndChart: 汇总 counts the ballots by group and channel
// (with codes issued and return rates) and charts the scores.
func TestSummaryBallotsAndChart(t *testing.T) {
	f, r, _ := writeFixture(t, "2026年民主评议党员", 0)
	// 汇总: ballots by group (B4 is the invalid masses ballot).
	sum, err := f.GetRows(exports.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, rr := range sum {
		switch strings.Join(rr, "|") {
		case "群众|0.60|10|3|2|1|30.0%", "党员|0.40|5|1|1|0|20.0%", "合计||15|4|3|1|26.7%", "网上|3|2|1", "纸质|1|1|0":
			found++
		}
	}
	if found != 5 {
		t.Errorf("summary ballot rows: found %d of 5 in %q", found, sum)
	}
	// A chart of the scores sits on the summary.
	if chart, ok := f.Pkg.Load("xl/charts/chart1.xml"); !ok || !strings.Contains(string(chart.([]byte)), "党员测评") {
		t.Errorf("no chart over 党员测评 on the summary")
	}
	// The grade counts are the results' own: 张一 优秀, 李二 不合格.
	if len(r.Grades) != 3 {
		t.Fatalf("results grade counts %+v, want one per grade", r.Grades)
	}
	counts := map[string]bool{}
	for _, gc := range r.Grades {
		counts[fmt.Sprintf("%s|%d|%d", gc.Grade.Label, gc.Recommended, gc.Final)] = true
	}
	for _, rr := range sum {
		if len(rr) == 5 {
			delete(counts, rr[0]+"|"+rr[3]+"|"+rr[4])
		}
	}
	if len(counts) != 0 {
		t.Errorf("汇总 lacks the grade counts %v", counts)
	}
}
