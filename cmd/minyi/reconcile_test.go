package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestReconcileInterval: MINYI_RECONCILE_INTERVAL / -reconcile-interval
// default to 10m, the flag wins over the variable, 0 keeps only the pass at
// start, and anything below 10s (or not a duration) stops the start.
func TestReconcileInterval(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want time.Duration
		bad  bool
	}{
		{name: "default", want: 10 * time.Minute},
		{name: "variable", env: "30s", want: 30 * time.Second},
		{name: "flag", args: []string{"-reconcile-interval", "1h"}, want: time.Hour},
		{name: "flag wins", env: "30s", args: []string{"-reconcile-interval", "2m"}, want: 2 * time.Minute},
		{name: "the minimum", env: "10s", want: 10 * time.Second},
		{name: "zero disables", env: "0", want: 0},
		{name: "zero as a duration", args: []string{"-reconcile-interval", "0s"}, want: 0},
		{name: "below the minimum", env: "9s", bad: true},
		{name: "milliseconds", args: []string{"-reconcile-interval", "500ms"}, bad: true},
		{name: "negative", env: "-1m", bad: true},
		{name: "no unit", env: "600", bad: true},
		{name: "not a duration", env: "often", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"MINYI_RECONCILE_INTERVAL": tc.env}
			cfg, err := parseServe(tc.args, func(k string) string { return env[k] }, io.Discard)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = cfg.check()
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), "MINYI_RECONCILE_INTERVAL") {
					t.Fatalf("check: %v, want an error naming MINYI_RECONCILE_INTERVAL", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			got, err := cfg.reconcileInterval()
			if err != nil || got != tc.want {
				t.Fatalf("interval %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// TestReconcileIntervalStopsStart: a bad interval stops `serve` before it
// opens the store, like every other bad setting.
func TestReconcileIntervalStopsStart(t *testing.T) {
	var out bytes.Buffer
	env := map[string]string{"MINYI_RECONCILE_INTERVAL": "1s", "MINYI_DATA_DIR": t.TempDir()}
	err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "MINYI_RECONCILE_INTERVAL") {
		t.Fatalf("run: %v", err)
	}
}

// TestReconcileIntervalHelp: -h lists the setting with its variable.
func TestReconcileIntervalHelp(t *testing.T) {
	var out bytes.Buffer
	_, _ = parseServe([]string{"-h"}, func(string) string { return "" }, &out)
	if !strings.Contains(out.String(), "-reconcile-interval") || !strings.Contains(out.String(), "$MINYI_RECONCILE_INTERVAL") {
		t.Fatalf("usage lacks the reconcile interval:\n%s", out.String())
	}
}

// TestReconcileDisabledServes: with the interval 0 the service starts (the
// start-up pass runs, no ticker is made: time.NewTicker(0) would panic),
// answers, and stops cleanly (TestMain's goleak checks the reconciler
// goroutine is gone).
func TestReconcileDisabledServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-reconcile-interval", "0"},
			func(k string) string { return map[string]string{"MINYI_LOG_LEVEL": "info"}[k] }, pw, &stderr)
		pw.Close()
		done <- err
	}()
	line := make([]byte, 256)
	n, err := pr.Read(line)
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatalf("no listening line: %v; run: %v", err, <-done)
	}
	waitReady(t, strings.TrimSpace(strings.TrimPrefix(string(line[:n]), "minyi listening on ")))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop within 10 s")
	}
	if !strings.Contains(stderr.String(), "runs once at start only") {
		t.Errorf("no log line about the disabled reconciler:\n%s", stderr.String())
	}
}
