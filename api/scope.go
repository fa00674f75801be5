package api

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
//	scope, err := s.orgScope(c)          // nil = unrestricted; filter lists with it
//	if err := s.requireOrg(c, orgID); …  // 403 when orgID is outside the scope
//
// Domain operations check the scope themselves.

const ctxScope = "minyi.scope"

var errOutOfScope = minyi.ErrOutOfScope

// orgScope returns nil when the caller may see every org, otherwise the ids
// of the caller's org and all orgs below it. The subtree is looked up once
// per request.
func (s *Server) orgScope(c *gin.Context) ([]string, error) {
	p := principal(c)
	if p == nil {
		return nil, errNoCredentials
	}
	if p.Role != accounts.RoleSecretary {
		return nil, nil
	}
	if v, ok := c.Get(ctxScope); ok {
		return v.([]string), nil
	}
	ids, err := s.orgs.Scope(c.Request.Context())
	if err != nil {
		return nil, err
	}
	c.Set(ctxScope, ids)
	return ids, nil
}

// requireOrg answers 403 (out_of_scope) when orgID is outside the caller's
// scope. An empty orgID is out of scope for a scoped caller: data that
// belongs to no org is not a secretary's.
func (s *Server) requireOrg(c *gin.Context, orgID string) error {
	scope, err := s.orgScope(c)
	if err != nil {
		return err
	}
	if !inScope(scope, orgID) {
		return errOutOfScope
	}
	return nil
}

// inScope reports whether orgID is within scope as returned by orgScope
// (nil = everything); for filtering lists in memory.
func inScope(scope []string, orgID string) bool { return surveys.InScope(scope, orgID) }
