package api_test

import (
	"net/http"
	"testing"

	"minyi/surveys"
)

func TestOrgLifecycle(t *testing.T) {
	e := newEnv(t)
	root := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "某街道党工委", "code": "JD", "kind": "committee"}), http.StatusCreated)
	gb := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "某社区党总支", "code": "SQ1", "kind": "general_branch", "parent_id": root.ID}), http.StatusCreated)
	br := decode[surveys.Org](t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch", "parent_id": gb.ID}), http.StatusCreated)
	if len(br.Path) != 2 || br.Path[0] != root.ID || br.Path[1] != gb.ID {
		t.Fatalf("path %v", br.Path)
	}
	wantError(t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "重复", "code": "ZB1", "kind": "branch", "parent_id": gb.ID}), http.StatusConflict, "org_code_taken", "code")
	wantError(t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "错层", "code": "X", "kind": "committee", "parent_id": br.ID}), http.StatusUnprocessableEntity, "validation_failed", "parent_id")
	wantError(t, e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "", "code": "a b", "kind": "x"}), http.StatusUnprocessableEntity, "validation_failed", "name", "code", "kind")

	tree := decode[struct {
		Items []struct {
			ID       string
			Children []struct {
				ID       string
				Children []struct{ ID string }
			}
		}
	}](t, e.do(http.MethodGet, "/api/v1/orgs", nil), http.StatusOK)
	if len(tree.Items) != 1 || tree.Items[0].Children[0].Children[0].ID != br.ID {
		t.Fatalf("tree %+v", tree)
	}

	got := decode[surveys.Org](t, e.do(http.MethodPatch, "/api/v1/orgs/"+br.ID, map[string]any{"name": "第一党支部（改）"}), http.StatusOK)
	if got.Name != "第一党支部（改）" || got.Code != "ZB1" {
		t.Fatalf("patched %+v", got)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs/nope", nil), http.StatusNotFound, "org_not_found")
	wantError(t, e.do(http.MethodDelete, "/api/v1/orgs/"+gb.ID, nil), http.StatusConflict, "org_has_children")
	if w := e.do(http.MethodDelete, "/api/v1/orgs/"+br.ID, nil); w.Code != http.StatusNoContent {
		t.Fatalf("delete %d %s", w.Code, w.Body)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/orgs/"+br.ID, nil), http.StatusNotFound, "org_not_found")
}
