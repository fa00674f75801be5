package feedback

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/store/storetest"
)

// BenchmarkStatsYear reads a year of statistics (365 day documents of 55
// orders each, 20,075 orders, 40 units, 300 open orders in the working
// set) written directly, as indexOrder would have: the read path at the
// scale of issue 13 without entering 20,000 orders through the flow.
//
//	go test ./feedback/ -run '^$' -bench StatsYear -benchtime 20x
func BenchmarkStatsYear(b *testing.B) {
	ctx := b.Context()
	db := storetest.DB(b)
	p, err := DefaultPolicy()
	if err != nil {
		b.Fatal(err)
	}
	s := NewStore(db, time.Now, p)
	rng := rand.New(rand.NewPCG(1, 2))
	orgs := make([]string, 40)
	for i := range orgs {
		orgs[i] = bson.NewObjectID().Hex()
	}
	cats := []string{"", "city/lights", "city/roads", "life/water", "life/heating/radiators"}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, p.Location())
	var days []string
	size, open := 0, 0
	for d := range 365 {
		day := first.AddDate(0, 0, d)
		days = append(days, s.timeline.Day(day))
		set := bson.D{}
		for range 55 {
			o := Order{ID: bson.NewObjectID().Hex(), CreatedAt: day.Add(time.Duration(rng.IntN(86400)) * time.Second),
				OrgID: orgs[rng.IntN(len(orgs))], Kind: Kinds[rng.IntN(len(Kinds))], Status: StatusCalledBack,
				Category: cats[rng.IntN(len(cats))], Satisfaction: Satisfied, Resolution: Resolved, Reopened: rng.IntN(2)}
			yes := true
			o.RepliedAt, o.OnTime = &o.CreatedAt, &yes
			if d > 350 && open < 300 { // the working set: the last days' open orders
				o.Status, o.Satisfaction, o.Resolution, o.RepliedAt = StatusAccepted, "", "", nil
				o.DueAt = o.CreatedAt.AddDate(0, 0, 7)
				open++
				if _, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: activePrefix + string(o.Status)}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "e." + o.ID, Value: summarize(&o)}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
					b.Fatal(err)
				}
			}
			set = append(set, bson.E{Key: "e." + o.ID, Value: entryOf(&o).encode()})
		}
		if _, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: statsPrefix + days[d]}},
			bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: statsTokensPrefix + days[d][:6]}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "d." + days[d], Value: bson.NewObjectID().Hex()}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
			b.Fatal(err)
		}
		raw, err := s.index().FindOne(ctx, bson.D{{Key: "_id", Value: statsPrefix + days[d]}}).Raw()
		if err != nil {
			b.Fatal(err)
		}
		size += len(raw)
	}
	if _, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: "orders/days"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "days", Value: days}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		b.Fatal(err)
	}
	b.Logf("365 day documents, %d bytes each on average (BSON)", size/365)
	now := first.AddDate(1, 0, 0)
	year := Filter{From: first, To: now}
	// Cold: a process that has read nothing yet (every day document read).
	for _, readers := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("cold/year/readers=%d", readers), func(b *testing.B) {
			for b.Loop() {
				s.stats = statsCache{}
				st := NewStats()
				if err := s.statsEntriesWith(ctx, year, readers, st.addEntry); err != nil {
					b.Fatal(err)
				}
				if st.Total != 365*55 {
					b.Fatalf("total %d", st.Total)
				}
			}
		})
	}
	// Warm: the days read before, n of them written since (the recent
	// days' orders move on all the time).
	for _, changed := range []int{0, 10, 30} {
		b.Run(fmt.Sprintf("warm/year/changed=%d", changed), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				for _, d := range days[len(days)-changed:] {
					if _, err := s.index().UpdateOne(ctx, bson.D{{Key: "_id", Value: statsTokensPrefix + d[:6]}},
						bson.D{{Key: "$set", Value: bson.D{{Key: "d." + d, Value: bson.NewObjectID().Hex()}}}}); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if _, err := s.Stats(ctx, year, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("warm/year/one-org", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Stats(ctx, Filter{From: first, To: now, OrgID: orgs[0]}, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold/month", func(b *testing.B) {
		for b.Loop() {
			s.stats = statsCache{}
			if _, err := s.Stats(ctx, Filter{From: first.AddDate(0, 11, 0), To: now}, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("overdue-only", func(b *testing.B) { // the working set's part of Stats
		for b.Loop() {
			if _, err := s.hints(ctx, Filter{Overdue: true, Now: now, From: first, To: now}, hint{}, math.MaxInt, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("write", func(b *testing.B) { // the statistics entry of an order on a full day, what indexOrder adds
		o := Order{ID: bson.NewObjectID().Hex(), CreatedAt: first.AddDate(0, 0, 364).Add(time.Hour), OrgID: orgs[0],
			Kind: KindComplaint, Status: StatusAssigned}
		for b.Loop() {
			o.Supervised++
			var w, tokens writeSet
			s.statsWrites(&o, &w, &tokens)
			if err := s.writeIndex(ctx, &w, &tokens); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm/Overview/month", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Overview(ctx, first.AddDate(0, 11, 0), now, now, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
