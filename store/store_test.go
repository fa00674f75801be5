package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.uber.org/goleak"

	"minyi/store"
)

// TestEmbeddedLifecycle starts the embedded store, writes, stops, starts it
// again on the same directory and reads back; a second store on a directory
// in use is refused; nothing is left running afterwards.
func TestEmbeddedLifecycle(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir, err := os.MkdirTemp("", "minyi-store-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	s, err := store.Open(ctx, store.Config{DataDir: dir, Database: "life"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Embedded() {
		t.Fatal("want embedded store")
	}
	idx := []store.Index{
		{Collection: "things", Name: "n_unique", Keys: bson.D{{Key: "n", Value: 1}}, Unique: true},
		{Collection: "things", Name: "tags", Keys: bson.D{{Key: "tags", Value: 1}}},
		{Collection: "things", Name: "p", Keys: bson.D{{Key: "p", Value: 1}, {Key: "q", Value: -1}}},
	}
	if err := store.EnsureIndexes(ctx, s.DB, idx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 7}}); err != nil {
		t.Fatal(err)
	}

	_, err = store.Open(ctx, store.Config{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "in use by another Minyi process") {
		t.Fatalf("second store on the same directory: err = %v, want refusal", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}

	s, err = store.Open(ctx, store.Config{DataDir: dir, Database: "life"})
	if err != nil {
		t.Fatal(err)
	}
	// Indexes created again after a restart must be a no-op (FerretDB 1.24
	// panics on re-creating indexes it loaded from disk).
	if err := store.EnsureIndexes(ctx, s.DB, idx); err != nil {
		t.Fatalf("indexes after restart: %v", err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := s.DB.Collection("things").FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.N != 7 {
		t.Fatalf("n = %d after restart, want 7", got.N)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestEnsureIndexesIdempotentAndUnique(t *testing.T) {
	dir, err := os.MkdirTemp("", "minyi-store-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	idx := []store.Index{{Collection: "c", Name: "k_unique", Keys: bson.D{{Key: "k", Value: 1}}, Unique: true}}
	for range 2 {
		if err := store.EnsureIndexes(ctx, s.DB, idx); err != nil {
			t.Fatal(err)
		}
	}
	c := s.DB.Collection("c")
	if _, err := c.InsertOne(ctx, bson.D{{Key: "k", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.InsertOne(ctx, bson.D{{Key: "k", Value: 1}})
	if !store.IsDuplicate(err) {
		t.Fatalf("second insert: err = %v, want duplicate", err)
	}
	if store.IsDuplicate(errors.New("other")) || store.IsDuplicate(nil) {
		t.Fatal("IsDuplicate true for a non-duplicate")
	}
}

func TestWriteConcernParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"majority", true}, {"1", true}, {"0", true}, {"x", false}, {"-1", false}} {
		_, err := store.Open(context.Background(), store.Config{URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1", WriteConcern: tc.in})
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "write concern")) {
			t.Errorf("%q: err = %v, want write concern error", tc.in, err)
		}
		if tc.ok && err != nil && strings.Contains(err.Error(), "write concern") {
			t.Errorf("%q: err = %v", tc.in, err)
		}
	}
}
