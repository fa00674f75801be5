package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childEnv makes the test binary run as the minyi command (see TestMain).
const childEnv = "MINYI_TEST_CHILD"

// childMain is main for a child process started by a test.
func childMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "minyi:", err)
		}
		return 1
	}
	return 0
}

// syncBuffer is a bytes.Buffer safe for a process's stderr copier.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a child minyi process and the address its first line announced.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
}

// startProc runs the test binary as `minyi args...` with env added to a
// clean environment, and waits for its first line, which must start with
// prefix. It is stopped with SIGTERM at the end of the test.
func startProc(t *testing.T, prefix string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINYI_") && !strings.HasPrefix(kv, "MONGODB_URI=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, childEnv+"=1", "MINYI_LOG_LEVEL=warn"), env...)
	p := &proc{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(t) })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, prefix) {
		t.Fatalf("minyi %s: first line %q, %v; stderr:\n%s", args[0], line, err, p.stderr)
	}
	go io.Copy(io.Discard, out)
	p.addr = strings.TrimSpace(strings.TrimPrefix(line, prefix))
	return p
}

func (p *proc) stop(t *testing.T) {
	t.Helper()
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("minyi %s exited with %v; stderr:\n%s", p.cmd.Args[1], err, p.stderr)
		}
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
		t.Errorf("minyi %s still running 15 s after SIGTERM", p.cmd.Args[1])
	}
}

// client talks JSON to the instances, as the admin unless told otherwise.
type client struct {
	t  *testing.T
	hc *http.Client
}

// do sends body (marshalled unless nil) with hdr pairs over the defaults
// (the admin token; an empty value removes a header) and decodes the answer.
func (c *client) do(method, url string, body any, hdr ...string) (int, map[string]any, http.Header) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v, resp.Header
}

// must is do that fails the test unless the status is want.
func (c *client) must(want int, method, url string, body any, hdr ...string) map[string]any {
	c.t.Helper()
	code, v, _ := c.do(method, url, body, hdr...)
	if code != want {
		c.t.Fatalf("%s %s: %d %v, want %d", method, url, code, v, want)
	}
	return v
}

