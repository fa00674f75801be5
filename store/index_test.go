package store_test

import (
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store"
)

// TestEmbeddedKeepsUniqueIndexesOnly: on the embedded store the store
// keeps the unique indexes (they decide between racing writers) and drops
// the non-unique ones an earlier start created (no query uses them there).
func TestEmbeddedKeepsUniqueIndexesOnly(t *testing.T) {
	ctx := t.Context()
	s := openEmbedded(t, "idx")
	idx := []store.Index{
		{Collection: "c", Name: "code_unique", Keys: bson.D{{Key: "code", Value: 1}}, Unique: true},
		{Collection: "c", Name: "org_created", Keys: bson.D{{Key: "org", Value: 1}, {Key: "t", Value: 1}}},
	}
	// An earlier version created both.
	if err := store.EnsureIndexes(ctx, s.DB, idx); err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		t.Helper()
		specs, err := s.DB.Collection("c").Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, sp := range specs {
			out = append(out, sp.Name)
		}
		slices.Sort(out)
		return out
	}
	if got := names(); !slices.Equal(got, []string{"_id_", "code_unique", "org_created"}) {
		t.Fatalf("before: %v", got)
	}
	for range 2 { // and again at the next start
		if err := s.EnsureIndexes(ctx, s.DB, idx); err != nil {
			t.Fatal(err)
		}
		if got := names(); !slices.Equal(got, []string{"_id_", "code_unique"}) {
			t.Fatalf("after: %v, want the unique index only", got)
		}
	}
	if _, err := s.DB.Collection("c").InsertOne(ctx, bson.D{{Key: "code", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Collection("c").InsertOne(ctx, bson.D{{Key: "code", Value: "x"}}); !store.IsDuplicate(err) {
		t.Fatalf("second insert of a unique code: %v", err)
	}
}
