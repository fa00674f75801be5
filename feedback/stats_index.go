package feedback

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
)

// The statistics of a period read no order. Each local day of receipt has
// one document in collIndex, _id "stats/<YYYYMMDD>" (the day of the order's
// CreatedAt in the calendar's zone, the timeline's day), holding one entry
// per order received that day: e.<order id> = a compact string with what
// Stats.Add counts, except overdue, which depends on the time of asking and
// is counted from the working set (bounded by the open orders). Each month
// has a token document, _id "stats-tokens/<YYYYMM>", with d.<YYYYMMDD> = a
// fresh random token set after every write of that day's entries.
//
// A period's statistics read the timeline's directory, the period's token
// documents (a dozen small documents a year), and then, by _id, only the
// day documents whose token differs from the one this process cached them
// under: on the embedded store (FerretDB decodes ~1 ms of JSON for a day of
// 55 entries) a year read whole costs 0.4–0.9 s on 2 cores, a year read again only the
// days that changed. The tokens live in the store, so several instances on
// one MongoDB see each other's writes.
//
// indexOrder rewrites the order's whole entry after every saved state, with
// $set by _id (upsert), then the day's token: the writes are idempotent, so
// a crash between the order's write and its entry's (or between the entry
// and the token, which leaves caches holding the day's previous document)
// is healed by the order's next write, or by a list finding the stale hint
// and re-indexing the order.
const (
	statsPrefix       = "stats/"
	statsTokensPrefix = "stats-tokens/"
	statsMarker       = "meta/stats"
	// statsReaders bounds the day documents read at once. On the embedded
	// store the reads are CPU-bound in the process (FerretDB runs inside
	// it), so more than 2–4 gain nothing on 2 cores (README, Benchmarks);
	// on MongoDB 8 overlap the round trips.
	statsReaders = 8
	// statsSep separates the fields of an entry. No field can hold it: ids
	// are hex (the org id, last, is taken whole anyway), kinds, statuses,
	// satisfactions and resolutions are fixed lower-case words, category
	// paths are keys of [a-z0-9_-] joined by "/" (categories.go), and the
	// instant and counts are base-36 numbers.
	statsSep    = "|"
	statsFields = 10
)

// statEntry is what the statistics keep of one order.
type statEntry struct {
	Created      time.Time // to the millisecond, as stored
	OrgID        string
	Kind         Kind
	Status       Status
	Category     string
	Replied      bool // a current reply
	OnTime       bool // replied by the deadline
	Satisfaction Satisfaction
	Resolution   Resolution
	Reopened     int
	Supervised   int
}

func entryOf(o *Order) statEntry {
	return statEntry{Created: o.CreatedAt.Truncate(time.Millisecond), OrgID: o.OrgID, Kind: o.Kind, Status: o.Status,
		Category: o.Category, Replied: o.RepliedAt != nil, OnTime: o.RepliedAt != nil && o.OnTime != nil && *o.OnTime,
		Satisfaction: o.Satisfaction, Resolution: o.Resolution, Reopened: o.Reopened, Supervised: o.Supervised}
}

// encode is the entry as stored: the creation instant in unix milliseconds
// (base 36), kind, status, category, two flags (replied, on time: 0 or 1),
// satisfaction, resolution, reopenings, supervisions (base 36) and the org
// id, separated by statsSep, e.g.
// "mi1x0k3c|complaint|called_back|city/lights|11|satisfied|resolved|0|1|<org>".
func (e statEntry) encode() string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	return strings.Join([]string{
		strconv.FormatInt(e.Created.UnixMilli(), 36), string(e.Kind), string(e.Status), e.Category,
		flag(e.Replied) + flag(e.OnTime), string(e.Satisfaction), string(e.Resolution),
		strconv.FormatInt(int64(e.Reopened), 36), strconv.FormatInt(int64(e.Supervised), 36), e.OrgID,
	}, statsSep)
}

func decodeEntry(s string) (statEntry, error) {
	p := strings.SplitN(s, statsSep, statsFields)
	if len(p) != statsFields || len(p[4]) != 2 {
		return statEntry{}, fmt.Errorf("work-order statistics entry %q: want %d fields", s, statsFields)
	}
	ms, err1 := strconv.ParseInt(p[0], 36, 64)
	reopened, err2 := strconv.ParseInt(p[7], 36, 32)
	supervised, err3 := strconv.ParseInt(p[8], 36, 32)
	if err := errors.Join(err1, err2, err3); err != nil {
		return statEntry{}, fmt.Errorf("work-order statistics entry %q: %w", s, err)
	}
	return statEntry{Created: time.UnixMilli(ms).UTC(), Kind: Kind(p[1]), Status: Status(p[2]), Category: p[3],
		Replied: p[4][0] == '1', OnTime: p[4][1] == '1', Satisfaction: Satisfaction(p[5]), Resolution: Resolution(p[6]),
		Reopened: int(reopened), Supervised: int(supervised), OrgID: p[9]}, nil
}

// statsWrites adds o's entry in the document of its day of receipt to w,
// and a new token for that day in its month's token document to tokens,
// which are written after w (the token moves only once the entry is
// written).
func (s *Store) statsWrites(o *Order, w, tokens *writeSet) {
	day := s.timeline.Day(o.CreatedAt)
	w.set(statsPrefix+day, "e."+o.ID, entryOf(o).encode())
	tokens.set(statsTokensPrefix+day[:6], "d."+day, bson.NewObjectID().Hex())
}

