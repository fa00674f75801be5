package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestLoginInBrowser signs in through the real login page: a protected page
// sends the visitor to /login, the form (with its CSRF token, under the
// CSP) signs in and returns to the page, scripts cannot read the session
// cookie, and the logout button ends the session.
func TestLoginInBrowser(t *testing.T) {
	a := newAuthEnv(t)
	a.user("zhang", accounts.RoleLeader)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()
	ctx := browser(t, 1024, 768)

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "zhang"),
		chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"),
		chromedp.Click(chromedp.CSS("#go")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#login-error")))
	if err != nil || !strings.Contains(msg, "登录名或密码错误") {
		t.Fatalf("error message %q, %v", msg, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#password"), secretPassword),
		chromedp.Click(chromedp.CSS("#go")),
		chromedp.WaitVisible(chromedp.CSS("#account-name")),
	)
	if err != nil {
		t.Fatal(err)
	}
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#account-name")))
	if err != nil || name != "测试用户" {
		t.Fatalf("account page shows %q, %v", name, err)
	}
	cookies, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	if err != nil || strings.Contains(cookies, "minyi_session") {
		t.Fatalf("script can read the session cookie: %q %v", cookies, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#logout")),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
	)
	if err != nil {
		t.Fatalf("after logout: %v", err)
	}
}
