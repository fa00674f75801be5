package exports_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/feedback"
)

// TestLedgerWorkbook writes a ledger of hand-made orders and reads it back
// cell by cell: masked phones only, hostile text kept as text, the 统计
// sheet's figures.
func TestLedgerWorkbook(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	yes := true
	hostile := []string{"=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"}
	var orders []feedback.Order
	for i, content := range hostile {
		o := feedback.Order{
			Number: "20261125-000" + string(rune('1'+i)), Channel: feedback.ChannelHotline, Kind: feedback.KindComplaint,
			Urgency: feedback.UrgencyNormal, Content: content, Status: feedback.StatusReceived, OrgID: "a",
			Caller:    feedback.Caller{Name: "=cmd|' /C calc'!A0", Phone: "138****5678"},
			CreatedAt: at, DueAt: at.Add(48 * time.Hour),
		}
		if i == 1 {
			// A clear number handed in by mistake is masked all the same.
			o.Caller.Phone = "13800135678"
			o.Status, o.RepliedAt, o.OnTime, o.Satisfaction = feedback.StatusCalledBack, &at, &yes, feedback.Satisfied
		}
		orders = append(orders, o)
	}
	var buf bytes.Buffer
	stats, err := exports.WriteLedger(&buf, exports.Ledger{
		Period: "2026-11-01 至 2026-11-30", OrgNames: map[string]string{"a": "第一党支部"}, Location: loc, Now: at,
		Each: func(fn func(*feedback.Order) error) error {
			for i := range orders {
				if err := fn(&orders[i]); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Total != 6 || stats.Replied != 1 || *stats.OnTimeRate != 1 {
		t.Fatalf("stats %+v", stats)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != exports.SheetLedger || got[1] != exports.SheetStats {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(exports.SheetLedger)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || rows[0][0] != "工单编号" || rows[0][6] != "联系电话" || rows[0][7] != "反映内容" {
		t.Fatalf("header %v (%d rows)", rows[0], len(rows))
	}
	for i, content := range hostile {
		r := i + 2
		if rows[r-1][6] != "138****5678" {
			t.Errorf("row %d phone %q", r, rows[r-1][6])
		}
		if rows[r-1][9] != "第一党支部" || rows[r-1][3] != "投诉" {
			t.Errorf("row %d: %v", r, rows[r-1])
		}
		for _, col := range []string{"F", "H"} { // caller name, content
			cell := col + string(rune('0'+r))
			formula, err := f.GetCellFormula(exports.SheetLedger, cell)
			if err != nil || formula != "" {
				t.Errorf("%s is a formula %q (%v)", cell, formula, err)
			}
			typ, err := f.GetCellType(exports.SheetLedger, cell)
			if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
				t.Errorf("%s has type %v, want a string", cell, typ)
			}
			id, err := f.GetCellStyle(exports.SheetLedger, cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil || st.NumFmt != 49 {
				t.Errorf("%s number format %d, want 49 (text)", cell, st.NumFmt)
			}
		}
		if got, _ := f.GetCellValue(exports.SheetLedger, "H"+string(rune('0'+r))); got != content {
			t.Errorf("row %d content %q, want %q", r, got, content)
		}
	}
	// 统计: label in A, value in B; rates as numbers with a percent format.
	want := map[string]string{"工单总数": "6", "已回复": "1", "按时回复": "1", "按时办结率": "100.00%", "回访数": "1",
		"满意": "1", "满意率": "100.00%", "重办工单数": "0", "投诉": "6", "已受理": "5", "已回访": "1", "第一党支部": "6"}
	srows, err := f.GetRows(exports.SheetStats)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range srows {
		if len(r) >= 2 {
			if w, ok := want[r[0]]; ok && !seen[r[0]] {
				seen[r[0]] = true
				if r[1] != w {
					t.Errorf("统计 %s = %q, want %q", r[0], r[1], w)
				}
			}
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("统计 has no row %s", k)
		}
	}
}
