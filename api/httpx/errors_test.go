package httpx_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/api/httpx"
)

// TestClassifyStoreFailures: the store failing (a full disk, a command the
// server refused) is 503 store_unavailable; a duplicate key the store did
// not translate, a domain error and a plain bug are not.
func TestClassifyStoreFailures(t *testing.T) {
	diskFull := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 14031, Message: "OutOfDiskSpace"}}}
	for _, c := range []struct {
		name   string
		err    error
		status int
	}{
		{"disk full", fmt.Errorf("insert org: %w", diskFull), http.StatusServiceUnavailable},
		{"command failed", mongo.CommandError{Code: 1, Message: "database or disk is full"}, http.StatusServiceUnavailable},
		{"client disconnected", fmt.Errorf("find: %w", mongo.ErrClientDisconnected), http.StatusServiceUnavailable},
		{"duplicate key", mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000"}}}, http.StatusInternalServerError},
		{"domain conflict", minyi.E(minyi.ErrConflict, "org_code_taken", "组织编码已被使用"), http.StatusConflict},
		{"bug", fmt.Errorf("nil map"), http.StatusInternalServerError},
	} {
		status, body := httpx.Classify(t.Context(), c.err)
		if status != c.status {
			t.Errorf("%s: %d %+v, want %d", c.name, status, body, c.status)
		}
		if (status == http.StatusServiceUnavailable) != httpx.IsStoreFailure(c.err) || status == http.StatusServiceUnavailable && body.Error.Code != "store_unavailable" {
			t.Errorf("%s: IsStoreFailure %v, body %+v", c.name, httpx.IsStoreFailure(c.err), body)
		}
	}
}

// TestWriteHealth: a failed write counts until one succeeds or Hold passes.
func TestWriteHealth(t *testing.T) {
	now := fixed(0)
	h := &httpx.WriteHealth{Now: func() time.Time { return now }, Hold: 30 * time.Second}
	if h.Failing() {
		t.Fatal("failing before any write")
	}
	h.Failed()
	if !h.Failing() {
		t.Fatal("not failing after a failed write")
	}
	h.Succeeded()
	if h.Failing() {
		t.Fatal("failing after a successful write")
	}
	h.Failed()
	now = fixed(31)
	if h.Failing() {
		t.Fatal("still failing after Hold")
	}
}

func fixed(sec int) time.Time { return time.Date(2026, 11, 25, 9, 30, sec, 0, time.UTC) }
