package accounts

import (
	"context"
	"errors"
	"strings"

	"minyi"
)

// SignInInput is a sign-in attempt: the login and password typed, and the
// keyed hash of the client's address (for the per-client throttle).
type SignInInput struct {
	Login      string
	Password   string
	ClientHash string
}

// SignIn checks the throttle and the password and starts a session; it
// returns the principal and the raw session id. Each attempt is audited
// (never the password): a success as the user who signed in, a failure as
// nobody. A throttled attempt is not audited: a guessing run would flood
// the log.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (*Principal, string, error) {
	var fe minyi.FieldErrors
	if strings.TrimSpace(in.Login) == "" {
		fe.Add("login", "required", "请填写登录名")
	}
	if in.Password == "" {
		fe.Add("password", "required", "请填写密码")
	}
	if err := fe.Err(); err != nil {
		return nil, "", err
	}
	u, err := s.store.Login(ctx, in.Login, in.Password, in.ClientHash)
	if _, ok := RetryAfter(err); ok {
		return nil, "", err
	}
	if err != nil {
		if !errors.Is(err, minyi.ErrUnauthorized) {
			return nil, "", err
		}
		// The typed login is recorded only when it names a user: people
		// sometimes type their password into the login field.
		r := minyi.AuditRecord{Action: "session.login_failed", ObjectType: "user", Summary: "登录失败：登录名不存在"}
		if u != nil {
			r.ObjectID, r.Summary = u.ID, "登录失败："+u.Login
			if u.Disabled {
				r.Summary = "登录失败（账户已停用）：" + u.Login
			}
		}
		s.audit.Audit(minyi.WithPrincipal(ctx, nil), r)
		return nil, "", err
	}
	sid, _, err := s.store.CreateSession(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	p := u.Principal("session")
	s.audit.Audit(minyi.WithPrincipal(ctx, p), minyi.AuditRecord{Action: "session.login", ObjectType: "user", ObjectID: u.ID, Summary: "登录"})
	return p, sid, nil
}

// SignOut ends session sid of the acting principal and audits it.
func (s *Service) SignOut(ctx context.Context, sid string) error {
	if err := s.store.DeleteSession(ctx, sid); err != nil {
		return err
	}
	r := minyi.AuditRecord{Action: "session.logout", ObjectType: "user", Summary: "退出登录"}
	if p := minyi.PrincipalFrom(ctx); p != nil {
		r.ObjectID = p.UserID
	}
	s.audit.Audit(ctx, r)
	return nil
}
