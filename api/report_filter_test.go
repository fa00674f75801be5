package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
	"minyi/decimal"
	"minyi/exports"
)

// wantScoredCells compares every cell of 支部排名, 分群体得分 (when the
// view has two groups) and the scored columns of 题目分布 with the results
// JSON of the same filter: each column of the ranking is named by its
// header (rank, overall rank under a scope, name, score, rate, grades), so
// a column the workbook adds without a JSON counterpart fails the test too.
func wantScoredCells(t *testing.T, f *excelize.File, results map[string]any) {
	t.Helper()
	wantRanking(t, f, results)
	rows, err := f.GetRows(exports.SheetOrgs, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	num := func(v any, places int) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(decimal.Round(v.(float64), places), 'f', -1, 64)
	}
	label := func(v any) string {
		if m, ok := v.(map[string]any); ok {
			return m["label"].(string)
		}
		return ""
	}
	header := rows[1]
	subjects := results["subjects"].([]any)
	for i, s := range subjects {
		m := s.(map[string]any)
		want := map[string]string{
			"排名": num(m["rank"], 0), "支部名称": m["subject"].(map[string]any)["name"].(string),
			"综合得分": num(m["score"], 2), "满意率": num(m["satisfaction_rate"], 4),
			"推荐等次": label(m["grade"]), "最终等次": label(m["final_grade"]), "等次调整理由": "",
		}
		if o, ok := m["overall_rank"]; ok {
			want["总排名"] = num(o, 0)
		}
		wantGroupCells(t, f, m, num)
		if len(header) != len(want) {
			t.Errorf("支部排名 has columns %q, the JSON %d values %v", header, len(want), want)
		}
		row := append(rows[i+2], make([]string, len(header))...)
		for c, h := range header {
			w, ok := want[h]
			if !ok {
				t.Errorf("column %q has no counterpart in the results JSON", h)
			}
			if row[c] != w {
				t.Errorf("row %d column %s: %q, want %q (from the results JSON)", i, h, row[c], w)
			}
		}
	}
	// 题目分布: per subject and question (by title), answers (F), mean (H,
	// 2 places) and satisfaction rate (I, 4 places) as the JSON has them.
	titles := map[string]string{"q1": "服务群众", "q2": "最需改进", "q3": "推荐程度", "q4": "意见建议"}
	dist, err := f.GetRows(exports.SheetDistribution, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ subject, question string }
	want := map[key]string{}
	for _, s := range subjects {
		m := s.(map[string]any)
		name := m["subject"].(map[string]any)["name"].(string)
		for _, q := range m["questions"].([]any) {
			q := q.(map[string]any)
			want[key{name, titles[q["question"].(string)]}] = num(q["answers"], 0) + "|" + num(q["mean"], 2) + "|" + num(q["satisfaction_rate"], 4)
		}
	}
	seen := map[key]bool{}
	for _, r := range dist[2:] {
		r = append(r, make([]string, 10)...)
		if r[1] == "（整体）" {
			continue
		}
		k := key{r[1], r[0]}
		w, ok := want[k]
		if !ok {
			t.Errorf("题目分布 shows %v, which the results JSON does not have", k)
			continue
		}
		seen[k] = true
		if got := r[5] + "|" + r[7] + "|" + r[8]; got != w {
			t.Errorf("题目分布 %v: %s, want %s", k, got, w)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("题目分布 shows %d subject questions, the JSON %d", len(seen), len(want))
	}
}

// wantGroupCells compares one subject's row of 分群体得分 with its by_group
// in the JSON; the sheet is there only with two groups or more.
func wantGroupCells(t *testing.T, f *excelize.File, m map[string]any, num func(any, int) string) {
	t.Helper()
	groups := m["by_group"].([]any)
	rows, err := f.GetRows(exports.SheetGroups, excelize.Options{RawCellValue: true})
	if len(groups) < 2 {
		if err == nil {
			t.Errorf("分群体得分 with %d group", len(groups))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	name := m["subject"].(map[string]any)["name"].(string)
	for _, r := range rows[2:] {
		if r[1] != name {
			continue
		}
		r = append(r, make([]string, 3*len(groups)+4)...)
		for i, g := range groups {
			g := g.(map[string]any)
			want := num(g["score"], 2) + "|" + num(g["answers"], 0) + "|" + num(g["satisfaction_rate"], 4)
			if got := r[4+3*i] + "|" + r[5+3*i] + "|" + r[6+3*i]; got != want {
				t.Errorf("分群体得分 %s %s: %s, want %s", name, g["name"], got, want)
			}
		}
		return
	}
	t.Errorf("分群体得分 has no row for %s", name)
}

// summaryCell is a cell of 汇总, e.g. the filter line in A2.
func summaryCell(t *testing.T, f *excelize.File, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(exports.SheetSummary, cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// summaryTotal is the 合计 row of the ballots table on 汇总: returned,
// valid, invalid.
func summaryTotal(t *testing.T, f *excelize.File) string {
	t.Helper()
	rows, err := f.GetRows(exports.SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) >= 6 && r[0] == "合计" {
			return r[3] + "/" + r[4] + "/" + r[5]
		}
	}
	t.Fatal("no 合计 row on 汇总")
	return ""
}

// TestReportFilters: report.xlsx?group=&org_id= is the results of the same
// filter, cell by cell, checked like GET /results.
//
// Hand-computed from the fixture (masses only, B1's subtree):
//
//	B1 q1 masses: a, b → {100, 80} → 90 = the score (one group, weight 1)
//	satisfied 2/2 = 1; B2 masses 40 → B1 ranks 1 of the survey
//	grades with n = 2: good quota floor(0.3·2) = 0 → B1 ok (中)
func TestReportFilters(t *testing.T) {
	fx := newResultsFixture(t)
	path := "/api/v1/surveys/" + fx.surveyID + "/report.xlsx"
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	wantName := sv["title"].(string) + "-测评结果-20261125.xlsx"
	leader := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleLeader, "")}

	query := "?group=masses&org_id=" + fx.b1
	res := fx.results(t, query, leader...)
	got := rows(t, res)
	if len(got) != 1 || got[0].ID != fx.b1 || got[0].Score != 90.0 || got[0].Rank != 1.0 || got[0].Sat != 1.0 {
		t.Fatalf("results%s: %+v, want B1 scoring 90", query, got)
	}
	f := openXLSX(t, fx.do(http.MethodGet, path+query, nil, leader...), wantName)
	wantScoredCells(t, f, res)
	if a2 := summaryCell(t, f, "A2"); a2 != "当前筛选：评价群体：群众；组织：第一党支部（含下级）" {
		t.Errorf("汇总 A2 %q", a2)
	}
	if total := summaryTotal(t, f); total != "2/2/0" {
		t.Errorf("汇总 合计 %s, want the 2 masses' ballots", total)
	}
	// Texts answer no subject, so none is about B1's subtree.
	if c, _ := f.GetRows(exports.SheetComments); len(c) != 2 {
		t.Errorf("意见建议 has %d rows of texts, want none", len(c)-2)
	}

	// One group alone: both branches; the leader reads the masses' text only.
	res = fx.results(t, "?group=members", leader...)
	f = openXLSX(t, fx.do(http.MethodGet, path+"?group=members", nil, leader...), wantName)
	wantScoredCells(t, f, res)
	if a2 := summaryCell(t, f, "A2"); a2 != "当前筛选：评价群体：党员" {
		t.Errorf("汇总 A2 %q", a2)
	}
	if c, _ := f.GetRows(exports.SheetComments); len(c) != 3 || c[2][4] != "服务很好" {
		t.Errorf("意见建议 %q, want the members' one text", c)
	}
	// No filter: no filter line.
	f = openXLSX(t, fx.do(http.MethodGet, path, nil, leader...), wantName)
	wantScoredCells(t, f, fx.results(t, "", leader...))
	if a2 := summaryCell(t, f, "A2"); a2 != "" {
		t.Errorf("unfiltered 汇总 A2 %q", a2)
	}
	// The admin's workbook says 原始答卷 is not filtered.
	f = openXLSX(t, fx.do(http.MethodGet, path+query, nil), wantName)
	if a2 := summaryCell(t, f, "A2"); !strings.HasPrefix(a2, "当前筛选：评价群体：群众；组织：第一党支部（含下级）（原始答卷不筛选") {
		t.Errorf("admin's 汇总 A2 %q", a2)
	}

	// A secretary of B2: its own branch filtered works, B1 is out of scope.
	sec := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleSecretary, fx.b2)}
	f = openXLSX(t, fx.do(http.MethodGet, path+"?group=masses&org_id="+fx.b2, nil, sec...), wantName)
	wantScoredCells(t, f, fx.results(t, "?group=masses&org_id="+fx.b2, sec...))
	f = openXLSX(t, fx.do(http.MethodGet, path+"?group=masses", nil, sec...), wantName)
	wantScoredCells(t, f, fx.results(t, "?group=masses", sec...))

	for _, tc := range []struct {
		name, query string
		hdr         []string
		status      int
		code        string
		fields      []string
	}{
		{"unknown group", "?group=nobody", leader, http.StatusUnprocessableEntity, "validation_failed", []string{"group"}},
		{"unknown org", "?org_id=nope", leader, http.StatusNotFound, "", nil},
		{"org out of the secretary's scope", "?org_id=" + fx.b1, sec, http.StatusForbidden, "out_of_scope", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, fx.do(http.MethodGet, path+tc.query, nil, tc.hdr...), tc.status, tc.code, tc.fields...)
			// The same answer as the results JSON.
			wantError(t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/results"+tc.query, nil, tc.hdr...), tc.status, tc.code, tc.fields...)
		})
	}
}

