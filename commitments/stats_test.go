package commitments

import (
	"testing"

	"minyi/analytics"
)

// TestCompute checks the statistics on a hand-computed fixture, today
// being 2026-11-25.
func TestCompute(t *testing.T) {
	const today = "2026-11-25"
	row := func(org, owner string, st Status, returns int, due string, out Outcome, score *float64) Row {
		r := Row{Commitment: Commitment{OrgID: org, Owner: Owner{Type: OwnerMember, ID: owner}, Status: st, Returns: returns, Outcome: out,
			Content: Content{Due: due}}}
		if score != nil {
			r.Score = analytics.Num(*score)
		}
		return r
	}
	s := func(v float64) *float64 { return &v }
	rows := []Row{
		// Org A: seven commitments.
		row("A", "m1", StatusCompleted, 0, "2026-06-30", OutcomeFulfilled, s(90)),   // due, fulfilled, first time
		row("A", "m1", StatusCompleted, 1, "2026-12-31", OutcomePartly, s(90)),      // early outcome: due; partly; returned
		row("A", "m2", StatusCompleted, 0, "2026-09-30", OutcomeUnfulfilled, s(70)), // due, unfulfilled, first time
		row("A", "m3", StatusApproved, 0, "2026-10-31", "", nil),                    // due and overdue, first time
		row("A", "m3", StatusApproved, 2, "2026-11-25", "", nil),                    // due today: not yet due; returned twice
		row("A", "m4", StatusReturned, 1, "2026-01-31", "", nil),                    // returned, never due
		row("A", "m5", StatusDraft, 0, "2026-03-31", "", nil),                       // a draft: counted only
		// Org B: one approved commitment not yet due, no scores.
		row("B", "m6", StatusApproved, 0, "2026-12-31", "", nil),
	}
	got := Compute([]OrgRef{{"A", "甲"}, {"B", "乙"}, {"C", "丙"}}, rows, today)
	if len(got) != 2 {
		t.Fatalf("orgs %+v (丙 has no commitments and is left out)", got)
	}
	a, b := got[0], got[1]
	// A: commitments 7; approved first time: rows 1, 3, 4 = 3; returned: rows 2, 5, 6 = 3;
	// due: rows 1–4 = 4 (row 5 is due today, not before); fulfilled 1, partly 1, unfulfilled 1;
	// overdue: row 4 = 1. Rate = (1 + 0.5 × 1) ÷ 4 = 0.375.
	// Mean score over owners with a score: m1 90, m2 70 → (90 + 70) ÷ 2 = 80 (m1 counted once).
	want := OrgStats{Org: OrgRef{"A", "甲"}, Commitments: 7, ApprovedFirstTime: 3, Returned: 3, Due: 4, Fulfilled: 1, Partly: 1,
		Unfulfilled: 1, Overdue: 1, FulfilledRate: analytics.Num(0.375), EvaluationScore: analytics.Num(80)}
	if a != want {
		t.Fatalf("A\n got  %+v\n want %+v", a, want)
	}
	// B: nothing due → no rate (null), no score.
	want = OrgStats{Org: OrgRef{"B", "乙"}, Commitments: 1, ApprovedFirstTime: 1}
	if b != want {
		t.Fatalf("B\n got  %+v\n want %+v", b, want)
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		in, label string
		ok        bool
	}{
		{"2026", "2026年度", true}, {"2026H1", "2026年上半年", true}, {"2026H2", "2026年下半年", true},
		{"2026H3", "", false}, {"26", "", false}, {"2026-1", "", false},
	} {
		if err := CheckPeriod(tc.in); (err == nil) != tc.ok {
			t.Errorf("CheckPeriod(%q) = %v", tc.in, err)
		}
		if tc.ok && PeriodLabel(tc.in) != tc.label {
			t.Errorf("PeriodLabel(%q) = %q", tc.in, PeriodLabel(tc.in))
		}
	}
	if got := dateOf("46203"); got != "2026-06-30" {
		t.Errorf("Excel day 46203 = %s", got)
	}
	for in, want := range map[string]string{"2026/7/1": "2026-07-01", "2026年12月31日": "2026-12-31", "2026.3.5": "2026-03-05", "明年": "明年"} {
		if got := dateOf(in); got != want {
			t.Errorf("dateOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOwnerFigures: per owner, today 2026-11-25.
func TestOwnerFigures(t *testing.T) {
	const today = "2026-11-25"
	row := func(owner string, st Status, due string, out Outcome, score float64) Row {
		r := Row{Commitment: Commitment{OrgID: "A", Owner: Owner{Type: OwnerMember, ID: owner}, Status: st, Outcome: out, Content: Content{Due: due}}}
		if score > 0 {
			r.Score = analytics.Num(score)
		}
		return r
	}
	got := ownerFigures([]Row{
		row("m1", StatusCompleted, "2026-03-31", OutcomeFulfilled, 90),
		row("m1", StatusCompleted, "2026-06-30", OutcomePartly, 90),
		row("m1", StatusApproved, "2026-09-30", "", 90), // overdue: due, not fulfilled
		row("m1", StatusApproved, "2026-12-31", "", 90), // not yet due
		row("m2", StatusSubmitted, "2026-03-31", "", 0), // never approved: not due
	}, today)
	// m1: due 3 (rows 1–3); rate = (1 + 0.5 × 1) ÷ 3 = 0.5; overdue 1; score 90.
	m1 := got["m1"]
	if m1.Due != 3 || m1.Fulfilled != 1 || m1.Partly != 1 || m1.Overdue != 1 || m1.FulfilledRate != analytics.Num(0.5) || m1.EvaluationScore != analytics.Num(90) {
		t.Fatalf("m1 %+v", m1)
	}
	if m2 := got["m2"]; m2.Due != 0 || m2.FulfilledRate.Valid || m2.EvaluationScore.Valid {
		t.Fatalf("m2 %+v", m2)
	}
}
