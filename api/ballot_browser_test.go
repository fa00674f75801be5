package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBallotPageInBrowser votes like a resident on a 360×740 phone: fills
// the matrix, trips the 优秀 quota (the page stops the submission and says
// why), fixes it, submits, sees the thank-you page, and the ballot is stored.
func TestBallotPageInBrowser(t *testing.T) {
	fx := newBallotFixture(t, "public")
	srv := httptest.NewServer(fx.srv)
	defer srv.Close()
	ctx := browser(t, 360, 740)

	radio := func(member, option string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`input[name="a|grade|` + member + `"][value="` + option + `"]`))
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/s/"+fx.slug),
		chromedp.WaitVisible(chromedp.CSS("#ballot")),
		chromedp.Click(chromedp.CSS(`input[name="rater_group"][value="masses"]`)),
		radio(fx.members[0], "excellent"),
		radio(fx.members[1], "excellent"),
		radio(fx.members[2], "basic"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="a|note"]`), "希望多组织志愿服务"),
		chromedp.Click(chromedp.CSS("#go")),
		chromedp.WaitVisible(chromedp.CSS("#client-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#client-error")))
	if err != nil || !strings.Contains(msg, "优秀") {
		t.Fatalf("rule message %q, %v", msg, err)
	}
	progress, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#progress-text")))
	if err != nil || !strings.Contains(progress, "3 / 3") {
		t.Fatalf("progress %q, %v", progress, err)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Fatalf("the page scrolls sideways at 360 px (%v)", err)
	}
	if n := fx.stored(t); n != 0 {
		t.Fatalf("%d ballots stored before the rule was fixed", n)
	}
	err = chromedp.Do(ctx,
		radio(fx.members[1], "qualified"),
		chromedp.Click(chromedp.CSS("#go")),
		chromedp.WaitVisible(chromedp.CSS("#thanks")),
	)
	if err != nil {
		t.Fatal(err)
	}
	thanks, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#thanks h1")))
	if err != nil || thanks != "提交成功，感谢您的参与！" {
		t.Fatalf("thank-you %q, %v", thanks, err)
	}
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0]["rater_group"] != "masses" || l.Items[0]["valid"] != true {
		t.Fatalf("stored ballots %v", l.Items)
	}
}
