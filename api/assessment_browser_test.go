package api_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestAssessmentInBrowser: a leader at a desktop's and at a phone's width
// opens the home page, reads this month's figures, follows the link to the
// assessment, sees the chart and the ranking, and the page does not scroll
// sideways. Full-page screenshots are kept in MINYI_SCREENSHOTS when set.
func TestAssessmentInBrowser(t *testing.T) {
	for _, size := range []struct{ w, h int }{{1366, 900}, {360, 740}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := newAssessFixture(t)
			hs := httptest.NewServer(f.srv)
			t.Cleanup(hs.Close)
			ck := f.sessionFor(accounts.RoleLeader, "")
			ctx := browser(t, size.w, size.h)
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: hs.URL}); err != nil {
				t.Fatal(err)
			}
			keep := func(name string) {
				t.Helper()
				dir := os.Getenv("MINYI_SCREENSHOTS")
				if dir == "" {
					return
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, size.w)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			fits := func() {
				t.Helper()
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth <= window.innerWidth"))
				if err != nil || !ok {
					t.Fatalf("the page scrolls sideways at %d px (%v)", size.w, err)
				}
			}
			err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#hotline-figures")))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#kpi-response"))); err != nil || got != "87.50%" {
				t.Fatalf("response rate on the home page %q (%v)", got, err)
			}
			fits()
			keep("leader-home")
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#assessment-link")), chromedp.WaitVisible(chromedp.CSS("#assess-chart")))
			if err != nil {
				t.Fatal(err)
			}
			first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#assess-ranking tbody tr")))
			if err != nil || !strings.Contains(first, "第一党支部") || !strings.Contains(first, "红榜") {
				t.Fatalf("first ranking row %q (%v)", first, err)
			}
			bars, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.querySelectorAll('#assess-chart rect.bar').length"))
			if err != nil || bars != 4 {
				t.Fatalf("%d bars (%v), want the 4 ranked units", bars, err)
			}
			fits()
			keep("assessment")
		})
	}
}
