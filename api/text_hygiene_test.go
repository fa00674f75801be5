package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// wantBadCharacters checks a 422 whose field errors name field with
// bad_characters.
func wantBadCharacters(t *testing.T, w *httptest.ResponseRecorder, field string) {
	t.Helper()
	e := decode[apiError](t, w, http.StatusUnprocessableEntity)
	for _, f := range e.Error.Fields {
		if f.Field == field && f.Code == "bad_characters" && f.Message != "" {
			return
		}
	}
	t.Fatalf("no bad_characters error on %q: %s", field, w.Body)
}

// TestTextHygiene: names and texts carrying control, bidi or (in names)
// zero-width characters are refused with a field error on their JSON path,
// through every domain; zero-width characters are cleaned out of free texts.
func TestTextHygiene(t *testing.T) {
	e := newEnv(t)
	org := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)["id"].(string)

	def := validDef(orgSubject(org))
	badDef := validDef(orgSubject(org))
	badDef.Title = "测评\u200b"
	badDef.Questions[1].Options[0].Label = "环境\a"
	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"org name with RLO", http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第二\u202E党支部", "code": "ZB2", "kind": "branch"}, "name"},
		{"org rename with NUL", http.MethodPatch, "/api/v1/orgs/" + org, map[string]any{"name": "第一\x00党支部"}, "name"},
		{"member name with LRI", http.MethodPost, "/api/v1/members", map[string]any{"name": "\u2066张三", "org_id": org}, "name"},
		{"member title with a newline", http.MethodPost, "/api/v1/members", map[string]any{"name": "张三", "title": "书记\n委员", "org_id": org}, "title"},
		{"user name with BOM", http.MethodPost, "/api/v1/users", map[string]any{"login": "zhou", "name": "周\uFEFF书记", "password": "password-1", "role": "leader"}, "name"},
		{"user login with ZWSP", http.MethodPost, "/api/v1/users", map[string]any{"login": "zhou\u200b", "name": "周书记", "password": "password-1", "role": "leader"}, "login"},
		{"survey title with ZWSP", http.MethodPost, "/api/v1/surveys", badDef, "title"},
		{"option label with BEL", http.MethodPost, "/api/v1/surveys", badDef, "questions[1].options[0].label"},
		{"work-order content with NUL", http.MethodPost, "/api/v1/work-orders", call("complaint", org, "13800135678", "content", "路灯\x00坏了"), "content"},
		{"caller name with RLO", http.MethodPost, "/api/v1/work-orders", call("complaint", org, "13800135678", "caller", map[string]any{"name": "张\u202E先生", "phone": "13800135678"}), "caller.name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantBadCharacters(t, e.do(tc.method, tc.path, tc.body), tc.field)
		})
	}

	// A free text keeps its lines and loses zero-width characters.
	wo := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/work-orders", call("complaint", org, "13800135678", "content", "路灯\u200b坏了\r\n一周了")), http.StatusCreated)
	got := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/work-orders/"+wo["id"].(string), nil), http.StatusOK)
	if got["content"] != "路灯坏了\n一周了" {
		t.Errorf("content %q, want the zero-width space removed and CR LF as LF", got["content"])
	}
	wantBadCharacters(t, e.do(http.MethodPost, "/api/v1/work-orders/"+wo["id"].(string)+"/events",
		map[string]any{"action": "supervise", "note": "请\u202D处理"}), "note")

	// A ballot's text answer: bidi refused on its path, nothing stored.
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", def), http.StatusCreated)["id"].(string)
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv+"/publish", nil), http.StatusOK)
	answers := []map[string]any{
		{"question": "q1", "subject": org, "option": "a"}, {"question": "q2", "options": []string{"a"}},
		{"question": "q3", "value": 9}, {"question": "q4", "text": "很好\u202E"},
	}
	w := e.do(http.MethodPost, "/api/v1/public/surveys/"+pub.Slug+"/ballots",
		map[string]any{"submission_id": "hygiene-0001", "rater_group": "masses", "answers": answers}, "Authorization", "")
	wantBadCharacters(t, w, "answers[3].text")
}
