package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"minyi/accounts"
	"minyi/api"
	"minyi/app"
	"minyi/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

const adminToken = "test-admin-token"

// fixedNow is the clock of every API test.
var fixedNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

// env is one test's server over its own database.
type env struct {
	t     *testing.T
	srv   *api.Server
	app   *app.App        // the wired services, as serve builds them
	acc   *accounts.Store // users and tokens, for e.tokenFor
	users atomic.Int64    // numbers the logins tokenFor makes
}

// envConfig is what a test may change before the system is wired: the
// app's configuration (clock, logger, calendar) and the HTTP options.
type envConfig struct {
	app app.Config
	api api.Options
}

// newEnv wires the system (app.New, api.New, as serve does) over a fresh
// database; opts adjust its configuration.
func newEnv(t *testing.T, opts ...func(*envConfig)) *env {
	t.Helper()
	st := storetest.Store(t)
	c := envConfig{
		app: app.Config{
			Now: func() time.Time { return fixedNow }, SecretKey: "test-secret-key",
			Policy: testPolicy(t), ExportDir: t.TempDir(), Argon2: &testArgon2,
		},
		api: api.Options{AdminToken: adminToken, BaseURL: testBaseURL},
	}
	for _, opt := range opts {
		opt(&c)
	}
	a, err := app.New(t.Context(), st, c.app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	c.api.App = a
	return &env{t: t, srv: api.New(c.api), app: a, acc: a.Accounts}
}

// do sends a request as the admin; body may be a string (sent as is) or a
// value (marshalled). Headers in hdr override the defaults.
func (e *env) do(method, path string, body any, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// decode parses a JSON answer, failing the test if the status is not want.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder, want int) T {
	t.Helper()
	var v T
	if w.Code != want {
		t.Fatalf("status %d, want %d; body %s", w.Code, want, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	return v
}

// apiError is the error shape, for assertions.
type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
		Fields    []struct {
			Field, Code, Message string
		} `json:"fields"`
	} `json:"error"`
}

// wantError checks status, code and, when given, that a field is named.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code string, fields ...string) apiError {
	t.Helper()
	e := decode[apiError](t, w, status)
	if code != "" && e.Error.Code != code {
		t.Fatalf("error code %q, want %q; body %s", e.Error.Code, code, w.Body)
	}
	if e.Error.Message == "" {
		t.Fatalf("error without message: %s", w.Body)
	}
	for _, f := range fields {
		found := false
		for _, got := range e.Error.Fields {
			found = found || got.Field == f
		}
		if !found {
			t.Fatalf("no error for field %q in %s", f, w.Body)
		}
	}
	return e
}

// testArgon2 makes password hashing cheap in tests; production uses
// accounts.DefaultArgon2.
var testArgon2 = accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 32}

// tokenFor creates a user of role (a secretary needs orgID) and returns an
// API token for it, to send as "Authorization", "Bearer "+token.
func (e *env) tokenFor(role accounts.Role, orgID string) string {
	e.t.Helper()
	u := accounts.User{Login: fmt.Sprintf("%s-%d", role, e.users.Add(1)), Name: "测试" + role.Label(), Role: role, OrgID: orgID}
	if err := e.acc.CreateUser(e.t.Context(), &u, "password-123"); err != nil {
		e.t.Fatal(err)
	}
	_, tok, err := e.acc.CreateToken(e.t.Context(), u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}
