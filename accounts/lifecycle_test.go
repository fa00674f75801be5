package accounts_test

import (
	"errors"
	"testing"

	"minyi"
	"minyi/accounts"
)

// TestCredentialLifecycle: a password reset and a disable revoke the user's
// API tokens and sessions, and re-enabling the user brings none back.
func TestCredentialLifecycle(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	u := accounts.User{Login: "qian", Name: "钱七", Role: accounts.RoleOperator}
	if err := s.CreateUser(ctx, &u, "first-password"); err != nil {
		t.Fatal(err)
	}
	issue := func() (string, string) {
		t.Helper()
		_, tok, err := s.CreateToken(ctx, u.ID, "脚本")
		if err != nil {
			t.Fatal(err)
		}
		sid, _, err := s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tok, sid
	}
	revoked := func(step, tok, sid string) {
		t.Helper()
		if _, _, err := s.TokenUser(ctx, tok); !errors.Is(err, minyi.ErrUnauthorized) {
			t.Errorf("%s: token still works: %v", step, err)
		}
		if _, _, err := s.SessionUser(ctx, sid); !errors.Is(err, minyi.ErrUnauthorized) {
			t.Errorf("%s: session still works: %v", step, err)
		}
	}

	tok, sid := issue()
	pw := "second-password"
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	revoked("after a password reset", tok, sid)

	tok, sid = issue()
	name := "钱七七"
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(ctx, tok); err != nil {
		t.Fatalf("a rename revoked the token: %v", err)
	}
	off, on := true, false
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Disabled: &on}); err != nil {
		t.Fatal(err)
	}
	revoked("after disable and enable", tok, sid)
	if list, _, err := s.ListTokens(ctx, u.ID, 10, ""); err != nil || len(list) != 0 {
		t.Fatalf("tokens left after disable: %v %v", list, err)
	}
}
