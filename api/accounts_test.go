package api_test

import (
	"net/http"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

type auditList struct {
	Items []accounts.AuditEntry `json:"items"`
	Next  *string               `json:"next"`
}

func TestUsersAPI(t *testing.T) {
	e := newEnv(t)
	branch := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	u := decode[accounts.User](t, e.do(http.MethodPost, "/api/v1/users",
		map[string]any{"login": "Secretary1", "name": "周书记", "password": "password-1", "role": "secretary", "org_id": branch.ID}), http.StatusCreated)
	if u.Login != "secretary1" || u.OrgID != branch.ID || u.Role != accounts.RoleSecretary {
		t.Fatalf("created %+v", u)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		fields []string
	}{
		{"duplicate login", map[string]any{"login": "SECRETARY1", "name": "x", "password": "password-1", "role": "leader"}, http.StatusConflict, "login_taken", []string{"login"}},
		{"unknown org", map[string]any{"login": "s2", "name": "x", "password": "password-1", "role": "secretary", "org_id": "nope"}, http.StatusUnprocessableEntity, "validation_failed", []string{"org_id"}},
		{"secretary without org", map[string]any{"login": "s3", "name": "x", "password": "password-1", "role": "secretary"}, http.StatusUnprocessableEntity, "validation_failed", []string{"org_id"}},
		{"bad everything", map[string]any{"login": "", "name": "", "password": "1", "role": "king"}, http.StatusUnprocessableEntity, "validation_failed", []string{"login", "name", "password", "role"}},
		{"server-owned field", map[string]any{"login": "s4", "name": "x", "password": "password-1", "role": "leader", "id": "mine"}, http.StatusUnprocessableEntity, "validation_failed", []string{"id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(http.MethodPost, "/api/v1/users", tt.body), tt.status, tt.code, tt.fields...)
		})
	}
	got := decode[accounts.User](t, e.do(http.MethodGet, "/api/v1/users/"+u.ID, nil), http.StatusOK)
	if got.Name != "周书记" {
		t.Fatalf("get %+v", got)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/users/nope", nil), http.StatusNotFound, "user_not_found")
	p := decode[accounts.User](t, e.do(http.MethodPatch, "/api/v1/users/"+u.ID, map[string]any{"role": "leader", "org_id": "", "name": "周领导"}), http.StatusOK)
	if p.Role != accounts.RoleLeader || p.OrgID != "" || p.Name != "周领导" {
		t.Fatalf("patched %+v", p)
	}
	wantError(t, e.do(http.MethodPatch, "/api/v1/users/"+u.ID, map[string]any{"role": "secretary"}), http.StatusUnprocessableEntity, "validation_failed", "org_id")
	wantError(t, e.do(http.MethodPatch, "/api/v1/users/"+u.ID, map[string]any{"org_id": "nope"}), http.StatusUnprocessableEntity, "validation_failed", "org_id")

	// Paging: three users, two per page.
	e.tokenFor(accounts.RoleOperator, "")
	e.tokenFor(accounts.RoleLeader, "")
	p1 := decode[list[accounts.User]](t, e.do(http.MethodGet, "/api/v1/users?limit=2", nil), http.StatusOK)
	if len(p1.Items) != 2 || p1.Next == nil {
		t.Fatalf("page 1 %+v", p1)
	}
	p2 := decode[list[accounts.User]](t, e.do(http.MethodGet, "/api/v1/users?limit=2&after="+*p1.Next, nil), http.StatusOK)
	if len(p2.Items) != 1 || p2.Next != nil || p2.Items[0].ID == p1.Items[1].ID {
		t.Fatalf("page 2 %+v", p2)
	}

	// An admin cannot lock itself out.
	self := []string{"Authorization", "Bearer " + e.tokenFor(accounts.RoleAdmin, "")}
	me := decode[struct{ User accounts.Principal }](t, e.do(http.MethodGet, "/api/v1/session", nil, self...), http.StatusOK)
	wantError(t, e.do(http.MethodPatch, "/api/v1/users/"+me.User.UserID, map[string]any{"disabled": true}, self...), http.StatusConflict, "self_lockout")
	wantError(t, e.do(http.MethodPatch, "/api/v1/users/"+me.User.UserID, map[string]any{"role": "leader"}, self...), http.StatusConflict, "self_lockout")
	decode[accounts.User](t, e.do(http.MethodPatch, "/api/v1/users/"+me.User.UserID, map[string]any{"name": "新名字"}, self...), http.StatusOK)

	audit := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?object_id="+u.ID, nil), http.StatusOK)
	if len(audit.Items) != 2 || audit.Items[0].Action != "user.update" || audit.Items[1].Action != "user.create" ||
		audit.Items[0].Actor != "admin-token" || audit.Items[0].RequestID == "" || !strings.Contains(audit.Items[0].Summary, "角色改为 领导") {
		t.Fatalf("audit %+v", audit.Items)
	}
}

type list[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

func TestTokensAPI(t *testing.T) {
	e := newEnv(t)
	op := e.tokenFor(accounts.RoleOperator, "")
	leader := e.tokenFor(accounts.RoleLeader, "")
	asOp := []string{"Authorization", "Bearer " + op}

	// An operator makes a token for itself; the new token works at once.
	first := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "导入脚本"}, asOp...), http.StatusCreated)
	raw := decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "第二个"}, asOp...), http.StatusCreated)
	if first["name"] != "导入脚本" || first["user_id"] != raw["user_id"] || first["token"] == raw["token"] {
		t.Fatalf("first token %v, second %v", first, raw)
	}
	sec, id := raw["token"].(string), raw["id"].(string)
	if !strings.HasPrefix(sec, accounts.TokenPrefix) || id == "" || raw["user_id"] == "" {
		t.Fatalf("new token %v", raw)
	}
	if w := e.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "Bearer "+sec); w.Code != http.StatusOK {
		t.Fatalf("new token refused: %d %s", w.Code, w.Body)
	}
	// Shown once: lists never carry the secret.
	mine := e.do(http.MethodGet, "/api/v1/tokens", nil, asOp...)
	if strings.Contains(mine.Body.String(), sec) || strings.Contains(mine.Body.String(), `"token"`) {
		t.Fatalf("list shows the secret: %s", mine.Body)
	}
	if l := decode[list[accounts.Token]](t, mine, http.StatusOK); len(l.Items) != 3 { // tokenFor's + 2
		t.Fatalf("own tokens %+v", l)
	}
	if l := decode[list[accounts.Token]](t, e.do(http.MethodGet, "/api/v1/tokens", nil, "Authorization", "Bearer "+leader), http.StatusOK); len(l.Items) != 1 {
		t.Fatalf("leader sees %+v", l)
	}
	if l := decode[list[accounts.Token]](t, e.do(http.MethodGet, "/api/v1/tokens", nil), http.StatusOK); len(l.Items) != 4 {
		t.Fatalf("admin sees %+v", l)
	}
	// Only an admin names another user; the admin token must name one.
	wantError(t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "x", "user_id": raw["user_id"]}, "Authorization", "Bearer "+leader), http.StatusForbidden, "forbidden")
	wantError(t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "x"}), http.StatusUnprocessableEntity, "validation_failed", "user_id")
	wantError(t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "x", "user_id": "nope"}), http.StatusUnprocessableEntity, "validation_failed", "user_id")
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "管理员代建", "user_id": raw["user_id"]}), http.StatusCreated)

	// Revoking: not someone else's, and a revoked token is dead.
	wantError(t, e.do(http.MethodDelete, "/api/v1/tokens/"+id, nil, "Authorization", "Bearer "+leader), http.StatusNotFound, "token_not_found")
	if w := e.do(http.MethodDelete, "/api/v1/tokens/"+id, nil, asOp...); w.Code != http.StatusNoContent {
		t.Fatalf("revoke %d %s", w.Code, w.Body)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/session", nil, "Authorization", "Bearer "+sec), http.StatusUnauthorized, "invalid_credentials")
	wantError(t, e.do(http.MethodDelete, "/api/v1/tokens/"+id, nil, asOp...), http.StatusNotFound, "token_not_found")

	a := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?action=token.revoke", nil), http.StatusOK)
	if len(a.Items) != 1 || a.Items[0].ObjectID != id || !strings.HasPrefix(a.Items[0].Actor, "operator-") || a.Items[0].Role != accounts.RoleOperator {
		t.Fatalf("audit %+v", a.Items)
	}
	if strings.Contains(e.do(http.MethodGet, "/api/v1/audit", nil).Body.String(), sec) {
		t.Fatal("token secret in the audit log")
	}
}

