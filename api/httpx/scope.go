package httpx

import (
	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/surveys"
)

// Org scoping lives with the org tree (surveys.OrgStore.Scope); the
// handlers that filter what they read call these helpers, which keep the
// subtree for the rest of the request:
//
//	scope, err := s.OrgScope(c)          // nil = unrestricted; filter lists with it
//	if err := h.RequireOrg(c, orgID); …  // 403 when orgID is outside the scope
//
// Domain operations check the scope themselves.

// ErrOutOfScope is the refusal of an org outside the caller's scope.
var ErrOutOfScope = minyi.ErrOutOfScope

// Scope finds the caller's org scope in the org tree.
type Scope struct {
	Orgs *surveys.OrgStore
}

// OrgScope returns nil when the caller may see every org, otherwise the ids
// of the caller's org and all orgs below it. The subtree is looked up once
// per request.
func (s Scope) OrgScope(c *gin.Context) ([]string, error) {
	p := Principal(c)
	if p == nil {
		return nil, ErrNoCredentials
	}
	if p.Role != accounts.RoleSecretary {
		return nil, nil
	}
	if v, ok := c.Get(ctxScope); ok {
		return v.([]string), nil
	}
	ids, err := s.Orgs.Scope(c.Request.Context())
	if err != nil {
		return nil, err
	}
	c.Set(ctxScope, ids)
	return ids, nil
}

// RequireOrg answers 403 (out_of_scope) when orgID is outside the caller's
// scope. An empty orgID is out of scope for a scoped caller: data that
// belongs to no org is not a secretary's.
func (s Scope) RequireOrg(c *gin.Context, orgID string) error {
	scope, err := s.OrgScope(c)
	if err != nil {
		return err
	}
	if !InScope(scope, orgID) {
		return ErrOutOfScope
	}
	return nil
}

// InScope reports whether orgID is within scope as returned by orgScope
// (nil = everything); for filtering lists in memory.
func InScope(scope []string, orgID string) bool { return surveys.InScope(scope, orgID) }
