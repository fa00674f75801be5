// Package accounts holds users, roles and what each may do, sessions and API
// tokens, and the audit log.
package accounts

// Role is what a user may do; org scoping narrows it further.
type Role string

// The roles of API.md.
const (
	RoleAdmin     Role = "admin"     // everything
	RoleLeader    Role = "leader"    // all results and downloads, read-only
	RoleOperator  Role = "operator"  // work orders, operator ballot entry
	RoleSecretary Role = "secretary" // results, ballots and work orders of its own org subtree
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleLeader, RoleOperator, RoleSecretary:
		return true
	}
	return false
}

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "管理员"
	case RoleLeader:
		return "领导"
	case RoleOperator:
		return "接线员"
	case RoleSecretary:
		return "支部书记"
	}
	return string(r)
}

// Principal is who is making a request.
type Principal struct {
	UserID string `json:"user_id,omitempty"` // "" for the MINYI_ADMIN_TOKEN
	Login  string `json:"login"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	OrgID  string `json:"org_id,omitempty"` // the org subtree a secretary is limited to
	Via    string `json:"via"`              // "token", "session" or "admin_token"
}
