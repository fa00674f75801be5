package accounts_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

var cheap = accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 32}

// clock is a settable fake clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t *testing.T) (*accounts.Store, *clock) {
	t.Helper()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, accounts.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	return accounts.NewStore(db, secret.New("k"), clk.now).WithArgon2(cheap), clk
}

func TestPasswordHash(t *testing.T) {
	h, err := accounts.HashPassword("correct horse", accounts.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Matches("correct horse") || h.Matches("correct horsE") || h.Matches("") {
		t.Fatal("Matches wrong")
	}
	h2, _ := accounts.HashPassword("correct horse", accounts.DefaultArgon2)
	if string(h2.Hash) == string(h.Hash) {
		t.Fatal("same hash twice: salt not random")
	}
	// The hash must not leak through fmt, JSON or slog.
	for _, s := range []string{fmt.Sprint(h), fmt.Sprintf("%v %+v", h, h)} {
		if strings.Contains(s, string(h.Hash)) || !strings.Contains(s, "[password hash]") {
			t.Fatalf("hash printed: %s", s)
		}
	}
	if b, _ := h.MarshalJSON(); string(b) != "null" {
		t.Fatalf("json %s", b)
	}
}

func TestUserValidate(t *testing.T) {
	tests := []struct {
		name   string
		u      accounts.User
		pw     string
		fields []string
	}{
		{"ok", accounts.User{Login: " ZhangSan ", Name: "张三", Role: accounts.RoleLeader}, "password1", nil},
		{"secretary needs org", accounts.User{Login: "li", Name: "李四", Role: accounts.RoleSecretary}, "password1", []string{"org_id"}},
		{"everything wrong", accounts.User{Login: "a b", Role: "boss"}, "short", []string{"login", "name", "role", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newStore(t)
			err := s.CreateUser(t.Context(), &tt.u, tt.pw)
			if tt.fields == nil {
				if err != nil {
					t.Fatal(err)
				}
				if tt.u.Login != "zhangsan" || tt.u.ID == "" || tt.u.Password == nil {
					t.Fatalf("created %+v", tt.u)
				}
				return
			}
			var de *minyi.Error
			if !errors.As(err, &de) || !errors.Is(err, minyi.ErrInvalid) {
				t.Fatalf("err %v", err)
			}
			for _, f := range tt.fields {
				found := false
				for _, got := range de.Fields {
					found = found || got.Field == f
				}
				if !found {
					t.Errorf("no error on %s: %v", f, de.Fields)
				}
			}
		})
	}
}

func TestUserLifecycle(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	u := accounts.User{Login: "wang", Name: "王五", Role: accounts.RoleOperator}
	if err := s.CreateUser(ctx, &u, "first-password"); err != nil {
		t.Fatal(err)
	}
	dup := accounts.User{Login: "WANG", Name: "另一个", Role: accounts.RoleOperator}
	if err := s.CreateUser(ctx, &dup, "first-password"); !errors.Is(err, minyi.ErrConflict) {
		t.Fatalf("duplicate login (case-insensitive): %v", err)
	}
	if _, err := s.CheckPassword(ctx, "Wang", "first-password"); err != nil {
		t.Fatalf("login: %v", err)
	}
	if _, err := s.CheckPassword(ctx, "wang", "wrong-password"); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.CheckPassword(ctx, "nobody", "x"); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("unknown login: %v", err)
	}
	sid, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	pw := "second-password"
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, sid); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("session survived a password change: %v", err)
	}
	if _, err := s.CheckPassword(ctx, "wang", "second-password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	sec := accounts.RoleSecretary
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Role: &sec}); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("secretary without org: %v", err)
	}
	off := true
	if _, err := s.UpdateUser(ctx, u.ID, accounts.UserPatch{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckPassword(ctx, "wang", "second-password"); err == nil {
		t.Fatal("disabled user signed in")
	}
	list, next, err := s.ListUsers(ctx, 10, "")
	if err != nil || len(list) != 1 || next != "" {
		t.Fatalf("list %v %q %v", list, next, err)
	}
}

// TestSessionExpiry checks the sliding 12 h idle expiry and the 7-day cap.
func TestSessionExpiry(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	u := accounts.User{Login: "zhao", Name: "赵六", Role: accounts.RoleLeader}
	if err := s.CreateUser(ctx, &u, "password-1"); err != nil {
		t.Fatal(err)
	}
	sid, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	start := clk.t
	// Use it every 11 h: each use slides the 12 h deadline, so it lives on
	// until the 7-day cap: 15 uses reach 165 h < 168 h, the 16th at 176 h
	// is past the cap.
	for i := 1; i <= 15; i++ {
		clk.t = start.Add(time.Duration(i) * 11 * time.Hour)
		if _, _, err := s.SessionUser(ctx, sid); err != nil {
			t.Fatalf("use %d at +%dh: %v", i, i*11, err)
		}
	}
	clk.t = start.Add(168 * time.Hour)
	if _, _, err := s.SessionUser(ctx, sid); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("session older than 7 days: %v", err)
	}
	// Idle: a fresh session unused for 12 h is gone.
	sid2, _, _ := s.CreateSession(ctx, u.ID)
	clk.t = clk.t.Add(12 * time.Hour)
	if _, _, err := s.SessionUser(ctx, sid2); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("idle session: %v", err)
	}
	if err := s.DeleteSession(ctx, sid2); err != nil {
		t.Fatal(err)
	}
}

