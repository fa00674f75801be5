package api_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/decimal"
	"minyi/exports"
	"minyi/reports"
)

// TestResultsOneSource: for one filtered view (the masses' ballots, 第一
// 党支部's subtree) the results JSON, the results page and the scorecard
// workbook carry the same subject score, rank and grades, the same grade
// counts and the same filter, through the real router and store.
func TestResultsOneSource(t *testing.T) {
	fx := newResultsFixture(t)
	// A final grade, so that the final counts are not all zero.
	decode[map[string]any](t, fx.do(http.MethodPut, "/api/v1/surveys/"+fx.surveyID+"/subjects/"+fx.b1+"/final-grade",
		map[string]any{"grade": "good", "reason": "群众评价突出"}), http.StatusOK)
	query := "?group=masses&org_id=" + fx.b1
	leader := []string{"Authorization", "Bearer " + fx.tokenFor(accounts.RoleLeader, "")}
	_, cookie, _ := fx.signInAs(accounts.RoleLeader, "")

	// The JSON: B1 alone, with its figures and the grade counts they make.
	res := fx.results(t, query, leader...)
	if res["group"] != "masses" {
		t.Fatalf("results group %v, want masses", res["group"])
	}
	subjects := res["subjects"].([]any)
	if len(subjects) != 1 {
		t.Fatalf("results%s: %d subjects, want B1 alone", query, len(subjects))
	}
	b1 := subjects[0].(map[string]any)
	score := decimal.Format(b1["score"].(float64), decimal.DisplayPlaces)
	rank := strconv.Itoa(int(b1["rank"].(float64)))
	grade := b1["grade"].(map[string]any)["label"].(string)
	final := b1["final_grade"].(map[string]any)["label"].(string)
	if score != "90.00" || rank != "1" || grade != "中" || final != "好" {
		t.Fatalf("B1 in the JSON: score %s rank %s grade %s final %s, want 90.00, 1, 中, 好", score, rank, grade, final)
	}
	counts := map[string]string{"好": "0/1", "中": "1/0", "差": "0/0"} // recommended/final
	filter := reports.FilterText{Group: "群众", Org: "第一党支部", Scoped: true}

	// The page.
	w := fx.pageAs("/results/"+fx.surveyID+query, cookie, nil)
	body := wantAdminPage(t, w, http.StatusOK, "当前筛选："+filter.Words()+"。")
	row := subjectRowHTML(body, fx.b1)
	cells := pageCells(row)
	// 排名, 总排名 (scoped by org), 评价对象, 所在组织, 综合得分, 满意率, 推荐等次, 最终等次.
	if len(cells) < 8 || cells[0] != rank || cells[4] != score || !strings.HasPrefix(cells[6], grade) || !strings.HasPrefix(cells[7], final) {
		t.Errorf("B1 on the page: %q, want rank %s score %s grades %s/%s", cells, rank, score, grade, final)
	}
	if got := pageGradeCounts(body); !equalMaps(got, counts) {
		t.Errorf("page grade counts %v, want %v", got, counts)
	}

	// The workbook.
	sv := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID, nil), http.StatusOK)
	f := openXLSX(t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/report.xlsx"+query, nil, leader...), sv["title"].(string)+"-测评结果-20261125.xlsx")
	ranking, err := f.GetRows(exports.SheetOrgs)
	if err != nil || len(ranking) != 3 {
		t.Fatalf("支部排名 %q (%v), want B1 alone", ranking, err)
	}
	// Under the org filter: 排名 (within the scope), 总排名, 支部名称, 综合得分, 满意率, 推荐等次, 最终等次.
	if r := ranking[2]; r[0] != rank || r[2] != "第一党支部" || r[3] != score || r[5] != grade || r[6] != final {
		t.Errorf("B1 on 支部排名: %q, want rank %s score %s grades %s/%s", r, rank, score, grade, final)
	}
	if a2 := summaryCell(t, f, "A2"); a2 != filter.Line(false) {
		t.Errorf("汇总 A2 %q, want %q", a2, filter.Line(false))
	}
	sum, err := f.GetRows(exports.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range sum {
		if len(r) >= 2 && r[0] == "统计范围" && r[1] != filter.Scope() {
			t.Errorf("汇总 统计范围 %q, want %q", r[1], filter.Scope())
		}
		if len(r) >= 5 && counts[r[0]] != "" {
			got[r[0]] = r[3] + "/" + r[4]
		}
	}
	if !equalMaps(got, counts) {
		t.Errorf("汇总 grade counts %v, want %v", got, counts)
	}
}

var pageCell = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
var pageTag = regexp.MustCompile(`<[^>]+>`)

// pageCells are the texts of a table row's cells.
func pageCells(row string) []string {
	var out []string
	for _, m := range pageCell.FindAllStringSubmatch(row, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(pageTag.ReplaceAllString(m[1], ""))))
	}
	return out
}

// pageGradeCounts reads the page's 等次统计 table: label → recommended/final.
func pageGradeCounts(body string) map[string]string {
	i := strings.Index(body, `<table class="grades">`)
	j := strings.Index(body[i:], "</table>")
	out := map[string]string{}
	for _, tr := range strings.Split(body[i:i+j], "<tr>")[2:] {
		if c := pageCells(tr); len(c) == 3 {
			out[c[0]] = c[1] + "/" + c[2]
		}
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
