package accounts_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
)

const goodPassword = "right-password"

func withUser(t *testing.T, s *accounts.Store, login string) *accounts.User {
	t.Helper()
	u := accounts.User{Login: login, Name: "用户" + login, Role: accounts.RoleLeader}
	if err := s.CreateUser(t.Context(), &u, goodPassword); err != nil {
		t.Fatal(err)
	}
	return &u
}

// outcome classifies a login result: "ok", "401", "429" or "429 busy".
func outcome(t *testing.T, u *accounts.User, err error) string {
	t.Helper()
	var de *minyi.Error
	switch {
	case err == nil && u != nil:
		return "ok"
	case errors.Is(err, minyi.ErrUnauthorized):
		return "401"
	case errors.As(err, &de) && de.Code == "login_busy":
		return "429 busy"
	case errors.Is(err, minyi.ErrRateLimited):
		if _, ok := accounts.RetryAfter(err); !ok {
			t.Fatalf("429 without a wait: %v", err)
		}
		return "429"
	}
	t.Fatalf("login: %v", err)
	return ""
}

// try signs in and classifies the result.
func try(t *testing.T, s *accounts.Store, login, password, client string) string {
	t.Helper()
	u, err := s.Login(t.Context(), login, password, client)
	return outcome(t, u, err)
}

// TestLoginRace: 60 concurrent wrong passwords on one account from one
// client, spread over two instances sharing the store, are checked at most
// as often as the free failures allow; every other attempt is 429.
func TestLoginRace(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, accounts.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	keys := secret.New("k")
	a := accounts.NewStore(db, keys, clk.now).WithArgon2(cheap)
	b := accounts.NewStore(db, keys, clk.now).WithArgon2(cheap)
	withUser(t, a, "zhou")
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			s := a
			if i%2 == 1 {
				s = b
			}
			u, err := s.Login(t.Context(), "zhou", fmt.Sprintf("guess-%02d-xx", i), "client-1")
			o := outcome(t, u, err)
			mu.Lock()
			got[o]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got["401"] == 0 || got["401"] > accounts.DefaultPolicy.AccountFailures || got["ok"] > 0 || got["401"]+got["429"]+got["429 busy"] != 60 {
		t.Fatalf("outcomes %v: want at most %d password checks", got, accounts.DefaultPolicy.AccountFailures)
	}
	// The failures were all counted: the next attempt, even with the right
	// password, waits once the free failures are used up.
	for range accounts.DefaultPolicy.AccountFailures - got["401"] {
		if o := try(t, a, "zhou", "another-guess", "client-1"); o != "401" {
			t.Fatalf("a free failure: %s", o)
		}
	}
	if o := try(t, b, "zhou", goodPassword, "client-1"); o != "429" {
		t.Fatalf("after the free failures: %s, want 429", o)
	}
}

