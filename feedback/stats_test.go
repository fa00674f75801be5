package feedback_test

import (
	"testing"

	"minyi/feedback"
)

func TestStats(t *testing.T) {
	now := cst(2026, 11, 30, 12, 0)
	yes, no := true, false
	replied := cst(2026, 11, 26, 10, 0)
	past, future := cst(2026, 11, 27, 17, 0), cst(2026, 12, 9, 17, 0)
	orders := []feedback.Order{
		{Kind: feedback.KindComplaint, Status: feedback.StatusCalledBack, OrgID: "a", DueAt: past, RepliedAt: &replied, OnTime: &yes, Satisfaction: feedback.Satisfied},
		{Kind: feedback.KindComplaint, Status: feedback.StatusCalledBack, OrgID: "a", DueAt: past, RepliedAt: &replied, OnTime: &no, Satisfaction: feedback.Unsatisfied},
		{Kind: feedback.KindOpinion, Status: feedback.StatusCalledBack, OrgID: "b", DueAt: past, RepliedAt: &replied, OnTime: &yes, Satisfaction: feedback.Basic},
		{Kind: feedback.KindEnquiry, Status: feedback.StatusAccepted, OrgID: "b", DueAt: past},                            // overdue
		{Kind: feedback.KindHelp, Status: feedback.StatusAssigned, OrgID: "a", DueAt: future, Reopened: 2, Supervised: 1}, // reopened twice
		{Kind: feedback.KindPraise, Status: feedback.StatusReceived, DueAt: future},
	}
	st := feedback.NewStats()
	for i := range orders {
		st.Add(&orders[i], now)
	}
	st.Finish()
	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	check("total", st.Total, 6)
	check("complaints", st.ByKind[feedback.KindComplaint], 2)
	check("suggestions", st.ByKind[feedback.KindSuggestion], 0)
	check("opinions", st.ByKind[feedback.KindOpinion], 1)
	check("called back", st.ByStatus[feedback.StatusCalledBack], 3)
	check("accepted", st.ByStatus[feedback.StatusAccepted], 1)
	check("closed", st.ByStatus[feedback.StatusClosed], 0)
	check("org a", st.ByOrg["a"], 3)
	check("org b", st.ByOrg["b"], 2)
	check("overdue", st.Overdue, 1)
	check("replied", st.Replied, 3)
	check("on time", st.OnTime, 2)
	check("callbacks", st.Callbacks, 3)
	check("reopened orders", st.Reopened, 1)
	check("reopenings", st.Reopens, 2)
	check("supervised", st.Supervised, 1)
	rate := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	rate("on-time rate", st.OnTimeRate, 0.6667)                       // 2 / 3 = 0.66666… → 0.6667
	rate("satisfaction rate", st.SatisfactionRate, 0.3333)            // 1 / 3 = 0.33333… → 0.3333
	rate("basic satisfaction rate", st.BasicSatisfactionRate, 0.6667) // (1 + 1) / 3 → 0.6667

	empty := feedback.NewStats().Finish()
	if empty.OnTimeRate != nil || empty.SatisfactionRate != nil {
		t.Error("rates without a denominator must be null, not 0")
	}
}
