package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"minyi/api"
	"minyi/app"
	"minyi/store"
	"minyi/surveys"
)

// scaleMain seeds a street's year on the production wiring (app.New,
// api.New over loopback HTTP, as serve builds them) and times every page
// and endpoint the users open, and the writes, at the start and at the end:
//
//	go run ./cmd/minyi bench scale [-orders 20000] [-ballots 100000]
//
// The clock is simulated: the year's work orders are entered day by day,
// each day's imported in one batch (feedback.Store.Import with the audit
// entries the API writes, which stores what the steps one by one would, so
// that seeding takes minutes; -steps takes them through Create and Act),
// the ballots are submitted through HTTP.
func scaleMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("minyi bench scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := scaleConfig{}
	fs.IntVar(&cfg.branches, "branches", 30, "branches of the street")
	fs.IntVar(&cfg.members, "members", 3000, "members over the branches")
	fs.IntVar(&cfg.orders, "orders", 20000, "work orders over the year")
	fs.IntVar(&cfg.ballots, "ballots", 100000, "ballots of the 30-branch satisfaction survey")
	fs.IntVar(&cfg.small, "small-ballots", 10000, "ballots of the 4-subject survey")
	fs.IntVar(&cfg.clients, "clients", 32, "concurrent ballot clients")
	fs.IntVar(&cfg.samples, "samples", 40, "timed requests per page or write")
	fs.IntVar(&cfg.workers, "workers", 4, "concurrent work-order seeders (with -steps)")
	fs.BoolVar(&cfg.steps, "steps", false, "seed the work orders step by step (Create, Act), not by import")
	dataDir := fs.String("data-dir", "", "embedded store directory (default: a temporary one, removed after)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	dir := *dataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "minyi-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	cmds := &commandStats{by: map[string]*commandStat{}}
	st, err := store.Open(ctx, store.Config{URI: getenv("MONGODB_URI"), DataDir: dir, Database: fmt.Sprintf("scale_%d", time.Now().Unix()), Observe: cmds.observe})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	if !st.Embedded() {
		defer st.DB.Drop(context.WithoutCancel(ctx))
	}
	b, err := newScaleBench(ctx, st, cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	b.cmds = cmds
	return b.run(ctx)
}

// commandStats counts store commands and their time, per step.
type commandStats struct {
	mu sync.Mutex
	by map[string]*commandStat
}

type commandStat struct {
	n   int
	sum time.Duration
}

func (c *commandStats) observe(name string, d time.Duration, _ bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.by[name]
	if s == nil {
		s = &commandStat{}
		c.by[name] = s
	}
	s.n++
	s.sum += d
}

// take returns the counts since the last take, busiest first.
func (c *commandStats) take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var names []string
	for n := range c.by {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return int(c.by[b].sum - c.by[a].sum) })
	var parts []string
	for _, n := range names {
		s := c.by[n]
		parts = append(parts, fmt.Sprintf("%s %d× %.2f ms", n, s.n, float64(s.sum.Microseconds())/1000/float64(s.n)))
	}
	c.by = map[string]*commandStat{}
	return strings.Join(parts, ", ")
}

type scaleConfig struct {
	branches, members, orders, ballots, small, clients, samples, workers int
	steps                                                                bool
}

type scaleBench struct {
	cfg            scaleConfig
	cmds           *commandStats
	out, progress  io.Writer
	a              *app.App
	clock          *simClock
	base           string
	http           *http.Client
	hs             *http.Server
	street         string
	branches       []string
	orders         []string // ids of the seeded orders
	s30, s4, a40   *surveys.Survey
	codes          []string
	tokens         map[string]string // role → bearer
	ballotSeq      atomic.Int64
	startT, endT   map[string]timing
	order          []string
	ballotRate     float64
	ballotP99      time.Duration
	rawRate        float64
	rawFill        float64 // raw insertMany in batches of the client count, one at a time
	smallFill      float64
	smallRate      float64
	smallP99       time.Duration
	smallRaw       float64
	incremental    time.Duration
	rebuild        time.Duration
	seedOrdersTime time.Duration
}

type timing struct{ p50, p95 time.Duration }

// simClock is the year's clock: the seeder moves it on day by day.
type simClock struct{ ns atomic.Int64 }

func (c *simClock) now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *simClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

var shanghai = time.FixedZone("CST", 8*3600)

func newScaleBench(ctx context.Context, st *store.Store, cfg scaleConfig, out, progress io.Writer) (*scaleBench, error) {
	b := &scaleBench{cfg: cfg, out: out, progress: progress, clock: &simClock{}, tokens: map[string]string{},
		startT: map[string]timing{}, endT: map[string]timing{}}
	b.clock.set(time.Date(2026, 1, 5, 9, 0, 0, 0, shanghai))
	a, err := app.New(ctx, st, app.Config{Now: b.clock.now, SecretKey: "scale-bench", Logger: slog.New(slog.NewTextHandler(progress, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return nil, err
	}
	b.a = a
	srv := api.New(api.Options{App: a, AdminToken: "scale-admin", PublicRatePerMinute: 1 << 30, BaseURL: "http://localhost"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		return nil, err
	}
	b.hs = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.hs.Serve(ln) }()
	b.base = "http://" + ln.Addr().String()
	b.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 5 * time.Minute}
	b.tokens["admin"] = "scale-admin"
	return b, nil
}

func (b *scaleBench) close() {
	b.http.CloseIdleConnections()
	_ = b.hs.Close()
	b.a.Close()
}

func (b *scaleBench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "\r\033[K"+format, args...)
}

func (b *scaleBench) run(ctx context.Context) error {
	t0 := time.Now()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"org tree, roster, users and surveys", b.seedReference},
		{"timings at the start", func(ctx context.Context) error { return b.measure(ctx, b.startT) }},
		{"work orders of the year", b.seedOrders},
		{"ballots", b.seedBallots},
		{"results after 1,000 ballots vs a rebuild", b.resultsVsRebuild},
		{"timings at the end", func(ctx context.Context) error { return b.measure(ctx, b.endT) }},
	}
	for _, s := range steps {
		st := time.Now()
		b.logf("%s …\n", s.name)
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		b.logf("%s: %.1f s (store: %s)\n", s.name, time.Since(st).Seconds(), b.cmds.take())
	}
	b.report(time.Since(t0))
	return nil
}
