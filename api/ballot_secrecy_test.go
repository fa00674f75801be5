package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/surveys"
)

// TestBallotCannotBeJoinedToCode diffs what an admin can fetch before and
// after one vote, and what the store holds: once a code is used the code
// list is no longer served (only counts), the new ballot carries nothing of
// its code, its time is the hour, and no value of the stored ballot appears
// in the codes or their spend records.
func TestBallotCannotBeJoinedToCode(t *testing.T) {
	fx := newScopeFixture(t, "code")
	codes := fx.issue(t, map[string]any{"count": 3, "rater_group": "members"}).Codes
	base := "/api/v1/surveys/" + fx.surveyID
	prints := []string{base + "/codes.xlsx", base + "/codes.pdf", base + "/codes.png"}
	for _, p := range prints {
		if w := fx.do(http.MethodGet, p, nil); w.Code != http.StatusOK {
			t.Fatalf("before any vote %s: %d, want 200 (reprint for distribution)", p, w.Code)
		}
	}
	before := fx.do(http.MethodGet, base+"/codes", nil).Body.String()

	if r := fx.submit(fx.vote("secret-sub-01", codes[1], "张三", "李四", "王五", "赵六", "钱七")); r.StatusCode != http.StatusCreated {
		t.Fatalf("vote: %d", r.StatusCode)
	}

	for _, p := range prints {
		wantError(t, fx.do(http.MethodGet, p, nil), http.StatusConflict, "codes_sealed")
	}
	after := fx.do(http.MethodGet, base+"/codes", nil).Body.String()
	if strings.Contains(after, strings.ReplaceAll(codes[1], "-", "")) || strings.Contains(after, codes[1]) {
		t.Fatalf("code counts name the code: %s", after)
	}
	if before == after || !strings.Contains(after, `"used":1`) {
		t.Fatalf("counts before %s after %s: want only the used count to change", before, after)
	}
	l := fx.do(http.MethodGet, base+"/ballots", nil).Body.String()
	for _, leak := range []string{"code", "submission", "secret-sub-01", ":30:00", "09:30"} {
		if strings.Contains(l, leak) {
			t.Errorf("raw ballots show %q: %s", leak, l)
		}
	}
	if !strings.Contains(l, `"created_at":"2026-11-25T09:00:00Z"`) {
		t.Errorf("ballot time not coarsened to the hour (submitted 09:30): %s", l)
	}

	// The workbook of raw ballots: no code, no minute.
	w := fx.do(http.MethodGet, base+"/report.xlsx", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("report: %d", w.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, row := range rows {
			for _, cell := range row {
				for _, c := range codes {
					if strings.Contains(cell, c) || strings.Contains(cell, strings.ReplaceAll(c, "-", "")) {
						t.Errorf("sheet %s holds code %s", sh, c)
					}
				}
				// 汇总 states when the report was made (the test clock);
				// only the raw ballots carry ballot times.
				if sh == "原始答卷" && (strings.Contains(cell, "09:30") || strings.Contains(cell, "17:30")) {
					t.Errorf("sheet %s holds the minute of the vote: %q", sh, cell)
				}
			}
		}
	}

	// At rest: the ballot shares no value with the codes or the spends
	// but the survey and the rater group.
	db := fx.app.Store.DB
	ballot := values(t, db.Collection("ballots"), "survey_id", "rater_group")
	if len(ballot) == 0 {
		t.Fatal("no ballot stored")
	}
	for _, coll := range []string{"codes", "code_spends"} {
		for v := range values(t, db.Collection(coll), "survey_id", "rater_group") {
			if ballot[v] {
				t.Errorf("ballot and %s share the value %q", coll, v)
			}
		}
	}
}

// values collects every string value (at any depth) of every document of
// c, except those of the fields named.
func values(t *testing.T, c *mongo.Collection, skip ...string) map[string]bool {
	t.Helper()
	cur, err := c.Find(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.M
	if err := cur.All(t.Context(), &docs); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out[x] = true
		case bson.M:
			for k, y := range x {
				if !slices.Contains(skip, k) {
					walk(y)
				}
			}
		case bson.D:
			for _, e := range x {
				if !slices.Contains(skip, e.Key) {
					walk(e.Value)
				}
			}
		case bson.A:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, d := range docs {
		walk(d)
	}
	return out
}

// TestStuffingFlagged: twelve open-link ballots from one address in a
// minute flag the two beyond BurstPerMinute (10) as a burst; a ballot from
// a device that already voted counts as a repeat; once the survey refuses a
// second ballot per device, it answers 409 device_voted.
func TestStuffingFlagged(t *testing.T) {
	fx := newBallotFixture(t, "public")
	var cookie string
	for i := range 12 {
		w := fx.submit(fx.ballot(fmt.Sprintf("burst-sub-%04d", i), "excellent", "qualified", "basic"))
		if w.Code != http.StatusCreated {
			t.Fatalf("ballot %d: %d", i, w.Code)
		}
		if i == 0 {
			cookie = strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
		}
	}
	if w := fx.submit(fx.ballot("repeat-sub-01", "excellent", "qualified", "basic"), "Cookie", cookie); w.Code != http.StatusCreated {
		t.Fatalf("repeat device ballot: %d", w.Code)
	}
	sig := decode[map[string]any](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/signals", nil), http.StatusOK)
	// 13 ballots from one address this minute: 11, 12 and 13 are beyond 10.
	if sig["burst"] != 3.0 || sig["burst_minutes"] != 1.0 || sig["repeat_device"] != 1.0 {
		t.Fatalf("signals %v, want burst 3 in 1 address-minute and 1 repeat device", sig)
	}
	page := fx.do(http.MethodGet, "/admin/surveys/"+fx.surveyID, nil).Body.String()
	if !strings.Contains(page, `id="signal-burst">3<`) || !strings.Contains(page, `id="signal-repeat">1<`) {
		t.Fatalf("admin page does not show the signals")
	}
	decode[map[string]any](t, fx.do(http.MethodPatch, "/api/v1/surveys/"+fx.surveyID, map[string]any{"access": map[string]any{"one_per_device": true}}), http.StatusOK)
	wantError(t, fx.submit(fx.ballot("repeat-sub-02", "excellent", "qualified", "basic"), "Cookie", cookie), http.StatusConflict, "device_voted")
	if w := fx.submit(fx.ballot("fresh-sub-001", "excellent", "qualified", "basic")); w.Code != http.StatusCreated {
		t.Fatalf("a new device: %d", w.Code)
	}
}

// TestPublicGroups: an open-link survey that lets voters pick only 群众
// refuses a self-chosen 党员 ballot (it needs a code) and takes 群众.
func TestPublicGroups(t *testing.T) {
	fx := newScopeFixtureAccess(t, map[string]any{"mode": "public", "public_groups": []string{"masses"}})
	b := fx.vote("pg-sub-0001", "", "张三", "李四", "王五", "赵六", "钱七")
	b["rater_group"] = "members"
	w := fx.do(http.MethodPost, "/api/v1/public/surveys/"+fx.slug+"/ballots", b, "Authorization", "")
	wantError(t, w, http.StatusUnprocessableEntity, "validation_failed", "rater_group")
	b["rater_group"] = "masses"
	if r := fx.submit(b); r.StatusCode != http.StatusCreated {
		t.Fatalf("masses: %d", r.StatusCode)
	}
	code := fx.issue(t, map[string]any{"count": 1, "rater_group": "members"}).Codes[0]
	b = fx.vote("pg-sub-0002", code, "张三", "李四", "王五", "赵六", "钱七")
	if r := fx.submit(b); r.StatusCode != http.StatusCreated {
		t.Fatalf("members with a code: %d", r.StatusCode)
	}
}

// TestLinksFromRequestHost: without MINYI_BASE_URL the published link is
// on the scheme and host the admin used; a forwarded host from an
// untrusted peer is ignored; a loopback link seen from elsewhere warns.
func TestLinksFromRequestHost(t *testing.T) {
	fx := newBallotFixture(t, "public", func(c *envConfig) { c.api.BaseURL = "" })
	get := func(path, host string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = host
		req.Header.Set("Authorization", "Bearer "+adminToken)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, req)
		return w
	}
	page := get("/admin/surveys/"+fx.surveyID, "10.1.2.3:8080", "X-Forwarded-Host", "evil.example").Body.String()
	if !strings.Contains(page, `value="http://10.1.2.3:8080/s/`+fx.slug+`"`) || strings.Contains(page, "evil.example") {
		t.Fatalf("admin page link not on the request host")
	}
	if strings.Contains(page, `id="link-warning"`) {
		t.Fatal("warning on a LAN address")
	}
	page = get("/admin/surveys/"+fx.surveyID, "localhost:8080").Body.String()
	if !strings.Contains(page, `value="http://localhost:8080/s/`+fx.slug+`"`) || !strings.Contains(page, `id="link-warning"`) {
		t.Fatalf("loopback link from a remote admin (192.0.2.1) without a warning")
	}
	// The publish confirmation of a draft shows the link it will print,
	// with the same warning.
	draft := decode[surveys.Survey](t, fx.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateQuestionnaire, nil), http.StatusCreated)
	confirm := get("/admin/surveys/"+draft.ID+"/publish", "localhost:8080").Body.String()
	if !strings.Contains(confirm, "http://localhost:8080/s/") || !strings.Contains(confirm, `id="link-warning"`) {
		t.Errorf("the publish page's link preview from a loopback host: %s", confirm)
	}
	if confirm = get("/admin/surveys/"+draft.ID+"/publish", "10.1.2.3:8080").Body.String(); strings.Contains(confirm, `id="link-warning"`) || !strings.Contains(confirm, "http://10.1.2.3:8080/s/") {
		t.Errorf("the publish page on a LAN address: %s", confirm)
	}
}

// TestRefusedFormKeepsAnswers: a ballot page refused by the per-address
// limit (here 1 a minute) comes back with 429, the reason, and every answer
// still chosen, so the voter only presses 提交 again later.
func TestRefusedFormKeepsAnswers(t *testing.T) {
	fx := newBallotFixture(t, "public", func(c *envConfig) { c.api.PublicRatePerMinute = 1 })
	post := func(sid string) *httptest.ResponseRecorder {
		form := url.Values{"submission_id": {sid}, "rater_group": {"masses"}, "a|note": {"路灯坏了"}}
		form.Set("a|grade|"+fx.members[0], "excellent")
		form.Set("a|grade|"+fx.members[1], "qualified")
		form.Set("a|grade|"+fx.members[2], "basic")
		return fx.do(http.MethodPost, "/s/"+fx.slug, form.Encode(), "Authorization", "", "Content-Type", "application/x-www-form-urlencoded")
	}
	if w := post("form-sub-0001"); w.Code != http.StatusOK {
		t.Fatalf("first ballot: %d", w.Code)
	}
	w := post("form-sub-0002")
	page := w.Body.String()
	if w.Code != http.StatusTooManyRequests || !strings.Contains(page, "已保留") {
		t.Fatalf("refused page: %d, want 429 saying the answers are kept", w.Code)
	}
	for _, kept := range []string{`value="excellent" checked`, `value="qualified" checked`, `value="basic" checked`, "路灯坏了</textarea>", `value="form-sub-0002"`} {
		if !strings.Contains(page, kept) {
			t.Errorf("refused page lost %q", kept)
		}
	}
}
