package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"minyi/api"
	"minyi/app"
	"minyi/feedback"
	"minyi/store"
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
	case "user":
		return userMain(ctx, args, getenv, stdout, stderr)
	case "export":
		return exportMain(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchMain(ctx, args, getenv, stdout, stderr)
	case "store":
		return storeMain(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, "usage: minyi [serve] [flags]; minyi serve -h lists the flags; minyi user add -h creates a user; minyi export -h writes a workbook; minyi bench -h measures submission; minyi store -h serves the embedded store to several instances")
		return nil
	}
	fmt.Fprintf(stderr, "minyi: unknown command %q (want serve, user, export, bench or store)\n", cmd)
	return errUsage
}

// service is a running process's system: the store, the wired app over
// it and the HTTP handler.
type service struct {
	cfg   config
	log   *slog.Logger
	store *store.Store
	app   *app.App
	srv   *api.Server
}

// open connects the store and wires the app and the HTTP server over it.
func open(ctx context.Context, cfg config, log *slog.Logger) (*service, error) {
	// The calendar is read before the store opens: a bad file stops the
	// start before anything else happens.
	policy, err := feedback.LoadPolicy(cfg.Calendar)
	if err != nil {
		return nil, err
	}
	if err := resolveSecretKey(&cfg, log); err != nil {
		return nil, err
	}
	metrics := api.NewMetrics()
	st, err := store.Open(ctx, store.Config{
		URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database,
		WriteConcern: cfg.WriteConcern, Logger: log, Observe: metrics.ObserveStore,
	})
	if err != nil {
		return nil, err
	}
	assess, err := cfg.assessSettings()
	if err != nil {
		_ = st.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	a, err := app.New(ctx, st, app.Config{
		Logger: log, SecretKey: cfg.SecretKey, Policy: policy, RateSettings: &assess,
	})
	if err != nil {
		_ = st.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	srv := api.New(api.Options{
		App: a, Metrics: metrics, AdminToken: cfg.AdminToken, MetricsToken: cfg.MetricsToken, MaxBodyBytes: cfg.MaxBody, PublicRatePerMinute: cfg.PublicRate,
		Version: version, BaseURL: cfg.BaseURL, TrustedProxies: cfg.trustedProxies(),
	})
	return &service{cfg: cfg, log: log, store: st, app: a, srv: srv}, nil
}

// openCommand opens the app for a one-shot command (user, export) and
// returns it with the function that closes it. The embedded store admits one
// process: busy completes the advice given when a server holds it.
func openCommand(ctx context.Context, cfg config, log *slog.Logger, busy string) (*service, func(), error) {
	a, err := open(ctx, cfg, log)
	if err != nil {
		if cfg.MongoURI == "" {
			return nil, nil, fmt.Errorf("%w\n(the embedded store allows one process at a time: stop `minyi serve` on %s %s)", err, cfg.DataDir, busy)
		}
		return nil, nil, err
	}
	return a, func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = a.close(closeCtx)
	}, nil
}

// close flushes queued ballots, then closes the store. Call it only after
// the HTTP server stopped, so no request still waits on the batcher.
func (s *service) close(ctx context.Context) error {
	s.app.Close()
	return s.store.Close(ctx)
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := newFlagSet("minyi serve", getenv, stderr, &cfg)
	if err := fs.Parse(args); err != nil { // -h included: the flag set printed the usage
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
	// Export jobs whose instance stopped are marked failed; the janitor
	// removes exports older than a day until a.close stops it.
	if err := a.app.Start(ctx); err != nil {
		return err
	}
	stopReconciler, err := a.startReconciler(ctx)
	if err != nil {
		return err
	}
	defer stopReconciler()

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
	a.hintFirstAdmin(ctx)
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

// startReconciler runs the tally reconciler in the background: it compares
// each open survey's tallies with its stored ballots (analytics/rebuild.go)
// at start, which is what heals a crash between a batch's insert and its
// fold, then every MINYI_RECONCILE_INTERVAL (0: never again). The function
// it returns stops it and waits for it, before the store closes.
func (s *service) startReconciler(ctx context.Context) (func(), error) {
	every, err := s.cfg.reconcileInterval()
	if err != nil {
		return nil, err
	}
	if every == 0 {
		s.log.Info("tally reconciler runs once at start only (MINYI_RECONCILE_INTERVAL=0)")
	}
	recCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if every == 0 {
			s.app.Tallies.ReconcileAll(recCtx, s.app.OpenSurveys)
			return
		}
		s.app.Tallies.RunReconciler(recCtx, every, s.app.OpenSurveys)
	}()
	return func() { cancel(); <-done }, nil
}
