package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"minyi/surveys"
)

// builderOrgJSON is an org as the builder's data lists it.
type builderOrgJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Depth int    `json:"depth"`
}

// builderPageData reads the JSON that /admin/surveys/{id}/edit embeds for
// builder.js.
func builderPageData(t *testing.T, body string) (surveys.Survey, []builderOrgJSON) {
	t.Helper()
	const open = `<script type="application/json" id="builder-data">`
	i := strings.Index(body, open)
	j := strings.Index(body[i+len(open):], "</script>")
	if i < 0 || j < 0 {
		t.Fatalf("no builder data in the page:\n%s", body)
	}
	var d struct {
		Survey surveys.Survey   `json:"survey"`
		Orgs   []builderOrgJSON `json:"orgs"`
	}
	if err := json.Unmarshal([]byte(body[i+len(open):i+len(open)+j]), &d); err != nil {
		t.Fatalf("builder data is not JSON: %v", err)
	}
	return d.Survey, d.Orgs
}

// TestSurveyBuilder: the edit page hands builder.js the draft and the org
// tree; the preview renders an unsaved definition as the ballot page
// (subjects expanded from the roster, nothing stored, framable by this
// site only); the PATCH the builder sends with the session answers each
// problem by its field path; a published survey gets the plain form for
// title, description and closing time only.
func TestSurveyBuilder(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	a.member("李秀英", o.zb1.ID)
	sv := decode[surveys.Survey](t, a.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal,
		map[string]any{"title": "第一党支部民主评议", "org_id": o.zb1.ID}), http.StatusCreated)
	edit := "/admin/surveys/" + sv.ID + "/edit"

	body := wantAdminPage(t, a.page(edit, admin), http.StatusOK, `id="builder-root"`, `src="/static/builder.js"`,
		`action="/admin/surveys/`+sv.ID+`/preview" target="preview-frame"`)
	got, orgs := builderPageData(t, body)
	if got.ID != sv.ID || len(got.Questions) != 2 || got.Questions[0].Key != "grade" || got.Subjects[0].Type != surveys.SubjectOrgMembers {
		t.Fatalf("builder data survey: %+v", got)
	}
	if len(orgs) != 4 || orgs[0].ID != o.root.ID || orgs[0].Depth != 0 || orgs[2].Name != "第一党支部" || orgs[2].Depth != 2 || orgs[2].Kind != "branch" {
		t.Fatalf("builder data orgs (tree order with depths): %+v", orgs)
	}
	leader, _ := a.signIn("zhang")
	wantAdminPage(t, a.page(edit, leader), http.StatusForbidden)

	// The preview: an unsaved change of title and question, the org's
	// members expanded, the submit button off, no top bar.
	def := map[string]any{
		"title": "预览中的标题", "kind": "appraisal",
		"subjects":     []map[string]string{{"type": "org_members", "id": o.zb1.ID}, {"type": "member", "id": "0123456789abcdef01234567"}},
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 1}, {"key": "masses", "name": "群众", "weight": 1}},
		"access":       map[string]any{"mode": "public"},
		"rules":        map[string]any{"quotas": []any{}, "invalid_if_all_same": false},
		"questions": []map[string]any{{"key": "grade", "type": "single", "title": "评议等次（已修改）", "required": true, "per_subject": true,
			"options": []map[string]any{{"key": "good", "label": "好", "score": 90}, {"key": "bad", "label": "差", "score": 10}}}},
	}
	j, _ := json.Marshal(def)
	w := a.form("/admin/surveys/"+sv.ID+"/preview", withCSRF(csrf, url.Values{"definition": {string(j)}}), "Cookie", admin)
	page := wantAdminPage(t, w, http.StatusOK, "预览中的标题", "评议等次（已修改）", "张建国", "李秀英", `id="preview-note"`,
		`<button type="submit" id="go" disabled>`, `name="rater_group" value="masses"`)
	if strings.Contains(page, `class="topbar"`) {
		t.Error("the preview shows the top bar")
	}
	if xf, csp := w.Header().Get("X-Frame-Options"), w.Header().Get("Content-Security-Policy"); xf != "SAMEORIGIN" || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("preview framing headers: %q / %q", xf, csp)
	}
	if w := a.page(edit, admin); w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("the builder page itself is framable: %q", w.Header().Get("X-Frame-Options"))
	}
	if after := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+sv.ID, nil), http.StatusOK); after.Title != sv.Title || after.Questions[0].Title != "评议等次" {
		t.Fatalf("the preview stored the definition: %q / %q", after.Title, after.Questions[0].Title)
	}
	// A definition the API would refuse to decode, and no CSRF token.
	wantAdminPage(t, a.form("/admin/surveys/"+sv.ID+"/preview", withCSRF(csrf, url.Values{"definition": {`{"title": "x", "colour": "red"}`}}), "Cookie", admin),
		http.StatusUnprocessableEntity, "无法预览", "colour：不认识的字段")
	wantAdminPage(t, a.form("/admin/surveys/"+sv.ID+"/preview", url.Values{"definition": {string(j)}}, "Cookie", admin), http.StatusForbidden)

	// The builder's save: PATCH with the session and the CSRF header.
	patch := func(v any) *http.Response {
		b, _ := json.Marshal(v)
		return a.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, b, "Authorization", "", "Cookie", admin, "X-CSRF-Token", csrf).Result()
	}
	bad := map[string]any{"questions": []map[string]any{{"key": "grade", "type": "single", "title": "", "per_subject": true,
		"options": []map[string]any{{"key": "good", "label": "好", "score": 150}, {"key": "bad", "label": "差", "score": 10}}}}}
	b, _ := json.Marshal(bad)
	wantError(t, a.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, b, "Authorization", "", "Cookie", admin, "X-CSRF-Token", csrf),
		http.StatusUnprocessableEntity, "validation_failed", "questions[0].title", "questions[0].options[0].score")
	wantError(t, a.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, j, "Authorization", "", "Cookie", admin, "X-CSRF-Token", csrf),
		http.StatusUnprocessableEntity, "validation_failed", "subjects[1].id") // the preview left it out; the save names it
	def["subjects"] = []map[string]string{{"type": "org_members", "id": o.zb1.ID}}
	if r := patch(def); r.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(r.Body)
		t.Fatalf("saving the previewed definition: %d %s", r.StatusCode, b)
	}
	saved := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+sv.ID, nil), http.StatusOK)
	if saved.Title != "预览中的标题" || saved.Questions[0].Title != "评议等次（已修改）" || len(saved.Questions[0].Options) != 2 {
		t.Fatalf("after the save: %+v", saved)
	}

	// Published: only title, description and closing time, in Beijing time.
	wantSeeOther(t, a.form("/admin/surveys/"+sv.ID+"/publish", withCSRF(csrf, nil), "Cookie", admin), "/admin/surveys/"+sv.ID)
	body = wantAdminPage(t, a.page(edit, admin), http.StatusOK, `id="limited-form"`, `value="预览中的标题"`, `id="closes_at"`)
	if strings.Contains(body, "builder.js") {
		t.Error("a published survey loads the builder")
	}
	wantAdminPage(t, a.form(edit, withCSRF(csrf, url.Values{"title": {"新标题"}, "closes_at": {"明天"}}), "Cookie", admin),
		http.StatusUnprocessableEntity, fieldError("closes_at", "请按“年-月-日 时:分”填写结束时间"), `value="新标题"`)
	wantAdminPage(t, a.form(edit, withCSRF(csrf, url.Values{"title": {""}, "closes_at": {""}}), "Cookie", admin),
		http.StatusUnprocessableEntity, fieldError("title", "请填写标题"))
	wantSeeOther(t, a.form(edit, withCSRF(csrf, url.Values{"title": {"新标题"}, "description": {"说明"}, "closes_at": {"2026-12-31T18:00"}}), "Cookie", admin), edit+"?saved=1")
	saved = decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+sv.ID, nil), http.StatusOK)
	if want := time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC); saved.Title != "新标题" || saved.Description != "说明" || saved.Access.ClosesAt == nil || !saved.Access.ClosesAt.Equal(want) {
		t.Fatalf("after the plain form: %q %q %v", saved.Title, saved.Description, saved.Access.ClosesAt)
	}
	wantAdminPage(t, a.page(edit+"?saved=1", admin), http.StatusOK, "已保存", `value="2026-12-31T18:00"`)
}