// errStatsFilter: Stats answers scope, org and period only.
var errStatsFilter = errors.New("work-order statistics: only the scope, org and period can be filtered")

// statsEntries calls fn with every entry of an order received in
// [f.From, f.To) (zero: open) whose org is within f.OrgIDs (nil: every org)
// and is f.OrgID when set, from this goroutine. It reads the timeline's
// directory, the period's month tokens, and the day documents whose token
// moved since this process last read them, by _id, statsReaders at once.
func (s *Store) statsEntries(ctx context.Context, f Filter, fn func(statEntry)) error {
	return s.statsEntriesWith(ctx, f, statsReaders, fn)
}

func (s *Store) statsEntriesWith(ctx context.Context, f Filter, readers int, fn func(statEntry)) error {
	days, err := s.timeline.Days(ctx, f.From, f.To)
	if err != nil {
		return err
	}
	var months []string
	for _, d := range days { // newest first: a month's days are adjacent
		if m := d[:6]; len(months) == 0 || months[len(months)-1] != m {
			months = append(months, m)
		}
	}
	tokens := make([]map[string]string, len(months))
	err = store.Parallel(ctx, len(months), readers, func(ctx context.Context, i int) error {
		var d struct {
			D map[string]string `bson:"d"`
		}
		err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: statsTokensPrefix + months[i]}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("read work-order statistics: %w", err)
		}
		tokens[i] = d.D
		return nil
	})
	if err != nil {
		return err
	}
	token := make(map[string]string, len(days))
	for _, m := range tokens {
		for d, t := range m {
			token[d] = t
		}
	}
	entries := make([][]statEntry, len(days))
	var stale []int
	for i, d := range days {
		if c, ok := s.stats.get(d); ok && token[d] != "" && c.token == token[d] {
			entries[i] = c.entries
		} else {
			stale = append(stale, i)
		}
	}
	err = store.Parallel(ctx, len(stale), readers, func(ctx context.Context, k int) error {
		i := stale[k]
		var d struct {
			E map[string]string `bson:"e"`
		}
		err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: statsPrefix + days[i]}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("read work-order statistics: %w", err)
		}
		es := make([]statEntry, 0, len(d.E))
		for _, raw := range d.E {
			e, err := decodeEntry(raw)
			if err != nil {
				return err
			}
			es = append(es, e)
		}
		entries[i] = es
		if t := token[days[i]]; t != "" {
			// The token read before the document: a write in between
			// leaves a newer document under an older token, read again
			// next time, never the reverse.
			s.stats.put(days[i], cachedDay{token: t, entries: es})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// As the store compares them: BSON dates hold milliseconds.
	from, to := f.From.Truncate(time.Millisecond), f.To.Truncate(time.Millisecond)
	for _, es := range entries {
		for _, e := range es {
			switch {
			case f.OrgIDs != nil && !slices.Contains(f.OrgIDs, e.OrgID),
				f.OrgID != "" && e.OrgID != f.OrgID,
				!f.From.IsZero() && e.Created.Before(from),
				!f.To.IsZero() && !e.Created.Before(to):
				continue
			}
			fn(e)
		}
	}
	return nil
}

// statsCache keeps the day documents this process read, decoded, each
// with its day's token when it was read.
type statsCache struct {
	mu   sync.Mutex
	days map[string]cachedDay
}

type cachedDay struct {
	token   string
	entries []statEntry // never modified once cached
}

func (c *statsCache) get(day string) (cachedDay, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.days[day]
	return d, ok
}

func (c *statsCache) put(day string, d cachedDay) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.days == nil {
		c.days = map[string]cachedDay{}
	}
	c.days[day] = d
}

// WarmStats reads every day's statistics once, so that the first request
// for a long period after a start finds them cached (a year read whole
// takes most of a second on the embedded store). Run it in the background.
func (s *Store) WarmStats(ctx context.Context) error {
	return s.statsEntries(ctx, Filter{}, func(statEntry) {})
}

// Stats are the figures of the orders received in [f.From, f.To) within
// f.OrgIDs and f.OrgID — the same as Stats.Add over those orders — counted
// from the day documents and, for overdue at now, the working set: no
// order is read. Any other field of f is refused.
func (s *Store) Stats(ctx context.Context, f Filter, now time.Time) (*Stats, error) {
	if len(f.Statuses) > 0 || f.Overdue || f.Q != "" || f.PhoneHash != "" || f.Unsatisfied ||
		f.Kind != "" || f.Channel != "" || f.Category != "" || f.Supervised {
		return nil, errStatsFilter
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := NewStats()
	if err := s.statsEntries(ctx, f, st.addEntry); err != nil {
		return nil, err
	}
	hs, err := s.hints(ctx, Filter{Overdue: true, Now: now, OrgIDs: f.OrgIDs, OrgID: f.OrgID, From: f.From, To: f.To}, hint{}, math.MaxInt, nil)
	if err != nil {
		return nil, err
	}
	st.Overdue = len(hs)
	return st.Finish(), nil
}

// EnsureStatsIndexed writes the statistics entries of orders stored before
// the day documents existed (one stream of the orders, once per database),
// then marks the database. Run it at start, after EnsureIndexed.
func (s *Store) EnsureStatsIndexed(ctx context.Context) error {
	return s.once(ctx, statsMarker, func() error {
		return s.Each(ctx, Filter{}, func(o *Order) error {
			var w, tokens writeSet
			s.statsWrites(o, &w, &tokens)
			return s.writeIndex(ctx, &w, &tokens)
		})
	})
}
