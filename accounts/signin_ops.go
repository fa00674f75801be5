package accounts

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"minyi"
)

// SignInInput is a sign-in attempt: the login and password typed, and the
// keyed hash of the client's address (for the per-client throttle).
type SignInInput struct {
	Login      string
	Password   string
	ClientHash string
}

// Throttled is the refusal of a sign-in while too many attempts failed:
// a 429 *minyi.Error with how long to wait (the Retry-After header).
type Throttled struct {
	Err  *minyi.Error
	Wait time.Duration
}

func (t *Throttled) Error() string { return t.Err.Error() }

// Unwrap lets the edge map it as the *minyi.Error it carries.
func (t *Throttled) Unwrap() error { return t.Err }

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
	acct, client := s.store.AccountKey(in.Login), s.store.ClientKey(in.ClientHash)
	wait, err := s.store.LoginBlocked(ctx, acct, client)
	if err != nil {
		return nil, "", err
	}
	if wait > 0 {
		return nil, "", &Throttled{Wait: wait, Err: minyi.E(minyi.ErrRateLimited, "login_throttled",
			"登录失败次数过多，请"+strconv.Itoa(int(math.Ceil(wait.Minutes())))+"分钟后再试")}
	}
	u, err := s.store.CheckPassword(ctx, in.Login, in.Password)
	if err != nil {
		if !errors.Is(err, minyi.ErrUnauthorized) {
			return nil, "", err
		}
		if ferr := s.store.LoginFailed(ctx, acct, client); ferr != nil {
			return nil, "", ferr
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
	if err := s.store.LoginSucceeded(ctx, acct); err != nil {
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
