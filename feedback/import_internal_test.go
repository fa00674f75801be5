package feedback

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi/store"
	"minyi/store/storetest"
)

// TestImportStoresWhatStepsStore: the same orders, received and handled
// step by step (Create, Act, the unit's log as the service keeps it) in one
// database and imported in another, leave the same orders, events,
// counters and index documents: timeline, 三率 records, statistics,
// working set, callers' histories and units' logs. Only generated ids
// differ; orders are matched by number.
func TestImportStoresWhatStepsStore(t *testing.T) {
	ctx := t.Context()
	loc := time.FixedZone("CST", 8*3600)
	p, err := DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	op := Actor{ID: "u1", Name: "接线员甲", Role: "operator"}
	sec := Actor{ID: "u2", Name: "书记乙", Role: "secretary"}
	step := func(a Action, org string) Event { return Event{Action: a, Actor: op, OrgID: org} }
	paths := [][]Event{
		nil, // still received
		{step(ActionAssign, "a")},
		{step(ActionAssign, "a"), {Action: ActionAccept, Actor: sec}},
		{step(ActionAssign, "b"), {Action: ActionReturn, Actor: sec, Note: "不属于本支部"}, step(ActionAssign, "a"), {Action: ActionAccept, Actor: sec}},
		{step(ActionAssign, "b"), {Action: ActionAccept, Actor: sec}, {Action: ActionReply, Actor: sec, Note: "已修复"}, step(ActionClose, ""),
			{Action: ActionCallback, Actor: op, Satisfaction: Satisfied}},
		{step(ActionAssign, "a"), {Action: ActionAccept, Actor: sec}, {Action: ActionReply, Actor: sec, Note: "已处理"}, step(ActionClose, ""),
			{Action: ActionCallback, Actor: op, Satisfaction: Unsatisfied}},
		{step(ActionSupervise, ""), step(ActionClose, "")},
	}
	type planned struct {
		order    func() *Order
		received time.Time
		steps    []Event
	}
	var plan []planned
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, loc)
	for i := range 14 {
		day := at.AddDate(0, 0, i/5) // three days, five orders a day at most
		path := paths[i%len(paths)]
		steps := make([]Event, len(path))
		for j, e := range path {
			e.At = day.Add(time.Duration(i%5)*time.Hour + time.Duration(j+1)*7*time.Minute)
			steps[j] = e
		}
		caller := []string{"p1", "p2", "p3"}[i%3]
		plan = append(plan, planned{received: day.Add(time.Duration(i%5) * time.Hour), steps: steps, order: func() *Order {
			return &Order{Channel: ChannelHotline, Kind: Kinds[i%len(Kinds)], Urgency: UrgencyNormal, Content: "小区路灯不亮",
				Caller: Caller{Name: "张先生", Phone: "138****5678", Hash: caller, Sealed: "sealed"}}
		}})
	}

	newDB := func() (*mongo.Database, *Store, *time.Time) {
		db := storetest.DB(t)
		if err := store.EnsureIndexes(ctx, db, Indexes()); err != nil {
			t.Fatal(err)
		}
		now := new(time.Time)
		return db, NewStore(db, func() time.Time { return *now }, p), now
	}
	stepDB, stepped, now := newDB()
	svc := &Service{store: stepped}
	for _, pl := range plan {
		*now = pl.received
		o := pl.order()
		if err := stepped.Create(ctx, o, op); err != nil {
			t.Fatal(err)
		}
		for _, e := range pl.steps {
			*now = e.At
			o, ev, err := stepped.Act(ctx, o.ID, Event{Action: e.Action, Actor: e.Actor, OrgID: e.OrgID, Note: e.Note, Satisfaction: e.Satisfaction}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.noteUnit(ctx, o, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	importDB, imported, _ := newDB()
	in := make([]Handled, len(plan))
	for i, pl := range plan {
		in[i] = Handled{Order: pl.order(), Actor: op, Received: pl.received, Steps: pl.steps}
	}
	if err := imported.Import(ctx, in[:9]); err != nil { // in two batches: the second merges into what the first wrote
		t.Fatal(err)
	}
	if err := imported.Import(ctx, in[9:]); err != nil {
		t.Fatal(err)
	}

	for _, coll := range []string{collOrders, collEvents, collCounters, collIndex} {
		want, got := dumpNormalised(t, stepDB, coll), dumpNormalised(t, importDB, coll)
		for _, id := range slices.Sorted(maps.Keys(want)) {
			if got[id] != want[id] {
				t.Errorf("%s %s:\nimported %s\nstepped  %s", coll, id, got[id], want[id])
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("%s %s: imported only", coll, id)
			}
		}
	}
	index := slices.Sorted(maps.Keys(dumpNormalised(t, importDB, collIndex)))
	for _, kind := range []string{"orders/days", "orders/2026", statsPrefix, statsTokensPrefix, assessPrefix, activePrefix, callerPrefix, unitPrefix} {
		if !slices.ContainsFunc(index, func(id string) bool { return strings.HasPrefix(id, kind) }) {
			t.Errorf("no index document %s…: the comparison missed a kind (%v)", kind, index)
		}
	}
}

var objectID = regexp.MustCompile(`[0-9a-f]{24}`)

// dumpNormalised reads a whole collection (a test may scan): normalised _id
// → the document as JSON, order ids replaced by their numbers and other
// generated ids (events', tokens) by "<id>". Orders are read through
// Order, so a field stored as null and one left out compare equal.
func dumpNormalised(t *testing.T, db *mongo.Database, coll string) map[string]string {
	t.Helper()
	ctx := t.Context()
	var orders []Order
	cur, err := db.Collection(collOrders).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &orders); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, o := range orders {
		pairs = append(pairs, o.ID, "#"+o.Number)
	}
	r := strings.NewReplacer(pairs...)
	norm := func(s string) string { return objectID.ReplaceAllString(r.Replace(s), "<id>") }
	out := map[string]string{}
	if coll == collOrders {
		for _, o := range orders {
			b, _ := json.Marshal(o)
			out[o.Number] = norm(string(b))
		}
		return out
	}
	cur, err = db.Collection(coll).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.M
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	working := map[string]any{} // the shards merged: an order's shard follows from its id
	for _, d := range docs {
		id, _ := d["_id"].(string)
		if strings.HasPrefix(id, activePrefix) {
			maps.Copy(working, plain(d["e"]).(map[string]any))
			continue
		}
		b, err := json.Marshal(plain(d))
		if err != nil {
			t.Fatal(err)
		}
		out[norm(id)] = norm(string(b))
	}
	if len(working) > 0 {
		b, _ := json.Marshal(working)
		out[activePrefix+"*"] = norm(string(b))
	}
	return out
}

// plain is v with its documents as maps, so that field order (which
// depends on the order of writes) does not count.
func plain(v any) any {
	switch v := v.(type) {
	case bson.D:
		m := map[string]any{}
		for _, e := range v {
			m[e.Key] = plain(e.Value)
		}
		return m
	case bson.M:
		m := map[string]any{}
		for k, x := range v {
			m[k] = plain(x)
		}
		return m
	case bson.A:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	}
	return v
}
