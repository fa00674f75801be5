package api_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

var pathParam = regexp.MustCompile(`[:*][A-Za-z_]+`)

// TestAuthorizationMatrix walks the whole route table, so routes added
// later are covered without touching this test: every non-public route
// must answer 401 without credentials and with bad ones, 403 "forbidden" to
// each role it does not admit, and neither 401 nor that 403 (nor a 5xx) to
// the roles it admits. Pages redirect to /login instead of 401.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	branch := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}), http.StatusCreated)
	roles := []accounts.Role{accounts.RoleAdmin, accounts.RoleLeader, accounts.RoleOperator, accounts.RoleSecretary}
	tokens := map[accounts.Role]string{}
	for _, r := range roles {
		tokens[r] = e.tokenFor(r, map[bool]string{true: branch.ID}[r == accounts.RoleSecretary])
	}
	table := e.srv.RouteTable()
	if len(table) < 10 {
		t.Fatalf("route table has %d routes", len(table))
	}
	for _, rt := range table {
		if rt.Public {
			continue
		}
		// An id that exists nowhere: allowed roles get past auth and then a
		// 404 or 422, which is what this test needs.
		path := pathParam.ReplaceAllString(rt.Path, "0123456789abcdef01234567")
		var body any
		if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
			body = "{}"
		}
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			unauth := func(what string, hdr ...string) {
				t.Helper()
				w := e.do(rt.Method, path, body, hdr...)
				if rt.Page {
					if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
						t.Errorf("%s: page answered %d (Location %q), want 303 to /login", what, w.Code, w.Header().Get("Location"))
					}
					return
				}
				if w.Code != http.StatusUnauthorized {
					t.Errorf("%s: %d %s, want 401", what, w.Code, w.Body)
				}
			}
			unauth("no credentials", "Authorization", "")
			unauth("bad API token", "Authorization", "Bearer "+accounts.TokenPrefix+"not-a-real-token")
			unauth("bad bearer", "Authorization", "Bearer wrong-admin-token")
			unauth("bad session cookie", "Authorization", "", "Cookie", "minyi_session=forged")
			for _, role := range roles {
				w := e.do(rt.Method, path, body, "Authorization", "Bearer "+tokens[role])
				ok := role == accounts.RoleAdmin || slices.Contains(rt.Roles, role)
				denied := w.Code == http.StatusForbidden && (rt.Page || strings.Contains(w.Body.String(), `"code":"forbidden"`))
				switch {
				case w.Code >= 500:
					t.Errorf("%s: %d %s", role, w.Code, w.Body)
				case ok && (w.Code == http.StatusUnauthorized || denied):
					t.Errorf("%s is allowed but got %d %s", role, w.Code, w.Body)
				case !ok && !denied:
					t.Errorf("%s is not allowed but got %d %s", role, w.Code, w.Body)
				}
			}
		})
	}
}

// TestSecretaryScope: a secretary of a general branch reaches its own org
// and the branches below it, and nothing else.
func TestSecretaryScope(t *testing.T) {
	e := newEnv(t)
	post := func(body map[string]any) surveys.Org {
		return decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", body), http.StatusCreated)
	}
	root := post(map[string]any{"name": "街道党工委", "code": "JD", "kind": "committee"})
	gb := post(map[string]any{"name": "一社区党总支", "code": "SQ1", "kind": "general_branch", "parent_id": root.ID})
	in := post(map[string]any{"name": "一支部", "code": "ZB1", "kind": "branch", "parent_id": gb.ID})
	gb2 := post(map[string]any{"name": "二社区党总支", "code": "SQ2", "kind": "general_branch", "parent_id": root.ID})
	out := post(map[string]any{"name": "二支部", "code": "ZB2", "kind": "branch", "parent_id": gb2.ID})
	sec := "Bearer " + e.tokenFor(accounts.RoleSecretary, gb.ID)
	leader := "Bearer " + e.tokenFor(accounts.RoleLeader, "")
	tests := []struct {
		name, token, org string
		want             int
	}{
		{"secretary, own org", sec, gb.ID, http.StatusOK},
		{"secretary, branch below", sec, in.ID, http.StatusOK},
		{"secretary, parent", sec, root.ID, http.StatusForbidden},
		{"secretary, sibling", sec, gb2.ID, http.StatusForbidden},
		{"secretary, sibling's branch", sec, out.ID, http.StatusForbidden},
		{"leader, anywhere", leader, out.ID, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(http.MethodGet, "/api/v1/orgs/"+tt.org, nil, "Authorization", tt.token)
			if tt.want == http.StatusForbidden {
				wantError(t, w, http.StatusForbidden, "out_of_scope")
				return
			}
			if w.Code != tt.want {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
		})
	}
	// The tree a secretary sees starts at its own org.
	tree := decode[struct {
		Items []struct {
			ID       string
			Children []struct{ ID string }
		}
	}](t, e.do(http.MethodGet, "/api/v1/orgs", nil, "Authorization", sec), http.StatusOK)
	if len(tree.Items) != 1 || tree.Items[0].ID != gb.ID || len(tree.Items[0].Children) != 1 || tree.Items[0].Children[0].ID != in.ID {
		t.Fatalf("secretary's tree %+v, want %s with %s below", tree, gb.ID, in.ID)
	}
}
