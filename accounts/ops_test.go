package accounts_test

import (
	"context"
	"errors"
	"testing"

	"minyi"
	"minyi/accounts"
)

// orgs is an org tree of one org, "org-1".
type orgs struct{}

func (orgs) Exists(_ context.Context, id string) (bool, error) { return id == "org-1", nil }

func acting(ctx context.Context, u *accounts.User) context.Context {
	return minyi.WithRequestID(minyi.WithPrincipal(ctx, u.Principal("session")), "req-"+u.Login)
}

// TestServiceAuthoriseAndAudit: only admins manage users, an admin cannot
// lock itself out, a user revokes only its own tokens (another's is "not
// found"), and each change is audited with the actor of the context.
func TestServiceAuthoriseAndAudit(t *testing.T) {
	st, _ := newStore(t)
	ctx := t.Context()
	svc := accounts.NewService(st, orgs{}, accounts.NewAuditor(st, nil))
	admin := &accounts.User{Login: "admin", Name: "管理员", Role: accounts.RoleAdmin}
	if err := st.CreateUser(ctx, admin, "password-123"); err != nil {
		t.Fatal(err)
	}
	asAdmin := acting(ctx, admin)

	op, err := svc.CreateUser(asAdmin, accounts.UserInput{Login: "op", Name: "接线员", Password: "password-123", Role: accounts.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	asOp := acting(ctx, op)
	if _, err := svc.CreateUser(asOp, accounts.UserInput{Login: "x", Name: "某人", Password: "password-123", Role: accounts.RoleAdmin}); !errors.Is(err, minyi.ErrForbidden) {
		t.Errorf("an operator created a user: %v", err)
	}
	if _, err := svc.CreateUser(asAdmin, accounts.UserInput{Login: "sec", Name: "书记", Password: "password-123", Role: accounts.RoleSecretary, OrgID: "nope"}); !errors.Is(err, minyi.ErrInvalid) {
		t.Errorf("a user in an unknown org: %v", err)
	}
	disabled := true
	if _, err := svc.UpdateUser(asAdmin, admin.ID, accounts.UserPatch{Disabled: &disabled}); !errors.Is(err, minyi.ErrConflict) {
		t.Errorf("an admin disabled itself: %v", err)
	}
	if _, err := svc.UpdateUser(asOp, op.ID, accounts.UserPatch{Disabled: &disabled}); !errors.Is(err, minyi.ErrForbidden) {
		t.Errorf("an operator changed a user: %v", err)
	}

	mine, _, err := svc.CreateToken(asOp, accounts.TokenInput{Name: "脚本"})
	if err != nil || mine.UserID != op.ID {
		t.Fatalf("own token: %+v %v", mine, err)
	}
	if _, _, err := svc.CreateToken(asOp, accounts.TokenInput{Name: "冒名", UserID: admin.ID}); !errors.Is(err, minyi.ErrForbidden) {
		t.Errorf("an operator created a token for another user: %v", err)
	}
	adminTok, _, err := svc.CreateToken(asAdmin, accounts.TokenInput{Name: "管理"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RevokeToken(asOp, adminTok.ID, ""); !errors.Is(err, minyi.ErrNotFound) {
		t.Errorf("an operator revoked the admin's token: %v", err)
	}
	if _, err := svc.RevokeToken(asAdmin, mine.ID, admin.ID); !errors.Is(err, minyi.ErrNotFound) {
		t.Errorf("revoked a token through another user's page: %v", err)
	}
	if _, err := svc.RevokeToken(asAdmin, mine.ID, op.ID); err != nil {
		t.Fatal(err)
	}

	log, _, err := st.ListAudit(ctx, accounts.AuditFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+" by "+e.Actor+" in "+e.RequestID)
	}
	want := []string{ // newest first
		"token.revoke by admin in req-admin",
		"token.create by admin in req-admin",
		"token.create by op in req-op",
		"user.create by admin in req-admin",
	}
	if len(got) != len(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit[%d] %q, want %q", i, got[i], want[i])
		}
	}
}

// TestSignInAudits: a failed sign-in is audited as nobody, a successful one
// as the user who signed in, a throttled one not at all; signing out is
// audited as the principal of the context.
func TestSignInAudits(t *testing.T) {
	st, _ := newStore(t)
	ctx := minyi.WithRequestID(t.Context(), "req-login")
	svc := accounts.NewService(st, orgs{}, accounts.NewAuditor(st, nil))
	u := &accounts.User{Login: "li", Name: "李四", Role: accounts.RoleLeader}
	if err := st.CreateUser(ctx, u, "password-123"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SignIn(ctx, accounts.SignInInput{Login: "li", Password: "wrong", ClientHash: "c1"}); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	p, sid, err := svc.SignIn(ctx, accounts.SignInInput{Login: "LI", Password: "password-123", ClientHash: "c1"})
	if err != nil || p.UserID != u.ID || sid == "" {
		t.Fatalf("sign in: %+v %q %v", p, sid, err)
	}
	if err := svc.SignOut(minyi.WithPrincipal(ctx, p), sid); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, _, _ = svc.SignIn(ctx, accounts.SignInInput{Login: "li", Password: "wrong", ClientHash: "c2"})
	}
	_, _, err = svc.SignIn(ctx, accounts.SignInInput{Login: "li", Password: "password-123", ClientHash: "c2"})
	if wait, ok := accounts.RetryAfter(err); !ok || wait <= 0 || !errors.Is(err, minyi.ErrRateLimited) {
		t.Fatalf("after 5 failures: %v", err)
	}
	log, _, err := st.ListAudit(ctx, accounts.AuditFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+" by "+e.Actor+" on "+e.ObjectID+" in "+e.RequestID)
	}
	failed := "session.login_failed by  on " + u.ID + " in req-login"
	want := []string{failed, failed, failed, failed, failed, // newest first; the throttled one is not there
		"session.logout by li on " + u.ID + " in req-login",
		"session.login by li on " + u.ID + " in req-login",
		failed}
	if len(got) != len(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit[%d] %q, want %q", i, got[i], want[i])
		}
	}
}
