package api_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"minyi/api"
	"minyi/app"
	"minyi/store"
)

// pingOK is a store that answers pings whatever happens to its writes.
type pingOK struct{}

func (pingOK) Ping(context.Context) error { return nil }

// TestStoreWriteFailureDegrades: when the store stops taking writes, a
// change answers 503 store_unavailable with Retry-After (not 500), and
// /readyz answers 503 although the store still answers pings, until a
// write succeeds.
func TestStoreWriteFailureDegrades(t *testing.T) {
	st, err := store.Open(t.Context(), store.Config{URI: os.Getenv("MONGODB_URI"), DataDir: t.TempDir(), Database: "t_store_down_" + time.Now().Format("150405.000000")[7:]})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(t.Context(), st, app.Config{Now: func() time.Time { return fixedNow }, SecretKey: "test-secret-key", Policy: testPolicy(t), Argon2: &testArgon2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	e := &env{t: t, srv: api.New(api.Options{App: a, AdminToken: adminToken, Store: pingOK{}}), app: a, acc: a.Accounts}
	if w := e.do(http.MethodGet, "/readyz", nil); w.Code != http.StatusOK {
		t.Fatalf("readyz before: %d %s", w.Code, w.Body)
	}
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := e.do(http.MethodPost, "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"})
	wantError(t, w, http.StatusServiceUnavailable, "store_unavailable")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	w = e.do(http.MethodGet, "/readyz", nil)
	wantError(t, w, http.StatusServiceUnavailable, "store_unavailable")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("readyz 503 without Retry-After")
	}
}
