package api_test

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestResultsPageInBrowser: a leader signs in, sees the ranking and the
// chart, starts a background export and gets its download link once the
// page's script has polled the job to completion (under the CSP).
func TestResultsPageInBrowser(t *testing.T) {
	fx := newResultsFixture(t)
	u := accounts.User{Login: "leader-browser", Name: "王书记", Role: accounts.RoleLeader}
	if err := fx.acc.CreateUser(t.Context(), &u, "password-123"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fx.srv)
	defer srv.Close()
	ctx := browser(t, 1024, 900)
	err := chromedp.Do(ctx,
		signIn(srv.URL+"/results/"+fx.surveyID, u.Login, "password-123"),
		chromedp.WaitVisible(chromedp.CSS("#ranking")),
		chromedp.Click(chromedp.CSS("#export-start")),
		chromedp.WaitVisible(chromedp.CSS("#export-file")),
	)
	if err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("export-file").getAttribute("href")`))
	if err != nil || !strings.HasPrefix(href, "/api/v1/exports/") || !strings.HasSuffix(href, "/file") {
		t.Fatalf("download link %q (%v)", href, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#export-text")))
	if err != nil || !strings.Contains(text, "已完成：3 份答卷") {
		t.Errorf("progress text %q (%v)", text, err)
	}
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart-wide rect.bar").length`))
	if err != nil || bars != 2 {
		t.Errorf("%d bars in the chart (%v), want 2", bars, err)
	}
	if dir := os.Getenv("MINYI_SCREENSHOTS"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(dir+"/results_page.png", png, 0o644)
		}
	}
}
