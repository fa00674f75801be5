package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"minyi/accounts"
)

// ballotFixture is a published appraisal: three members of one branch,
// graded 优秀/合格/基本合格/不合格 with at most floor(0.3334×3) = 1 优秀 per
// ballot, plus a comment box.
type ballotFixture struct {
	*env
	surveyID, slug string
	members        []string
}

func newBallotFixture(t *testing.T, mode string, opts ...func(*envConfig)) *ballotFixture {
	t.Helper()
	e := newEnv(t, opts...)
	org := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	fx := &ballotFixture{env: e}
	for _, name := range []string{"张三", "李四", "王五"} {
		m := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": name, "org_id": org["id"]}), http.StatusCreated)
		fx.members = append(fx.members, m["id"].(string))
	}
	var subjects []map[string]any
	for _, id := range fx.members {
		subjects = append(subjects, map[string]any{"type": "member", "id": id})
	}
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{
		"title": "2026年度民主评议党员", "kind": "appraisal", "subjects": subjects,
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 0.6}, {"key": "masses", "name": "群众", "weight": 0.4}},
		"access":       map[string]any{"mode": mode},
		"questions": []map[string]any{
			{"key": "grade", "type": "single", "title": "评议等次", "required": true, "per_subject": true, "options": []map[string]any{
				{"key": "excellent", "label": "优秀", "score": 95}, {"key": "qualified", "label": "合格", "score": 80},
				{"key": "basic", "label": "基本合格", "score": 65}, {"key": "unqualified", "label": "不合格", "score": 40}}},
			{"key": "note", "type": "text", "title": "意见建议", "max_length": 200},
		},
		"rules": map[string]any{"quotas": []map[string]any{{"question": "grade", "option": "excellent", "max_share": 0.3334}}},
	}), http.StatusCreated)
	fx.surveyID = sv["id"].(string)
	pub := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/publish", nil), http.StatusOK)
	fx.slug = pub["slug"].(string)
	return fx
}

func (fx *ballotFixture) ballot(submissionID string, grades ...string) map[string]any {
	var answers []map[string]any
	for i, g := range grades {
		answers = append(answers, map[string]any{"question": "grade", "subject": fx.members[i], "option": g})
	}
	answers = append(answers, map[string]any{"question": "note", "text": "=HYPERLINK(\"x\") 服务很好"})
	return map[string]any{"submission_id": submissionID, "rater_group": "masses", "answers": answers}
}

func (fx *ballotFixture) submit(body any, hdr ...string) *httptest.ResponseRecorder {
	return fx.do(http.MethodPost, "/api/v1/public/surveys/"+fx.slug+"/ballots", body, append([]string{"Authorization", ""}, hdr...)...)
}

func (fx *ballotFixture) stored(t *testing.T) int {
	t.Helper()
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots?limit=500", nil), http.StatusOK)
	return len(l.Items)
}

func TestPublicSurveyHidesScoring(t *testing.T) {
	fx := newBallotFixture(t, "public")
	w := fx.do(http.MethodGet, "/api/v1/public/surveys/"+fx.slug, nil, "Authorization", "")
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Contains(body, "score") || strings.Contains(body, "weight") {
		t.Fatalf("public survey: %d %s", w.Code, body)
	}
	if !strings.Contains(body, "不超过 1 个") || !strings.Contains(body, "张三") {
		t.Fatalf("rules or subjects missing: %s", body)
	}
	wantError(t, fx.do(http.MethodGet, "/api/v1/public/surveys/nope", nil, "Authorization", ""), http.StatusNotFound, "survey_not_found")
}

func TestSubmitBallotAndReplay(t *testing.T) {
	fx := newBallotFixture(t, "public")
	w := fx.submit(fx.ballot("sub-00000001", "excellent", "qualified", "basic"))
	first := decode[map[string]any](t, w, http.StatusCreated)
	if first["valid"] != true || first["id"] == "" {
		t.Fatalf("receipt %v", first)
	}
	again := decode[map[string]any](t, fx.submit(fx.ballot("sub-00000001", "excellent", "qualified", "basic")), http.StatusOK)
	if again["id"] != first["id"] || again["valid"] != true {
		t.Fatalf("replay %v, want the original %v", again, first)
	}
	if n := fx.stored(t); n != 1 {
		t.Fatalf("%d ballots stored, want 1", n)
	}
}

