package exports_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/commitments"
	"minyi/exports"
)

// TestCommitmentLedgerCells: typed text stays text (never a formula) and
// scores carry no float noise.
func TestCommitmentLedgerCells(t *testing.T) {
	c := commitments.Commitment{ID: "c1", OrgID: "A", OrgName: "第一党支部", Owner: commitments.Owner{Type: commitments.OwnerMember, ID: "m1", Name: "=HYPERLINK(\"x\")"},
		Period: "2026", Content: commitments.Content{Area: commitments.AreaWork, Content: "+1", Target: "-2", Due: "2026-12-31", Responsible: "@SUM(A1)"},
		Status: commitments.StatusApproved, Versions: 1}
	l := &commitments.Ledger{Org: commitments.OrgRef{ID: "A", Name: "第一党支部"}, Period: "2026", PeriodLabel: "2026年度", Today: "2026-11-25",
		Rows: []commitments.Row{{Commitment: c, Score: analytics.Num(0.1 + 0.2)}}}
	l.Stats = commitments.Compute([]commitments.OrgRef{l.Org}, l.Rows, l.Today)
	var buf bytes.Buffer
	if err := exports.WriteCommitmentLedger(&buf, l); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"C2": "=HYPERLINK(\"x\")", "G2": "+1", "H2": "-2", "J2": "@SUM(A1)", "T2": "0.30"} {
		got, _ := f.GetCellValue(exports.SheetCommitments, cell)
		formula, _ := f.GetCellFormula(exports.SheetCommitments, cell)
		if got != want || formula != "" {
			t.Errorf("%s = %q (formula %q), want %q", cell, got, formula, want)
		}
	}
	if raw, _ := f.GetCellValue(exports.SheetCommitments, "T2", excelize.Options{RawCellValue: true}); raw != "0.3" {
		t.Errorf("score stored as %q, want 0.3 (0.1 + 0.2 rounded, no float noise)", raw)
	}
}
