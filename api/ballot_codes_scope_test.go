package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

// scopeFixture is a published code appraisal of five members in two
// branches: A (张三 李四 王五) and B (赵六 钱七), graded without quotas (a
// personal ballot may rate a single member).
type scopeFixture struct {
	*env
	surveyID, slug string
	orgA, orgB     string
	members        map[string]string // name → id
	names          map[string]string // id → name
}

func newScopeFixture(t *testing.T, mode string, opts ...func(*envConfig)) *scopeFixture {
	t.Helper()
	return newScopeFixtureAccess(t, map[string]any{"mode": mode}, opts...)
}

// newScopeFixtureAccess is newScopeFixture with the survey's access given.
func newScopeFixtureAccess(t *testing.T, access map[string]any, opts ...func(*envConfig)) *scopeFixture {
	t.Helper()
	e := newEnv(t, opts...)
	fx := &scopeFixture{env: e, members: map[string]string{}, names: map[string]string{}}
	var subjects []map[string]any
	for _, b := range []struct {
		name, code string
		members    []string
		org        *string
	}{{"第一党支部", "ZB1", []string{"张三", "李四", "王五"}, &fx.orgA}, {"第二党支部", "ZB2", []string{"赵六", "钱七"}, &fx.orgB}} {
		org := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": b.name, "code": b.code, "kind": "branch"}), http.StatusCreated)
		*b.org = org["id"].(string)
		for _, name := range b.members {
			m := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/members", map[string]any{"name": name, "org_id": org["id"]}), http.StatusCreated)
			id := m["id"].(string)
			fx.members[name], fx.names[id] = id, name
			subjects = append(subjects, map[string]any{"type": "member", "id": id})
		}
	}
	sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{
		"title": "2026年度民主评议党员", "kind": "appraisal", "subjects": subjects,
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 0.6}, {"key": "self", "name": "本人", "weight": 0.1}, {"key": "masses", "name": "群众", "weight": 0.3}},
		"access":       access,
		"questions": []map[string]any{
			{"key": "grade", "type": "single", "title": "评议等次", "required": true, "per_subject": true, "options": []map[string]any{
				{"key": "excellent", "label": "优秀", "score": 95}, {"key": "qualified", "label": "合格", "score": 80},
				{"key": "basic", "label": "基本合格", "score": 65}, {"key": "unqualified", "label": "不合格", "score": 40}}},
		},
		"scoring": map[string]any{"grades": []map[string]any{{"key": "excellent", "label": "优秀", "min_score": 90},
			{"key": "qualified", "label": "合格", "min_score": 70}, {"key": "unqualified", "label": "不合格", "min_score": 0}}},
	}), http.StatusCreated)
	fx.surveyID = sv["id"].(string)
	pub := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/publish", nil), http.StatusOK)
	fx.slug = pub["slug"].(string)
	return fx
}

// issue asks for codes and returns the response.
func (fx *scopeFixture) issue(t *testing.T, body map[string]any) codesIssued {
	t.Helper()
	return decode[codesIssued](t, fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/codes", body), http.StatusCreated)
}

type codesIssued struct {
	Codes    []string
	Personal []struct {
		Code     string `json:"code"`
		MemberID string `json:"member_id"`
	}
}

// subjectsOf is who the ballot of code rates, as the public survey shows it.
func (fx *scopeFixture) subjectsOf(t *testing.T, code string) []string {
	t.Helper()
	pub := decode[struct {
		Subjects []struct{ ID, Name string }
	}](t, fx.do(http.MethodGet, "/api/v1/public/surveys/"+fx.slug+"?code="+code, nil, "Authorization", ""), http.StatusOK)
	var out []string
	for _, s := range pub.Subjects {
		out = append(out, s.Name)
	}
	return out
}

// vote grades the named members qualified with code.
func (fx *scopeFixture) vote(sid, code string, names ...string) map[string]any {
	var answers []map[string]any
	for _, n := range names {
		answers = append(answers, map[string]any{"question": "grade", "subject": fx.members[n], "option": "qualified"})
	}
	return map[string]any{"submission_id": sid, "code": code, "answers": answers}
}

func (fx *scopeFixture) submit(body any) *http.Response {
	return fx.do(http.MethodPost, "/api/v1/public/surveys/"+fx.slug+"/ballots", body, "Authorization", "").Result()
}

// TestOperatorEntryNeedsCode: on a code survey an operator's paper ballot
// needs its code (422 without), takes its group from it, and spends it
// (409 for a second paper ballot with the same code).
func TestOperatorEntryNeedsCode(t *testing.T) {
	fx := newScopeFixture(t, "code")
	op := fx.tokenFor(accounts.RoleOperator, "")
	code := fx.issue(t, map[string]any{"count": 1, "rater_group": "members"}).Codes[0]
	enter := func(sid, code string) *http.Response {
		b := fx.vote(sid, code, "张三", "李四", "王五", "赵六", "钱七")
		b["channel"], b["rater_group"] = "paper", "masses"
		return fx.do(http.MethodPost, "/api/v1/surveys/"+fx.surveyID+"/ballots", b, "Authorization", "Bearer "+op).Result()
	}
	if r := enter("paper-0001", ""); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("without a code: %d, want 422", r.StatusCode)
	}
	if r := enter("paper-0002", code); r.StatusCode != http.StatusCreated {
		t.Fatalf("with a valid code: %d, want 201", r.StatusCode)
	}
	if r := enter("paper-0003", code); r.StatusCode != http.StatusConflict {
		t.Fatalf("with a used code: %d, want 409", r.StatusCode)
	}
	l := decode[struct{ Items []map[string]any }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/ballots", nil), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0]["rater_group"] != "members" || l.Items[0]["channel"] != "paper" {
		t.Fatalf("ballots %v: want one paper ballot of the code's group (members), not the typed masses", l.Items)
	}
}

