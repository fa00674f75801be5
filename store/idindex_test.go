package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store"
)

// TestIDLookupsUseAnIndex checks on a real embedded store that the query
// FerretDB runs for {_id: v} searches an index, for a collection that
// existed at start, for one first written to later (picked up by the poll,
// nobody calls anything), and for one dropped and created again.
func TestIDLookupsUseAnIndex(t *testing.T) {
	dir, err := os.MkdirTemp("", "minyi-store-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Config{DataDir: dir, Database: "ids"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)

	fill := func(coll string, n int) {
		t.Helper()
		docs := make([]any, n)
		for i := range docs {
			docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("d%05d", i)}, {Key: "v", Value: i}}
		}
		if _, err := s.DB.Collection(coll).InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	wantIndexed := func(coll string) {
		t.Helper()
		var plan string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if plan, err = s.ExplainIDQuery(ctx, "ids", coll); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(plan, "SEARCH") && strings.Contains(plan, "USING INDEX") {
				t.Logf("%s: %s", coll, plan)
				return
			}
		}
		t.Fatalf("%s: plan %q, want SEARCH … USING INDEX", coll, plan)
	}

	if err := store.EnsureIndexes(ctx, s.DB, []store.Index{{Collection: "early", Name: "v", Keys: bson.D{{Key: "v", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	fill("early", 500)
	if err := s.SyncIDIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	wantIndexed("early")

	fill("late", 500) // created by its first insert, after start
	wantIndexed("late")

	if err := s.DB.Collection("late").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	fill("late", 10)
	wantIndexed("late")

	// Documents are still found, updated and deleted by _id through it.
	c := s.DB.Collection("early")
	if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "d00042"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: -1}}}}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		V int `bson:"v"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "d00042"}}).Decode(&got); err != nil || got.V != -1 {
		t.Fatalf("after update: %+v, %v", got, err)
	}

	// A restart keeps the indexes (they live in the file) and still works.
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if s, err = store.Open(ctx, store.Config{DataDir: dir, Database: "ids"}); err != nil {
		t.Fatal(err)
	}
	wantIndexed("early")
}

func TestExplainNeedsEmbedded(t *testing.T) {
	if _, err := (&store.Store{}).ExplainIDQuery(context.Background(), "a", "b"); err == nil {
		t.Fatal("want an error on a non-embedded store")
	}
	if err := (&store.Store{}).SyncIDIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
}