// TestTwoInstancesOneStore serves the embedded store from `minyi store`,
// starts two `minyi serve` processes on it and alternates requests between
// them: ballots, single-use codes, work-order numbers, sessions, the login
// throttle, results and background exports behave as on one instance.
func TestTwoInstancesOneStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes")
	}
	dir, err := os.MkdirTemp("", "minyi-two-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	st := startProc(t, "minyi store listening on ", nil, "store", "-addr", "127.0.0.1:0", "-data-dir", dir+"/store")
	var inst [2]string
	for i := range inst {
		env := []string{"MONGODB_URI=" + st.addr, "MINYI_ADMIN_TOKEN=" + token, "MINYI_DATA_DIR=" + fmt.Sprintf("%s/inst%d", dir, i),
			"MINYI_SECRET_KEY=two-instances-share-this-secret-key-0123456789", "MINYI_RECONCILE_INTERVAL=10s"}
		p := startProc(t, "minyi listening on ", env, "serve", "-addr", "127.0.0.1:0")
		waitReady(t, p.addr)
		inst[i] = p.addr + "/api/v1"
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	c := &client{t: t, hc: hc}
	a, b := inst[0], inst[1]

	// The survey: made on A, published on B, codes issued on A.
	org := c.must(http.StatusCreated, http.MethodPost, a+"/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"})
	var subjects []map[string]any
	var members []string
	for i, name := range []string{"张三", "李四", "王五"} {
		m := c.must(http.StatusCreated, http.MethodPost, inst[i%2]+"/members", map[string]any{"name": name, "org_id": org["id"]})
		members = append(members, m["id"].(string))
		subjects = append(subjects, map[string]any{"type": "member", "id": m["id"]})
	}
	sv := c.must(http.StatusCreated, http.MethodPost, a+"/surveys", map[string]any{
		"title": "2026年度民主评议党员", "kind": "appraisal", "subjects": subjects,
		"rater_groups": []map[string]any{{"key": "members", "name": "党员", "weight": 0.6}, {"key": "masses", "name": "群众", "weight": 0.4}},
		"access":       map[string]any{"mode": "code"},
		"questions": []map[string]any{
			{"key": "grade", "type": "single", "title": "评议等次", "required": true, "per_subject": true, "options": []map[string]any{
				{"key": "excellent", "label": "优秀", "score": 95}, {"key": "qualified", "label": "合格", "score": 80},
				{"key": "basic", "label": "基本合格", "score": 65}, {"key": "unqualified", "label": "不合格", "score": 40}}},
		},
	})
	id := sv["id"].(string)
	slug := c.must(http.StatusOK, http.MethodPost, b+"/surveys/"+id+"/publish", nil)["slug"].(string)
	var codes []string
	for _, v := range c.must(http.StatusCreated, http.MethodPost, a+"/surveys/"+id+"/codes", map[string]any{"count": 8, "rater_group": "members"})["codes"].([]any) {
		codes = append(codes, v.(string))
	}
	ballot := func(sub, code string) map[string]any {
		var answers []map[string]any
		for i, g := range []string{"excellent", "qualified", "basic"} {
			answers = append(answers, map[string]any{"question": "grade", "subject": members[i], "option": g})
		}
		return map[string]any{"submission_id": sub, "code": code, "answers": answers}
	}
	submit := func(base, sub, code string) (int, map[string]any) {
		code2, v, _ := c.do(http.MethodPost, base+"/public/surveys/"+slug+"/ballots", ballot(sub, code), "Authorization", "")
		return code2, v
	}

	// Ballots alternate; a code used on one instance is used on the other;
	// a retried submission is the same ballot wherever it lands.
	var first map[string]any
	for i := range 6 {
		status, v := submit(inst[i%2], fmt.Sprintf("two-inst-%02d", i), codes[i])
		if status != http.StatusCreated {
			t.Fatalf("ballot %d on instance %d: %d %v", i, i%2, status, v)
		}
		if i == 0 {
			first = v
		}
	}
	if status, v := submit(b, "two-inst-00", codes[0]); status != http.StatusOK || v["id"] != first["id"] {
		t.Fatalf("replay on B: %d %v, want 200 with %v", status, v, first["id"])
	}
	for i := range 2 {
		if status, v := submit(inst[(i+1)%2], fmt.Sprintf("reuse-inst-%02d", i), codes[i]); status != http.StatusConflict || v["error"].(map[string]any)["code"] != "code_used" {
			t.Fatalf("code %d again on the other instance: %d %v", i, status, v)
		}
	}
	// One code on both instances at once: exactly one ballot.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range 2 {
		wg.Go(func() { statuses[i], _ = submit(inst[i], fmt.Sprintf("race-inst-%d", i), codes[6]) })
	}
	wg.Wait()
	if statuses[0]+statuses[1] != http.StatusCreated+http.StatusConflict {
		t.Fatalf("one code on both instances at once: %v, want one 201 and one 409", statuses)
	}

	// Work-order numbers are unique across instances, even at once.
	numbers := make([]string, 10)
	for i := range numbers {
		wg.Go(func() {
			code, v, _ := c.do(http.MethodPost, inst[i%2]+"/work-orders", map[string]any{
				"channel": "hotline", "kind": "complaint", "content": fmt.Sprintf("第%d件：路灯不亮", i),
				"caller": map[string]any{"name": "张先生", "phone": fmt.Sprintf("138001356%02d", i)}, "org_id": org["id"]})
			if code != http.StatusCreated {
				t.Errorf("work order %d on instance %d: %d %v", i, i%2, code, v)
				return
			}
			numbers[i] = v["number"].(string)
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, n := range numbers {
		if n == "" || seen[n] {
			t.Fatalf("work-order numbers %v: want 10 distinct", numbers)
		}
		seen[n] = true
	}

	// A session started on B works on A, and ends on both; the login
	// throttle counts failures from both.
	c.must(http.StatusCreated, http.MethodPost, a+"/users", map[string]any{"login": "op1", "name": "接线员一", "password": "op1-password-2026", "role": "operator"})
	code, login, hdr := c.do(http.MethodPost, b+"/session", map[string]any{"login": "op1", "password": "op1-password-2026"}, "Authorization", "")
	if code != http.StatusCreated {
		t.Fatalf("login on B: %d %v", code, login)
	}
	var cookie string
	for _, ck := range (&http.Response{Header: hdr}).Cookies() {
		if ck.Name == "minyi_session" {
			cookie = ck.Name + "=" + ck.Value
		}
	}
	who := c.must(http.StatusOK, http.MethodGet, a+"/session", nil, "Authorization", "", "Cookie", cookie)
	if who["user"].(map[string]any)["login"] != "op1" {
		t.Fatalf("session on A: %v", who)
	}
	c.must(http.StatusNoContent, http.MethodDelete, a+"/session", nil, "Authorization", "", "Cookie", cookie, "X-CSRF-Token", login["csrf_token"].(string))
	if code, v, _ := c.do(http.MethodGet, b+"/session", nil, "Authorization", "", "Cookie", cookie); code != http.StatusUnauthorized {
		t.Fatalf("session on B after logout on A: %d %v", code, v)
	}
	for i := range 6 {
		code, v, _ := c.do(http.MethodPost, inst[i%2]+"/session", map[string]any{"login": "op1", "password": fmt.Sprintf("guess-%d-xxxx", i)}, "Authorization", "")
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Fatalf("wrong password %d on instance %d: %d %v, want %d", i+1, i%2, code, v, want)
		}
	}

	// Results: both instances show the 7 ballots, and the same scorecard.
	var last [2]string
	deadline := time.Now().Add(40 * time.Second)
	for {
		ok := true
		for i, base := range inst {
			res := c.must(http.StatusOK, http.MethodGet, base+"/surveys/"+id+"/results", nil)
			valid := res["ballots"].(map[string]any)["valid"]
			j, _ := json.Marshal(res["subjects"])
			last[i] = fmt.Sprint(valid, " ", string(j))
			ok = ok && valid == float64(7) && strings.Contains(last[i], `"excellent":7,`)
		}
		if ok && last[0] == last[1] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("results never agreed on 7 ballots:\nA: %s\nB: %s", last[0], last[1])
		}
		time.Sleep(200 * time.Millisecond)
	}

	// An export queued on A is followed and downloaded on B: its file is in
	// the store, not on A's disk.
	job := c.must(http.StatusAccepted, http.MethodPost, a+"/exports", map[string]any{"kind": "survey_report", "survey_id": id})["id"].(string)
	for deadline := time.Now().Add(time.Minute); ; {
		st := c.must(http.StatusOK, http.MethodGet, b+"/exports/"+job, nil)["status"]
		if st == "done" {
			break
		}
		if st == "failed" || time.Now().After(deadline) {
			t.Fatalf("export queued on A seen on B as %v", st)
		}
		time.Sleep(100 * time.Millisecond) // another process: nothing to wait on but its answers
	}
	req, err := http.NewRequest(http.MethodGet, b+"/exports/"+job+"/file", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("export file from B: %d, %d bytes, %v", resp.StatusCode, len(body), err)
	}
}
