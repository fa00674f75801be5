package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"minyi/surveys"
)

// Tests of the survey pages' confirmations (publish, close, delete a
// draft), the public link's copy button and QR download, and the ballots
// returned as the tallies count them, on /admin/surveys and
// /admin/surveys/{id}.

var regexpQRDownload = regexp.MustCompile(`<a href="([^"]+)" download="([^"]+)" id="qr-download">`)

// surveyIDFrom is the id in a /admin/surveys/{id}… Location.
func surveyIDFrom(loc string) string {
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/admin/surveys/")
	return strings.TrimSuffix(id, "/edit")
}

// TestAdminSurveyConfirmPublishClose: the survey page's 发布 and 结束 lead to
// GET pages that say what freezes or stops and change nothing; their POST
// buttons do it. A draft that would fail publishing says why up front and
// offers no button. Published, the page offers the link with a copy button
// (script in a file, working without it), and a QR download with a name.
func TestAdminSurveyConfirmPublishClose(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	a.member("李秀英", o.zb1.ID)
	post := func(path string, v url.Values) *httptest.ResponseRecorder { return a.form(path, v, "Cookie", admin) }
	status := func(id string) surveys.Status {
		return decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK).Status
	}
	id := surveyIDFrom(wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "title": {"第一党支部评议"}, "org_id": {o.zb1.ID}})), "/admin/surveys/"))
	bad := surveyIDFrom(wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "title": {"第二党支部评议"}, "org_id": {o.zb2.ID}})), "/admin/surveys/"))
	base := "/admin/surveys/" + id

	// The draft: edit, publish and delete are links; no form publishes from here.
	body := wantAdminPage(t, a.page(base, admin), http.StatusOK,
		`<a href="`+base+`/edit" id="edit-link"`, `<a href="`+base+`/publish" id="publish"`, `<a href="`+base+`/delete" id="delete-link">删除草稿</a>`)
	if strings.Contains(body, `action="`+base+`/publish"`) || strings.Contains(body, `id="copy-link"`) {
		t.Errorf("a draft's page posts the publish directly or offers a link to copy")
	}

	// The publish confirmation lists what freezes, with the org's members expanded.
	wantAdminPage(t, a.page(base+"/publish", admin), http.StatusOK, "发布测评「第一党支部评议」", "发布后不能再修改",
		"<dt>测评对象</dt><dd>共 2 个</dd><dd>“第一党支部全体党员”在发布时按当前名册展开为 2 名党员</dd>",
		"<dt>评价群体与权重</dt><dd>本人：权重 0.1</dd><dd>党员：权重 0.4</dd><dd>群众：权重 0.3</dd><dd>组织：权重 0.2</dd>",
		"<dt>题目</dt><dd>共 2 道（其中逐个评价测评对象的 1 道）</dd>",
		"<dt>答卷规则</dt><dd>每张票在“评议等次”中选“优秀”的不超过测评对象的三分之一</dd>",
		"<dt>计分方式</dt><dd>满意率 = 满意票 ÷ 表态票（不含“不了解”）</dd>", "推荐等次“优秀”：得分不低于 90",
		"<dt>参与方式</dt><dd>凭测评码参与（每码一次）</dd>",
		"发布后仍可修改", `<p id="changeable">标题、说明、结束时间。</p>`, "生成参与链接和二维码",
		`<form method="post" action="`+base+`/publish"`, `name="csrf_token" value="`+csrf+`"`, `id="confirm">确认发布</button>`,
		`<a href="`+base+`" id="cancel">取消</a>`)
	if st := status(id); st != surveys.StatusDraft {
		t.Fatalf("the confirmation page changed the status to %s", st)
	}
	// ZB2 has no members: said up front, no button, a way to fix it.
	body = wantAdminPage(t, a.page("/admin/surveys/"+bad+"/publish", admin), http.StatusOK, `id="problems"`,
		"<code>subjects[0].id</code>：“第二党支部”及其下级组织没有党员", `href="/admin/surveys/`+bad+`/edit"`, "<dd>“第二党支部全体党员”在发布时按当前名册展开为 0 名党员</dd>")
	if strings.Contains(body, `id="confirm"`) {
		t.Errorf("a survey that cannot be published offers the publish button")
	}

	// Confirmed: published; the confirmation pages follow the state.
	wantSeeOther(t, post(base+"/publish", withCSRF(csrf, nil)), base+"?done=published")
	wantAdminPage(t, a.page(base+"/publish", admin), http.StatusConflict, "只有草稿状态的测评可以发布")
	wantAdminPage(t, a.page(base+"/delete", admin), http.StatusConflict, "只有草稿状态的测评可以删除")
	sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)
	link := testBaseURL + "/s/" + sv.Slug
	body = wantAdminPage(t, a.page(base, admin), http.StatusOK,
		`<input type="text" id="public-link-input" class="link-value" value="`+link+`" readonly`,
		`<button type="button" id="copy-link" class="secondary" data-copy="public-link-input" hidden>复制链接</button>`,
		`<span id="copy-status" class="copy-status" role="status" aria-live="polite"></span>`,
		`<script src="/static/admin.js" defer></script>`, `<a href="`+base+`/close" id="close"`,
		`<td id="ballots-total">0</td>`)
	if strings.Contains(body, `id="edit-link"`) || strings.Contains(body, `id="delete-link"`) {
		t.Errorf("a published survey offers editing or deleting")
	}
	m := regexpQRDownload.FindStringSubmatch(body)
	if m == nil || m[2] != "测评二维码-"+sv.Slug+".png" {
		t.Fatalf("QR download link: %v", m)
	}
	if w := a.page(strings.ReplaceAll(m[1], "&amp;", "&"), admin); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" ||
		!bytes.HasPrefix(w.Body.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR download: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	js := a.page("/static/admin.js", admin)
	for _, want := range []string{"navigator.clipboard.writeText", "已复制", "select()", "btn.hidden = false"} {
		if js.Code != http.StatusOK || !strings.Contains(js.Body.String(), want) {
			t.Errorf("admin.js (%d) lacks %q", js.Code, want)
		}
	}

	// The close confirmation: what stops, what stays.
	wantAdminPage(t, a.page(base+"/close", admin), http.StatusOK, "结束测评「第一党支部评议」", "不再接受答卷",
		"未使用的测评码也不能再用", "统计结果和测评码记录都保留", `<strong id="ballots">0</strong>`,
		`<form method="post" action="`+base+`/close"`, `id="confirm">确认结束</button>`, `<a href="`+base+`" id="cancel">取消</a>`)
	if st := status(id); st != surveys.StatusPublished {
		t.Fatalf("the close page changed the status to %s", st)
	}
	wantSeeOther(t, post(base+"/close", withCSRF(csrf, nil)), base+"?done=closed")
	wantAdminPage(t, a.page(base+"/close", admin), http.StatusConflict, "测评尚未发布或已经结束")
	wantAdminPage(t, a.page("/admin/surveys/"+bad+"/close", admin), http.StatusConflict, "测评尚未发布或已经结束")
	wantAdminPage(t, a.page("/admin/surveys/0123456789abcdef01234567/publish", admin), http.StatusNotFound, "测评不存在")

	leader, _ := a.signIn("zhang")
	for _, p := range []string{"/publish", "/close", "/delete"} {
		wantAdminPage(t, a.page("/admin/surveys/"+bad+p, leader), http.StatusForbidden, "无权")
	}
}

