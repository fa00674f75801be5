package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"minyi/surveys"
)

// TestAdminSurveyCopyLinkInBrowser: admin.js shows the copy button (hidden
// without JavaScript), copies the absolute link with
// navigator.clipboard.writeText and says 已复制 in the live region; where
// the clipboard API is missing it selects the link in its input instead.
func TestAdminSurveyCopyLinkInBrowser(t *testing.T) {
	a, _, _ := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	sv := decode[surveys.Survey](t, a.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID}), http.StatusCreated)
	pub := decode[struct{ Link string }](t, a.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()

	desk := browser(t, 1280, 900)
	err := chromedp.Do(desk,
		signIn(srv.URL+"/admin/surveys/"+sv.ID, "root", secretPassword),
		chromedp.WaitVisible(chromedp.CSS("#copy-link")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// A stand-in clipboard records what is written (headless chromium has no
	// clipboard to read back without permissions).
	if _, err := chromedp.Run(desk, chromedp.Evaluate[bool](`Object.defineProperty(navigator, "clipboard", {configurable: true,
		value: {writeText: function (t) { window.copied = t; return Promise.resolve(); }}}), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(desk, chromedp.Click(chromedp.CSS("#copy-link"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, desk, "the copy", `window.copied === `+jsString(pub.Link)+` && document.getElementById("copy-status").textContent === "已复制"`)

	// Without the clipboard API: the link is selected for Ctrl+C.
	if _, err := chromedp.Run(desk, chromedp.Evaluate[bool](`Object.defineProperty(navigator, "clipboard", {configurable: true, value: undefined}),
		document.getElementById("copy-status").textContent = "", true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(desk, chromedp.Click(chromedp.CSS("#copy-link"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, desk, "the fallback", `(function () { var i = document.getElementById("public-link-input");
		return document.activeElement === i && i.selectionStart === 0 && i.selectionEnd === i.value.length &&
			document.getElementById("copy-status").textContent !== ""; })()`)
}

// jsString quotes s as a JavaScript string literal (the link has no quotes).
func jsString(s string) string { return `"` + s + `"` }
