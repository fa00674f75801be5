package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMatrixBallotOnPhone: an 11-member appraisal on a 360 px phone is one
// compact matrix (one row a member, the grade labels once), far shorter
// than a card per member; the 优秀 quota (floor(0.3334 × 11) = 3) and the
// 「最多选2项」 limit are counted live and stop the submit; 「其他」 asks for
// its words, which are stored with the ballot.
func TestMatrixBallotOnPhone(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	var ids []string
	for i := range 11 {
		ids = append(ids, e.member(fmt.Sprintf("党员%02d", i+1), o.zb1.ID).ID)
	}
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{
		"title": "2026年度民主评议党员", "kind": "appraisal",
		"subjects":     []map[string]any{{"type": "org_members", "id": o.zb1.ID}},
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 1}},
		"questions": []map[string]any{
			{"key": "grade", "type": "single", "title": "评议等次", "description": "请对每位党员作出评价", "required": true, "per_subject": true, "options": []map[string]any{
				{"key": "excellent", "label": "优秀", "score": 95}, {"key": "qualified", "label": "合格", "score": 80},
				{"key": "basic", "label": "基本合格", "score": 65}, {"key": "unqualified", "label": "不合格", "score": 40}}},
			{"key": "focus", "type": "multiple", "title": "支部今后应加强的方面", "min": 1, "max": 2, "options": []map[string]any{
				{"key": "study", "label": "理论学习"}, {"key": "service", "label": "服务群众"}, {"key": "rules", "label": "组织生活"},
				{"key": "other", "label": "其他", "other": true}}},
		},
		"rules": map[string]any{"quotas": []map[string]any{{"question": "grade", "option": "excellent", "max_share": 0.3334}}},
	}), http.StatusCreated)
	pub := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv["id"].(string)+"/publish", nil), http.StatusOK)
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	ctx := browser(t, 360, 740)
	radio := func(i int, option string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`input[name="a|grade|` + ids[i] + `"][value="` + option + `"]`))
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(srv.URL + "/s/" + pub["slug"].(string)), chromedp.WaitVisible(chromedp.CSS("#matrix-grade"))}
	for i := range ids {
		grade := "qualified"
		if i < 4 {
			grade = "excellent" // one more than the quota of 3
		}
		steps = append(steps, radio(i, grade))
	}
	box := func(v string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`input[name="a|focus"][value="` + v + `"]`))
	}
	steps = append(steps, box("study"), box("other"))
	if err := chromedp.Do(ctx, steps...); err != nil {
		screenshot(t, ctx)
		t.Fatal(err)
	}
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
	if err != nil || height > 1800 {
		screenshot(t, ctx)
		t.Fatalf("page is %d px tall at 360 px, want a compact matrix (≤ 1800; a card per member was 3,956) (%v)", height, err)
	}
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#matrix-grade thead th').length`))
	if err != nil || labels != 5 {
		t.Fatalf("header cells %d, want the name and 4 grades once", labels)
	}
	fits, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if !fits {
		t.Fatal("the matrix scrolls sideways at 360 px")
	}
	hint, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#rules li[data-kind="quota"] .rule-count`)))
	if !strings.Contains(hint, "已选 4 个") {
		t.Fatalf("live quota hint %q, want 已选 4 个", hint)
	}
	disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="a|focus"][value="service"]').disabled`))
	if !disabled {
		t.Fatal("a third choice of 最多选2项 is still open")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("#client-error"))); err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#client-error")))
	if !strings.Contains(msg, "优秀") || !strings.Contains(msg, "其他") {
		t.Fatalf("the submit was stopped with %q, want the quota and the 其他 text", msg)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil && os.Getenv("MINYI_SCREENSHOTS") != "" {
		_ = os.WriteFile(os.Getenv("MINYI_SCREENSHOTS")+"/matrix-360.png", png, 0o644)
	}
	err = chromedp.Do(ctx, radio(3, "qualified"),
		chromedp.SendKeys(chromedp.CSS(`input[name="o|focus"]`), "多到居民家中走访"),
		chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("#thanks")))
	if err != nil {
		screenshot(t, ctx)
		t.Fatal(err)
	}
	l := e.do(http.MethodGet, "/api/v1/surveys/"+sv["id"].(string)+"/ballots", nil).Body.String()
	if !strings.Contains(l, `"options":["study","other"],"text":"多到居民家中走访"`) {
		t.Fatalf("stored ballot lacks the 其他 words: %s", l)
	}
}
