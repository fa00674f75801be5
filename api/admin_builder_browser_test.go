package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"minyi/surveys"
)

// TestBuilderInBrowser drives each part of the builder with clicks and
// keys and checks what the save stored: subjects picked from the org tree
// (one member ticked in the member list, the branches of a committee,
// then reordered), a rater group added, a closing time in Beijing time, a
// new matrix question with a preset and an extra option, a quota on it,
// trimming and a grade's quota.
func TestBuilderInBrowser(t *testing.T) {
	a, _, _ := newManageEnv(t)
	o := a.orgTree()
	zhang := a.member("张建国", o.zb1.ID)
	a.member("李秀英", o.zb1.ID)
	sv := decode[surveys.Survey](t, a.do(http.MethodPost, "/api/v1/surveys", map[string]any{"title": "空白测评", "kind": "satisfaction"}), http.StatusCreated)
	srv := httptest.NewServer(a.srv)
	defer srv.Close()

	ctx := browser(t, 1280, 900)
	click := func(sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	err := chromedp.Do(ctx,
		signIn(srv.URL+"/admin/surveys/"+sv.ID+"/edit", "root", secretPassword),
		chromedp.WaitVisible(chromedp.CSS("#pick-org")),
		chromedp.SetValue(chromedp.CSS("#pick-org"), o.zb1.ID),
	)
	if err != nil {
		t.Fatal(err)
	}
	click("#pick-members")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#member-pick input[value="`+zhang.ID+`"]`))); err != nil {
		t.Fatal(err)
	}
	retype(t, ctx, "pm-filter", "张")
	click("#pm-all") // ticks only 张建国: 李秀英 is filtered out
	click("#add-members")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#pick-org"), o.root.ID)); err != nil {
		t.Fatal(err)
	}
	click("#add-branches") // ZB1, ZB2
	click("#sub-up-1")     // ZB1 before 张建国
	waitTrue(t, ctx, "three subjects", `document.querySelectorAll("#subject-list tbody tr").length===3`)

	click("#add-group")
	retype(t, ctx, "f-rater-groups-0-name", "群众")
	// Keys are generated and hidden until 高级 shows them.
	waitTrue(t, ctx, "the key hidden", `getComputedStyle(document.getElementById("f-rater-groups-0-key").parentNode).display==="none"`)
	click("#show-keys")
	retype(t, ctx, "f-rater-groups-0-key", "masses")
	retype(t, ctx, "f-rater-groups-0-weight", "0.6")
	// A date-time field is typed field by field in the browser's locale;
	// set it as the picker would.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var e=document.getElementById("f-access-closes-at");e.value="2026-12-20T17:30";e.dispatchEvent(new Event("input"));return true})()`)); err != nil {
		t.Fatal(err)
	}

	// An open link: only 群众 may be picked without a code, one ballot a device.
	click("#f-access-public-groups-0-")
	click("#f-access-one-per-device")

	click("#add-single") // a matrix question with the satisfaction preset
	retype(t, ctx, "f-questions-0-title", "服务群众")
	click("#preset-appraisal-0")
	click("#add-option-0")
	retype(t, ctx, "f-questions-0-options-4-label", "不了解")
	click("#f-questions-0-options-4-abstain")
	click("#add-option-0")
	retype(t, ctx, "f-questions-0-options-5-label", "其他")
	retype(t, ctx, "f-questions-0-options-5-score", "60") // a scored question: every option has points
	click("#f-questions-0-options-5-other")
	click("#add-quota")
	// A quota as people write it: 三分之一 (read back as 33.33%).
	retype(t, ctx, "f-rules-quotas-0-max-share", "三分之一")
	waitTrue(t, ctx, "the share read", `document.querySelector('[data-path="rules.quotas[0]"] .b-share').textContent.includes("33.33%")`)
	click("#f-scoring-trim")
	click("#add-grade")
	retype(t, ctx, "f-scoring-grades-0-label", "好")
	retype(t, ctx, "f-scoring-grades-0-min-score", "80")
	retype(t, ctx, "f-scoring-grades-0-max-share", "30")
	click("#add-grade")
	retype(t, ctx, "f-scoring-grades-1-label", "一般")
	retype(t, ctx, "f-scoring-grades-1-min-score", "0")
	click("#save")
	waitTrue(t, ctx, "the save", `document.getElementById("save-status").textContent.includes("已保存")`)

	got := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+sv.ID, nil), http.StatusOK)
	subs := []string{}
	for _, s := range got.Subjects {
		subs = append(subs, string(s.Type)+":"+s.Name)
	}
	if want := []string{"org:第一党支部", "member:张建国", "org:第二党支部"}; !equalStrings(subs, want) {
		t.Errorf("subjects %v, want %v", subs, want)
	}
	if g := got.RaterGroups; len(g) != 1 || g[0].Key != "masses" || g[0].Name != "群众" || g[0].Weight != 0.6 {
		t.Errorf("rater groups %+v", g)
	}
	if c := got.Access.ClosesAt; c == nil || !c.Equal(time.Date(2026, 12, 20, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("closes_at %v, want 2026-12-20 17:30 Beijing time", c)
	}
	if a := got.Access; len(a.PublicGroups) != 1 || a.PublicGroups[0] != "masses" || !a.OnePerDevice {
		t.Errorf("access %+v", a)
	}
	if len(got.Questions) != 1 {
		t.Fatalf("questions %+v", got.Questions)
	}
	q := got.Questions[0]
	labels := []string{}
	for _, op := range q.Options {
		label := op.Label
		if op.Abstain {
			label += "(abstain)"
		}
		labels = append(labels, label)
	}
	if q.Title != "服务群众" || !q.PerSubject || !q.Required || q.Type != surveys.QSingle ||
		!equalStrings(labels, []string{"优秀", "合格", "基本合格", "不合格", "不了解(abstain)", "其他"}) || *q.Options[0].Score != 95 || q.Options[4].Score != nil || !q.Options[5].Other {
		t.Errorf("question %+v options %v", q, labels)
	}
	if r := got.Rules.Quotas; len(r) != 1 || r[0].Question != q.Key || r[0].Option != "excellent" || r[0].MaxShare != 1.0/3 {
		t.Errorf("quotas %+v", r)
	}
	sc := got.Scoring
	if sc.Trim == nil || sc.Trim.MinAnswers != 6 || len(sc.Grades) != 2 || sc.Grades[0].Label != "好" || sc.Grades[0].MinScore != 80 || sc.Grades[0].MaxShare != 0.3 || sc.Grades[1].MinScore != 0 {
		t.Errorf("scoring %+v %+v", sc.Trim, sc.Grades)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
