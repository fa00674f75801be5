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

// The workspace in a real browser, at a desktop's and a phone's width: the
// operator's day (a call taken with its unit goes straight there, the
// detail page, the audited reveal) and the secretary's (accept, reply with
// an outcome in a multi-line text, the 已处理 history).

var wsSizes = []struct{ w, h int }{{1366, 900}, {360, 740}}

// wsShot keeps a screenshot of the page under $MINYI_SCREENSHOTS (when set),
// for a person to look at.
func wsShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MINYI_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

func (f *woFixture) browserAs(t *testing.T, role accounts.Role, org string, w, h int) (context.Context, string) {
	t.Helper()
	hs := httptest.NewServer(f.srv)
	t.Cleanup(hs.Close)
	ck := f.sessionFor(role, org)
	ctx := browser(t, w, h)
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: hs.URL}); err != nil {
		t.Fatal(err)
	}
	return ctx, hs.URL
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func fits(t *testing.T, ctx context.Context, what string, width int) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth <= window.innerWidth"))
	if err != nil || !ok {
		t.Fatalf("%s scrolls sideways at %d px (%v)", what, width, err)
	}
}

func TestOperatorDayInBrowser(t *testing.T) {
	for _, size := range wsSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := newWOFixture(t)
			ctx, base := f.browserAs(t, accounts.RoleOperator, "", size.w, size.h)
			err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/operator/work-orders/new"),
				chromedp.WaitVisible(chromedp.CSS("#phone")),
				chromedp.KeyEvent("13800135678\t王先生\t投诉\t第一党支部 [ZB1]\t小区东门路灯坏了一周，晚上很黑"),
				chromedp.SetValue(chromedp.CSS("#category"), "city/environment/lights"),
				chromedp.SendKeys(chromedp.CSS("#location"), "幸福小区东门"),
				chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
				chromedp.WaitVisible(chromedp.CSS("#created-number")),
			)
			if err != nil {
				t.Fatal(err)
			}
			if st := text(t, ctx, "#created-status"); st != "已派单" {
				t.Fatalf("taken with its unit: %q, want 已派单", st)
			}
			wsShot(t, ctx, fmt.Sprintf("operator-intake-%d", size.w))
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#created-link")), chromedp.WaitVisible(chromedp.CSS("#detail-number")))
			if err != nil {
				t.Fatal(err)
			}
			for sel, want := range map[string]string{"#detail-status": "已派单", "#detail-org": "第一党支部", "#detail-category": "城市管理 › 市容环境 › 路灯",
				"#detail-location": "幸福小区东门", "#detail-phone": "138****5678"} {
				if got := text(t, ctx, sel); got != want {
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
			if ev := text(t, ctx, "#events"); !strings.Contains(ev, "受理") || !strings.Contains(ev, "派单") || !strings.Contains(ev, "承办：第一党支部") {
				t.Errorf("events %q", ev)
			}
			fits(t, ctx, "the detail page", size.w)
			wsShot(t, ctx, fmt.Sprintf("operator-detail-%d", size.w))
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#reveal-phone")), chromedp.WaitVisible(chromedp.CSS("#full-phone")))
			if err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#full-phone"); got != "13800135678" {
				t.Fatalf("revealed %q", got)
			}
			wsShot(t, ctx, fmt.Sprintf("operator-reveal-%d", size.w))
			if log := f.auditOf("work_order.reveal_phone"); len(log) != 1 {
				t.Fatalf("reveal audited %d times", len(log))
			}
			// The all-orders list finds it by its content.
			err = chromedp.Do(ctx, chromedp.Navigate(base+"/operator/work-orders/all?q=路灯"), chromedp.WaitVisible(chromedp.CSS("#orders")))
			if err != nil {
				t.Fatal(err)
			}
			fits(t, ctx, "the all-orders list", size.w)
			wsShot(t, ctx, fmt.Sprintf("operator-list-%d", size.w))
			// The branch answers; the operator closes, then calls back from the
			// detail page with the number revealed again.
			l := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders", nil), http.StatusOK)
			if len(l.Items) != 1 {
				t.Fatalf("orders %+v", l.Items)
			}
			c := l.Items[0]
			f.step(f.secA, c.ID, map[string]any{"action": "accept"})
			f.step(f.secA, c.ID, map[string]any{"action": "reply", "note": "已更换路灯", "outcome": "solved"})
			f.step(f.operator, c.ID, map[string]any{"action": "close"})
			err = chromedp.Do(ctx,
				chromedp.Navigate(base+"/operator/work-orders/"+c.ID), chromedp.WaitVisible(chromedp.CSS("#reveal-phone")),
				chromedp.Click(chromedp.CSS("#reveal-phone")), chromedp.WaitVisible(chromedp.CSS("#full-phone")),
				chromedp.Click(chromedp.CSS("#form-callback input[name=satisfaction][value=satisfied]")),
				chromedp.SendKeys(chromedp.CSS("#form-callback input[name=note]"), "来电人表示路灯已亮"),
			)
			if err != nil {
				t.Fatal(err)
			}
			// The caller's verdict on the resolution, where the form asks for it.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=document.querySelector("#form-callback input[name=resolution][value=resolved]"); if(r){r.click();} return true;})()`)); err != nil {
				t.Fatal(err)
			}
			wsShot(t, ctx, fmt.Sprintf("operator-callback-%d", size.w))
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#form-callback button")), chromedp.WaitVisible(chromedp.CSS("#done")))
			if err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#detail-status"); got != "已回访" {
				t.Fatalf("after the callback: %q", got)
			}
			if log := f.auditOf("work_order.reveal_phone"); len(log) != 2 {
				t.Fatalf("reveals audited %d times, want 2", len(log))
			}
		})
	}
}

