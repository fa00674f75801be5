package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain fails the binary if any test leaves a goroutine behind: run must
// stop the HTTP server, the client and the embedded store completely. Run
// with MINYI_TEST_CHILD=1, the test binary is the minyi command itself
// (childMain), so tests can start real processes without building one.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(childMain())
	}
	goleak.VerifyTestMain(m)
}

const token = "e2e-admin-token-0123456789abcdefghij"

// started is a running `run` with its address.
type started struct {
	base   string
	cancel context.CancelFunc
	done   chan error
	stderr *bytes.Buffer
}

func start(t *testing.T, dir string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, done: make(chan error, 1), stderr: &bytes.Buffer{}}
	getenv := func(k string) string {
		return map[string]string{"MINYI_ADMIN_TOKEN": token, "MINYI_LOG_LEVEL": "warn"}[k]
	}
	go func() {
		err := run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dir}, getenv, pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatalf("no listening line: %v; run: %v; stderr %s", err, <-s.done, s.stderr)
	}
	s.base = strings.TrimSpace(strings.TrimPrefix(line, "minyi listening on "))
	waitReady(t, s.base)
	return s
}

func (s *started) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop within 10 s")
	}
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("/readyz never answered 200")
}

func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	http.DefaultClient.CloseIdleConnections()
	return resp.StatusCode, v
}

// TestRestartKeepsData boots the whole service on port 0, writes through the
// API, stops it, starts it again on the same directory and reads back.
func TestRestartKeepsData(t *testing.T) {
	dir, err := os.MkdirTemp("", "minyi-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })

	s := start(t, dir)
	code, org := call(t, http.MethodPost, s.base+"/api/v1/orgs", `{"name":"第一党支部","code":"ZB1","kind":"branch"}`)
	if code != http.StatusCreated {
		t.Fatalf("create org: %d %v", code, org)
	}
	s.stop(t)

	s = start(t, dir)
	code, got := call(t, http.MethodGet, s.base+"/api/v1/orgs/"+org["id"].(string), "")
	if code != http.StatusOK || got["name"] != "第一党支部" {
		t.Fatalf("after restart: %d %v", code, got)
	}
	s.stop(t)
}

func TestConfig(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "-h"}, func(string) string { return "" }, &out, &out)
	if err != errUsage || !strings.Contains(out.String(), "MINYI_DATA_DIR") || !strings.Contains(out.String(), "MONGODB_URI") {
		t.Fatalf("-h: err %v, output %s", err, out.String())
	}
	out.Reset()
	env := map[string]string{"MINYI_ENV": "production"}
	err = run(context.Background(), nil, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "MINYI_SECRET_KEY") {
		t.Fatalf("production without key: %v", err)
	}
	env = map[string]string{"MINYI_TRUSTED_PROXIES": "10.0.0.0/8, not-an-address"}
	err = run(context.Background(), nil, func(k string) string { return env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "MINYI_TRUSTED_PROXIES") {
		t.Fatalf("bad trusted proxy: %v", err)
	}
	err = run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &out)
	if err != errUsage {
		t.Fatalf("unknown command: %v", err)
	}
}

// TestSIGTERM builds the real binary, starts it and checks that SIGTERM
// stops it with exit status 0 well within 10 s.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "minyi")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(dir, "data"), "-log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("no listening line: %v; stderr %s", err, stderr.String())
	}
	waitReady(t, strings.TrimSpace(strings.TrimPrefix(line, "minyi listening on ")))
	http.DefaultClient.CloseIdleConnections()
	begin := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr %s", err, stderr.String())
		}
		t.Logf("stopped %v after SIGTERM", time.Since(begin))
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 10 s after SIGTERM")
	}
}