// TestScopedAndPersonalCodes: an org-scoped code's ballot rates only that
// branch's members; a self code only its holder; a peer code everyone of
// its scope but the holder. A ballot that rates someone else is refused.
func TestScopedAndPersonalCodes(t *testing.T) {
	fx := newScopeFixture(t, "code")
	org := fx.issue(t, map[string]any{"count": 1, "rater_group": "members", "org_id": fx.orgB}).Codes[0]
	if got := fx.subjectsOf(t, org); !slices.Equal(got, []string{"赵六", "钱七"}) {
		t.Fatalf("org-scoped code rates %v, want 赵六 钱七", got)
	}
	if r := fx.submit(fx.vote("org-sub-0001", org, "张三", "赵六", "钱七")); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("org-scoped ballot rating 张三 of another branch: %d, want 422", r.StatusCode)
	}
	if r := fx.submit(fx.vote("org-sub-0002", org, "赵六", "钱七")); r.StatusCode != http.StatusCreated {
		t.Fatalf("org-scoped ballot: %d", r.StatusCode)
	}

	self := fx.issue(t, map[string]any{"rater_group": "self", "per_member": "self", "org_id": fx.orgA})
	if len(self.Personal) != 3 || len(self.Codes) != 3 {
		t.Fatalf("self codes for branch A: %+v, want 3 personal codes", self)
	}
	for _, p := range self.Personal {
		if got := fx.subjectsOf(t, p.Code); !slices.Equal(got, []string{fx.names[p.MemberID]}) {
			t.Fatalf("%s's self code rates %v", fx.names[p.MemberID], got)
		}
	}
	holder := fx.names[self.Personal[0].MemberID]
	if r := fx.submit(fx.vote("self-sub-001", self.Personal[0].Code, holder)); r.StatusCode != http.StatusCreated {
		t.Fatalf("self ballot: %d", r.StatusCode)
	}

	peer := fx.issue(t, map[string]any{"rater_group": "members", "per_member": "peer"})
	if len(peer.Personal) != 5 {
		t.Fatalf("peer codes: %d, want one for each of 5 members", len(peer.Personal))
	}
	for _, p := range peer.Personal {
		got := fx.subjectsOf(t, p.Code)
		if len(got) != 4 || slices.Contains(got, fx.names[p.MemberID]) {
			t.Fatalf("%s's peer code rates %v, want the 4 others", fx.names[p.MemberID], got)
		}
	}
	p := peer.Personal[0]
	me := fx.names[p.MemberID]
	if r := fx.submit(fx.vote("peer-sub-001", p.Code, "张三", "李四", "王五", "赵六", "钱七")); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("peer ballot rating its holder %s: %d, want 422", me, r.StatusCode)
	}
	var others []string
	for _, n := range []string{"张三", "李四", "王五", "赵六", "钱七"} {
		if n != me {
			others = append(others, n)
		}
	}
	if r := fx.submit(fx.vote("peer-sub-002", p.Code, others...)); r.StatusCode != http.StatusCreated {
		t.Fatalf("peer ballot: %d", r.StatusCode)
	}
}

