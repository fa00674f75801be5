package api_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/surveys"
)

// The JSON API and the pages call the same domain operation for a change
// (STYLE 4b): these tests make one change each way and compare what was
// stored and what was audited.

// auditOf returns the audit entries of action, newest first.
func (e *env) auditOf(action string) []accounts.AuditEntry {
	e.t.Helper()
	return decode[struct{ Items []accounts.AuditEntry }](e.t, e.do(http.MethodGet, "/api/v1/audit?action="+action, nil), http.StatusOK).Items
}

// sameEntry checks an audit entry of the JSON call and one of the page
// against what both should say; only who acted (and how) may differ.
func sameEntry(t *testing.T, got accounts.AuditEntry, login, via, objectID, summary string) {
	t.Helper()
	if got.Actor != login || got.Via != via || got.ObjectID != objectID || got.Summary != summary || got.RequestID == "" {
		t.Errorf("audit entry %+v, want actor %s via %s, object %s, summary %q and a request id", got, login, via, objectID, summary)
	}
}

// TestOrgCreateJSONAndPageAgree: POST /api/v1/orgs and the /admin/orgs
// form store the same org and the same audit entry.
func TestOrgCreateJSONAndPageAgree(t *testing.T) {
	e := newEnv(t)
	root := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "机关党委", "code": "JG", "kind": "committee"}), http.StatusCreated)
	tok := e.tokenFor(accounts.RoleAdmin, "")
	viaJSON := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs",
		map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch", "parent_id": root.ID}, "Authorization", "Bearer "+tok), http.StatusCreated)
	login, ck, csrf := e.signInAs(accounts.RoleAdmin, "")
	w := e.pageAs("/admin/orgs", ck, withCSRF(csrf, url.Values{"name": {"第二党支部"}, "code": {"ZB2"}, "kind": {"branch"}, "parent_id": {root.ID}}))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	loc, _ := url.Parse(w.Header().Get("Location"))
	viaPage := e.getOrg(loc.Query().Get("created"))
	for _, o := range []surveys.Org{e.getOrg(viaJSON.ID), viaPage} {
		if o.Kind != surveys.OrgBranch || o.ParentID != root.ID || len(o.Path) != 1 || o.Path[0] != root.ID || !o.CreatedAt.Equal(fixedNow) {
			t.Errorf("stored org %+v", o)
		}
	}
	log := e.auditOf("org.create") // newest first: the page's, the JSON's, the root's
	if len(log) != 3 {
		t.Fatalf("audit %+v", log)
	}
	tokUser := log[1].Actor
	sameEntry(t, log[1], tokUser, "token", viaJSON.ID, "创建组织第一党支部（ZB1）")
	sameEntry(t, log[0], login, "session", viaPage.ID, "创建组织第二党支部（ZB2）")
	if log[0].Role != accounts.RoleAdmin || log[1].Role != accounts.RoleAdmin || log[1].ActorID == "" || log[0].ActorID == "" {
		t.Errorf("actors %+v / %+v", log[0], log[1])
	}
}

// TestSurveyCloseJSONAndPageAgree: POST /api/v1/surveys/{id}/close and
// the /admin/surveys/{id}/close button close the survey the same way (the
// ballot path sees it at once) and audit it the same way.
func TestSurveyCloseJSONAndPageAgree(t *testing.T) {
	e := newEnv(t)
	b := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	publish := func() (string, string) {
		sv := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys", validDef(orgSubject(b.ID))), http.StatusCreated)
		pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv["id"].(string)+"/publish", nil), http.StatusOK)
		// The ballot path reads (and caches) the open survey.
		decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/public/surveys/"+pub.Slug, nil, "Authorization", ""), http.StatusOK)
		return sv["id"].(string), pub.Slug
	}
	one, oneSlug := publish()
	two, twoSlug := publish()
	tok := e.tokenFor(accounts.RoleAdmin, "")
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+one+"/close", nil, "Authorization", "Bearer "+tok), http.StatusOK)
	login, ck, csrf := e.signInAs(accounts.RoleAdmin, "")
	if w := e.pageAs("/admin/surveys/"+two+"/close", ck, withCSRF(csrf, nil)); w.Code != http.StatusSeeOther {
		t.Fatalf("close form: %d %s", w.Code, w.Body)
	}
	for _, id := range []string{one, two} {
		sv := decode[surveys.Survey](t, e.do(http.MethodGet, "/api/v1/surveys/"+id, nil), http.StatusOK)
		if sv.Status != surveys.StatusClosed || sv.ClosedAt == nil || !sv.ClosedAt.Equal(fixedNow) {
			t.Errorf("stored survey %s: %s %v", id, sv.Status, sv.ClosedAt)
		}
	}
	for _, slug := range []string{oneSlug, twoSlug} {
		w := e.do(http.MethodPost, "/api/v1/public/surveys/"+slug+"/ballots", map[string]any{"submission_id": "after-close-" + slug, "answers": []any{}}, "Authorization", "")
		wantError(t, w, http.StatusGone, "")
	}
	log := e.auditOf("survey.close")
	if len(log) != 2 {
		t.Fatalf("audit %+v", log)
	}
	sameEntry(t, log[1], log[1].Actor, "token", one, "结束测评「2026年度党支部满意度测评」")
	sameEntry(t, log[0], login, "session", two, "结束测评「2026年度党支部满意度测评」")
}

