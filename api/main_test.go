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
	"minyi/analytics"
	"minyi/api"
	"minyi/feedback"
	"minyi/reports"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

const adminToken = "test-admin-token"

// fixedNow is the clock of every API test.
var fixedNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

// env is one test's server over its own database.
type env struct {
	t     *testing.T
	srv   *api.Server
	acc   *accounts.Store // users and tokens, for e.tokenFor
	users atomic.Int64    // numbers the logins tokenFor makes
}

// newEnv builds the server over a fresh database; opts adjust its options.
func newEnv(t *testing.T, opts ...func(*api.Options)) *env {
	t.Helper()
	st := storetest.Store(t)
	now := func() time.Time { return fixedNow }
	var idx []store.Index
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, surveys.MemberIndexes()...)
	idx = append(idx, surveys.SurveyIndexes()...)
	idx = append(idx, surveys.CodeIndexes()...)
	idx = append(idx, accounts.Indexes()...)
	idx = append(idx, feedback.Indexes()...)
	idx = append(idx, surveys.BallotIndexes()...)
	idx = append(idx, analytics.TallyIndexes()...)
	idx = append(idx, analytics.FinalGradeIndexes()...)
	idx = append(idx, reports.Indexes()...)
	if err := store.EnsureIndexes(t.Context(), st.DB, idx); err != nil {
		t.Fatal(err)
	}
	keys := secret.New("test-secret-key")
	acc := accounts.NewStore(st.DB, keys, now).WithArgon2(testArgon2)
	orgs := surveys.NewOrgStore(st.DB, now)
	members := surveys.NewMemberStore(st.DB, orgs, now)
	surveyStore := surveys.NewSurveyStore(st.DB, orgs, members, now)
	codes := surveys.NewCodeStore(st.DB, keys, now)
	ballots := surveys.NewBallotStore(st.DB)
	tallies := analytics.NewTallyStore(st.DB, ballots, nil)
	batcher := surveys.NewBatcher(st.DB, surveys.BatcherConfig{Codes: codes, AfterCommit: tallies})
	t.Cleanup(batcher.Close)
	finals := analytics.NewFinalGradeStore(st.DB, now)
	exportJobs, err := reports.NewRunner(st.DB, &reports.Source{Surveys: surveyStore, Ballots: ballots, Tallies: tallies,
		Finals: finals, Codes: codes, Now: now}, reports.RunnerConfig{Dir: t.TempDir(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exportJobs.Close)
	o := api.Options{
		Store: st, AdminToken: adminToken, Now: now, Keys: keys, Accounts: acc,
		Orgs: orgs, Members: members, Surveys: surveyStore,
		Codes: codes, BaseURL: testBaseURL,
		Ballots: ballots,
		Tallies: tallies, FinalGrades: finals, Exports: exportJobs,
		WorkOrders: feedback.NewStore(st.DB, now, testPolicy(t)),
		Submitter: &surveys.Submitter{
			Surveys: surveyStore.Cache(time.Minute),
			Codes:   codes, Ballots: ballots, Writer: batcher, Now: now,
		},
	}
	for _, opt := range opts {
		opt(&o)
	}
	srv := api.New(o)
	return &env{t: t, srv: srv, acc: acc}
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