func TestAuditFilters(t *testing.T) {
	e := newEnv(t)
	tok := e.tokenFor(accounts.RoleLeader, "")
	for i := range 3 {
		decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "t" + string(rune('0'+i))}, "Authorization", "Bearer "+tok), http.StatusCreated)
	}
	decode[accounts.User](t, e.do(http.MethodPost, "/api/v1/users", map[string]any{"login": "x1", "name": "某", "password": "password-1", "role": "leader"}), http.StatusCreated)
	all := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?limit=2", nil), http.StatusOK)
	if len(all.Items) != 2 || all.Next == nil || all.Items[0].Action != "user.create" {
		t.Fatalf("newest first: %+v", all)
	}
	rest := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?limit=10&after="+*all.Next, nil), http.StatusOK)
	if len(rest.Items) != 2 || rest.Items[1].Summary != "为用户 "+rest.Items[1].ActorID+" 创建接口令牌「t0」" {
		t.Fatalf("page 2: %+v", rest.Items)
	}
	byActor := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?actor=leader-1", nil), http.StatusOK)
	if len(byActor.Items) != 3 {
		t.Fatalf("actor filter: %+v", byActor.Items)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/audit?limit=0", nil), http.StatusUnprocessableEntity, "validation_failed", "limit")
}

