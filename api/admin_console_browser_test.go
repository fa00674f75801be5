package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"minyi/surveys"
)

// waitTrue polls a JavaScript expression until it is true, failing after
// ten seconds (the builder saves and previews asynchronously).
func waitTrue(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s (%v)", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// retype replaces the text of input #id as a person would: select it all,
// then type over it (the input events fire as they do for a person).
func retype(t *testing.T, ctx context.Context, id, text string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("`+id+`").select(),true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#"+id), text)); err != nil {
		t.Fatal(err)
	}
}

// TestAdminConsoleInBrowser is the administrator's round from the issue:
// sign in, create a survey from a template, change a question in the
// builder (seen in the phone preview before saving), save, publish through
// the confirmation, open the public link on a phone and vote, then see the
// ballot counted on the leadership results page.
func TestAdminConsoleInBrowser(t *testing.T) {
	a, _, _ := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()

	desk := browser(t, 1280, 900)
	err := chromedp.Do(desk,
		signIn(srv.URL+"/admin/surveys", "root", secretPassword),
		chromedp.WaitVisible(chromedp.CSS("#survey-form")),
		chromedp.Click(chromedp.CSS(`input[name=template][value="`+surveys.TemplateSatisfaction+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#title"), "幸福社区党支部满意度测评"),
		chromedp.SetValue(chromedp.CSS("#org_id"), o.general.ID),
		chromedp.Click(chromedp.CSS("#create")),
		chromedp.WaitVisible(chromedp.CSS("#edit-link")),
		chromedp.Click(chromedp.CSS("#edit-link")),
		chromedp.WaitVisible(chromedp.CSS("#f-questions-0-title")),
	)
	if err != nil {
		t.Fatal(err)
	}
	id, err := chromedp.Run(desk, chromedp.Evaluate[string](`document.getElementById("builder-root").dataset.survey`))
	if err != nil || id == "" {
		t.Fatalf("survey id on the builder: %q (%v)", id, err)
	}
	// The preview shows the template's branches as subjects.
	waitTrue(t, desk, "the preview", `(function(){var f=document.getElementById("preview-frame").contentDocument;return !!f&&f.body.innerText.includes("第二党支部")&&f.body.innerText.includes("政治建设")})()`)

	// Change the first question's title and drop the text question; the
	// preview follows before anything is saved.
	retype(t, desk, "f-questions-0-title", "政治建设成效")
	if err := chromedp.Do(desk, chromedp.Click(chromedp.CSS("#q-del-4"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, desk, "the preview of the change", `(function(){var b=document.getElementById("preview-frame").contentDocument.body.innerText;return b.includes("政治建设成效")&&!b.includes("意见建议")})()`)
	if sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK); sv.Questions[0].Title != "政治建设" {
		t.Fatalf("saved before the save button: %q", sv.Questions[0].Title)
	}
	// A bad value is refused with its message next to the field.
	retype(t, desk, "f-questions-0-options-0-score", "150")
	if err := chromedp.Do(desk, chromedp.Click(chromedp.CSS("#save"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, desk, "the field error", `(function(){var e=document.getElementById("err-f-questions-0-options-0-score");return !!e&&e.textContent.includes("分值应在0到100之间")})()`)
	retype(t, desk, "f-questions-0-options-0-score", "100")
	if err := chromedp.Do(desk, chromedp.KeyEvent("s", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil { // Ctrl+S
		t.Fatal(err)
	}
	waitTrue(t, desk, "the save", `document.getElementById("save-status").textContent.includes("已保存")&&document.getElementById("error-summary").hidden`)
	sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)
	if sv.Questions[0].Title != "政治建设成效" || len(sv.Questions) != 4 || *sv.Questions[0].Options[0].Score != 100 {
		t.Fatalf("after the save: %d questions, first %q", len(sv.Questions), sv.Questions[0].Title)
	}

	// Publish through the confirmation page.
	err = chromedp.Do(desk,
		chromedp.Click(chromedp.CSS("#back-link")),
		chromedp.WaitVisible(chromedp.CSS("#publish")),
		chromedp.Click(chromedp.CSS("#publish")),
		chromedp.WaitVisible(chromedp.CSS("#freezes")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#public-link")),
	)
	if err != nil {
		t.Fatal(err)
	}
	link, err := chromedp.Run(desk, chromedp.Evaluate[string](`document.getElementById("public-link").getAttribute("href")`))
	if err != nil || !strings.HasPrefix(link, "/s/") {
		t.Fatalf("public link %q (%v)", link, err)
	}

	// A resident votes on a phone.
	phone := browser(t, 360, 740)
	err = chromedp.Do(phone,
		chromedp.Navigate(srv.URL+link),
		chromedp.WaitVisible(chromedp.CSS("#ballot")),
		chromedp.Click(chromedp.CSS(`#group input[value="masses"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(phone, chromedp.Text(chromedp.CSS("#ballot")))
	if err != nil || !strings.Contains(text, "政治建设成效") || strings.Contains(text, "意见建议") {
		t.Fatalf("the ballot page does not show the edited survey: %q (%v)", text, err)
	}
	// Tap the first answer of every question, as a resident would.
	n, err := chromedp.Run(phone, chromedp.Evaluate[int](`(function(){var fs=document.querySelectorAll("fieldset.question");fs.forEach(function(f){f.querySelector("label").click()});return fs.length})()`))
	if err != nil || n != 8 { // 4 questions × 2 branches
		t.Fatalf("answered %d questions (%v)", n, err)
	}
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("#thanks"))); err != nil {
		t.Fatal(err)
	}

	// Leadership sees it counted.
	if err := chromedp.Do(desk, chromedp.Navigate(srv.URL+"/results/"+id), chromedp.WaitVisible(chromedp.CSS("#results-filter"))); err != nil {
		t.Fatal(err)
	}
	summary, err := chromedp.Run(desk, chromedp.Text(chromedp.CSS("main > p.muted")))
	if err != nil || !strings.Contains(summary, "有效答卷 1 份") {
		t.Fatalf("results page: %q (%v)", summary, err)
	}
}
