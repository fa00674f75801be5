package api_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// compositeShot saves the full page under MINYI_SCREENSHOTS, when set, for
// people to look at.
func compositeShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MINYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// TestCompositeInBrowser: an admin sets up an assessment with the form,
// enters 加减分 and publishes it from its page; a branch secretary reads it
// on a phone (the ranking as cards) and raises an objection.
func TestCompositeInBrowser(t *testing.T) {
	fx := newCompositeFixture(t)
	admin := accounts.User{Login: "admin-assess", Name: "组织部", Role: accounts.RoleAdmin}
	sec := accounts.User{Login: "sec-assess", Name: "第二支部书记", Role: accounts.RoleSecretary, OrgID: fx.tree.zb2.ID}
	for _, u := range []*accounts.User{&admin, &sec} {
		if err := fx.acc.CreateUser(t.Context(), u, "password-123"); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(fx.srv)
	defer srv.Close()

	ctx := browser(t, 1366, 900)
	err := chromedp.Do(ctx,
		signIn(srv.URL+"/admin/assessments/new", admin.Login, "password-123"),
		chromedp.WaitVisible(chromedp.CSS("#assess-new-form")),
		chromedp.SetValue(chromedp.CSS("#org_id"), fx.tree.root.ID),
		chromedp.SetValue(chromedp.CSS("#survey_id"), fx.surveyID),
		chromedp.SetValue(chromedp.CSS("#tier_share_0"), "三分之一"),
	)
	if err != nil {
		t.Fatal(err)
	}
	compositeShot(t, ctx, "assess_new_1366")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#assess-create")),
		chromedp.WaitVisible(chromedp.CSS("#assess-ranking")),
		chromedp.SetValue(chromedp.CSS("#manual-subject"), fx.tree.zb2.ID),
		chromedp.SendKeys(chromedp.CSS("#manual-points"), "-2"),
		chromedp.SendKeys(chromedp.CSS("#manual-reason"), "年度内发生一次群众投诉未及时回应"),
		chromedp.Click(chromedp.CSS("#manual-form button")),
		chromedp.WaitVisible(chromedp.CSS("#assess-notice")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// ZB2: survey 50 (the only weighted component with data) − 2 = 48.
	score, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#subject-"+fx.tree.zb2.ID+" td.score")))
	if err != nil || score != "48.00" {
		t.Fatalf("ZB2's score on the page %q (%v), want 48.00", score, err)
	}
	method, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#assess-method")))
	if err != nil || !strings.Contains(method, "名额不超过参与排名对象数的三分之一") {
		t.Errorf("method text %q (%v)", method, err)
	}
	compositeShot(t, ctx, "assess_draft_1366")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#publish-form button")),
		chromedp.WaitVisible(chromedp.CSS("#assess-notice")),
		chromedp.WaitVisible(chromedp.CSS("#final-form")),
	)
	if err != nil {
		t.Fatal(err)
	}
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	url = strings.SplitN(url, "?", 2)[0]

	phone := browser(t, 360, 780)
	err = chromedp.Do(phone,
		signIn(url, sec.Login, "password-123"),
		chromedp.WaitVisible(chromedp.CSS("#objection-form")),
		chromedp.SetValue(chromedp.CSS("#objection-subject"), fx.tree.zb2.ID),
		chromedp.SendKeys(chromedp.CSS("#objection-text"), "投诉已于当月处理完毕，请复核扣分"),
		chromedp.Click(chromedp.CSS("#objection-form button")),
		chromedp.WaitVisible(chromedp.CSS("#assess-notice")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// On a phone the ranking is cards: the header row is hidden and each
	// cell carries its label.
	head, err := chromedp.Run(phone, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#assess-ranking thead")).display`))
	if err != nil || head != "none" {
		t.Errorf("ranking header display %q (%v), want none on a phone", head, err)
	}
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 360 {
		t.Errorf("page is %d px wide on a 360 px phone (%v)", width, err)
	}
	text, err := chromedp.Run(phone, chromedp.Text(chromedp.CSS("#assess-objections")))
	if err != nil || !strings.Contains(text, "投诉已于当月处理完毕") {
		t.Errorf("objections %q (%v)", text, err)
	}
	compositeShot(t, phone, "assess_published_360")

	// A leader's dashboard shows the published assessment's tiers and lists.
	leader := accounts.User{Login: "leader-assess", Name: "书记", Role: accounts.RoleLeader}
	if err := fx.acc.CreateUser(t.Context(), &leader, "password-123"); err != nil {
		t.Fatal(err)
	}
	wide := browser(t, 1366, 900)
	err = chromedp.Do(wide,
		signIn(srv.URL+"/dashboard", leader.Login, "password-123"),
		chromedp.WaitVisible(chromedp.CSS("#dash-assessment-link")),
	)
	if err != nil {
		t.Fatal(err)
	}
	red, err := chromedp.Run(wide, chromedp.Text(chromedp.CSS("#dash-assessment .red-list")))
	if err != nil || !strings.Contains(red, "第一党支部") || !strings.Contains(red, "100.00") {
		t.Errorf("dashboard 红榜 %q (%v)", red, err)
	}
	for _, sel := range []string{"#dash-hotline", "#dash-commitments", "#dash-surveys"} {
		if n, err := chromedp.Run(wide, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); err != nil || n != 1 {
			t.Errorf("dashboard section %s: %d (%v)", sel, n, err)
		}
	}
	compositeShot(t, wide, "dashboard_1366")
}
