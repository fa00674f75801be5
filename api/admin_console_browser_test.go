package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/surveys"
)

// waitTrue polls a JavaScript expression until it is true, failing after
// ten seconds (the builder saves and previews asynchronously).
func waitTrue(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	waitFor(t, ctx, what, expr, 10*time.Second)
}

// waitFor is waitTrue with its own limit.
func waitFor(t *testing.T, ctx context.Context, what, expr string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (%v)", what, limit, err)
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

// TestAdminConsoleInBrowser is the administrator's round from an empty
// system, all in the browser: build the org tree, check then import the
// roster, create a survey from a template, change a question in the
// builder (seen in the phone preview before saving, a bad value refused
// next to its field), publish through the confirmation, issue and print
// ballot codes; a member opens the code's link on a phone and votes; the
// admin sees the code used and the ballot returned, and the leadership
// results page counts it.
func TestAdminConsoleInBrowser(t *testing.T) {
	a, _, _ := newManageEnv(t)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()
	roster, err := filepath.Abs("../testdata/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	desk := browser(t, 1280, 900)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(desk, steps...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(desk, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}

	// The org tree: a committee and two branches under it.
	do(signIn(srv.URL+"/admin/orgs", "root", secretPassword), chromedp.WaitVisible(chromedp.CSS("#org-form")))
	for _, org := range []struct{ name, code, kind, parent string }{
		{"某街道党工委", "JD", "committee", ""}, {"第一党支部", "ZB1", "branch", "[JD]"}, {"第二党支部", "ZB2", "branch", "[JD]"},
	} {
		do(chromedp.SendKeys(chromedp.CSS("#name"), org.name), chromedp.SendKeys(chromedp.CSS("#code"), org.code),
			chromedp.SetValue(chromedp.CSS("#kind"), org.kind))
		if org.parent != "" {
			eval(`(function(){var s=document.getElementById("parent_id");for(var i=0;i<s.options.length;i++){if(s.options[i].text.indexOf("` + org.parent + `")>=0){s.value=s.options[i].value}}return s.value})()`)
		}
		do(chromedp.Click(chromedp.CSS("#create")))
		// The notice of the previous org is still on the old page: wait for this one's.
		waitTrue(t, desk, "org "+org.name, `(function(){var e=document.getElementById("created");return !!e&&e.textContent.indexOf("`+org.name+`")>=0})()`)
	}
	// The roster: checked first (nothing stored), then imported.
	do(chromedp.Click(chromedp.CSS("#tree a.org-link")), chromedp.WaitVisible(chromedp.CSS("#import-form")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{roster}), chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#import-result")))
	if r := eval(`document.getElementById("import-result").innerText`); !strings.Contains(r, "未导入") {
		t.Fatalf("the check's result: %q", r)
	}
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 0 {
		t.Fatalf("the check stored %d members", n)
	}
	do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{roster}), chromedp.Click(chromedp.CSS("#import")))
	waitTrue(t, desk, "the import's result", `document.getElementById("import-result-title").textContent==="名册导入结果"`)
	if n := eval(`document.getElementById("imp-created").textContent`); n != "8" {
		t.Fatalf("imported %s members, want 8", n)
	}
	if n := len(decode[memberList](t, a.do(http.MethodGet, "/api/v1/members", nil), http.StatusOK).Items); n != 8 {
		t.Fatalf("the import stored %d members, want 8", n)
	}

	// A survey from the appraisal template for the whole committee.
	do(chromedp.Navigate(srv.URL+"/admin/surveys"), chromedp.WaitVisible(chromedp.CSS("#survey-form")),
		chromedp.Click(chromedp.CSS(`input[name=template][value="`+surveys.TemplateAppraisal+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#title"), "某街道2026年民主评议党员"))
	eval(`(function(){var s=document.getElementById("org_id");for(var i=0;i<s.options.length;i++){if(s.options[i].text.indexOf("某街道党工委")>=0){s.value=s.options[i].value}}return s.value})()`)
	do(chromedp.Click(chromedp.CSS("#create")), chromedp.WaitVisible(chromedp.CSS("#edit-link")),
		chromedp.Click(chromedp.CSS("#edit-link")), chromedp.WaitVisible(chromedp.CSS("#f-questions-0-title")))
	id := eval(`document.getElementById("builder-root").dataset.survey`)
	// The preview shows the committee's members, expanded from the roster.
	waitTrue(t, desk, "the preview", `(function(){var f=document.getElementById("preview-frame").contentDocument;return !!f&&!!f.body&&f.body.innerText.indexOf("张建国")>=0&&f.body.innerText.indexOf("评议等次")>=0})()`)

	// Change the question; the preview follows before anything is saved.
	retype(t, desk, "f-questions-0-title", "2026年度评议等次")
	waitTrue(t, desk, "the preview of the change", `document.getElementById("preview-frame").contentDocument.body.innerText.indexOf("2026年度评议等次")>=0`)
	if sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK); sv.Questions[0].Title != "评议等次" {
		t.Fatalf("saved before the save button: %q", sv.Questions[0].Title)
	}
	// A bad value is refused with its message next to the field; fixed,
	// Ctrl+S saves.
	retype(t, desk, "f-questions-0-options-0-score", "150")
	do(chromedp.Click(chromedp.CSS("#save")))
	waitTrue(t, desk, "the field error", `(function(){var e=document.getElementById("err-f-questions-0-options-0-score");return !!e&&e.textContent.indexOf("分值应在0到100之间")>=0})()`)
	retype(t, desk, "f-questions-0-options-0-score", "96")
	do(chromedp.KeyEvent("s", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	waitTrue(t, desk, "the save", `document.getElementById("save-status").textContent.indexOf("已保存")>=0&&document.getElementById("error-summary").hidden`)
	if f := eval(`document.activeElement.id`); f != "f-questions-0-options-0-score" {
		t.Errorf("after Ctrl+S the focus is on %q, not the field typed in", f)
	}
	if sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK); sv.Questions[0].Title != "2026年度评议等次" || *sv.Questions[0].Options[0].Score != 96 {
		t.Fatalf("after the save: %q", sv.Questions[0].Title)
	}

	// Publish through the confirmation page, then issue two codes for 党员
	// and print them.
	do(chromedp.Click(chromedp.CSS("#back-link")), chromedp.WaitVisible(chromedp.CSS("#publish")),
		chromedp.Click(chromedp.CSS("#publish")), chromedp.WaitVisible(chromedp.CSS("#freezes")),
		chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#public-link")),
		chromedp.SetValue(chromedp.CSS("#count"), "2"), chromedp.SetValue(chromedp.CSS("#rater_group"), "members"),
		chromedp.Click(chromedp.CSS("#issue")), chromedp.WaitVisible(chromedp.CSS("#codes-pdf")))
	if n := eval(`document.getElementById("codes-issued").textContent`); n != "2" {
		t.Fatalf("codes issued: %s", n)
	}
	waitTrue(t, desk, "the printable sheet", `(function(){if(window.pdfType===undefined){window.pdfType="";fetch(document.getElementById("codes-pdf").href).then(function(r){window.pdfType=r.headers.get("Content-Type")})}return window.pdfType==="application/pdf"})()`)
	link := codeLinks(t, a, id)[0]

	// A member votes on a phone with the code's link (the QR code's text).
	phone := browser(t, 360, 740)
	err = chromedp.Do(phone, chromedp.Navigate(srv.URL+strings.TrimPrefix(link, testBaseURL)), chromedp.WaitVisible(chromedp.CSS("#ballot")))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(phone, chromedp.Text(chromedp.CSS("#ballot")))
	if err != nil || !strings.Contains(text, "2026年度评议等次") || !strings.Contains(text, "刘芳") {
		t.Fatalf("the ballot page does not show the edited survey: %q (%v)", text, err)
	}
	// 合格 for every member, tapped as a resident would.
	n, err := chromedp.Run(phone, chromedp.Evaluate[int](`(function(){var fs=document.querySelectorAll(".question[data-required]");fs.forEach(function(f){f.querySelectorAll("label")[1].click()});return fs.length})()`))
	if err != nil || n != 8 {
		t.Fatalf("answered %d questions (%v)", n, err)
	}
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("#thanks"))); err != nil {
		t.Fatal(err)
	}

	// The admin watches it arrive (the page updates its counts by itself
	// every 15 s); leadership sees it counted.
	waitFor(t, desk, "the live counts", `document.getElementById("codes-used").textContent==="1"`, 20*time.Second)
	if used, total := eval(`document.getElementById("codes-used").textContent`), eval(`document.getElementById("ballots-total").textContent`); used != "1" || !strings.Contains(total, "1") {
		t.Fatalf("survey page: codes used %q, ballots %q", used, total)
	}
	do(chromedp.Navigate(srv.URL+"/results/"+id), chromedp.WaitVisible(chromedp.CSS("#results-filter")))
	if summary := eval(`document.querySelector("main > p.muted").textContent`); !strings.Contains(summary, "有效答卷 1 份") {
		t.Fatalf("results page: %q", summary)
	}
}

// codeLinks reads the links of survey id's unused ballot codes from the
// printable workbook, as a person reads them off the printed cards.
func codeLinks(t *testing.T, a *authEnv, id string) []string {
	t.Helper()
	w := a.do(http.MethodGet, "/api/v1/surveys/"+id+"/codes.xlsx", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("codes.xlsx: %d", w.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(exports.SheetCodeList)
	if err != nil || len(rows) < 2 {
		t.Fatalf("code list %v (%v)", rows, err)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[3])
	}
	return out
}