// TestAdminSurveyDeleteDraft: the delete confirmation names the draft and
// its codes; its POST (CSRF-checked) deletes both as DELETE
// /api/v1/surveys/{id} does, audited, back to the list; a published survey
// is refused.
func TestAdminSurveyDeleteDraft(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	o := a.orgTree()
	a.member("张建国", o.zb1.ID)
	post := func(path string, v url.Values) *httptest.ResponseRecorder { return a.form(path, v, "Cookie", admin) }
	id := surveyIDFrom(wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "title": {"作废的评议"}, "org_id": {o.zb1.ID}})), "/admin/surveys/"))
	base := "/admin/surveys/" + id
	wantSeeOther(t, post(base+"/codes", withCSRF(csrf, url.Values{"count": {"3"}, "rater_group": {"masses"}})), base+"?issued=3")

	wantAdminPage(t, a.page(base+"/delete", admin), http.StatusOK, "删除测评草稿「作废的评议」", "测评对象 1 个、评价群体 4 个、题目 2 道",
		`<strong id="codes-issued">3</strong>`, "删除后不能恢复", `<form method="post" action="`+base+`/delete"`, `name="csrf_token" value="`+csrf+`"`,
		`<a href="`+base+`" id="cancel">取消</a>`)
	wantAdminPage(t, post(base+"/delete", nil), http.StatusForbidden)
	decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)

	loc := wantSeeOther(t, post(base+"/delete", withCSRF(csrf, nil)), "/admin/surveys?deleted=")
	wantError(t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusNotFound, "survey_not_found")
	wantAdminPage(t, a.page(loc, admin), http.StatusOK, `id="deleted"`, "已删除测评草稿「作废的评议」")
	wantAdminPage(t, a.page("/admin/audit?action=survey.delete", admin), http.StatusOK, "删除测评草稿「作废的评议」（及其测评码 3 个）", id)
	wantAdminPage(t, post(base+"/delete", withCSRF(csrf, nil)), http.StatusNotFound, "测评不存在")

	// Published: history, not deletable.
	pub := surveyIDFrom(wantSeeOther(t, post("/admin/surveys", withCSRF(csrf, url.Values{"template": {surveys.TemplateAppraisal}, "org_id": {o.zb1.ID}})), "/admin/surveys/"))
	wantSeeOther(t, post("/admin/surveys/"+pub+"/publish", withCSRF(csrf, nil)), "/admin/surveys/"+pub+"?done=published")
	wantAdminPage(t, post("/admin/surveys/"+pub+"/delete", withCSRF(csrf, nil)), http.StatusConflict, "只有草稿状态的测评可以删除")
	decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+pub, nil), http.StatusOK)
}

