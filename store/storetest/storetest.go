// Package storetest gives tests a real store: one embedded FerretDB per test
// binary (its constructor writes a package global, so two in one process
// race) and a fresh database per test, dropped when the test ends.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }
//
// When MONGODB_URI is set the tests use that server instead.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
)

// server is the per-binary store; set once by Run before any test starts.
var server *store.Store

// Run starts the store, runs the tests and stops the store. It returns the
// exit code for os.Exit.
func Run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "minyi-storetest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{URI: os.Getenv("MONGODB_URI"), DataDir: dir, Started: started})
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	server = s
	code := m.Run()
	closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Close(closeCtx); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: close:", err)
	}
	return code
}

// Client is the shared client, for tests that build their own store.Store.
func Client(t testing.TB) *mongo.Client {
	t.Helper()
	if server == nil {
		t.Fatal("storetest: call storetest.Run from TestMain")
	}
	return server.Client
}

// DB returns a database of its own for this test, dropped at cleanup.
func DB(t testing.TB) *mongo.Database {
	t.Helper()
	db := Client(t).Database(name(t))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Logf("storetest: drop %s: %v", db.Name(), err)
		}
	})
	return db
}

// Store wraps DB in a *store.Store for code that takes one.
func Store(t testing.TB) *store.Store {
	t.Helper()
	db := DB(t)
	return &store.Store{Client: db.Client(), DB: db}
}

// name is short, unique and valid on both servers (FerretDB allows
// [A-Za-z0-9_-], at most 63 characters).
func name(t testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, t.Name())
	if len(base) > 40 {
		base = base[:40]
	}
	return "t_" + base + "_" + hex.EncodeToString(b[:])
}

// ExplainID is SQLite's plan for a find by _id on collection of db, on the
// embedded store ("" when the tests run against MongoDB, which needs no
// help). It first indexes the tables created since the last poll.
func ExplainID(t testing.TB, db *mongo.Database, collection string) string {
	t.Helper()
	if !server.Embedded() {
		return ""
	}
	ctx := context.Background()
	if err := server.SyncIDIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := server.ExplainIDQuery(ctx, db.Name(), collection)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
