package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Timeline is a newest-first index over a collection that grows with time
// (work orders, the audit log), made only of documents read by _id: the
// embedded store evaluates every other filter, and every sort, over a full
// scan (DESIGN.md), while a find by _id is an index lookup (idindex.go).
//
// Entries are small summaries kept in one bucket document per day,
// _id "<name>/<YYYYMMDD>", as fields e.<id>; a directory document,
// _id "<name>/days", lists the days that have a bucket. A newest-first page
// reads the directory, then buckets from the newest day down until the page
// is full: O(days walked + page), never O(collection). Callers keep the
// truth in their own documents and treat a summary as a hint they verify,
// so a crash between the two writes leaves a stale hint, not a wrong page.
//
// On the embedded store two concurrent updates of one document can lose
// one another, so Put serialises this process's writes (the embedded store
// serves one process); on MongoDB each $set is atomic and instances need no
// coordination.
type Timeline struct {
	coll *mongo.Collection
	name string
	loc  *time.Location

	mu    sync.Mutex
	known map[string]bool // days this process saw in the directory
}

// NewTimeline returns the timeline name kept in coll, with days in loc.
func NewTimeline(coll *mongo.Collection, name string, loc *time.Location) *Timeline {
	if loc == nil {
		loc = time.UTC
	}
	return &Timeline{coll: coll, name: name, loc: loc, known: map[string]bool{}}
}

// Day is the bucket day of an instant.
func (t *Timeline) Day(at time.Time) string { return at.In(t.loc).Format("20060102") }

func (t *Timeline) bucketID(day string) string { return t.name + "/" + day }
func (t *Timeline) dirID() string              { return t.name + "/days" }

// Put sets the summary of entry id, which belongs to the day of at.
func (t *Timeline) Put(ctx context.Context, at time.Time, id string, summary any) error {
	return t.PutMany(ctx, []Entry{{At: at, ID: id, Summary: summary}})
}

// Entry is one summary for PutMany: entry ID of the day of At.
type Entry struct {
	At      time.Time
	ID      string
	Summary any
}

// PutMany sets summaries in one ordered bulk write: one $set of all a
// day's entries into its bucket, then one $addToSet of the days this
// process has not yet seen listed into the directory, so a day is listed
// only once its bucket exists. A bulk load (an import) writes each day's
// bucket once, not once an entry.
func (t *Timeline) PutMany(ctx context.Context, entries []Entry) error {
	byDay := map[string]bson.D{}
	var days []string
	for _, e := range entries {
		day := t.Day(e.At)
		if _, ok := byDay[day]; !ok {
			days = append(days, day)
		}
		byDay[day] = append(byDay[day], bson.E{Key: "e." + e.ID, Value: e.Summary})
	}
	if len(days) == 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	models := make([]mongo.WriteModel, 0, len(days)+1)
	var unknown []string
	for _, day := range days {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: t.bucketID(day)}}).
			SetUpdate(bson.D{{Key: "$set", Value: byDay[day]}}).SetUpsert(true))
		if !t.known[day] {
			unknown = append(unknown, day)
		}
	}
	if len(unknown) > 0 {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: t.dirID()}}).
			SetUpdate(bson.D{{Key: "$addToSet", Value: bson.D{{Key: "days", Value: bson.D{{Key: "$each", Value: unknown}}}}}}).SetUpsert(true))
	}
	err := Upserted(func() error {
		_, err := t.coll.BulkWrite(ctx, models)
		return err
	})
	if err != nil {
		return fmt.Errorf("index %s: %w", t.name, err)
	}
	for _, day := range unknown {
		t.known[day] = true
	}
	return nil
}

// Days lists the days with a bucket, newest first, within [from, to) when
// those are set (compared by day).
func (t *Timeline) Days(ctx context.Context, from, to time.Time) ([]string, error) {
	var dir struct {
		Days []string `bson:"days"`
	}
	err := t.coll.FindOne(ctx, bson.D{{Key: "_id", Value: t.dirID()}}).Decode(&dir)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read %s days: %w", t.name, err)
	}
	lo, hi := "", "99999999"
	if !from.IsZero() {
		lo = t.Day(from)
	}
	if !to.IsZero() {
		hi = t.Day(to.Add(-time.Nanosecond))
	}
	out := dir.Days[:0]
	for _, d := range dir.Days {
		if d >= lo && d <= hi {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out), nil
}

// Bucket reads one day's summaries: entry id → its raw summary.
func (t *Timeline) Bucket(ctx context.Context, day string) (map[string]bson.RawValue, error) {
	var b struct {
		E map[string]bson.RawValue `bson:"e"`
	}
	err := t.coll.FindOne(ctx, bson.D{{Key: "_id", Value: t.bucketID(day)}}).Decode(&b)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", t.name, day, err)
	}
	return b.E, nil
}

// Walk calls fn with each entry's id and summary, newest day first and,
// within a day, the highest id first, starting below the cursor (the day
// and id of the last entry of the previous page; "" for the first page),
// until fn returns false. from and to bound the days read.
//
// Buckets are read ahead a few at a time once a page needs more than the
// first: one bucket, then 2, 4 and up to walkAhead at once, so a filter
// that matches rarely (one unit of thirty, a word) does not wait for its
// days one after the other, and a page the newest day fills reads one.
func (t *Timeline) Walk(ctx context.Context, cursorDay, cursorID string, from, to time.Time, fn func(id string, summary bson.RawValue) (bool, error)) error {
	days, err := t.Days(ctx, from, to)
	if err != nil {
		return err
	}
	if cursorDay != "" {
		days = slices.DeleteFunc(days, func(d string) bool { return d > cursorDay })
	}
	for width := 1; len(days) > 0; width = min(2*width, walkAhead) {
		window := days[:min(width, len(days))]
		days = days[len(window):]
		buckets := make([]map[string]bson.RawValue, len(window))
		err := Parallel(ctx, len(window), len(window), func(ctx context.Context, i int) error {
			var err error
			buckets[i], err = t.Bucket(ctx, window[i])
			return err
		})
		if err != nil {
			return err
		}
		for i, day := range window {
			entries := buckets[i]
			ids := make([]string, 0, len(entries))
			for id := range entries {
				if cursorDay == day && id >= cursorID {
					continue
				}
				ids = append(ids, id)
			}
			slices.Sort(ids)
			slices.Reverse(ids)
			for _, id := range ids {
				more, err := fn(id, entries[id])
				if err != nil || !more {
					return err
				}
			}
		}
	}
	return nil
}

// walkAhead is the most buckets Walk reads at once.
const walkAhead = 8
