package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestResultsFilterAndGradeInBrowser: an admin filters the results page
// with the form, starts a background export that carries the filter (the
// job reports its group and org), then records a final grade with a row's
// form and sees it in the table.
func TestResultsFilterAndGradeInBrowser(t *testing.T) {
	fx := newResultsFixture(t)
	u := accounts.User{Login: "admin-browser", Name: "李管理", Role: accounts.RoleAdmin}
	if err := fx.acc.CreateUser(t.Context(), &u, "password-123"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fx.srv)
	defer srv.Close()
	ctx := browser(t, 1024, 900)
	err := chromedp.Do(ctx,
		signIn(srv.URL+"/results/"+fx.surveyID, u.Login, "password-123"),
		chromedp.WaitVisible(chromedp.CSS("#results-filter")),
		chromedp.SetValue(chromedp.CSS("#filter-group"), "members"),
		chromedp.SetValue(chromedp.CSS("#filter-org"), fx.b2),
		chromedp.Click(chromedp.CSS("#filter-apply")),
		chromedp.WaitVisible(chromedp.CSS("#filter-active")),
		chromedp.Click(chromedp.CSS("#export-start")),
		chromedp.WaitVisible(chromedp.CSS("#export-file")),
	)
	if err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("export-file").getAttribute("href")`))
	if err != nil || !strings.HasSuffix(href, "/file") {
		t.Fatalf("download link %q (%v)", href, err)
	}
	job := decode[map[string]any](t, fx.do(http.MethodGet, strings.TrimSuffix(href, "/file"), nil), http.StatusOK)
	if job["group"] != "members" || job["org_id"] != fx.b2 {
		t.Fatalf("the export job lost the page's filter: %v", job)
	}

	// Record b2's final grade with its row's form.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#grade-"+fx.b2), "bad"),
		chromedp.SendKeys(chromedp.CSS("#reason-"+fx.b2), "复核后确定"),
		chromedp.Click(chromedp.CSS("#subject-"+fx.b2+" button")),
		chromedp.WaitVisible(chromedp.CSS("#grade-saved")),
	)
	if err != nil {
		t.Fatal(err)
	}
	final, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#subject-"+fx.b2+" td.final")))
	if err != nil || !strings.Contains(final, "差") || !strings.Contains(final, "复核后确定") {
		t.Errorf("final grade cell %q (%v)", final, err)
	}
	filter, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#filter-active")))
	if err != nil || !strings.Contains(filter, "党员") {
		t.Errorf("the filter was not kept after recording: %q (%v)", filter, err)
	}
}
