package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"minyi/accounts"
)

// TestConcurrentWrongPasswords: 60 wrong passwords sent at once for one
// account from one client check at most the 5 free ones; the rest are
// answered 429 (throttled or busy) without a password check.
func TestConcurrentWrongPasswords(t *testing.T) {
	a := newAuthEnv(t)
	a.user("wang", accounts.RoleLeader)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": fmt.Sprintf("guess-%02d-xxx", i)}, "Authorization", "")
			if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After: %s", w.Body)
			}
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] == 0 || codes[http.StatusUnauthorized] > 5 || codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != 60 {
		t.Fatalf("answers %v: want at most 5 checked (401), the rest 429", codes)
	}
}

// TestLoginThrottlesAdmin: an admin lists the current throttles and clears
// one; the owner can then sign in from that client at once.
func TestLoginThrottlesAdmin(t *testing.T) {
	a := newAuthEnv(t)
	id := a.user("wang", accounts.RoleLeader)
	for range 5 {
		wantError(t, a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": "guess-xxxxx"}, "Authorization", ""), http.StatusUnauthorized, "invalid_login")
	}
	wantError(t, a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": secretPassword}, "Authorization", ""), http.StatusTooManyRequests, "login_throttled")
	got := decode[list[accounts.Throttle]](t, a.do(http.MethodGet, "/api/v1/login-throttles", nil), http.StatusOK)
	if len(got.Items) != 1 || got.Items[0].UserID != id || got.Items[0].Login != "wang" || got.Items[0].Failures != 5 {
		t.Fatalf("throttles %+v", got.Items)
	}
	if w := a.do(http.MethodDelete, "/api/v1/login-throttles/"+got.Items[0].ID, nil); w.Code != http.StatusNoContent {
		t.Fatalf("clear: %d %s", w.Code, w.Body)
	}
	wantError(t, a.do(http.MethodDelete, "/api/v1/login-throttles/"+got.Items[0].ID, nil), http.StatusNotFound, "throttle_not_found")
	if w := a.do(http.MethodPost, "/api/v1/session", map[string]any{"login": "wang", "password": secretPassword}, "Authorization", ""); w.Code != http.StatusCreated {
		t.Fatalf("after clearing: %d %s", w.Code, w.Body)
	}
	audit := decode[auditList](t, a.do(http.MethodGet, "/api/v1/audit?action=login_throttle.clear", nil), http.StatusOK)
	if len(audit.Items) != 1 {
		t.Fatalf("audit %+v", audit.Items)
	}
}
