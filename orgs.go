package minyi

import (
	"context"
	"strings"
)

// OrgExister is what a domain that refers to orgs by id asks of the org
// tree (surveys.OrgStore satisfies it through the wiring).
type OrgExister interface {
	Exists(ctx context.Context, id string) (bool, error)
}

// CheckOrg answers 422 on field org_id, with message, when id names no
// org; "" passes.
func CheckOrg(ctx context.Context, orgs OrgExister, id, message string) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil
	}
	ok, err := orgs.Exists(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		var fe FieldErrors
		fe.Add("org_id", "unknown_org", message)
		return fe.Err()
	}
	return nil
}