// TestLoginThrottleDelays: past the free failures each attempt of a login
// from a client waits twice as long as the one before; the owner from
// another client is not affected; success starts the pair afresh; failures
// are forgotten an hour after the last; admins list and clear throttles.
func TestLoginThrottleDelays(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	u := withUser(t, s, "zhou")
	for i := range 5 {
		if o := try(t, s, "Zhou", "guess-xxxxx", "office"); o != "401" {
			t.Fatalf("free failure %d: %s", i+1, o)
		}
	}
	for _, d := range []time.Duration{2, 4, 8} {
		_, err := s.Login(ctx, "zhou", goodPassword, "office")
		if w, _ := accounts.RetryAfter(err); w != d*time.Second {
			t.Fatalf("wait %v (%v), want %ds", w, err, d)
		}
		if o := try(t, s, "zhou", goodPassword, "home"); o != "ok" {
			t.Fatalf("the owner from another client: %s", o)
		}
		clk.t = clk.t.Add(d * time.Second)
		if o := try(t, s, "zhou", "guess-yyyyy", "office"); o != "401" {
			t.Fatalf("after waiting %ds: %s", d, o)
		}
	}
	// The delay is capped at 15 minutes.
	for range 20 {
		clk.t = clk.t.Add(15 * time.Minute)
		if o := try(t, s, "zhou", "guess-zzzzz", "office"); o != "401" {
			t.Fatalf("after 15 minutes: %s", o)
		}
	}
	list, err := s.ListThrottles(ctx)
	if err != nil || len(list) != 1 || list[0].UserID != u.ID || list[0].Login != "zhou" || list[0].Kind != "account_client" ||
		list[0].Failures != 28 || !list[0].RetryAt.Equal(clk.t.Add(15*time.Minute)) {
		t.Fatalf("throttles %+v, %v", list, err)
	}
	if err := s.ClearThrottle(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearThrottle(ctx, list[0].ID); !errors.Is(err, minyi.ErrNotFound) {
		t.Fatalf("clear twice: %v", err)
	}
	if o := try(t, s, "zhou", goodPassword, "office"); o != "ok" {
		t.Fatalf("after the admin cleared it: %s", o)
	}

	// A success starts the pair afresh: five free failures again.
	for i := range 5 {
		if o := try(t, s, "zhou", "guess-xxxxx", "office"); o != "401" {
			t.Fatalf("free failure %d after a success: %s", i+1, o)
		}
	}
	if o := try(t, s, "zhou", goodPassword, "office"); o != "429" {
		t.Fatalf("sixth: %s", o)
	}
	clk.t = clk.t.Add(time.Hour)
	if o := try(t, s, "zhou", goodPassword, "office"); o != "ok" {
		t.Fatalf("an hour after the last failure: %s", o)
	}
}

// TestLoginClientThrottle: one client's failures over many logins add up
// (50 free), then its attempts are delayed, not refused for good; an
// unknown login is throttled exactly like a known one.
func TestLoginClientThrottle(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	withUser(t, s, "wu")
	for i := range 50 {
		if o := try(t, s, fmt.Sprintf("nobody%02d", i), "guess-xxxxx", "nat"); o != "401" {
			t.Fatalf("failure %d: %s", i+1, o)
		}
	}
	_, err := s.Login(ctx, "wu", goodPassword, "nat")
	if w, _ := accounts.RetryAfter(err); w != 2*time.Second {
		t.Fatalf("client past its free failures: %v", err)
	}
	clk.t = clk.t.Add(2 * time.Second)
	if o := try(t, s, "wu", goodPassword, "nat"); o != "ok" {
		t.Fatalf("after the delay: %s", o)
	}
	// Unknown and known logins: the same five free failures, the same wait.
	for _, login := range []string{"wu", "ghost"} {
		for range 5 {
			if o := try(t, s, login, "guess-xxxxx", "c-"+login); o != "401" {
				t.Fatalf("%s: %s", login, o)
			}
		}
		_, err := s.Login(ctx, login, "guess-xxxxx", "c-"+login)
		if w, _ := accounts.RetryAfter(err); w != 2*time.Second {
			t.Fatalf("%s: %v", login, err)
		}
	}
}

// TestPasswordChecksBounded: 60 concurrent logins at full argon2id cost
// (19 MiB each) from 60 clients run at most two checks at a time, so memory
// stays bounded; who cannot get a check in time is answered 429.
func TestPasswordChecksBounded(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, accounts.Indexes()); err != nil {
		t.Fatal(err)
	}
	p := accounts.DefaultPolicy
	p.PasswordWait = 300 * time.Millisecond
	s := accounts.NewStore(db, secret.New("k"), time.Now).WithPolicy(p)
	withUser(t, s, "zheng")
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			u, err := s.Login(t.Context(), "zheng", "wrong-password", fmt.Sprint("client-", i))
			o := outcome(t, u, err)
			mu.Lock()
			got[o]++
			mu.Unlock()
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	t.Logf("outcomes %v; memory from the OS grew %d MB", got, (int64(after.Sys)-int64(before.Sys))>>20)
	if got["401"] == 0 || got["401"]+got["429 busy"] != 60 {
		t.Fatalf("outcomes %v", got)
	}
	if grown := int64(after.Sys) - int64(before.Sys); grown > 200<<20 {
		t.Fatalf("memory grew by %d MB: password checks are not bounded", grown>>20)
	}
}