func TestSubmitBallotErrors(t *testing.T) {
	fx := newBallotFixture(t, "public")
	valid := fx.ballot("sub-valid-01", "excellent", "qualified", "basic")
	unknownOption := fx.ballot("sub-unknown-op", "excellent", "qualified", "nope")
	quota := fx.ballot("sub-quota-0001", "excellent", "excellent", "basic")
	missing := fx.ballot("sub-missing-01", "excellent", "qualified")
	big := `{"submission_id":"sub-big-00001","answers":[{"question":"note","text":"` + strings.Repeat("长", 1<<20) + `"}]}`
	for _, tc := range []struct {
		name   string
		body   any
		hdr    []string
		status int
		code   string
		fields []string
	}{
		{"malformed", `{"submission_id":`, nil, 400, "malformed_json", nil},
		{"content type", valid, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", nil},
		{"too large", big, nil, 413, "body_too_large", nil},
		{"unknown field", `{"submission_id":"sub-x-000001","answers":[],"admin":true}`, nil, 422, "validation_failed", []string{"admin"}},
		{"operator injection", `{"submission_id":{"$gt":""},"answers":[]}`, nil, 422, "validation_failed", []string{"submission_id"}},
		{"operator in answer", `{"submission_id":"sub-x-000002","answers":[{"question":"grade","subject":{"$ne":null},"option":"a"}]}`, nil, 422, "validation_failed", []string{"answers.subject"}},
		{"wrong type", `{"submission_id":"sub-x-000003","answers":[{"question":"note","value":"ten"}]}`, nil, 422, "validation_failed", []string{"answers.value"}},
		{"unknown option", unknownOption, nil, 422, "validation_failed", []string{"answers[2].option"}},
		{"missing answer", missing, nil, 422, "validation_failed", []string{"answers"}},
		{"quota", quota, nil, 422, "rule_violated", []string{"answers"}},
		{"channel", `{"submission_id":"sub-x-000004","channel":"paper","answers":[]}`, nil, 422, "validation_failed", []string{"channel"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, fx.submit(tc.body, tc.hdr...), tc.status, tc.code, tc.fields...)
		})
	}
	if n := fx.stored(t); n != 0 {
		t.Fatalf("%d ballots stored after refusals, want 0", n)
	}
}

func TestSubmitClosedSurvey(t *testing.T) {
	fx := newBallotFixture(t, "public")
	decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/close", nil), http.StatusOK)
	wantError(t, fx.submit(fx.ballot("sub-closed-01", "excellent", "qualified", "basic")), http.StatusGone, "survey_closed")
}

