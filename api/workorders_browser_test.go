package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"minyi/accounts"
)

// TestOperatorFormInBrowser takes two calls on the operator's form in a
// real browser, at a desktop's and at a phone's width, with the keyboard
// only: the phone field has the focus, Tab walks phone → name → kind →
// org → content, the pickers take typed text, Ctrl+Enter submits; the new
// number shows, and the second call from the same number is flagged as a
// possible duplicate.
func TestOperatorFormInBrowser(t *testing.T) {
	for _, size := range []struct{ w, h int }{{1280, 800}, {360, 740}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := newWOFixture(t)
			hs := httptest.NewServer(f.srv)
			t.Cleanup(hs.Close)
			ck := f.sessionFor(accounts.RoleOperator, "")
			ctx := browser(t, size.w, size.h)
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: hs.URL}); err != nil {
				t.Fatal(err)
			}
			take := func() string {
				t.Helper()
				err := chromedp.Do(ctx,
					chromedp.Navigate(hs.URL+"/operator/work-orders/new"),
					chromedp.WaitVisible(chromedp.CSS("#phone")),
				)
				if err != nil {
					t.Fatal(err)
				}
				focused, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.activeElement.id"))
				if err != nil || focused != "phone" {
					t.Fatalf("focus on %q (%v), want the phone field", focused, err)
				}
				err = chromedp.Do(ctx,
					chromedp.KeyEvent("13800135678\t王先生\t投诉\t第一党支部 [ZB1]\t楼下餐馆油烟扰民，晚上十点后仍在营业"),
					chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
					chromedp.WaitVisible(chromedp.CSS("#created-number")),
				)
				if err != nil {
					t.Fatal(err)
				}
				num, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#created-number")))
				if err != nil {
					t.Fatal(err)
				}
				return num
			}
			first := take()
			if first != "20261125-0001" {
				t.Fatalf("first number %q", first)
			}
			if dup, _ := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.getElementById('duplicates') !== null")); dup {
				t.Fatal("the first call is flagged as a duplicate")
			}
			second := take()
			if second != "20261125-0002" {
				t.Fatalf("second number %q", second)
			}
			err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#duplicates")))
			if err != nil {
				t.Fatal(err)
			}
			hint, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#duplicates")))
			if err != nil || !strings.Contains(hint, "可能重复") || !strings.Contains(hint, first) {
				t.Fatalf("duplicate hint %q (%v)", hint, err)
			}
			fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth <= window.innerWidth"))
			if err != nil || !fits {
				t.Fatalf("the page scrolls sideways at %d px (%v)", size.w, err)
			}
			// What the browser stored matches what it was typed.
			o := decode[struct{ Items []orderJSON }](t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders?q="+second, nil), http.StatusOK)
			if len(o.Items) != 1 || o.Items[0].OrgID != f.a.ID || o.Items[0].Caller.Name != "王先生" || o.Items[0].Caller.Phone != "138****5678" {
				t.Fatalf("stored %+v", o.Items)
			}
		})
	}
}