// TestAuditOfSurveyLifecycle: the survey handlers record their changes.
func TestAuditOfSurveyLifecycle(t *testing.T) {
	e := newEnv(t)
	sv := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateQuestionnaire, nil), http.StatusCreated)
	decode[map[string]any](t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{"title": "2026年群众满意度问卷"}), http.StatusOK)
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/close", nil), http.StatusOK)
	got := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?object_id="+sv.ID, nil), http.StatusOK)
	var actions []string
	for _, a := range got.Items {
		actions = append(actions, a.Action)
		if a.Actor != "admin-token" || a.ObjectType != "survey" || a.Summary == "" {
			t.Errorf("entry %+v", a)
		}
	}
	if strings.Join(actions, ",") != "survey.close,survey.publish,survey.update,survey.create" {
		t.Fatalf("actions newest first: %v", actions)
	}
}

// TestAuditOfWorkOrders: taking a call and each work-order step are
// recorded with who did it, and downloading the ledger is recorded too.
func TestAuditOfWorkOrders(t *testing.T) {
	f := newWOFixture(t)
	c := f.create(f.operator, call("complaint", "", "13800135678")) // 待派单: dispatched below
	f.step(f.operator, c.ID, map[string]any{"action": "assign", "org_id": f.a.ID})
	f.step(f.secA, c.ID, map[string]any{"action": "accept"})
	got := decode[auditList](t, f.do(http.MethodGet, "/api/v1/audit?object_id="+c.ID, nil), http.StatusOK)
	if len(got.Items) != 3 || got.Items[0].Action != "work_order.accept" || got.Items[0].Role != accounts.RoleSecretary ||
		got.Items[1].Action != "work_order.assign" || got.Items[1].Role != accounts.RoleOperator || !strings.Contains(got.Items[1].Summary, c.Number) ||
		got.Items[2].Action != "work_order.create" || got.Items[2].Summary != c.Number {
		t.Fatalf("audit %+v", got.Items)
	}
	if w := f.as(f.leader, http.MethodGet, "/api/v1/work-orders/report.xlsx", nil); w.Code != http.StatusOK {
		t.Fatalf("ledger %d", w.Code)
	}
	dl := decode[auditList](t, f.do(http.MethodGet, "/api/v1/audit?action=export.download", nil), http.StatusOK)
	if len(dl.Items) != 1 || dl.Items[0].Role != accounts.RoleLeader {
		t.Fatalf("download audit %+v", dl.Items)
	}
}
