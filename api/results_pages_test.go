package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestResultsSubjectPage: a subject's detail page is one click from the
// ranking, with its votes, rates and distribution; a secretary reaches only
// the subjects of its scope.
func TestResultsSubjectPage(t *testing.T) {
	fx := newAppraisalFixture(t)
	_, leader, _ := fx.signInAs(accounts.RoleLeader, "")
	body := wantAdminPage(t, fx.pageAs("/results/"+fx.surveyID, leader, nil), http.StatusOK,
		"得票", "优秀率", "不合格率", `href="/results/`+fx.surveyID+`/subjects/`+fx.ids["D"]+`"`)
	if strings.Contains(body, `data-label="满意率"`) {
		t.Error("an appraisal without satisfied options shows 满意率")
	}
	// D: 合格 3 of 4 = 75.0%, 不了解 1; score 80.00, third.
	row := subjectRowHTML(body, fx.ids["D"])
	for _, want := range []string{"优秀 0 · 合格 3 · 基本合格 0 · 不合格 0 · 不了解 1", `data-label="综合得分">80.00`, `data-label="排名">3`} {
		if !strings.Contains(row, want) {
			t.Errorf("D's row lacks %q: %s", want, row)
		}
	}
	page := "/results/" + fx.surveyID + "/subjects/" + fx.ids["D"]
	wantAdminPage(t, fx.pageAs(page, leader, nil), http.StatusOK, "党员D", "得票情况", "75.0%", "80.00", "评议等次", "答案 4 个 · 不了解 1 · 平均分 80.00")

	// A secretary of 第二党支部: D is first of two there, third overall; A is
	// out of scope.
	_, sec, _ := fx.signInAs(accounts.RoleSecretary, fx.org.zb2.ID)
	wantAdminPage(t, fx.pageAs(page, sec, nil), http.StatusOK, "<dt>排名</dt><dd>1</dd>", "总排名 3")
	wantAdminPage(t, fx.pageAs("/results/"+fx.surveyID+"/subjects/"+fx.ids["A"], sec, nil), http.StatusNotFound)
	body = wantAdminPage(t, fx.pageAs("/results/"+fx.surveyID, sec, nil), http.StatusOK, "总排名")
	if row := subjectRowHTML(body, fx.ids["E"]); !strings.Contains(row, `data-label="排名">2`) || !strings.Contains(row, `data-label="总排名">5`) {
		t.Errorf("E on the secretary's page: %s", row)
	}
}

// TestResultsPagesInBrowser looks at the results page and a subject's page
// at 360 px (a phone: one card per subject, nothing wider than the screen)
// and 1366 px (a desktop: the table). MINYI_SCREENSHOTS=dir keeps the
// screenshots.
func TestResultsPagesInBrowser(t *testing.T) {
	fx := newAppraisalFixture(t)
	u := accounts.User{Login: "leader-cards", Name: "王书记", Role: accounts.RoleLeader}
	if err := fx.acc.CreateUser(t.Context(), &u, "password-123"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(fx.srv)
	defer ts.Close()
	srv := ts.URL
	for _, width := range []int{360, 1366} {
		ctx := browser(t, width, 900)
		err := chromedp.Do(ctx, signIn(srv+"/results/"+fx.surveyID, u.Login, "password-123"), chromedp.WaitVisible(chromedp.CSS("#ranking")))
		if err != nil {
			t.Fatal(err)
		}
		display, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#ranking tbody tr")).display`))
		if err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case width == 360 && (display != "block" || overflow > 0):
			t.Errorf("at 360 px: rows display %q (want block: cards), page %d px wider than the screen", display, overflow)
		case width == 1366 && display != "table-row":
			t.Errorf("at 1366 px: rows display %q, want the table", display)
		}
		keep(t, ctx, width, "results")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#subject-"+fx.ids["A"]+" a.detail-link")), chromedp.WaitVisible(chromedp.CSS("#votes"))); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#subject-figures")))
		if err != nil || !strings.Contains(text, "91.25") || !strings.Contains(text, "75.0%") {
			t.Errorf("A's figures %q (%v), want 91.25 and 优秀率 75.0%%", text, err)
		}
		keep(t, ctx, width, "results_subject")
	}
}

// keep saves a full-page screenshot under MINYI_SCREENSHOTS.
func keep(t *testing.T, ctx context.Context, width int, name string) {
	t.Helper()
	dir := os.Getenv("MINYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name+"_"+strconv.Itoa(width)+".png"), png, 0o644)
	// And the screen a person sees around the chart.
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("figure.chart, #votes"))); err == nil {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(filepath.Join(dir, name+"_"+strconv.Itoa(width)+"_screen.png"), png, 0o644)
		}
	}
}

// TestResultsSubjectPageGroups: a satisfaction survey's subject page shows
// the scores by rater group (B1: 群众 a, b → 90, 党员 a → 100; satisfied 3 of
// 3) and each question's distribution (q1: 满意 2 of 3 = 66.7%).
func TestResultsSubjectPageGroups(t *testing.T) {
	fx := newResultsFixture(t)
	_, leader, _ := fx.signInAs(accounts.RoleLeader, "")
	body := wantAdminPage(t, fx.pageAs("/results/"+fx.surveyID+"/subjects/"+fx.b1, leader, nil), http.StatusOK,
		"分群体得分", `data-label="评价群体">群众</td>`, `data-label="得分">90.00</td>`, `data-label="得分">100.00</td>`,
		"<dt>满意率</dt><dd>100.0%</dd>", "服务群众", "<td>满意</td><td class=\"num\">2</td><td class=\"num\">66.7%</td>")
	if strings.Contains(body, "得票情况") {
		t.Error("a satisfaction survey shows votes")
	}
}
