package exports_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/feedback"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// assessFixture is twelve units of five orders each, all accepted in time
// and 满意 + 已解决 except: unit k has k/6 late acceptances and k%6
// callbacks 不满意 (each late one costs 100 × 0.30 × 1/5 = 6 points, each
// unsatisfied one 100 × 0.35 × 1/5 = 7), plus a thirteenth unit with two
// orders (below 5 rated: unranked). Scores: k0 100, k6 94, k1 93, k7 87,
// k2 86 (红榜), k8 80, k3 79, then k9 73, k4 72, k10 66, k5 65, k11 59 (黑榜).
func assessFixture(t *testing.T) *feedback.Assessment {
	t.Helper()
	p, err := feedback.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, shanghai) }
	acc := func(d, h int) *time.Time { x := at(d, h); return &x }
	var units []feedback.Unit
	recs := map[string][]feedback.AssessRecord{}
	for k := range 13 {
		id := fmt.Sprintf("u%02d", k)
		units = append(units, feedback.Unit{ID: id, Name: fmt.Sprintf("第%d党支部", k+1), Branch: true})
		n := 5
		if k == 12 {
			n = 2
		}
		for i := range n {
			r := feedback.AssessRecord{Number: fmt.Sprintf("20261201-%02d%02d", k, i), Kind: feedback.Kinds[i%3],
				Received: at(1, 10), Assigned: at(1, 10), Accepted: acc(1, 11), Resolution: feedback.Resolved, Satisfaction: feedback.Satisfied}
			if i < k/6 && k < 12 {
				r.Accepted = acc(1, 13)
			}
			if i < k%6 && k < 12 {
				r.Satisfaction = feedback.Unsatisfied
			}
			recs[id] = append(recs[id], r)
		}
	}
	// November: unit u00 had three complaints.
	for i := range 3 {
		recs["u00"] = append(recs["u00"], feedback.AssessRecord{Number: fmt.Sprintf("20261102-%04d", i), Kind: feedback.KindComplaint,
			Received: time.Date(2026, 11, 2, 10, 0, 0, 0, shanghai), Assigned: time.Date(2026, 11, 2, 10, 0, 0, 0, shanghai)})
	}
	return feedback.Assess(feedback.AssessInput{Settings: feedback.DefaultAssessSettings(), Policy: p, Now: at(2, 10),
		From: time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), To: time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai),
		PrevFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), PrevTo: time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai),
		Units: units, Records: recs})
}

