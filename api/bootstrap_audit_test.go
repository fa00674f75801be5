package api_test

import (
	"net/http"
	"testing"
)

// TestBootstrapTokenAudited: every request made with MINYI_ADMIN_TOKEN is
// in the audit log as the bootstrap token, reads included; a change keeps
// its own entry (via admin_token) and gets no second one.
func TestBootstrapTokenAudited(t *testing.T) {
	e := newEnv(t)
	decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK)
	decode[map[string]any](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党委", "code": "DW1", "kind": "committee"}), http.StatusCreated)
	uses := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?action=auth.bootstrap_token", nil), http.StatusOK)
	if len(uses.Items) != 1 || uses.Items[0].Via != "admin_token" || uses.Items[0].Summary != "使用引导令牌（MINYI_ADMIN_TOKEN）：GET /api/v1/orgs" {
		t.Fatalf("bootstrap uses: %+v", uses.Items)
	}
	created := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?action=org.create", nil), http.StatusOK)
	if len(created.Items) != 1 || created.Items[0].Via != "admin_token" {
		t.Fatalf("org.create: %+v", created.Items)
	}
	again := decode[auditList](t, e.do(http.MethodGet, "/api/v1/audit?action=auth.bootstrap_token", nil), http.StatusOK)
	if len(again.Items) != 3 { // GET /orgs and the two audit reads before this one
		t.Fatalf("the audit reads are not audited: %+v", again.Items)
	}
}