func TestOperatorEntry(t *testing.T) {
	fx := newBallotFixture(t, "public")
	b := fx.ballot("paper-000001", "excellent", "qualified", "basic")
	b["channel"] = "paper"
	decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/ballots", b), http.StatusCreated)
	b["channel"] = "web"
	wantError(t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/ballots", b), http.StatusUnprocessableEntity, "validation_failed", "channel")
	wantError(t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/ballots", b, "Authorization", ""), http.StatusUnauthorized, "unauthorized")
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0]["channel"] != "paper" || l.Items[0]["entered_by"] == "" {
		t.Fatalf("ballots %v", l.Items)
	}
}

func TestBallotCodes(t *testing.T) {
	fx := newBallotFixture(t, "code")
	issued := decode[struct{ Codes []string }](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/codes", map[string]any{"count": 2, "rater_group": "members"}), http.StatusCreated)
	b := fx.ballot("code-sub-0001", "excellent", "qualified", "basic")
	wantError(t, fx.submit(b), http.StatusUnprocessableEntity, "validation_failed", "code")
	b["code"] = "ZZZZ-ZZZZ-ZZ"
	wantError(t, fx.submit(b), http.StatusUnprocessableEntity, "validation_failed", "code")
	b["code"] = strings.ToLower(issued.Codes[0]) // codes are case-insensitive
	decode[map[string]any](t, fx.submit(b), http.StatusCreated)
	b["submission_id"] = "code-sub-0002"
	wantError(t, fx.submit(b), http.StatusConflict, "code_used")
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0]["rater_group"] != "members" {
		t.Fatalf("the rater group comes from the code: %v", l.Items)
	}
}

func TestPublicRateLimit(t *testing.T) {
	fx := newBallotFixture(t, "public", func(c *envConfig) { c.api.PublicRatePerMinute = 2 })
	for i := range 2 {
		decode[map[string]any](t, fx.submit(fx.ballot(fmt.Sprintf("rate-sub-%04d", i), "excellent", "qualified", "basic")), http.StatusCreated)
	}
	w := fx.submit(fx.ballot("rate-sub-0003", "excellent", "qualified", "basic"))
	wantError(t, w, http.StatusTooManyRequests, "rate_limited")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

// The page without JavaScript: a plain form POST.
func TestBallotPageNoJS(t *testing.T) {
	fx := newBallotFixture(t, "public")
	w := fx.do(http.MethodGet, "/s/"+fx.slug, nil, "Authorization", "")
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, "张三") || !strings.Contains(page, "评议规则") || !strings.Contains(page, `lang="zh-CN"`) {
		t.Fatalf("form: %d %s", w.Code, page)
	}
	sid := between(page, `name="submission_id" value="`, `"`)
	form := url.Values{"submission_id": {sid}, "rater_group": {"masses"}}
	form.Set("a|grade|"+fx.members[0], "excellent")
	form.Set("a|grade|"+fx.members[1], "excellent") // breaks the quota
	form.Set("a|note", "你好")
	post := func(f url.Values) *httptest.ResponseRecorder {
		return fx.do(http.MethodPost, "/s/"+fx.slug, f.Encode(), "Authorization", "", "Content-Type", "application/x-www-form-urlencoded")
	}
	w = post(form)
	page = w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "请为「王五」回答「评议等次」") {
		t.Fatalf("missing answer not shown next to the field: %d %s", w.Code, page)
	}
	if !strings.Contains(page, `value="excellent" checked`) || !strings.Contains(page, "你好</textarea>") {
		t.Fatal("answers not kept after an error")
	}
	form.Set("a|grade|"+fx.members[2], "basic")
	w = post(form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "最多可选 1 个") {
		t.Fatalf("quota not shown: %d %s", w.Code, w.Body)
	}
	form.Set("a|grade|"+fx.members[1], "qualified")
	for range 2 { // a refresh posts again: still one ballot
		w = post(form)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "提交成功") {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
	}
	if n := fx.stored(t); n != 1 {
		t.Fatalf("%d ballots, want 1", n)
	}
	w = fx.do(http.MethodPost, "/s/"+fx.slug, form.Encode(), "Authorization", "", "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example")
	if w.Code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", w.Code)
	}
	decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/close", nil), http.StatusOK)
	w = fx.do(http.MethodGet, "/s/"+fx.slug, nil, "Authorization", "")
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "测评已结束") {
		t.Fatalf("closed page: %d %s", w.Code, w.Body)
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestSubmitRaceHTTP: many clients at once through the router. One code
// gives exactly one ballot (the rest 409 code_used); one submission id gives
// exactly one ballot (the rest 200 with the original).
func TestSubmitRaceHTTP(t *testing.T) {
	fx := newBallotFixture(t, "code")
	issued := decode[struct{ Codes []string }](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/codes", map[string]any{"count": 2, "rater_group": "masses"}), http.StatusCreated)
	const n = 24
	codes := make([]int, n)
	same := make([]int, n)
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			b := fx.ballot(fmt.Sprintf("race-code-%04d", i), "excellent", "qualified", "basic")
			b["code"] = issued.Codes[0]
			codes[i] = fx.submit(b).Code
		})
		wg.Go(func() {
			b := fx.ballot("race-same-0001", "excellent", "qualified", "basic")
			b["code"] = issued.Codes[1]
			w := fx.submit(b)
			same[i] = w.Code
			ids[i] = between(w.Body.String(), `"id":"`, `"`)
		})
	}
	wg.Wait()
	count := func(xs []int, v int) (c int) {
		for _, x := range xs {
			if x == v {
				c++
			}
		}
		return c
	}
	if count(codes, 201) != 1 || count(codes, 409) != n-1 {
		t.Fatalf("one code: statuses %v, want one 201 and %d×409", codes, n-1)
	}
	if count(same, 201) != 1 || count(same, 200) != n-1 {
		t.Fatalf("one submission id: statuses %v, want one 201 and %d×200", same, n-1)
	}
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("replays answered different ids: %v", ids)
		}
	}
	if got := fx.stored(t); got != 2 {
		t.Fatalf("%d ballots stored, want 2", got)
	}
}