func writeAssessment(t *testing.T) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	err := exports.WriteHotlineNotice(&buf, assessFixture(t), exports.HotlineNotice{Title: "2026年12月热线工单“三率”考核通报",
		Location: shanghai, Now: time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("MINYI_ASSESSMENT_OUT"); out != "" { // to look at it: soffice --convert-to pdf
		_ = os.WriteFile(out, buf.Bytes(), 0o644)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

func TestHotlineNoticeWorkbook(t *testing.T) {
	f, _ := writeAssessment(t)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"排名", "失分明细", "高频问题", "说明"}) {
		t.Fatalf("sheets %v", got)
	}
	names := map[string]string{}
	for _, d := range f.GetDefinedName() {
		names[d.Name+"@"+d.Scope] = d.RefersTo
	}
	for _, sh := range f.GetSheetList() {
		layout, err := f.GetPageLayout(sh)
		if err != nil || *layout.Orientation != "landscape" || *layout.Size != 9 || *layout.FitToWidth != 1 || *layout.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v (%v), want A4 landscape, one page wide", sh, layout, err)
		}
		if got := names["_xlnm.Print_Titles@"+sh]; got != "'"+sh+"'!$1:$2" {
			t.Errorf("%s: print titles %q", sh, got)
		}
		hf, err := f.GetHeaderFooter(sh)
		if err != nil || hf == nil || !strings.Contains(hf.OddHeader, "考核通报") || !strings.Contains(hf.OddFooter, "&P") {
			t.Errorf("%s: header/footer %+v (%v)", sh, hf, err)
		}
	}
	raw := excelize.Options{RawCellValue: true}
	rows, err := f.GetRows("排名", raw)
	if err != nil {
		t.Fatal(err)
	}
	// Title, header, 12 ranked, 1 unranked, 合计.
	if len(rows) != 16 || rows[0][0] != "2026年12月热线工单“三率”考核通报（2026-12-01 至 2026-12-31）" || rows[1][0] != "名次" {
		t.Fatalf("排名 rows %q", rows)
	}
	order := []string{"1", "7", "2", "8", "3", "9", "4", "10", "5", "11", "6", "12"} // unit numbers k+1 in rank order
	for i, u := range order {
		r := rows[i+2]
		if r[0] != fmt.Sprint(i+1) || r[1] != "第"+u+"党支部" {
			t.Errorf("rank row %d: %q, want rank %d 第%s党支部", i+1, r, i+1, u)
		}
		mark := ""
		switch {
		case i < 5:
			mark = "红榜"
		case i >= 7:
			mark = "黑榜"
		}
		if cellAt(r, 9) != mark {
			t.Errorf("rank %d mark %q, want %q", i+1, cellAt(r, 9), mark)
		}
	}
	// 第2党支部 (k1): one 不满意 → satisfaction 4/5, score 93, rank 3.
	if r := rows[4]; r[3] != "1" || r[4] != "1" || r[5] != "0.8" || r[6] != "93" {
		t.Errorf("第2党支部 %q", r)
	}
	if r := rows[14]; r[1] != "第13党支部" || r[0] != "—" || !strings.HasPrefix(r[9], "不参与排名") {
		t.Errorf("unranked row %q", r)
	}
	if r := rows[15]; r[1] != "合计" || r[2] != "62" {
		t.Errorf("total row %q", r)
	}
	// 第1党支部's change: November's three orders were never accepted and are
	// past the limit → response 0, score 0; 100 − 0 = 100.
	if rows[2][7] != "100" {
		t.Errorf("change of 第1党支部 %q", rows[2][7])
	}
	fill := func(cell string) string {
		id, _ := f.GetCellStyle("排名", cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return st.Fill.Color[0]
	}
	if fill("B3") != "FDE9E7" || fill("B14") != "D9D9D9" || fill("B9") != "" {
		t.Errorf("highlights: B3 %q B14 %q B9 %q", fill("B3"), fill("B14"), fill("B9"))
	}
	lost, _ := f.GetRows("失分明细", raw)
	// k1 (rank 3): satisfaction 7 points, one order.
	if !slices.ContainsFunc(lost, func(r []string) bool {
		return len(r) == 6 && r[0] == "3" && r[1] == "第2党支部" && r[2] == "满意率" && r[3] == "7" && r[4] == "1" && r[5] == "20261201-0100"
	}) {
		t.Errorf("失分明细 %q", lost)
	}
	topics, _ := f.GetRows("高频问题", raw)
	// Over all units: 62 orders by kind i%3 → opinion 13×1 + ... ; 意见 for
	// i = 0, 3 (2 per unit × 12 + 1 for the unit of two) = 25, 建议 for i = 1, 4
	// = 24 + 1 = 25, 投诉 for i = 2 = 12; November: 投诉 3 → change +9.
	want := [][]string{
		{"全部单位", "1", "意见", "25", "0", "+25", "是"},
		{"全部单位", "2", "建议", "25", "0", "+25", "是"},
		{"全部单位", "3", "投诉", "12", "3", "+9", "是"},
	}
	if len(topics) < 5 || !slices.EqualFunc(topics[2:5], want, slices.Equal) {
		t.Errorf("高频问题 %q", topics)
	}
	notes, _ := f.GetRows("说明", raw)
	text := fmt.Sprint(notes)
	for _, s := range []string{"响应率 = 派单后 2 个工作小时内签收", "0.5 × 部分解决", "0.3 × 响应率", "不少于 5 件", "红榜"} {
		if !strings.Contains(text, s) {
			t.Errorf("说明 lacks %q: %s", s, text)
		}
	}
}

func TestLibreOfficeOpensHotlineNotice(t *testing.T) {
	_, data := writeAssessment(t)
	rows := libreOffice(t, "assessment", data)("排名")
	// The CSV filter writes values, not what the cells show.
	if len(rows) < 16 || rows[2][1] != "第1党支部" || rows[2][6] != "100" || rows[3][9] != "红榜" || rows[15][1] != "合计" {
		t.Fatalf("LibreOffice reads 排名 as %q", rows)
	}
}
