package exports_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/feedback"
)

// TestLedgerPrintsAndRatesUnits: both sheets print A4 landscape fitted to
// the page width with a header and footer, the ledger's header row repeats
// on every page, 办理结果 shows the standing callback, and 统计 has each
// unit's rates, worked out by hand:
//
//	第一党支部: o1 replied on time, 满意 + 已解决; o2 replied late, 基本满意 + 部分解决
//	  → on time 1/2 = 0.5; resolution (1 + 0.5 × 1)/2 = 0.75; satisfaction (1 + 1)/2 = 1
//	第二党支部: o3 assigned, not replied → every rate —
//	（未派单）: o4
func TestLedgerPrintsAndRatesUnits(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai)
	yes, no := true, false
	orders := []feedback.Order{
		{Number: "20261201-0001", OrgID: "a", Status: feedback.StatusCalledBack, RepliedAt: &at, OnTime: &yes, Satisfaction: feedback.Satisfied, Resolution: feedback.Resolved},
		{Number: "20261201-0002", OrgID: "a", Status: feedback.StatusCalledBack, RepliedAt: &at, OnTime: &no, Satisfaction: feedback.Basic, Resolution: feedback.Partly},
		{Number: "20261201-0003", OrgID: "b", Status: feedback.StatusAssigned},
		{Number: "20261201-0004", Status: feedback.StatusReceived},
	}
	for i := range orders {
		o := &orders[i]
		o.Channel, o.Kind, o.Urgency, o.Content, o.CreatedAt, o.DueAt = feedback.ChannelHotline, feedback.KindComplaint, feedback.UrgencyNormal, "路灯不亮", at, at.Add(240*time.Hour)
	}
	var buf bytes.Buffer
	_, err := exports.WriteLedger(&buf, exports.Ledger{
		Period: "2026-12-01 至 2026-12-31", OrgNames: map[string]string{"a": "第一党支部", "b": "第二党支部"}, Location: shanghai, Now: at,
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
	if out := os.Getenv("MINYI_LEDGER_OUT"); out != "" { // to look at it: soffice --convert-to pdf
		_ = os.WriteFile(out, buf.Bytes(), 0o644)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]string{}
	for _, d := range f.GetDefinedName() {
		names[d.Name+"@"+d.Scope] = d.RefersTo
	}
	for _, sh := range []string{exports.SheetLedger, exports.SheetStats} {
		layout, err := f.GetPageLayout(sh)
		if err != nil || *layout.Orientation != "landscape" || *layout.FitToWidth != 1 || *layout.FitToHeight != 0 {
			t.Errorf("%s: layout %+v (%v)", sh, layout, err)
		}
		hf, err := f.GetHeaderFooter(sh)
		if err != nil || hf == nil || !strings.Contains(hf.OddHeader, "工单台账") || !strings.Contains(hf.OddFooter, "&P") {
			t.Errorf("%s: header/footer %+v (%v)", sh, hf, err)
		}
	}
	if got := names["_xlnm.Print_Titles@"+exports.SheetLedger]; got != "'工单台账'!$1:$1" {
		t.Errorf("print titles %q", got)
	}
	rows, _ := f.GetRows(exports.SheetLedger)
	if rows[0][18] != "办理结果" || rows[1][18] != "满意 · 已解决" || rows[2][18] != "基本满意 · 部分解决" {
		t.Errorf("办理结果 %q %q %q", rows[0][18], rows[1][18], rows[2][18])
	}
	stats, _ := f.GetRows(exports.SheetStats, excelize.Options{RawCellValue: true})
	want := [][]string{
		{"承办组织", "工单数", "已回复", "按时回复", "按时办结率", "回访数", "解决率", "满意率（含基本满意）"},
		{"第一党支部", "2", "2", "1", "0.5", "2", "0.75", "1"},
		{"第二党支部", "1", "0", "0", "—", "0", "—", "—"},
		{"（未派单）", "1", "0", "0", "—", "0", "—", "—"},
	}
	i := slices.IndexFunc(stats, func(r []string) bool { return len(r) > 0 && r[0] == "承办组织" })
	if i < 0 || len(stats) < i+4 || !slices.EqualFunc(stats[i:i+4], want, slices.Equal) {
		t.Errorf("统计 per unit %q", stats)
	}
}
