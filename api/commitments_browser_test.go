package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// sessionFor signs a new user of role in and returns the session cookie.
func (f *cmFixture) sessionFor(role accounts.Role, orgID string) *http.Cookie {
	f.t.Helper()
	u := accounts.User{Login: fmt.Sprintf("cm-page-%s-%d", role, f.users.Add(1)), Name: "页面" + role.Label(), Role: role, OrgID: orgID}
	if err := f.acc.CreateUser(f.t.Context(), &u, "password-123"); err != nil {
		f.t.Fatal(err)
	}
	id, _, err := f.acc.CreateSession(f.t.Context(), u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return &http.Cookie{Name: "minyi_session", Value: id}
}

// keepScreenshot writes the page as it is now to $MINYI_SCREENSHOTS (when
// set), for a person to look at.
func keepScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MINYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCommitmentSecretaryInBrowser: the branch secretary enters a member's
// commitment from the paper form (the target's hint in view), submits it;
// once the branch meeting's decision is recorded (by the admin here) the
// secretary records progress, is refused an outcome short of fulfilled
// without an explanation, then explains it; residents read it on the
// public page on a 360 px phone, without an account.
func TestCommitmentSecretaryInBrowser(t *testing.T) {
	for _, size := range []struct{ w, h int }{{1280, 900}, {360, 740}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) { secretaryFlow(t, size.w, size.h) })
	}
}

func secretaryFlow(t *testing.T, width, height int) {
	f := newCMFixture(t)
	hs := httptest.NewServer(f.srv)
	t.Cleanup(hs.Close)
	ck := f.sessionFor(accounts.RoleSecretary, f.o.zb1.ID)
	ctx := browser(t, width, height)
	shot := func(name string) { keepScreenshot(t, ctx, fmt.Sprintf("%s-%d.png", name, width)) }
	fits := func(page string) {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth <= window.innerWidth"))
		if err != nil || !ok {
			t.Fatalf("%s scrolls sideways at %d px (%v)", page, width, err)
		}
	}
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: hs.URL}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(hs.URL+"/commitments"),
		chromedp.WaitVisible(chromedp.CSS("#cm-form")),
		chromedp.WaitVisible(chromedp.CSS("#target-hint")),
		chromedp.SetValue(chromedp.CSS("#owner"), "member:"+f.zhang.ID),
		chromedp.SetValue(chromedp.CSS("#area"), "service"),
		chromedp.SendKeys(chromedp.CSS("#content"), "每月为独居老人上门服务"),
		chromedp.SendKeys(chromedp.CSS("#target"), "每月走访不少于 4 户，全年 48 户"),
		chromedp.SetValue(chromedp.CSS("#due"), "2026-12-31"),
		chromedp.SendKeys(chromedp.CSS("#responsible"), "张三"),
		chromedp.Click(chromedp.CSS("#cm-create")),
		chromedp.WaitVisible(chromedp.CSS("#cm-submit")),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot("commitment-draft")
	fits("the draft")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cm-submit")), chromedp.WaitVisible(chromedp.CSS("#done"))); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cm-status")))
	if err != nil || status != "待审核" {
		t.Fatalf("status %q (%v)", status, err)
	}
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(strings.Split(url, "?")[0], hs.URL+"/commitments/")
	f.step("", id, "review", map[string]any{"decision": "approve"}, http.StatusOK)

	err = chromedp.Do(ctx,
		chromedp.Navigate(hs.URL+"/commitments/"+id),
		chromedp.WaitVisible(chromedp.CSS("#cm-progress")),
		chromedp.SetValue(chromedp.CSS("#percent"), "50"),
		chromedp.SendKeys(chromedp.CSS("#note"), "已走访 24 户"),
		chromedp.Click(chromedp.CSS("#cm-progress-go")),
		chromedp.WaitVisible(chromedp.CSS("#done")),
		chromedp.Click(chromedp.CSS(`input[name="outcome"][value="partly"]`)),
		chromedp.Click(chromedp.CSS("#cm-outcome-go")),
		chromedp.WaitVisible(chromedp.CSS("#explanation-error")),
		chromedp.SendKeys(chromedp.CSS("#explanation"), "两户老人搬离小区，改为电话联系"),
		chromedp.Click(chromedp.CSS("#cm-outcome-go")),
		chromedp.WaitVisible(chromedp.CSS("#cm-explanation")),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot("commitment-done")
	fits("the commitment")
	if status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cm-status"))); err != nil || status != "已评定（部分兑现）" {
		t.Fatalf("status %q (%v)", status, err)
	}
	if pct, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cm-percent"))); err != nil || !strings.HasPrefix(pct, "50%") {
		t.Fatalf("percent %q (%v)", pct, err)
	}

	// The list (with the QR code for the notice board) and the statistics.
	err = chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/commitments"), chromedp.WaitVisible(chromedp.CSS("#cm-qr")))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.getElementById('cm-qr').naturalWidth > 0")); err != nil || !ok {
		t.Fatalf("the QR code does not load (%v)", err)
	}
	shot("commitments-list")
	fits("the list")
	err = chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/commitments/stats"), chromedp.WaitVisible(chromedp.CSS("#cm-stats")))
	if err != nil {
		t.Fatal(err)
	}
	shot("commitments-stats")
	if txt, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cm-stats tbody"))); err != nil || !strings.Contains(txt, "第一党支部") {
		t.Fatalf("stats %q (%v)", txt, err)
	}

	// The residents' page on a phone, no cookie.
	phone := browser(t, 360, 740)
	err = chromedp.Do(phone, chromedp.Navigate(hs.URL+"/c/"+f.o.zb1.ID+"/2026"), chromedp.WaitVisible(chromedp.CSS(".cm-card")))
	if err != nil {
		t.Fatal(err)
	}
	keepScreenshot(t, phone, fmt.Sprintf("commitments-public-360-after-%d.png", width))
	text, err := chromedp.Run(phone, chromedp.Text(chromedp.CSS(".cm-card")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"张三", "每月为独居老人上门服务", "每月走访不少于 4 户，全年 48 户", "2026-12-31", "完成 50%", "部分兑现", "两户老人搬离小区，改为电话联系"} {
		if !strings.Contains(text, want) {
			t.Errorf("public card lacks %q: %q", want, text)
		}
	}
	ok, err := chromedp.Run(phone, chromedp.Evaluate[bool]("document.documentElement.scrollWidth <= window.innerWidth"))
	if err != nil || !ok {
		t.Fatalf("the public page scrolls sideways at 360 px (%v)", err)
	}
}
