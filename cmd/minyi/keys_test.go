package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAdminTokenLength: a short MINYI_ADMIN_TOKEN stops the start.
func TestAdminTokenLength(t *testing.T) {
	var out bytes.Buffer
	env := map[string]string{"MINYI_ADMIN_TOKEN": "short-token", "MINYI_DATA_DIR": t.TempDir()}
	// Were the token accepted, the server would run until the timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "MINYI_ADMIN_TOKEN must be at least 32 characters") {
		t.Fatalf("short admin token: %v", err)
	}
}

// TestDevelopmentKey: without MINYI_SECRET_KEY, development generates a
// random key into the data directory (0600) and keeps it across starts;
// outside development there is no default at all.
func TestDevelopmentKey(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	cfg := config{Env: "development", DataDir: dir}
	if err := resolveSecretKey(&cfg, log); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, devKeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if len(cfg.SecretKey) < 32 || strings.Contains(cfg.SecretKey, "development") {
		t.Errorf("generated key %q", cfg.SecretKey)
	}
	again := config{Env: "development", DataDir: dir}
	if err := resolveSecretKey(&again, log); err != nil || again.SecretKey != cfg.SecretKey {
		t.Errorf("second start: key %q, %v; want the stored one", again.SecretKey, err)
	}
	other := config{Env: "development", DataDir: t.TempDir()}
	if err := resolveSecretKey(&other, log); err != nil || other.SecretKey == cfg.SecretKey {
		t.Errorf("another data directory got the same key: %v", err)
	}
	prod := config{Env: "production", DataDir: t.TempDir()}
	if err := resolveSecretKey(&prod, log); err == nil {
		t.Error("production without a key got one")
	}
}