// waitExport polls an export job until it is done and returns it.
func waitExport(t *testing.T, fx *resultsFixture, id string, hdr ...string) map[string]any {
	t.Helper()
	fx.app.Exports.Wait()
	j := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/exports/"+id, nil, hdr...), http.StatusOK)
	if j["status"] != "done" {
		t.Fatalf("export finished as %v", j)
	}
	return j
}

// TestExportFilters: POST /exports takes the same group and org_id, keeps
// them with the job and builds the filtered workbook.
func TestExportFilters(t *testing.T) {
	fx := newResultsFixture(t)
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	leader := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleLeader, "")}
	body := map[string]any{"kind": "survey_report", "survey_id": fx.surveyID, "group": "masses", "org_id": fx.b2}
	j := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", body, leader...), http.StatusAccepted)
	if j["group"] != "masses" || j["org_id"] != fx.b2 {
		t.Fatalf("job %v does not keep its filter", j)
	}
	done := waitExport(t, fx, j["id"].(string), leader...)
	if done["group"] != "masses" || done["org_id"] != fx.b2 {
		t.Fatalf("stored job %v lost its filter", done)
	}
	f := openXLSX(t, fx.do(http.MethodGet, "/api/v1/exports/"+j["id"].(string)+"/file", nil, leader...), sv["title"].(string)+"-测评结果-20261125.xlsx")
	wantScoredCells(t, f, fx.results(t, "?group=masses&org_id="+fx.b2, leader...))
	if a2 := summaryCell(t, f, "A2"); a2 != "当前筛选：评价群体：群众；组织：第二党支部（含下级）" {
		t.Errorf("汇总 A2 %q", a2)
	}

	sec := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleSecretary, fx.b2)}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		hdr    []string
		status int
		code   string
		fields []string
	}{
		{"unknown group", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID, "group": "nobody"}, leader, http.StatusUnprocessableEntity, "validation_failed", []string{"group"}},
		{"unknown org", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID, "org_id": "nope"}, leader, http.StatusNotFound, "", nil},
		{"out of scope", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID, "org_id": fx.b1}, sec, http.StatusForbidden, "out_of_scope", nil},
		{"raw ballots are not filtered", map[string]any{"kind": "ballots", "survey_id": fx.surveyID, "group": "masses"}, nil, http.StatusUnprocessableEntity, "validation_failed", []string{"group"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, fx.do(http.MethodPost, "/api/v1/exports", tc.body, tc.hdr...), tc.status, tc.code, tc.fields...)
		})
	}
}
