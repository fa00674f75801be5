package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB server (SQLite backend) running in this process on
// a loopback port, over one data directory that it holds an advisory lock on.
type Embedded struct {
	db     *ferretdb.FerretDB
	cancel context.CancelFunc
	done   chan struct{}
	lock   *os.File
	dir    string
	ids    *idIndexer    // the _id expression index (idindex.go)
	idDone chan struct{} // closed when the indexer stopped
}

// StartEmbedded starts the embedded server over dir, creating it if needed.
// A second live process on the same directory is refused: the lock is an
// flock, which the kernel drops when the holder dies, so a restart after a
// crash starts cleanly.
func StartEmbedded(ctx context.Context, dir string, logger *slog.Logger) (*Embedded, error) {
	return StartEmbeddedOn(ctx, dir, "127.0.0.1:0", logger)
}

// StartEmbeddedOn is StartEmbedded listening on addr, which must be a
// loopback address: the server has no authentication (`minyi store` serves
// one data directory to several instances on one machine this way).
func StartEmbeddedOn(ctx context.Context, dir, addr string, logger *slog.Logger) (*Embedded, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("store address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("store address %q: only a loopback address (127.0.0.1) is allowed, the embedded store has no authentication", addr)
	}
	if dir == "" {
		dir = "data"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory %q: %w", dir, err)
	}
	if strings.ContainsAny(abs, "#?") {
		return nil, fmt.Errorf("data directory %q: the path may not contain '#' or '?'", abs)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	if err := restrict(abs); err != nil {
		_ = lock.Close()
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    quiet(logger),
	})
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &Embedded{db: f, cancel: cancel, done: make(chan struct{}), lock: lock,
		dir: abs, ids: newIDIndexer(abs, logger), idDone: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(runCtx)
	}()
	// Tables that exist already (a restart, an upgrade) get their index
	// now; later ones within a poll.
	if err := e.ids.sync(ctx, true); err != nil {
		logger.Warn("embedded store: _id index", "err", err)
	}
	go func() {
		defer close(e.idDone)
		e.ids.run(runCtx)
	}()
	return e, nil
}

// URI is the mongodb:// address the server listens on.
func (e *Embedded) URI() string { return e.db.MongoDBURI() }

// Stop stops the server, waits for it and releases the directory lock.
// Disconnect every client first.
func (e *Embedded) Stop() {
	e.cancel()
	<-e.idDone
	<-e.done
	_ = restrict(e.dir) // files SQLite created while running
	_ = e.lock.Close()  // closing the descriptor drops the flock
}

func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "minyi.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another Minyi process (lock %s held); stop it or choose another MINYI_DATA_DIR", dir, path)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return f, nil
}

// quiet keeps only errors from the embedded server: at Info it logs every
// connection and at Warn every error reply it sends.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{h: l.Handler(), min: slog.LevelError})
}

type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}
