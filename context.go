package minyi

import (
	"context"
	"sync/atomic"
)

// The acting principal travels in the request's context, as
// benbjohnson/wtf's UserIDFromContext does: the HTTP edge authenticates and
// calls WithPrincipal; every domain operation reads PrincipalFrom, checks
// what the principal may do and names it in the audit entry. It lives here,
// in the leaf package, so that every domain can import it without cycles.

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
	// MemberID is the member the user is, if linked: such a user may not
	// record their own final grade.
	MemberID string `json:"member_id,omitempty"`
	Via      string `json:"via"` // "token", "session" or "admin_token"
}

// Is reports whether p holds one of roles; an admin holds every role.
func (p *Principal) Is(roles ...Role) bool {
	if p == nil {
		return false
	}
	if p.Role == RoleAdmin {
		return true
	}
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// Actor names p in records such as a final grade's "by": the login, or the
// user id when there is none.
func (p *Principal) Actor() string {
	if p == nil {
		return ""
	}
	if p.Login != "" {
		return p.Login
	}
	return p.UserID
}

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
	auditMarkKey
)

// WithAuditMark returns ctx able to remember that an audit entry was
// written under it (MarkAudited, Audited): the edge uses it to add an entry
// of its own only for requests nothing else audited.
func WithAuditMark(ctx context.Context) context.Context {
	return context.WithValue(ctx, auditMarkKey, new(atomic.Bool))
}

// MarkAudited records that an audit entry was written under ctx; a no-op
// without WithAuditMark.
func MarkAudited(ctx context.Context) {
	if b, ok := ctx.Value(auditMarkKey).(*atomic.Bool); ok {
		b.Store(true)
	}
}

// Audited reports whether an audit entry was written under ctx.
func Audited(ctx context.Context) bool {
	b, ok := ctx.Value(auditMarkKey).(*atomic.Bool)
	return ok && b.Load()
}

// WithPrincipal returns ctx carrying p as the acting principal.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the acting principal of ctx, nil when there is none
// (a public request, or one not yet authenticated).
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

// WithRequestID returns ctx carrying the request id, which audit entries
// and logs record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request id of ctx, "" when there is none.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// Errors of the authorisation checks every domain operation makes.
var (
	ErrNoPrincipal = E(ErrUnauthorized, "unauthorized", "请先登录")
	ErrWrongRole   = E(ErrForbidden, "forbidden", "您的角色无权进行此操作")
	ErrOutOfScope  = E(ErrForbidden, "out_of_scope", "您只能查看和处理本组织及下级组织的内容")
)

// Require returns the acting principal of ctx when it holds one of roles
// (an admin holds every role, so Require(ctx) with no roles admits admins
// only): ErrNoPrincipal (401) without a principal, ErrWrongRole (403)
// otherwise.
func Require(ctx context.Context, roles ...Role) (*Principal, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, ErrNoPrincipal
	}
	if !p.Is(roles...) {
		return nil, ErrWrongRole
	}
	return p, nil
}

// AuditRecord is what a domain operation says about a change it made: the
// action ("<object>.<verb>", e.g. "org.create"), the object, and a Chinese
// summary for people reading the log. Never put passwords, tokens, codes or
// phone numbers in it. The actor and request id come from the context.
type AuditRecord struct {
	Action     string
	ObjectType string
	ObjectID   string
	Summary    string
}

// Auditor appends to the audit log (accounts implements it; the wiring
// passes it to each domain service). Audit is called after the change
// succeeded, so it does not fail the operation: an entry that cannot be
// written is the implementation's to log.
type Auditor interface {
	Audit(ctx context.Context, r AuditRecord)
}

// NoAudit is an Auditor that records nothing, for tools and tests without
// an audit log.
type NoAudit struct{}

// Audit records nothing.
func (NoAudit) Audit(context.Context, AuditRecord) {}