// TestFinalGradeJSONAndPageAgree: a secretary records a final grade of its
// own branch through PUT …/final-grade, another through the results page's
// form; both are stored and audited alike, and both ways refuse a subject
// of another branch with 403.
func TestFinalGradeJSONAndPageAgree(t *testing.T) {
	fx := newResultsFixture(t)
	tok := fx.tokenFor(accounts.RoleSecretary, fx.b1)
	put := func(subject, token string) int {
		return fx.do(http.MethodPut, "/api/v1/surveys/"+fx.surveyID+"/subjects/"+subject+"/final-grade",
			map[string]string{"grade": "good", "reason": "支部复核"}, "Authorization", "Bearer "+token).Code
	}
	if code := put(fx.b1, tok); code != http.StatusOK {
		t.Fatalf("PUT: %d", code)
	}
	login, ck, csrf := fx.signInAs(accounts.RoleSecretary, fx.b2)
	action := "/results/" + fx.surveyID + "/subjects/" + fx.b2 + "/final-grade"
	if w := fx.pageAs(action, ck, withCSRF(csrf, url.Values{"grade": {"good"}, "reason": {"支部复核"}})); w.Code != http.StatusSeeOther {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	// Out of scope both ways, and nothing recorded for it.
	if code := put(fx.b2, tok); code != http.StatusForbidden {
		t.Errorf("PUT of another branch: %d, want 403", code)
	}
	wantAdminPage(t, fx.pageAs("/results/"+fx.surveyID+"/subjects/"+fx.b1+"/final-grade", ck,
		withCSRF(csrf, url.Values{"grade": {"bad"}, "reason": {"越权"}})), http.StatusForbidden)

	hist := decode[struct{ Items []analytics.FinalGradeRecord }](t, fx.do(http.MethodGet, "/api/v1/surveys/"+fx.surveyID+"/final-grades", nil), http.StatusOK).Items
	if len(hist) != 2 {
		t.Fatalf("history %+v", hist)
	}
	log := fx.auditOf("survey.final_grade")
	if len(log) != 2 {
		t.Fatalf("audit %+v", log)
	}
	tokUser := log[1].Actor
	for i, r := range hist {
		want := map[int]string{0: tokUser, 1: login}[i]
		if r.Key != "good" || r.Label != "好" || r.Reason != "支部复核" || r.SetBy != want || !r.SetAt.Equal(fixedNow.In(time.UTC)) {
			t.Errorf("record %d: %+v, want set by %s", i, r, want)
		}
	}
	sameEntry(t, log[1], tokUser, "token", fx.surveyID, "确定测评对象 "+fx.b1+" 的等次为「好」")
	sameEntry(t, log[0], login, "session", fx.surveyID, "确定测评对象 "+fx.b2+" 的等次为「好」")
}

// TestWorkOrderCreateJSONAndPageAgree: a call taken through POST
// /api/v1/work-orders and one through the operator's form are stored alike
// (phone masked and sealed, org, status) and both audited; before, only the
// JSON call was.
func TestWorkOrderCreateJSONAndPageAgree(t *testing.T) {
	e := newEnv(t)
	b := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	tok := e.tokenFor(accounts.RoleOperator, "")
	viaJSON := decode[struct{ ID, Number string }](t, e.do(http.MethodPost, "/api/v1/work-orders", map[string]any{
		"channel": "hotline", "kind": "complaint", "content": "楼道堆放杂物", "caller": map[string]string{"name": "李女士", "phone": "13800135678"}, "org_id": b.ID,
	}, "Authorization", "Bearer "+tok), http.StatusCreated)
	login, ck, csrf := e.signInAs(accounts.RoleOperator, "")
	w := e.pageAs("/operator/work-orders/new", ck, withCSRF(csrf, url.Values{"phone": {"138 0013 5678"}, "name": {"李女士"}, "kind": {"complaint"},
		"org": {"第一党支部 [ZB1]"}, "content": {"楼道堆放杂物"}, "channel": {"hotline"}}))
	if w.Code != http.StatusCreated {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	log := e.auditOf("work_order.create")
	if len(log) != 2 {
		t.Fatalf("audit %+v", log)
	}
	sameEntry(t, log[1], log[1].Actor, "token", viaJSON.ID, viaJSON.Number)
	sameEntry(t, log[0], login, "session", log[0].ObjectID, log[0].Summary)
	type stored struct {
		Number, Status, Kind, Channel string
		OrgID                         string `json:"org_id"`
		Caller                        struct{ Name, Phone string }
	}
	one := decode[stored](t, e.do(http.MethodGet, "/api/v1/work-orders/"+viaJSON.ID, nil), http.StatusOK)
	two := decode[stored](t, e.do(http.MethodGet, "/api/v1/work-orders/"+log[0].ObjectID, nil), http.StatusOK)
	if log[0].Summary != two.Number || one.Number == two.Number {
		t.Errorf("numbers %s / %s, audit %q", one.Number, two.Number, log[0].Summary)
	}
	one.Number, two.Number = "", ""
	if one != two || one.OrgID != b.ID || one.Status != "assigned" || one.Caller.Phone != "138****5678" { // dispatched at intake; masked even for the admin
		t.Errorf("stored %+v / %+v", one, two)
	}
}
