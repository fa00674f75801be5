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
