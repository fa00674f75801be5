package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses, for the _id index below
)

// Why this file exists: FerretDB 1.24's SQLite backend pushes a filter that
// is exactly {_id: v} down as WHERE _ferretdb_sjson->'$._id' = ?, but builds
// the _id_ index on the expression _ferretdb_sjson->"_id". SQLite matches
// index expressions textually, so every find, update, upsert and delete by
// _id scans the whole table (upstream FerretDB issue #3235). Minyi owns the
// embedded files, so it adds an index on the very expression FerretDB
// queries to every collection table: measured at 20,000 documents, findOne
// by _id went from 21.6 ms to 0.38 ms and updateOne from 69 ms to 0.40 ms.
//
// Collections appear whenever something is first written to them, not only
// in EnsureIndexes, so the indexer watches the files instead of relying on
// callers: every idIndexPoll it reads each database file's schema cookie
// (PRAGMA schema_version, bumped by every CREATE TABLE) and only when that
// changed compares FerretDB's metadata table with the indexes present.
// A new collection therefore scans for at most one poll interval. Nothing
// of it runs against a real MongoDB, which indexes _id itself.

const (
	// idIndexPoll is how often the database files are checked for new
	// collection tables; a check of an unchanged file is one PRAGMA.
	idIndexPoll = 200 * time.Millisecond
	// idExpr is the expression FerretDB's pushed-down _id filter uses
	// (metadata.IDColumn in its sqlite backend); it must match textually.
	idExpr = `_ferretdb_sjson->'$._id'`
	// idIndexSuffix names the index: <table>_minyi_id.
	idIndexSuffix  = "_minyi_id"
	metadataTable  = "_ferretdb_collections"
	sqliteFileExt  = ".sqlite"
	busyTimeoutSQL = "busy_timeout(10000)"
)

// idIndexer adds the _id expression index to every collection table of the
// embedded store's database files.
type idIndexer struct {
	dir string
	log *slog.Logger

	mu   sync.Mutex       // one pass at a time
	seen map[string]int64 // file → schema_version after the last pass
}

func newIDIndexer(dir string, log *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, log: log, seen: map[string]int64{}}
}

// run checks the files every idIndexPoll until ctx ends.
func (x *idIndexer) run(ctx context.Context) {
	t := time.NewTicker(idIndexPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := x.sync(ctx, false); err != nil && ctx.Err() == nil {
				x.log.Warn("embedded store: _id index", "err", err)
			}
		}
	}
}

// sync indexes every collection table that lacks the _id index; unless
// force, it skips files whose schema did not change since the last pass.
func (x *idIndexer) sync(ctx context.Context, force bool) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	files, err := filepath.Glob(filepath.Join(x.dir, "*"+sqliteFileExt))
	if err != nil {
		return fmt.Errorf("list database files: %w", err)
	}
	live := make(map[string]bool, len(files))
	var errs []error
	for _, f := range files {
		live[f] = true
		if err := x.syncFile(ctx, f, force); err != nil {
			errs = append(errs, err)
		}
	}
	for f := range x.seen {
		if !live[f] {
			delete(x.seen, f) // dropped database
		}
	}
	return errors.Join(errs...)
}

// syncFile opens its own short-lived connection: FerretDB removes a file
// when its database is dropped, and a connection kept open would go on
// reading the removed file. mode=rw never creates a file.
func (x *idIndexer) syncFile(ctx context.Context, file string, force bool) error {
	db, err := openSQLite(file)
	if err != nil {
		return err
	}
	defer db.Close()
	var version int64
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		if isGone(file) {
			return nil
		}
		return fmt.Errorf("%s: schema version: %w", filepath.Base(file), err)
	}
	if !force && x.seen[file] == version {
		return nil
	}
	missing, err := tablesWithoutIDIndex(ctx, db)
	if err != nil {
		if isGone(file) {
			return nil
		}
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	for _, table := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, table+idIndexSuffix, table, idExpr)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if isGone(file) || strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return fmt.Errorf("%s: index %s: %w", filepath.Base(file), table, err)
		}
	}
	// Our own CREATE INDEX bumped the cookie: remember the value after it.
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err == nil {
		x.seen[file] = version
	}
	return nil
}

// tablesWithoutIDIndex lists the collection tables FerretDB's metadata
// table names that have no _id expression index yet.
func tablesWithoutIDIndex(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT m.table_name FROM %q m
		WHERE EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'table' AND t.name = m.table_name)
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = m.table_name || ?)`, metadataTable), idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // a database FerretDB is still creating
		}
		return nil, fmt.Errorf("list collection tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list collection tables: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list collection tables: %w", err)
	}
	return out, nil
}

// openSQLite opens an existing database file beside FerretDB's own
// connections: WAL (as FerretDB sets it) lets both read, and the busy
// timeout makes a CREATE INDEX wait for FerretDB's writers instead of
// failing with SQLITE_BUSY (and FerretDB's writers wait for it likewise).
func openSQLite(file string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", busyTimeoutSQL)
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", OmitHost: true, Path: file, RawQuery: q.Encode()}).String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(file), err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func isGone(file string) bool {
	_, err := os.Stat(file)
	return errors.Is(err, os.ErrNotExist)
}

// ExplainIDQuery returns SQLite's query plan for the statement FerretDB
// runs for a find by _id on collection (database db of the embedded store),
// so tests can assert it searches an index instead of scanning.
func (s *Store) ExplainIDQuery(ctx context.Context, db, collection string) (string, error) {
	if s.embedded == nil {
		return "", errors.New("explain: not an embedded store")
	}
	conn, err := openSQLite(filepath.Join(s.embedded.dir, db+sqliteFileExt))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var table string
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT table_name FROM %q WHERE name = ?`, metadataTable), collection).Scan(&table); err != nil {
		return "", fmt.Errorf("explain: table of %s: %w", collection, err)
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE %s = ?`, table, idExpr), `"x"`)
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", fmt.Errorf("explain: %w", err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; "), rows.Err()
}

// SyncIDIndexes adds the _id index to every collection table now, instead
// of at the next poll (a no-op on MongoDB). Tests use it; the application
// need not, as new collections are picked up within idIndexPoll.
func (s *Store) SyncIDIndexes(ctx context.Context) error {
	if s.embedded == nil {
		return nil
	}
	return s.embedded.ids.sync(ctx, true)
}
