package api

import (
	"slices"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
)

// Org scoping. Roles say what a caller may do; scope says to which part of
// the org tree. Only secretaries are scoped (to the subtree of their own
// org); admins, leaders and operators see everything their role allows.
//
// Handlers that read or change org-owned data call these two helpers:
//
//	scope, err := s.orgScope(c)          // nil = unrestricted; filter lists with it
//	if err := s.requireOrg(c, orgID); …  // 403 when orgID is outside the scope

const ctxScope = "minyi.scope"

var errOutOfScope = minyi.E(minyi.ErrForbidden, "out_of_scope", "您只能查看和处理本组织及下级组织的内容")

// orgScope returns nil when the caller may see every org, otherwise the ids
// of the caller's org and all orgs below it (never empty for a secretary:
// at least its own org). The subtree is looked up once per request.
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
	if p.OrgID == "" {
		// A secretary without an org cannot exist (users are validated), but
		// if one did it must see nothing rather than everything.
		return nil, errOutOfScope
	}
	ids, err := s.orgs.Subtree(c.Request.Context(), p.OrgID)
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
func inScope(scope []string, orgID string) bool {
	return scope == nil || orgID != "" && slices.Contains(scope, orgID)
}
