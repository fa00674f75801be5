package api_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Debian chromium for one test, at a phone's size
// by default. Without chromium the test is skipped on a workstation but
// fails in CI (CI=true), where .ci/run installs it.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (scripts/test.sh installs it)")
		}
		t.Skip("chromium not installed; run ./scripts/test.sh")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			sctx, cancel := context.WithTimeout(tab, 10*time.Second)
			screenshot(t, sctx)
			cancel()
		}
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the browser; give it the tab's own context so
	// that the test's timeout does not take the tab down before the
	// screenshot of a failure.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// signIn opens url, which sends a visitor to the login page, and signs in
// there; the browser comes back to url.
func signIn(url, login, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), login),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#go")),
	)
}

// screenshot saves what the page showed when a browser test failed, under
// the test's output directory (or the temp dir), and logs where.
func screenshot(t *testing.T, ctx context.Context) {
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	dir := os.Getenv("MINYI_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
	if err := os.WriteFile(name, png, 0o644); err == nil {
		t.Logf("screenshot of the failed page: %s", name)
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		t.Logf("page HTML:\n%s", html)
	}
}