// The pages a resident with a ballot code can meet.
func TestBallotPageCodes(t *testing.T) {
	fx := newBallotFixture(t, "code")
	issued := decode[struct{ Codes []string }](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/codes", map[string]any{"count": 2, "rater_group": "members"}), http.StatusCreated)
	page := func(query string) *httptest.ResponseRecorder {
		return fx.do(http.MethodGet, "/s/"+fx.slug+query, nil, "Authorization", "")
	}
	if w := page(""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "请输入发给您的测评码") {
		t.Fatalf("code entry page: %d %s", w.Code, w.Body)
	}
	if w := page("?code=ZZZZ-ZZZZ-ZZ"); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "测评码无效") {
		t.Fatalf("unknown code page: %d %s", w.Code, w.Body)
	}
	w := page("?code=" + issued.Codes[0])
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `name="rater_group"`) {
		t.Fatalf("with a code the group comes from the code, no choice shown: %d", w.Code)
	}
	b := fx.ballot("code-page-0001", "excellent", "qualified", "basic")
	b["code"] = issued.Codes[0]
	decode[map[string]any](t, fx.submit(b), http.StatusCreated)
	if w := page("?code=" + issued.Codes[0]); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已经使用过") {
		t.Fatalf("used code page: %d %s", w.Code, w.Body)
	}
	// The form with a code: a refresh after the thank-you posts the same
	// submission again and gets the same thank-you, not "code used".
	w = page("?code=" + issued.Codes[1])
	form := url.Values{"submission_id": {between(w.Body.String(), `name="submission_id" value="`, `"`)},
		"code": {between(w.Body.String(), `name="code" value="`, `"`)}}
	for i, g := range []string{"excellent", "qualified", "basic"} {
		form.Set("a|grade|"+fx.members[i], g)
	}
	for range 2 {
		w = fx.do(http.MethodPost, "/s/"+fx.slug, form.Encode(), "Authorization", "", "Content-Type", "application/x-www-form-urlencoded")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "提交成功") {
			t.Fatalf("code form submit: %d %s", w.Code, w.Body)
		}
	}
	// A code nobody issued, posted by hand: the form again with the reason.
	form.Set("code", "ZZZZZZZZZZ")
	form.Set("submission_id", "code-page-0003")
	if w := fx.do(http.MethodPost, "/s/"+fx.slug, form.Encode(), "Authorization", "", "Content-Type", "application/x-www-form-urlencoded"); !strings.Contains(w.Body.String(), "测评码无效") {
		t.Fatalf("unknown code posted: %d %s", w.Code, w.Body)
	}
	if n := fx.stored(t); n != 2 {
		t.Fatalf("%d ballots, want 2", n)
	}
	if w := fx.do(http.MethodGet, "/s/nosuchslug", nil, "Authorization", ""); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "未找到该测评") {
		t.Fatalf("unknown survey page: %d", w.Code)
	}
}

// TestOperatorBallotPage: an operator types in a caller's ballot on the
// same form residents use, choosing the channel; the ballot records both.
func TestOperatorBallotPage(t *testing.T) {
	fx := newBallotFixture(t, "code")
	op := "Bearer " + fx.tokenFor(accounts.RoleOperator, "")
	if w := fx.do(http.MethodGet, "/", nil, "Authorization", op); !strings.Contains(w.Body.String(), "/operator/surveys/"+fx.surveyID+"/ballot") {
		t.Fatalf("home page has no entry link: %s", w.Body)
	}
	path := "/operator/surveys/" + fx.surveyID + "/ballot"
	w := fx.do(http.MethodGet, path, nil, "Authorization", op)
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, `name="channel" value="hotline"`) || !strings.Contains(page, `id="code-input" name="code"`) {
		t.Fatalf("entry form: %d %s", w.Code, page)
	}
	// A code survey's paper ballot carries its code, which sets the group.
	issued := decode[struct{ Codes []string }](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/codes", map[string]any{"count": 1, "rater_group": "masses"}), http.StatusCreated)
	form := url.Values{"submission_id": {between(page, `name="submission_id" value="`, `"`)}, "channel": {"paper"}, "code": {issued.Codes[0]}}
	form.Set("a|grade|"+fx.members[0], "excellent")
	form.Set("a|grade|"+fx.members[1], "qualified")
	post := func() *httptest.ResponseRecorder {
		return fx.do(http.MethodPost, path, form.Encode(), "Authorization", op, "Content-Type", "application/x-www-form-urlencoded")
	}
	if w := post(); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="paper" checked`) {
		t.Fatalf("missing answer: %d, channel not kept", w.Code)
	}
	form.Set("a|grade|"+fx.members[2], "basic")
	if w := post(); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "继续录入下一份") {
		t.Fatalf("entry: %d %s", w.Code, w.Body)
	}
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0]["channel"] != "paper" || l.Items[0]["entered_by"] == "" || l.Items[0]["rater_group"] != "masses" {
		t.Fatalf("stored %v", l.Items)
	}
	leader := "Bearer " + fx.tokenFor(accounts.RoleLeader, "")
	if w := fx.do(http.MethodGet, path, nil, "Authorization", leader); w.Code != http.StatusForbidden {
		t.Fatalf("leader on the entry page: %d", w.Code)
	}
}