func TestSecretaryDayInBrowser(t *testing.T) {
	for _, size := range wsSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := newWOFixture(t)
			c := f.create(f.operator, call("complaint", "", "13800135678", "location", "幸福小区3号楼"))
			f.step(f.operator, c.ID, map[string]any{"action": "assign", "org_id": f.a.ID, "note": "请今天内联系来电人"})
			ctx, base := f.browserAs(t, accounts.RoleSecretary, f.a.ID, size.w, size.h)
			err := chromedp.Do(ctx, chromedp.Navigate(base+"/branch/work-orders"), chromedp.WaitVisible(chromedp.CSS("#wo-"+c.ID)))
			if err != nil {
				t.Fatal(err)
			}
			card := text(t, ctx, "#wo-"+c.ID)
			if !strings.Contains(card, "幸福小区3号楼") || !strings.Contains(card, "派单说明：请今天内联系来电人") {
				t.Fatalf("queue card %q", card)
			}
			wsShot(t, ctx, fmt.Sprintf("branch-queue-%d", size.w))
			err = chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS("#wo-"+c.ID+" a.wo-number")), chromedp.WaitVisible(chromedp.CSS("#detail-number")),
				chromedp.Click(chromedp.CSS("#form-accept button")), chromedp.WaitVisible(chromedp.CSS("#done")),
				chromedp.SendKeys(chromedp.CSS("#form-reply textarea[name=note]"), "已上门查看。\n已更换两盏路灯，第三盏需更换线路。"),
				chromedp.Click(chromedp.CSS("#form-reply input[name=outcome][value=partly]")),
				chromedp.SendKeys(chromedp.CSS("#form-reply input[name=reason]"), "线路归供电公司维护"),
			)
			if err != nil {
				t.Fatal(err)
			}
			wsShot(t, ctx, fmt.Sprintf("branch-reply-%d", size.w))
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#form-reply button")), chromedp.WaitVisible(chromedp.CSS("#done")))
			if err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#detail-outcome"); got != "部分解决" {
				t.Fatalf("outcome %q", got)
			}
			if got := text(t, ctx, "#detail-reply"); !strings.Contains(got, "已上门查看。\n已更换两盏") {
				t.Fatalf("reply %q keeps no lines", got)
			}
			err = chromedp.Do(ctx, chromedp.Navigate(base+"/branch/work-orders/done"), chromedp.WaitVisible(chromedp.CSS("#orders")))
			if err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#orders"); !strings.Contains(got, c.Number) || !strings.Contains(got, "部分解决") {
				t.Fatalf("history %q", got)
			}
			fits(t, ctx, "the branch history", size.w)
			wsShot(t, ctx, fmt.Sprintf("branch-done-%d", size.w))
			o := f.get(f.operator, c.ID)
			if o.Status != "replied" || o.ReplyOutcome != "partly" || o.ReplyReason != "线路归供电公司维护" {
				t.Fatalf("stored %s %s %q", o.Status, o.ReplyOutcome, o.ReplyReason)
			}
		})
	}
}
