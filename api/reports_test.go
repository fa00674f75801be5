package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
	"minyi/decimal"
	"minyi/exports"
	"minyi/reports"
)

// openXLSX checks a workbook download's headers and opens it.
func openXLSX(t *testing.T, w *httptest.ResponseRecorder, wantName string) *excelize.File {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("content type %q", ct)
	}
	cd := w.Header().Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="survey-`) || !strings.Contains(cd, "20261125.xlsx\"") {
		t.Errorf("Content-Disposition %q lacks the ASCII fallback", cd)
	}
	name, err := reports.DecodeDisposition(cd)
	if err != nil || name != wantName {
		t.Errorf("filename* %q (%v), want %q", name, err, wantName)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// wantRanking compares 支部排名 with the results JSON, subject by subject:
// rank, score (2 decimals), satisfaction rate (4 decimals), grade.
func wantRanking(t *testing.T, f *excelize.File, results map[string]any) {
	t.Helper()
	rows, err := f.GetRows(exports.SheetOrgs, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	subjects := results["subjects"].([]any)
	if len(rows)-2 != len(subjects) {
		t.Fatalf("%d ranking rows, want %d", len(rows)-2, len(subjects))
	}
	num := func(v any, places int) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(decimal.Round(v.(float64), places), 'f', -1, 64)
	}
	col := map[string]int{}
	for i, h := range rows[1] {
		col[h] = i
	}
	for i, s := range subjects {
		m := s.(map[string]any)
		r := append(rows[i+2], make([]string, 8)...)
		grade := ""
		if g, ok := m["grade"].(map[string]any); ok {
			grade = g["label"].(string)
		}
		want := []string{num(m["rank"], 0), m["subject"].(map[string]any)["name"].(string), num(m["score"], 2), num(m["satisfaction_rate"], 4), grade}
		got := []string{r[col["排名"]], r[col["支部名称"]], r[col["综合得分"]], r[col["满意率"]], r[col["推荐等次"]]}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("row %d: %q, want %q (from the results JSON)", i, got, want)
		}
	}
}

// TestReportDownload: the scorecard through the API matches the results
// JSON cell by cell, with what each role may see.
func TestReportDownload(t *testing.T) {
	fx := newResultsFixture(t)
	path := "/api/v1/surveys/" + fx.surveyID + "/report.xlsx"
	title := fx.results(t, "") // the admin's full results
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	wantName := sv["title"].(string) + "-测评结果-20261125.xlsx"

	f := openXLSX(t, fx.do(http.MethodGet, path, nil), wantName)
	wantRanking(t, f, title)
	sheets := strings.Join(f.GetSheetList(), ",")
	if sheets != "汇总,支部排名,分群体得分,题目分布,意见建议,原始答卷" {
		t.Fatalf("admin sheets %s", sheets)
	}
	raw, _ := f.GetRows(exports.SheetBallots)
	comments, _ := f.GetRows(exports.SheetComments)
	if len(raw) != 2+3 || len(comments) != 2+2 {
		t.Errorf("raw %d rows, comments %d rows; want 3 ballots and 2 texts", len(raw)-2, len(comments)-2)
	}

	for _, tc := range []struct {
		name   string
		token  string
		sheets string
		query  string
	}{
		{"leader", fx.tokenFor(accounts.RoleLeader, ""), "汇总,支部排名,分群体得分,题目分布,意见建议", ""},
		{"secretary of B1", fx.tokenFor(accounts.RoleSecretary, fx.b1), "汇总,支部排名,分群体得分,题目分布", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := []string{"Authorization", "Bearer " + tc.token}
			f := openXLSX(t, fx.do(http.MethodGet, path, nil, auth...), wantName)
			if got := strings.Join(f.GetSheetList(), ","); got != tc.sheets {
				t.Errorf("sheets %s, want %s", got, tc.sheets)
			}
			wantRanking(t, f, fx.results(t, "", auth...))
		})
	}
	op := fx.tokenFor(accounts.RoleOperator, "")
	wantError(t, fx.do(http.MethodGet, path, nil, "Authorization", "Bearer "+op), http.StatusForbidden, "forbidden")
	wantError(t, fx.do(http.MethodGet, "/api/v1/surveys/nope/report.xlsx", nil), http.StatusNotFound, "")
}

