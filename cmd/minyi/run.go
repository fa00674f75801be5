package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"minyi/api"
	"minyi/secret"
	"minyi/store"
	"minyi/surveys"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run is the whole program; main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, "usage: minyi [serve] [flags]; minyi serve -h lists the flags")
		return nil
	}
	fmt.Fprintf(stderr, "minyi: unknown command %q (want serve)\n", cmd)
	return errUsage
}

// app is the wired service: the store and the HTTP server over it.
type app struct {
	cfg   config
	log   *slog.Logger
	store *store.Store
	srv   *api.Server
}

// open connects the store, creates indexes and wires the server.
func open(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	metrics := api.NewMetrics()
	st, err := store.Open(ctx, store.Config{
		URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database,
		WriteConcern: cfg.WriteConcern, Logger: log, Observe: metrics.ObserveStore,
	})
	if err != nil {
		return nil, err
	}
	if err := store.EnsureIndexes(ctx, st.DB, indexes()); err != nil {
		_ = st.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	now := time.Now
	keys := secret.New(cfg.SecretKey)
	srv := api.New(api.Options{
		Logger: log, Metrics: metrics, Store: st, AdminToken: cfg.AdminToken,
		MaxBodyBytes: cfg.MaxBody, Now: now, Version: version, Keys: keys,
		Orgs: surveys.NewOrgStore(st.DB, now),
	})
	return &app{cfg: cfg, log: log, store: st, srv: srv}, nil
}

func indexes() []store.Index {
	return surveys.OrgIndexes()
}

func (a *app) close(ctx context.Context) error {
	return a.store.Close(ctx)
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := newFlagSet("minyi serve", getenv, stderr, &cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, errUsage
		}
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "minyi serve: unexpected arguments %q\n", fs.Args())
		return cfg, errUsage
	}
	return cfg, nil
}

// serve runs the HTTP service until ctx is cancelled, then lets in-flight
// requests finish (up to the shutdown timeout) and only then closes the store.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if cfg.SecretKey == "" {
		log.Warn("MINYI_SECRET_KEY is not set: using a fixed development key; set it and MINYI_ENV=production before real use")
	}
	a, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := a.close(closeCtx); err != nil {
			log.Error("close store", "err", err)
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           a.srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	where := "embedded store in " + cfg.DataDir
	if !a.store.Embedded() {
		where = "MongoDB"
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", where)
	fmt.Fprintf(stdout, "minyi listening on http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownWait)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		log.Warn("shutdown: requests still running were cut off", "err", err)
		_ = hs.Close()
	}
	<-errc
	return nil
}