func TestTokens(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	u := accounts.User{Login: "qian", Name: "钱七", Role: accounts.RoleOperator}
	if err := s.CreateUser(ctx, &u, "password-1"); err != nil {
		t.Fatal(err)
	}
	tok, sec, err := s.CreateToken(ctx, u.ID, "脚本")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sec, accounts.TokenPrefix) || tok.Hash == sec || strings.Contains(tok.Hash, sec) {
		t.Fatalf("token %+v secret %q", tok, sec)
	}
	got, _, err := s.TokenUser(ctx, sec)
	if err != nil || got.ID != u.ID {
		t.Fatalf("token user %v %v", got, err)
	}
	for _, bad := range []string{"", "mny_x", sec + "x", "other"} {
		if _, _, err := s.TokenUser(ctx, bad); !errors.Is(err, minyi.ErrUnauthorized) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if _, _, err := s.CreateToken(ctx, "nobody", "x"); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("token for unknown user: %v", err)
	}
	if err := s.DeleteToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(ctx, sec); !errors.Is(err, minyi.ErrUnauthorized) {
		t.Fatalf("revoked token works: %v", err)
	}
	if err := s.DeleteToken(ctx, tok.ID); !errors.Is(err, minyi.ErrNotFound) {
		t.Fatalf("revoke twice: %v", err)
	}
}

func TestAuditPaging(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	for i := range 5 {
		clk.t = clk.t.Add(time.Second)
		actor := "alice"
		if i%2 == 1 {
			actor = "bob"
		}
		if err := s.Audit(ctx, &accounts.AuditEntry{Actor: actor, Action: "survey.create", ObjectID: fmt.Sprint("s", i)}); err != nil {
			t.Fatal(err)
		}
	}
	page1, next, err := s.ListAudit(ctx, accounts.AuditFilter{Limit: 2})
	if err != nil || len(page1) != 2 || next == "" || page1[0].ObjectID != "s4" || page1[1].ObjectID != "s3" {
		t.Fatalf("page 1: %+v %q %v", page1, next, err)
	}
	page2, _, _ := s.ListAudit(ctx, accounts.AuditFilter{Limit: 2, After: next})
	if len(page2) != 2 || page2[0].ObjectID != "s2" {
		t.Fatalf("page 2: %+v", page2)
	}
	bob, _, _ := s.ListAudit(ctx, accounts.AuditFilter{Limit: 10, Actor: "bob"})
	if len(bob) != 2 || bob[0].ObjectID != "s3" || bob[1].ObjectID != "s1" {
		t.Fatalf("bob: %+v", bob)
	}
	one, _, _ := s.ListAudit(ctx, accounts.AuditFilter{Limit: 10, ObjectID: "s0", Action: "survey.create"})
	if len(one) != 1 || one[0].Actor != "alice" {
		t.Fatalf("object s0: %+v", one)
	}
}