// rowHTML is the table row with id, "" when absent.
func rowHTML(body, id string) string {
	i := strings.Index(body, `<tr id="`+id+`">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// TestAdminSurveyBallotCounts: the list and the survey page show the
// ballots returned from the tallies — 4 by hand: 群众 2 valid + 1 invalid
// online, 党员 1 on paper — with the invalid count, per rater group and in
// all, the same as results.ballots; a draft shows "—"; the list shows each
// survey's period.
func TestAdminSurveyBallotCounts(t *testing.T) {
	e := newEnv(t)
	org := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	var members []string
	var subjects []map[string]any
	for _, name := range []string{"张三", "李四", "王五"} {
		m := decode[surveys.Member](t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": name, "org_id": org.ID}), http.StatusCreated)
		members = append(members, m.ID)
		subjects = append(subjects, map[string]any{"type": "member", "id": m.ID})
	}
	sv := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{
		"title": "计票测评", "kind": "appraisal", "subjects": subjects,
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 0.6}, {"key": "masses", "name": "群众", "weight": 0.4}},
		"access":       map[string]any{"mode": "public", "opens_at": "2026-11-25T00:00:00Z", "closes_at": "2026-12-31T10:00:00Z"},
		"questions": []map[string]any{{"key": "grade", "type": "single", "title": "评议等次", "required": true, "per_subject": true, "options": []map[string]any{
			{"key": "excellent", "label": "优秀", "score": 95}, {"key": "qualified", "label": "合格", "score": 80}}}},
		"rules": map[string]any{"quotas": []map[string]any{{"question": "grade", "option": "excellent", "max_share": 0.3334}}, "on_violation": "invalid"},
	}), http.StatusCreated)
	draft := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateSatisfaction, nil), http.StatusCreated)
	pub := decode[struct{ Slug string }](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)

	ballot := func(sub, group string, grades ...string) map[string]any {
		var answers []map[string]any
		for i, g := range grades {
			answers = append(answers, map[string]any{"question": "grade", "subject": members[i], "option": g})
		}
		return map[string]any{"submission_id": sub, "rater_group": group, "answers": answers}
	}
	for _, b := range []map[string]any{
		ballot("count-0001", "masses", "excellent", "qualified", "qualified"),
		ballot("count-0002", "masses", "qualified", "qualified", "qualified"),
		ballot("count-0003", "masses", "excellent", "excellent", "qualified"), // two 优秀 of 3: invalid
	} {
		decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots", b, "Authorization", ""), http.StatusCreated)
	}
	paper := ballot("count-0004", "members", "qualified", "excellent", "qualified")
	paper["channel"] = "paper"
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/ballots", paper), http.StatusCreated)

	res := decode[struct {
		Ballots struct {
			Valid, Invalid int
			ByGroup        map[string]int `json:"by_group"`
		}
	}](t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/results", nil), http.StatusOK)
	if res.Ballots.Valid != 3 || res.Ballots.Invalid != 1 || res.Ballots.ByGroup["masses"] != 3 || res.Ballots.ByGroup["members"] != 1 {
		t.Fatalf("results.ballots: %+v", res.Ballots)
	}

	// Pages with the admin bearer token (no CSRF needed for GET).
	body := wantAdminPage(t, e.do(http.MethodGet, "/admin/surveys/"+sv.ID, nil), http.StatusOK,
		`<td>党员</td><td class="ballots">1</td>`, `<td>群众</td><td class="ballots">3</td>`, `<td id="ballots-total">4（其中无效 1）</td>`)
	if strings.Contains(body, `id="code-counts"`) {
		t.Errorf("a public survey shows the codes table")
	}
	list := wantAdminPage(t, e.do(http.MethodGet, "/admin/surveys", nil), http.StatusOK, "<th scope=\"col\">时间</th>", "<th scope=\"col\">已收答卷</th>")
	row := rowHTML(list, "survey-"+sv.ID)
	for _, want := range []string{`<td class="period">2026-11-25 08:00 至 2026-12-31 18:00</td>`, `<td class="ballots">4（其中无效 1）</td>`, "进行中"} {
		if !strings.Contains(row, want) {
			t.Errorf("list row %q lacks %q", row, want)
		}
	}
	if row := rowHTML(list, "survey-"+draft.ID); !strings.Contains(row, `<td class="period">—</td><td class="ballots">—</td>`) {
		t.Errorf("draft row %q", row)
	}

	// Closed early: the period ends when it was closed (fixedNow, 17:30 Beijing).
	decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/close", nil), http.StatusOK)
	row = rowHTML(wantAdminPage(t, e.do(http.MethodGet, "/admin/surveys", nil), http.StatusOK), "survey-"+sv.ID)
	if !strings.Contains(row, `<td class="period">2026-11-25 08:00 至 2026-11-25 17:30</td>`) || !strings.Contains(row, "4（其中无效 1）") {
		t.Errorf("closed row %q", row)
	}
}

// TestAdminCreateBlankSurvey: the blank choice creates an empty draft of
// the chosen kind (audited as POST /api/v1/surveys is) and goes to the
// builder; its title is required, errors by their fields with the answers
// kept.
func TestAdminCreateBlankSurvey(t *testing.T) {
	a, admin, csrf := newManageEnv(t)
	post := func(v url.Values) *httptest.ResponseRecorder {
		return a.form("/admin/surveys", withCSRF(csrf, v), "Cookie", admin)
	}
	wantAdminPage(t, a.page("/admin/surveys", admin), http.StatusOK, `<input type="radio" name="template" value="blank"`, "空白测评",
		`<select id="kind" name="kind"`, `<option value="satisfaction" selected>满意度测评</option>`, `<option value="appraisal">民主评议党员</option>`,
		`<option value="questionnaire">问卷调查</option>`)

	wantAdminPage(t, post(url.Values{"template": {"blank"}, "kind": {"questionnaire"}, "title": {"  "}}), http.StatusUnprocessableEntity,
		fieldError("title", "请填写标题"), `value="blank" id="template-blank" checked`, `<option value="questionnaire" selected>`)
	wantAdminPage(t, post(url.Values{"template": {"blank"}, "kind": {"poll"}, "title": {"居民意见征集"}}), http.StatusUnprocessableEntity,
		`<span class="field-error" id="kind-error">测评类型应为`, `value="居民意见征集"`)
	if l := decode[struct{ Items []surveys.Survey }](t, a.do(http.MethodGet, "/api/v1/surveys", nil), http.StatusOK); len(l.Items) != 0 {
		t.Fatalf("refused forms created %d surveys", len(l.Items))
	}

	loc := wantSeeOther(t, post(url.Values{"template": {"blank"}, "kind": {"questionnaire"}, "title": {"2026年居民意见征集"}}), "/admin/surveys/")
	id := surveyIDFrom(loc)
	if loc != "/admin/surveys/"+id+"/edit?done=created" {
		t.Fatalf("blank survey Location %q", loc)
	}
	sv := decode[surveys.Survey](t, a.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)
	if sv.Title != "2026年居民意见征集" || sv.Kind != surveys.KindQuestionnaire || sv.Status != surveys.StatusDraft || sv.Template != "" ||
		len(sv.Subjects)+len(sv.RaterGroups)+len(sv.Questions) != 0 {
		t.Fatalf("blank draft: %+v", sv)
	}
	wantAdminPage(t, a.page("/admin/audit?action=survey.create", admin), http.StatusOK, "创建测评「2026年居民意见征集」", id)
	// A template still goes to the survey page.
	wantSeeOther(t, post(url.Values{"template": {surveys.TemplateSatisfaction}, "kind": {"questionnaire"}}), "/admin/surveys/")
	if loc := wantSeeOther(t, post(url.Values{"template": {surveys.TemplateSatisfaction}}), "/admin/surveys/"); strings.Contains(loc, "/edit") {
		t.Errorf("a template draft went to %q", loc)
	}
}
