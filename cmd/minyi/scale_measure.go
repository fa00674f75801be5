package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"minyi/accounts"
)

// Measuring: every page, endpoint and write a user touches, timed.

func (b *scaleBench) measure(ctx context.Context, into map[string]timing) error {
	admin, op, sec := b.tokens["admin"], b.tokens[string(accounts.RoleOperator)], b.tokens[string(accounts.RoleSecretary)]
	anOrder := ""
	if len(b.orders) > 0 {
		anOrder = b.orders[len(b.orders)/2]
	} else {
		var v struct{ ID string }
		body, err := b.post(op, "/api/v1/work-orders", b.orderBody(0), http.StatusCreated)
		if err != nil {
			return err
		}
		_ = json.Unmarshal(body, &v)
		anOrder = v.ID
	}
	pages := []struct{ name, token, path string }{
		{"operator queue page", op, "/operator/work-orders"},
		{"secretary queue page", sec, "/branch/work-orders"},
		{"work order (with history)", op, "/api/v1/work-orders/" + anOrder},
		{"work orders, newest", op, "/api/v1/work-orders?limit=20"},
		{"work orders ?status=called_back", op, "/api/v1/work-orders?status=called_back&limit=20"},
		{"work orders ?org_id", op, "/api/v1/work-orders?org_id=" + b.branches[3] + "&limit=20"},
		{"work orders ?overdue=true", op, "/api/v1/work-orders?overdue=true&limit=20"},
		{"work orders ?status=assigned (secretary)", sec, "/api/v1/work-orders?status=assigned&limit=20"},
		{"work orders ?q=phone", op, "/api/v1/work-orders?q=13800001234&limit=20"},
		{"work orders ?from&to (a month)", op, "/api/v1/work-orders?from=2026-06-01&to=2026-06-30&limit=20"},
		{"work-order stats", admin, "/api/v1/work-orders/stats"},
		{"results (30 branches)", admin, "/api/v1/surveys/" + b.s30.ID + "/results"},
		{"results page (30 branches)", admin, "/results/" + b.s30.ID},
		{"results (appraisal)", admin, "/api/v1/surveys/" + b.a40.ID + "/results"},
		{"/admin/audit", admin, "/admin/audit"},
		{"/api/v1/audit?action=", admin, "/api/v1/audit?action=work_order.create&limit=50"},
		{"/admin/orgs/{id}", admin, "/admin/orgs/" + b.branches[1]},
		{"members ?org_id&q", admin, "/api/v1/members?org_id=" + b.street + "&q=党员01"},
		{"/admin/surveys", admin, "/admin/surveys"},
		{"ballot page /s/{slug}", "", "/s/" + b.s30.Slug},
		{"ballot page with code", "", "/s/" + b.a40.Slug + "?code=" + b.codes[len(b.codes)-1]},
		{"home /", admin, "/"},
	}
	for _, p := range pages {
		t, err := b.timeN(func() error { _, err := b.get(p.token, p.path); return err })
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		b.record(into, p.name, t)
	}
	loginBody, _ := json.Marshal(map[string]string{"login": "scale-admin", "password": "password-123"})
	t, err := b.timeN(func() error { _, err := b.post("", "/api/v1/session", loginBody, http.StatusCreated); return err })
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	b.record(into, "login", t)

	var i atomic.Int64
	t, err = b.timeN(func() error {
		_, err := b.post("", "/api/v1/public/surveys/"+b.s30.Slug+"/ballots", b.satisfactionBallot(b.s30, int(b.ballotSeq.Add(1))), http.StatusCreated)
		return err
	})
	if err != nil {
		return fmt.Errorf("ballot: %w", err)
	}
	b.record(into, "write: a ballot", t)
	var created []string
	t, err = b.timeN(func() error {
		body, err := b.post(op, "/api/v1/work-orders", b.orderBody(int(i.Add(1))), http.StatusCreated)
		var v struct{ ID string }
		_ = json.Unmarshal(body, &v)
		created = append(created, v.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("work order: %w", err)
	}
	b.record(into, "write: a work order", t)
	i.Store(0)
	t, err = b.timeN(func() error {
		id := created[int(i.Add(1)-1)%len(created)]
		ev, _ := json.Marshal(map[string]any{"action": "supervise", "note": "督办"})
		_, err := b.post(op, "/api/v1/work-orders/"+id+"/events", ev, http.StatusCreated)
		return err
	})
	if err != nil {
		return fmt.Errorf("event: %w", err)
	}
	b.record(into, "write: an event", t)
	return nil
}

func (b *scaleBench) orderBody(i int) []byte {
	body, _ := json.Marshal(map[string]any{"channel": "hotline", "kind": "opinion", "content": fmt.Sprintf("测试来电 %d：路面破损", i),
		"caller": map[string]string{"name": "居民", "phone": fmt.Sprintf("1390000%04d", i%10000)}, "org_id": b.branches[i%len(b.branches)]})
	return body
}

func (b *scaleBench) record(into map[string]timing, name string, t timing) {
	if !slices.Contains(b.order, name) {
		b.order = append(b.order, name)
	}
	into[name] = t
}

// timeN runs fn samples times, one at a time, after one warm-up call.
func (b *scaleBench) timeN(fn func() error) (timing, error) {
	if err := fn(); err != nil {
		return timing{}, err
	}
	lat := make([]time.Duration, b.cfg.samples)
	for i := range lat {
		t0 := time.Now()
		if err := fn(); err != nil {
			return timing{}, err
		}
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	return timing{p50: lat[len(lat)/2], p95: lat[(len(lat)*95+99)/100-1]}, nil
}

func (b *scaleBench) get(token, path string) ([]byte, error) {
	return b.do(http.MethodGet, token, path, nil, http.StatusOK)
}

func (b *scaleBench) post(token, path string, body []byte, want int) ([]byte, error) {
	return b.do(http.MethodPost, token, path, body, want)
}

func (b *scaleBench) do(method, token, path string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequest(method, b.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d: %.300s", method, path, resp.StatusCode, out)
	}
	return out, nil
}

func (b *scaleBench) report(total time.Duration) {
	w := b.out
	fmt.Fprintf(w, "\nscale benchmark: %d branches, %d members, %d work orders, %d + %d ballots; seeded and measured in %.0f s (work orders %.0f s)\n\n",
		b.cfg.branches, b.cfg.members, len(b.orders), b.cfg.ballots, b.cfg.small, total.Seconds(), b.seedOrdersTime.Seconds())
	fmt.Fprintf(w, "%-44s %10s %10s %10s %10s\n", "page / endpoint", "start p50", "start p95", "end p50", "end p95")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	for _, name := range b.order {
		s, e := b.startT[name], b.endT[name]
		flag := ""
		if strings.HasPrefix(name, "write:") {
			if e.p95 > 50*time.Millisecond || s.p95 > 0 && float64(e.p50) > 1.5*float64(s.p50) {
				flag = "  !"
			}
		} else if e.p95 > 150*time.Millisecond {
			flag = "  !"
		}
		fmt.Fprintf(w, "%-44s %10s %10s %10s %10s%s\n", name, ms(s.p50), ms(s.p95), ms(e.p50), ms(e.p95), flag)
	}
	fmt.Fprintf(w, "\nballots, 30-branch survey, %d clients: %.0f/s (p99 %s); raw unordered insertMany of the same documents: %.0f/s; ratio %.2f\n",
		b.cfg.clients, b.ballotRate, ms(b.ballotP99), b.rawRate, b.ballotRate/b.rawRate)
	fmt.Fprintf(w, "ballots, 4-subject survey, %d clients: %.0f/s (p99 %s); raw: %.0f/s; ratio %.2f\n",
		b.cfg.clients, b.smallRate, ms(b.smallP99), b.smallRaw, b.smallRate/b.smallRaw)
	fmt.Fprintf(w, "raw insertMany in batches of %d (the clients), one at a time: 30-branch %.0f/s (ratio %.2f), 4-subject %.0f/s (ratio %.2f)\n",
		b.cfg.clients, b.rawFill, b.ballotRate/b.rawFill, b.smallFill, b.smallRate/b.smallFill)
	fmt.Fprintf(w, "results after 1,000 new ballots: %s; full rebuild: %s; ratio %.4f\n",
		ms(b.incremental), ms(b.rebuild), float64(b.incremental)/float64(b.rebuild))
	fmt.Fprintln(w, "(! marks a figure over its target: pages p95 ≤ 150 ms, writes p95 ≤ 50 ms and end ≤ 1.5× start)")
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(workers, n int, fn func(int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
