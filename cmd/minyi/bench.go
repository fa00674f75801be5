package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"minyi/api"
	"minyi/app"
	"minyi/store"
	"minyi/surveys"
)

// benchMain measures the submission path through real HTTP on loopback:
// ballots per second and latency at several client counts, with the group
// commit and with the naive one-insertOne-per-request writer, on the
// embedded store in a temporary directory (or MONGODB_URI).
//
//	go run ./cmd/minyi bench -ballots 4000 -clients 32,128
func benchMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "scale" {
		return scaleMain(ctx, args[1:], getenv, stdout, stderr)
	}
	fs := flag.NewFlagSet("minyi bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("ballots", 4000, "ballots per run")
	clientList := fs.String("clients", "32,128", "concurrent clients, comma separated")
	subjects := fs.Int("subjects", 10, "subjects per ballot (2 questions each)")
	wait := fs.Duration("batch-wait", 0, "group commit: longest wait for a batch to fill (0: the default)")
	flushers := fs.Int("flushers", 0, "group commit: batches written at once (0: the default)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	var clients []int
	for _, s := range strings.Split(*clientList, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 {
			return fmt.Errorf("bench: bad -clients %q", *clientList)
		}
		clients = append(clients, c)
	}
	dir, err := os.MkdirTemp("", "minyi-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{URI: getenv("MONGODB_URI"), DataDir: dir})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))

	fmt.Fprintf(stdout, "submission benchmark: %d ballots per run, %d subjects × 2 questions, store: %s\n\n", *n, *subjects, storeName(st))
	fmt.Fprintf(stdout, "%-6s %8s %8s %9s %10s %9s %9s\n", "writer", "clients", "ballots", "seconds", "ballots/s", "p50", "p99")
	rates := map[string]float64{}
	for _, c := range clients {
		for _, mode := range []string{"group", "naive"} {
			r, err := benchRun(ctx, st, mode, c, *n, *subjects, *wait, *flushers)
			if err != nil {
				return fmt.Errorf("bench %s/%d: %w", mode, c, err)
			}
			rates[fmt.Sprint(mode, c)] = r.rate
			fmt.Fprintf(stdout, "%-6s %8d %8d %9.2f %10.0f %9s %9s\n", mode, c, *n, r.elapsed.Seconds(), r.rate,
				r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond))
		}
	}
	fmt.Fprintln(stdout)
	for _, c := range clients {
		fmt.Fprintf(stdout, "group commit / naive at %d clients: %.1f×\n", c, rates[fmt.Sprint("group", c)]/rates[fmt.Sprint("naive", c)])
	}
	return nil
}

func storeName(st *store.Store) string {
	if st.Embedded() {
		return "embedded FerretDB (SQLite)"
	}
	return "MongoDB"
}

type benchResult struct {
	elapsed  time.Duration
	rate     float64
	p50, p99 time.Duration
}

// benchRun serves a fresh database over loopback HTTP and submits n ballots
// from c concurrent clients. The system is the production wiring (app.New,
// api.New, as serve builds it); the "naive" baseline swaps only the
// submission writer for one insertOne per request.
func benchRun(ctx context.Context, st *store.Store, mode string, c, n, subjects int, wait time.Duration, flushers int) (benchResult, error) {
	db := st.Client.Database(fmt.Sprintf("bench_%s_%d_%d", mode, c, time.Now().UnixNano()%1e6))
	defer db.Drop(context.WithoutCancel(ctx))
	a, err := app.New(ctx, &store.Store{Client: st.Client, DB: db}, app.Config{BatchWait: wait, BatchFlushers: flushers})
	if err != nil {
		return benchResult{}, err
	}
	defer os.RemoveAll(filepath.Join(os.TempDir(), db.Name()))
	defer a.Close()
	if mode == "naive" {
		a.Submitter.Writer = surveys.NewDirectWriter(db, a.Tallies)
	}
	sv, err := benchSurvey(ctx, a.Orgs, a.Members, a.Surveys, subjects)
	if err != nil {
		return benchResult{}, err
	}
	ballots := a.Ballots
	srv := api.New(api.Options{App: a, PublicRatePerMinute: 1 << 30})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/public/surveys/" + sv.Slug + "/ballots"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: time.Minute}
	defer client.CloseIdleConnections()

	jobs := make(chan int)
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for range c {
		wg.Go(func() {
			for i := range jobs {
				body := benchBallot(sv, i)
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return benchResult{}, firstErr
	}
	stored, err := ballots.Count(ctx, sv.ID)
	if err != nil {
		return benchResult{}, err
	}
	if stored != int64(n) {
		return benchResult{}, fmt.Errorf("%d ballots stored, want %d", stored, n)
	}
	slices.Sort(lat)
	return benchResult{elapsed: elapsed, rate: float64(n) / elapsed.Seconds(), p50: lat[n/2], p99: lat[n*99/100]}, nil
}

func benchSurvey(ctx context.Context, orgs *surveys.OrgStore, members *surveys.MemberStore, svs *surveys.SurveyStore, n int) (*surveys.Survey, error) {
	org := &surveys.Org{Name: "测试党支部", Code: "BENCH", Kind: surveys.OrgBranch}
	if err := orgs.Create(ctx, org); err != nil {
		return nil, err
	}
	sv := &surveys.Survey{Title: "压力测试", Kind: surveys.KindSatisfaction, Access: surveys.Access{Mode: surveys.AccessPublic},
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Name: "群众", Weight: 1}}}
	for i := range n {
		m := &surveys.Member{Name: fmt.Sprintf("党员%02d", i+1), OrgID: org.ID}
		if err := members.Create(ctx, m); err != nil {
			return nil, err
		}
		sv.Subjects = append(sv.Subjects, surveys.Subject{Type: surveys.SubjectMember, ID: m.ID})
	}
	score := func(v float64) *float64 { return &v }
	for _, key := range []string{"q1", "q2"} {
		sv.Questions = append(sv.Questions, surveys.Question{Key: key, Type: surveys.QSingle, Title: "满意度" + key, Required: true, PerSubject: true,
			Options: []surveys.Option{{Key: "a", Label: "满意", Score: score(100), Satisfied: true}, {Key: "b", Label: "基本满意", Score: score(80), Satisfied: true},
				{Key: "c", Label: "不满意", Score: score(0)}, {Key: "d", Label: "不了解", Abstain: true}}})
	}
	if err := svs.Create(ctx, sv); err != nil {
		return nil, err
	}
	return svs.Publish(ctx, sv.ID)
}

func benchBallot(sv *surveys.Survey, i int) []byte {
	opts := []string{"a", "b", "c", "d"}
	var answers []surveys.Answer
	for qi, q := range sv.Questions {
		for si, s := range sv.Subjects {
			answers = append(answers, surveys.Answer{Question: q.Key, Subject: s.ID, Option: opts[(i+qi+si)%4]})
		}
	}
	b, _ := json.Marshal(map[string]any{"submission_id": fmt.Sprintf("bench-%08d", i), "answers": answers})
	return b
}

// startCPUProfile writes a CPU profile to path until stop is called; with
// an empty path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
