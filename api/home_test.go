package api_test

import (
	"net/http"
	"strings"
	"testing"

	"minyi/accounts"
)

// TestHomePage: each role finds its work on the home page, and a visitor
// without a session is sent to the login page.
func TestHomePage(t *testing.T) {
	fx := newBallotFixture(t, "public")
	org := decode[struct{ Items []struct{ ID string } }](t, fx.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK).Items[0].ID
	w := fx.do(http.MethodGet, "/", nil, "Authorization", "")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Fatalf("anonymous: %d %v", w.Code, w.Header())
	}
	for _, tc := range []struct {
		role        accounts.Role
		want, never []string
	}{
		{accounts.RoleLeader, []string{"2026年度民主评议党员", "/results/" + fx.surveyID, "/s/" + fx.slug}, []string{"受理来电", "本支部工单"}},
		{accounts.RoleOperator, []string{"受理来电", "工单调度与回访"}, []string{"/results/"}},
		{accounts.RoleSecretary, []string{"本支部工单"}, []string{"受理来电"}},
		{accounts.RoleAdmin, []string{"受理来电", "/results/" + fx.surveyID, "系统管理", "/admin/users", "/admin/audit"}, nil},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			w := fx.do(http.MethodGet, "/", nil, "Authorization", "Bearer "+fx.tokenFor(tc.role, org))
			page := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(page, `class="topbar"`) {
				t.Fatalf("%d %s", w.Code, page)
			}
			for _, s := range tc.want {
				if !strings.Contains(page, s) {
					t.Errorf("home page of %s lacks %q", tc.role, s)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(page, s) {
					t.Errorf("home page of %s shows %q", tc.role, s)
				}
			}
		})
	}
}
