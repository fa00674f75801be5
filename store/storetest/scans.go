package storetest

import (
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Scan is a command the embedded store answers by reading a whole
// collection: FerretDB 1.24 (SQLite) looks a document up by index only for
// a filter that is exactly {_id: <string or ObjectID>}, and evaluates every
// other filter over a full scan.
type Scan struct {
	Collection string
	Command    string
	Filter     string
}

func (s Scan) String() string { return fmt.Sprintf("%s %s %s", s.Command, s.Collection, s.Filter) }

// ScanLog collects the scans of one test database.
type ScanLog struct {
	mu    sync.Mutex
	scans []Scan
}

// Reset forgets what was collected so far (e.g. the seeding).
func (l *ScanLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scans = nil
}

// Scans are the scans collected, except those of the collections allowed
// (small working sets a design reads whole).
func (l *ScanLog) Scans(allowed ...string) []Scan {
	l.mu.Lock()
	defer l.mu.Unlock()
	ok := map[string]bool{}
	for _, c := range allowed {
		ok[c] = true
	}
	var out []Scan
	for _, s := range l.scans {
		if !ok[s.Collection] {
			out = append(out, s)
		}
	}
	return out
}

var (
	watchMu  sync.Mutex
	watchers = map[string]*ScanLog{} // database → its log
)

// WatchScans starts collecting the scans of db's commands until the test
// ends.
func WatchScans(t testing.TB, db *mongo.Database) *ScanLog {
	t.Helper()
	l := &ScanLog{}
	watchMu.Lock()
	watchers[db.Name()] = l
	watchMu.Unlock()
	t.Cleanup(func() {
		watchMu.Lock()
		delete(watchers, db.Name())
		watchMu.Unlock()
	})
	return l
}

// started is the client's command monitor (see Run).
func started(database string, cmd bson.Raw) {
	watchMu.Lock()
	l := watchers[database]
	watchMu.Unlock()
	if l == nil {
		return
	}
	found := scansOf(cmd)
	if len(found) == 0 {
		return
	}
	l.mu.Lock()
	l.scans = append(l.scans, found...)
	l.mu.Unlock()
}

// scansOf classifies one command.
func scansOf(cmd bson.Raw) []Scan {
	elems, err := cmd.Elements()
	if err != nil || len(elems) == 0 {
		return nil
	}
	name := elems[0].Key()
	coll, _ := elems[0].Value().StringValueOK()
	check := func(filter bson.RawValue) []Scan {
		f, ok := filter.DocumentOK()
		if ok && byID(f) {
			return nil
		}
		return []Scan{{Collection: coll, Command: name, Filter: filter.String()}}
	}
	switch name {
	case "find":
		return check(cmd.Lookup("filter"))
	case "count", "distinct", "findAndModify":
		return check(cmd.Lookup("query"))
	case "aggregate":
		return []Scan{{Collection: coll, Command: name}}
	case "update", "delete":
		field, key := "updates", "q"
		if name == "delete" {
			field = "deletes"
		}
		arr, ok := cmd.Lookup(field).ArrayOK()
		if !ok {
			return nil
		}
		vals, _ := arr.Values()
		var out []Scan
		for _, v := range vals {
			if d, ok := v.DocumentOK(); ok {
				out = append(out, check(d.Lookup(key))...)
			}
		}
		return out
	}
	return nil
}

func byID(f bson.Raw) bool {
	elems, err := f.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return false
	}
	switch elems[0].Value().Type {
	case bson.TypeString, bson.TypeObjectID:
		return true
	}
	return false
}
