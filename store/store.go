// Package store connects Minyi to MongoDB: the server named by MONGODB_URI,
// or an embedded FerretDB over a local data directory when none is given.
// Both are reached through the same official driver code, so everything above
// this package runs unchanged on either.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// Config says which store to use.
type Config struct {
	URI          string // MONGODB_URI; empty starts the embedded store
	DataDir      string // the embedded store's directory
	Database     string // database name, default "minyi"
	WriteConcern string // "", "majority" or a number of nodes; "" keeps the server default
	Logger       *slog.Logger
	// Observe, when set, is called after every store command with its name,
	// duration and outcome (used for the latency metric).
	Observe func(command string, d time.Duration, failed bool)
	// Started, when set, sees every command as sent (tests use it to
	// catch queries the embedded store would answer by scanning).
	Started func(database string, command bson.Raw)
}

// Store is an open connection: the client, the application database and,
// when embedded, the server it started.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	embedded *Embedded
}

// Embedded reports whether the store runs inside this process.
func (s *Store) Embedded() bool { return s.embedded != nil }

// Open connects according to cfg and checks the connection with a ping.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	name := cfg.Database
	if name == "" {
		name = "minyi"
	}
	s := &Store{}
	uri := cfg.URI
	if uri == "" {
		emb, err := StartEmbedded(ctx, cfg.DataDir, logger)
		if err != nil {
			return nil, err
		}
		s.embedded = emb
		uri = emb.URI()
	}
	opts := options.Client().ApplyURI(uri).SetAppName("minyi")
	if cfg.Observe != nil || cfg.Started != nil {
		opts.SetMonitor(monitor(cfg.Observe, cfg.Started))
	}
	if cfg.WriteConcern != "" {
		wc, err := parseWriteConcern(cfg.WriteConcern)
		if err != nil {
			s.stopEmbedded()
			return nil, err
		}
		opts.SetWriteConcern(wc)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		s.stopEmbedded()
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	s.Client = client
	s.DB = client.Database(name)
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("reach store: %w", err)
	}
	return s, nil
}

// Ping checks that the store answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, nil)
}

// Close disconnects the client first and only then stops the embedded
// server; the other order makes the server wait for idle connections.
func (s *Store) Close(ctx context.Context) error {
	var err error
	if s.Client != nil {
		err = s.Client.Disconnect(ctx)
	}
	s.stopEmbedded()
	return err
}

func (s *Store) stopEmbedded() {
	if s.embedded != nil {
		s.embedded.Stop()
		s.embedded = nil
	}
}

func parseWriteConcern(v string) (*writeconcern.WriteConcern, error) {
	if strings.EqualFold(v, "majority") {
		return writeconcern.Majority(), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("write concern %q: want \"majority\" or a number", v)
	}
	return &writeconcern.WriteConcern{W: n}, nil
}

func monitor(observe func(string, time.Duration, bool), started func(string, bson.Raw)) *event.CommandMonitor {
	m := &event.CommandMonitor{}
	if observe != nil {
		m.Succeeded = func(_ context.Context, e *event.CommandSucceededEvent) {
			observe(e.CommandName, e.Duration, false)
		}
		m.Failed = func(_ context.Context, e *event.CommandFailedEvent) {
			observe(e.CommandName, e.Duration, true)
		}
	}
	if started != nil {
		m.Started = func(_ context.Context, e *event.CommandStartedEvent) {
			started(e.DatabaseName, e.Command)
		}
	}
	return m
}

// IsDuplicate reports whether err is a unique-index violation. MongoDB and
// FerretDB report one on insert as E11000; FerretDB reports one caused by an
// update as an internal "UNIQUE constraint failed" error, which is the same
// thing to us.
func IsDuplicate(err error) bool {
	if err == nil {
		return false
	}
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var ce mongo.CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Message, "UNIQUE constraint failed") {
		return true
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Upserted runs an upsert, and once more when it failed with a duplicate
// key: of two concurrent upserts of a document that does not exist yet (two
// instances, or two connections), one inserts it and the other fails; its
// second try finds the document and updates it (MongoDB's advice for
// upsert races). Use it only for writes that are safe to repeat ($set,
// $unset, $addToSet).
func Upserted(write func() error) error {
	err := write()
	if IsDuplicate(err) {
		err = write()
	}
	return err
}

// IsServerFailure reports whether err is an error the server answered
// (a failed command or write: a full disk, a write concern not met) other
// than a duplicate key, which callers translate into a conflict.
func IsServerFailure(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && !IsDuplicate(err)
}

// IsUnavailable reports whether err means the store could not be reached
// (as opposed to refusing the operation).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, mongo.ErrClientDisconnected) || mongo.IsTimeout(err) || mongo.IsNetworkError(err) {
		return true
	}
	var sse topology.ServerSelectionError
	return errors.As(err, &sse)
}
