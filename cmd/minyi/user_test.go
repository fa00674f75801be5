package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestFirstAdmin: a fresh start tells how to create the first admin; `minyi
// user add` refuses to run beside a live server on the same data directory
// and, with the server stopped, creates a user who can then sign in.
func TestFirstAdmin(t *testing.T) {
	dir, err := os.MkdirTemp("", "minyi-user-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	noenv := func(string) string { return "" }
	add := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := userCmd(context.Background(), append([]string{"add", "-data-dir", dir, "-log-level", "error"}, args...), noenv, strings.NewReader(stdin), &out, &out)
		return out.String(), err
	}

	s := start(t, dir)
	if !strings.Contains(s.stderr.String(), "minyi user add") {
		t.Errorf("no first-admin hint in the log: %s", s.stderr)
	}
	_, err = add("first-password\n", "-login", "admin", "-name", "管理员", "-role", "admin")
	if err == nil || !strings.Contains(err.Error(), "stop `minyi serve`") {
		t.Fatalf("user add beside a running server: %v", err)
	}
	s.stop(t)

	if _, err := add("", "-login", "admin", "-name", "管理员", "-role", "admin"); err == nil || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("empty stdin: %v", err)
	}
	if _, err := add("first-password\n", "-login", "sec", "-name", "书记", "-role", "secretary"); err == nil || !strings.Contains(err.Error(), "-org") {
		t.Fatalf("secretary without org: %v", err)
	}
	out, err := add("first-password\n", "-login", "Admin", "-name", "管理员", "-role", "admin", "-password-stdin")
	if err != nil || !strings.Contains(out, "created user admin") {
		t.Fatalf("user add: %v %s", err, out)
	}
	if strings.Contains(out, "first-password") {
		t.Fatal("password echoed")
	}
	if _, err := add("first-password\n", "-login", "admin", "-name", "又一个", "-role", "admin"); err == nil || !strings.Contains(err.Error(), "登录名已被使用") {
		t.Fatalf("duplicate: %v", err)
	}

	s = start(t, dir)
	resp, err := http.Post(s.base+"/api/v1/session", "application/json", strings.NewReader(`{"login":"admin","password":"first-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != http.StatusCreated || len(resp.Cookies()) == 0 {
		t.Fatalf("first admin login: %d", resp.StatusCode)
	}
	if strings.Contains(s.stderr.String(), "no users yet") { // each start has a fresh buffer
		t.Errorf("hint logged although a user exists: %s", s.stderr)
	}
	s.stop(t)
}
