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

// Principal is who is making a request.
type Principal struct {
	UserID string
	Login  string
	Name   string
	Role   Role
	OrgID  string // the org subtree a secretary is limited to
	Via    string // "token", "session" or "admin_token"
}
