package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi/store"
)

// TestTimelineWalk: entries come newest day first, highest id first within
// a day, across the read-ahead windows (1, 2, 4, 8 buckets), from any
// cursor, within a period, and a walk that stops early stops.
func TestTimelineWalk(t *testing.T) {
	ctx := t.Context()
	s := openEmbedded(t, "tl")
	tl := store.NewTimeline(s.DB.Collection("idx"), "t", time.UTC)
	var want []string // newest first
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for d := range 20 {
		for i := range d % 3 { // days with 0, 1 and 2 entries
			id := fmt.Sprintf("%02d-%d", d, i)
			if err := tl.Put(ctx, start.AddDate(0, 0, d), id, bson.D{{Key: "d", Value: d}}); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
	}
	slices.Reverse(want)
	walk := func(day, id string, from, to time.Time, n int) []string {
		t.Helper()
		var got []string
		err := tl.Walk(ctx, day, id, from, to, func(id string, _ bson.RawValue) (bool, error) {
			got = append(got, id)
			return len(got) < n, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := walk("", "", time.Time{}, time.Time{}, 1000); !slices.Equal(got, want) {
		t.Fatalf("all: %v\nwant %v", got, want)
	}
	if got := walk("", "", time.Time{}, time.Time{}, 3); !slices.Equal(got, want[:3]) {
		t.Fatalf("first 3: %v", got)
	}
	// Below the cursor 10-0 (day 10 has entries 10-0 and 10-1).
	at := slices.Index(want, "10-0")
	if got := walk("20260111", "10-0", time.Time{}, time.Time{}, 1000); !slices.Equal(got, want[at+1:]) {
		t.Fatalf("after 10-0: %v\nwant %v", got, want[at+1:])
	}
	from, to := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC) // days 4..7
	if got := walk("", "", from, to, 1000); !slices.Equal(got, []string{"07-0", "05-1", "05-0", "04-0"}) {
		t.Fatalf("days 4 to 7: %v", got)
	}
}

// openEmbedded opens an embedded store of its own in a temporary directory,
// closed at cleanup.
func openEmbedded(t *testing.T, db string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), store.Config{DataDir: t.TempDir(), Database: db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}
