// Package accounts holds users, roles and what each may do, sessions and API
// tokens, and the audit log.
package accounts

import "minyi"

// Role is what a user may do; the type lives in the root package so that
// every domain can check the acting principal's role.
type Role = minyi.Role

// The roles of API.md.
const (
	RoleAdmin     = minyi.RoleAdmin
	RoleLeader    = minyi.RoleLeader
	RoleOperator  = minyi.RoleOperator
	RoleSecretary = minyi.RoleSecretary
)

// Principal is who is making a request (see minyi.WithPrincipal).
type Principal = minyi.Principal