// TestOwnGradeRefused: a secretary linked to a member (member_id) may not
// record that member's final grade, but may record another's.
func TestOwnGradeRefused(t *testing.T) {
	fx := newScopeFixture(t, "code")
	me := fx.members["张三"]
	u := decode[map[string]any](t, fx.do(http.MethodPost, "/api/v1/users", map[string]any{
		"login": "zhangsan", "name": "张三", "password": "password-123", "role": "secretary", "org_id": fx.orgA, "member_id": me}), http.StatusCreated)
	if u["member_id"] != me {
		t.Fatalf("user %v without member_id", u)
	}
	_, tok, err := fx.acc.CreateToken(t.Context(), u["id"].(string), "test")
	if err != nil {
		t.Fatal(err)
	}
	put := func(subject string) *http.Response {
		return fx.do(http.MethodPut, "/api/v1/surveys/"+fx.surveyID+"/subjects/"+subject+"/final-grade",
			map[string]string{"grade": "excellent", "reason": "支部复核"}, "Authorization", "Bearer "+tok).Result()
	}
	w := fx.do(http.MethodPut, "/api/v1/surveys/"+fx.surveyID+"/subjects/"+me+"/final-grade",
		map[string]string{"grade": "excellent", "reason": "支部复核"}, "Authorization", "Bearer "+tok)
	wantError(t, w, http.StatusForbidden, "own_grade")
	if r := put(fx.members["李四"]); r.StatusCode != http.StatusOK {
		t.Fatalf("another member's grade: %d, want 200", r.StatusCode)
	}
}

// TestMeetingRoomCodes: 300 members with codes vote from one address (one
// Wi-Fi) within a minute at the default per-address limit of 120: every
// ballot is accepted, since a valid code is not counted against it.
func TestMeetingRoomCodes(t *testing.T) {
	fx := newScopeFixture(t, "code")
	codes := fx.issue(t, map[string]any{"count": 300, "rater_group": "members"}).Codes
	for i, code := range codes {
		r := fx.submit(fx.vote(fmt.Sprintf("room-sub-%04d", i), code, "张三", "李四", "王五", "赵六", "钱七"))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("ballot %d of 300 from one address: %d", i+1, r.StatusCode)
		}
	}
	counts := decode[struct{ Total struct{ Issued, Used int } }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/codes", nil), http.StatusOK)
	if counts.Total.Issued != 300 || counts.Total.Used != 300 {
		t.Fatalf("codes %+v, want 300 issued and used", counts.Total)
	}
	// Guessing still is limited: unknown codes count, 60 an hour.
	var last int
	for i := range 61 {
		last = fx.submit(fx.vote(fmt.Sprintf("guess-sub-%04d", i), "ZZZZ-ZZZZ-ZZ", "张三")).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the 61st unknown code from one address: %d, want 429", last)
	}
}

// TestOperatorPageShowsTheCodesSubjects: on a code survey the operator
// types the paper ballot's code first, and the page then lists only the
// subjects that code may rate (here branch B's 赵六 and 钱七), with the
// code kept in the ballot's code field.
func TestOperatorPageShowsTheCodesSubjects(t *testing.T) {
	fx := newScopeFixture(t, "code")
	code := fx.issue(t, map[string]any{"count": 1, "rater_group": "members", "org_id": fx.orgB}).Codes[0]
	_, cookie, _ := fx.signInAs(accounts.RoleOperator, "")
	all := wantAdminPage(t, fx.pageAs("/operator/surveys/"+fx.surveyID+"/ballot", cookie, nil), http.StatusOK, `id="code-lookup"`, "张三", "赵六")
	if strings.Contains(all, `id="code-lookup-note"`) {
		t.Error("a lookup note without a code")
	}
	norm := surveys.NormalizeCode(code)
	body := wantAdminPage(t, fx.pageAs("/operator/surveys/"+fx.surveyID+"/ballot?code="+url.QueryEscape(code), cookie, nil), http.StatusOK,
		"赵六", "钱七", `id="code-lookup-note"`, `name="code" value="`+norm+`"`)
	if strings.Contains(body, "张三") || strings.Contains(body, "李四") {
		t.Error("the code's page lists subjects of another branch")
	}
}