// TestExportJobFlow: POST /exports → 202, poll GET /exports/{id} until
// done, then the file; the job outlives the request that started it.
func TestExportJobFlow(t *testing.T) {
	fx := newResultsFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	req := httptest.NewRequest(http.MethodPost, "/api/v1/exports",
		strings.NewReader(`{"kind": "survey_report", "survey_id": "`+fx.surveyID+`"}`)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+adminToken)
	w := httptest.NewRecorder()
	fx.srv.ServeHTTP(w, req)
	cancel() // the client goes away at once
	job := decode[map[string]any](t, w, http.StatusAccepted)
	id, _ := job["id"].(string)
	if id == "" || w.Header().Get("Location") != "/api/v1/exports/"+id {
		t.Fatalf("job %v, Location %q", job, w.Header().Get("Location"))
	}
	fx.app.Exports.Wait() // the job runs on although its client went away
	status := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/exports/"+id, nil), http.StatusOK)
	if status["status"] != "done" || status["percent"] != 100.0 || status["rows"] != 3.0 || status["kind"] != "survey_report" {
		t.Fatalf("finished job %v, want done, 100%%, 3 ballots", status)
	}
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	f := openXLSX(t, fx.do(http.MethodGet, "/api/v1/exports/"+id+"/file", nil), sv["title"].(string)+"-测评结果-20261125.xlsx")
	wantRanking(t, f, fx.results(t, ""))

	// Someone else's job is not found; a leader may not export raw ballots;
	// a bad kind is a field error.
	leader := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleLeader, "")}
	wantError(t, fx.do(http.MethodGet, "/api/v1/exports/"+id, nil, leader...), http.StatusNotFound, "export_not_found")
	wantError(t, fx.do(http.MethodGet, "/api/v1/exports/"+id+"/file", nil, leader...), http.StatusNotFound, "export_not_found")
	wantError(t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "ballots", "survey_id": fx.surveyID}, leader...), http.StatusForbidden, "forbidden")
	wantError(t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "everything", "survey_id": fx.surveyID}), http.StatusUnprocessableEntity, "validation_failed", "kind")
	wantError(t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "ballots", "survey_id": "nope"}), http.StatusNotFound, "")

	// The leader's own job, read by the leader.
	lj := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "survey_report", "survey_id": fx.surveyID}, leader...), http.StatusAccepted)
	decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/exports/"+lj["id"].(string), nil, leader...), http.StatusOK)
}

// TestResultsPage: the leadership page shows the ranking, grade counts, a
// chart and the download buttons, behind sign-in.
func TestResultsPage(t *testing.T) {
	fx := newResultsFixture(t)
	w := fx.do(http.MethodGet, "/results/"+fx.surveyID, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{"第一党支部", "94.00", "100.0%", "第二党支部", "40.00", "等次统计", "<svg", `class="bar"`,
		`href="/api/v1/surveys/` + fx.surveyID + `/report.xlsx"`, `id="export-start"`, `/static/results.js`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
		t.Errorf("inline script or style on the page (CSP)")
	}
	// An unknown survey is an error page, not a JSON answer.
	if nf := fx.do(http.MethodGet, "/results/nope", nil); nf.Code != http.StatusNotFound || !strings.HasPrefix(nf.Header().Get("Content-Type"), "text/html") {
		t.Errorf("unknown survey: %d %q", nf.Code, nf.Header().Get("Content-Type"))
	}
	anon := fx.do(http.MethodGet, "/results/"+fx.surveyID, nil, "Authorization", "")
	if anon.Code != http.StatusSeeOther || !strings.HasPrefix(anon.Header().Get("Location"), "/login") {
		t.Errorf("anonymous: %d %q, want a redirect to /login", anon.Code, anon.Header().Get("Location"))
	}
	js := fx.do(http.MethodGet, "/static/results.js", nil, "Authorization", "")
	if js.Code != http.StatusOK || !strings.Contains(js.Body.String(), "/api/v1/exports") {
		t.Errorf("results.js: %d", js.Code)
	}
}
