package surveys

import (
	"context"
	"errors"
	"slices"

	"minyi"
)

// Org scoping. Roles say what a principal may do; scope says to which part
// of the org tree. Only secretaries are scoped (to the subtree of their own
// org); admins, leaders and operators see everything their role allows.

// Scope returns nil when the acting principal of ctx may see every org,
// otherwise the ids of its org and every org below it (never empty for a
// secretary: at least its own org).
func (s *OrgStore) Scope(ctx context.Context) ([]string, error) {
	p := minyi.PrincipalFrom(ctx)
	if p == nil {
		return nil, minyi.ErrNoPrincipal
	}
	if p.Role != minyi.RoleSecretary {
		return nil, nil
	}
	if p.OrgID == "" {
		// A secretary without an org cannot exist (users are validated), but
		// if one did it must see nothing rather than everything.
		return nil, minyi.ErrOutOfScope
	}
	return s.Subtree(ctx, p.OrgID)
}

// InScope reports whether orgID is within scope as Scope returns it (nil =
// everything). An empty orgID is outside every restricted scope: data that
// belongs to no org is not a secretary's.
func InScope(scope []string, orgID string) bool {
	return scope == nil || orgID != "" && slices.Contains(scope, orgID)
}

// RequireOrg answers minyi.ErrOutOfScope (403) when orgID is outside the
// scope of the acting principal of ctx.
func (s *OrgStore) RequireOrg(ctx context.Context, orgID string) error {
	scope, err := s.Scope(ctx)
	if err != nil {
		return err
	}
	if !InScope(scope, orgID) {
		return minyi.ErrOutOfScope
	}
	return nil
}

// SurveyInScope reports whether a scoped principal sees sv: it is run by an
// org of the scope or rates one.
func SurveyInScope(scope []string, sv *Survey) bool {
	if InScope(scope, sv.OrgID) {
		return true
	}
	for _, sub := range sv.Subjects {
		if InScope(scope, sub.OrgID) {
			return true
		}
	}
	return false
}

// Exists reports whether org id exists, for the domains that only refer to
// orgs by id (users, work orders).
func (s *OrgStore) Exists(ctx context.Context, id string) (bool, error) {
	_, err := s.Get(ctx, id)
	if errors.Is(err, minyi.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
