package accounts

import (
	"context"
	"strings"

	"minyi"
)

// Orgs is what the accounts domain asks of the org tree: whether an org a
// user is put in exists (surveys.OrgStore, through the wiring).
type Orgs interface {
	Exists(ctx context.Context, id string) (bool, error)
}

// Service is users and API tokens as they change. Each method is one domain
// operation: it takes ctx carrying the acting principal, refuses one that
// may not act, makes the change and writes the audit entry; the JSON API
// and the pages both call these.
type Service struct {
	store *Store
	orgs  Orgs
	audit minyi.Auditor
}

// NewService changes users and tokens in st, checks orgs against orgs and
// audits to audit.
func NewService(st *Store, orgs Orgs, audit minyi.Auditor) *Service {
	return &Service{store: st, orgs: orgs, audit: audit}
}

var (
	errSelfLockout   = minyi.E(minyi.ErrConflict, "self_lockout", "不能停用自己的账户或取消自己的管理员角色")
	errTokenForOther = minyi.E(minyi.ErrForbidden, "forbidden", "只有管理员可以为其他用户创建令牌")
)

// checkOrg answers 422 on field org_id when id names no org; "" passes.
func (s *Service) checkOrg(ctx context.Context, id string) error {
	return minyi.CheckOrg(ctx, s.orgs, id, "组织不存在")
}

// UserInput is what an admin sets on a new user.
type UserInput struct {
	Login    string
	Name     string
	Password string
	Role     Role
	OrgID    string
	MemberID string
}

// CreateUser creates a user (admins only).
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	if err := s.checkOrg(ctx, in.OrgID); err != nil {
		return nil, err
	}
	u := User{Login: in.Login, Name: in.Name, Role: in.Role, OrgID: in.OrgID, MemberID: in.MemberID}
	if err := s.store.CreateUser(ctx, &u, in.Password); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "user.create", ObjectType: "user", ObjectID: u.ID,
		Summary: "创建用户 " + u.Login + "（" + u.Name + "，" + u.Role.Label() + "）"})
	return &u, nil
}

// UpdateUser applies p to user id (admins only). An admin may not disable
// or demote itself: that could leave nobody to undo it.
func (s *Service) UpdateUser(ctx context.Context, id string, p UserPatch) (*User, error) {
	me, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	if me.UserID == id && (p.Disabled != nil && *p.Disabled || p.Role != nil && *p.Role != RoleAdmin) {
		return nil, errSelfLockout
	}
	if p.OrgID != nil {
		if err := s.checkOrg(ctx, *p.OrgID); err != nil {
			return nil, err
		}
	}
	u, err := s.store.UpdateUser(ctx, id, p)
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "user.update", ObjectType: "user", ObjectID: u.ID,
		Summary: "修改用户 " + u.Login + "：" + p.summary()})
	return u, nil
}

// summary names what changed, never the password itself.
func (p UserPatch) summary() string {
	var parts []string
	if p.Name != nil {
		parts = append(parts, "姓名改为 "+*p.Name)
	}
	if p.Role != nil {
		parts = append(parts, "角色改为 "+p.Role.Label())
	}
	if p.OrgID != nil {
		parts = append(parts, "所属组织改为 "+*p.OrgID)
	}
	if p.Password != nil {
		parts = append(parts, "重设密码")
	}
	if p.Disabled != nil {
		if *p.Disabled {
			parts = append(parts, "停用")
		} else {
			parts = append(parts, "启用")
		}
	}
	if len(parts) == 0 {
		return "无变更"
	}
	return strings.Join(parts, "，")
}

// TokenInput asks for a new API token.
type TokenInput struct {
	Name   string
	UserID string // whose; "" = the acting user's own. Only admins name another user.
}

// CreateToken creates an API token and returns it with its secret, which is
// never shown again. Anyone signed in may create one for itself.
func (s *Service) CreateToken(ctx context.Context, in TokenInput) (*Token, string, error) {
	p, err := minyi.Require(ctx, RoleLeader, RoleOperator, RoleSecretary)
	if err != nil {
		return nil, "", err
	}
	userID := in.UserID
	switch {
	case userID == "":
		userID = p.UserID
	case userID != p.UserID && p.Role != RoleAdmin:
		return nil, "", errTokenForOther
	}
	if userID == "" { // the admin token is nobody: it must say for whom
		var fe minyi.FieldErrors
		fe.Add("user_id", "required", "请指定令牌所属的用户")
		return nil, "", fe.Err()
	}
	t, sec, err := s.store.CreateToken(ctx, userID, in.Name)
	if err != nil {
		return nil, "", err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "token.create", ObjectType: "token", ObjectID: t.ID,
		Summary: "为用户 " + t.UserID + " 创建接口令牌「" + t.Name + "」"})
	return t, sec, nil
}

// RevokeToken deletes token id when the acting principal may: its owner or
// an admin. When owner is set the token must also belong to that user (an
// admin's page of one user). Someone else's token is "not found", so ids
// cannot be probed.
func (s *Service) RevokeToken(ctx context.Context, id, owner string) (*Token, error) {
	p, err := minyi.Require(ctx, RoleLeader, RoleOperator, RoleSecretary)
	if err != nil {
		return nil, err
	}
	t, err := s.store.GetToken(ctx, id)
	if err != nil {
		return nil, err
	}
	if (p.Role != RoleAdmin && t.UserID != p.UserID) || (owner != "" && t.UserID != owner) {
		return nil, errTokenNotFound
	}
	if err := s.store.DeleteToken(ctx, t.ID); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "token.revoke", ObjectType: "token", ObjectID: t.ID,
		Summary: "吊销用户 " + t.UserID + " 的接口令牌「" + t.Name + "」"})
	return t, nil
}
