package main

import (
	"bytes"
	"context"
	"encoding/json"
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

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/accounts"
	"minyi/api"
	"minyi/app"
	"minyi/feedback"
	"minyi/store"
	"minyi/surveys"
)

// scaleMain seeds a street's year on the production wiring (app.New,
// api.New over loopback HTTP, as serve builds them) and times every page
// and endpoint the users open, and the writes, at the start and at the end:
//
//	go run ./cmd/minyi bench scale [-orders 20000] [-ballots 100000]
//
// The clock is simulated: the year's work orders are entered day by day
// (through the services, with the audit entries the API writes, so that
// seeding takes minutes), the ballots are submitted through HTTP.
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
	fs.IntVar(&cfg.samples, "samples", 20, "timed requests per page or write")
	fs.IntVar(&cfg.workers, "workers", 4, "concurrent work-order seeders")
	dataDir := fs.String("data-dir", "", "embedded store directory (default: a temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
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

// seedReference creates the street, its branches and members, the users,
// the three surveys and the appraisal's codes.
func (b *scaleBench) seedReference(ctx context.Context) error {
	a := b.a
	street := &surveys.Org{Name: "示范街道党工委", Code: "JD", Kind: surveys.OrgCommittee}
	if err := a.Orgs.Create(ctx, street); err != nil {
		return err
	}
	b.street = street.ID
	for i := range b.cfg.branches {
		o := &surveys.Org{Name: fmt.Sprintf("第%02d社区党支部", i+1), Code: fmt.Sprintf("JD%02d", i+1), Kind: surveys.OrgBranch, ParentID: street.ID}
		if err := a.Orgs.Create(ctx, o); err != nil {
			return err
		}
		b.branches = append(b.branches, o.ID)
	}
	var first []surveys.Subject
	err := parallel(4, b.cfg.members, func(i int) error {
		m := &surveys.Member{Name: fmt.Sprintf("党员%04d", i+1), OrgID: b.branches[i%len(b.branches)]}
		return a.Members.Create(ctx, m)
	})
	if err != nil {
		return err
	}
	ms, err := a.Members.InOrgs(ctx, []string{b.branches[0]})
	if err != nil {
		return err
	}
	for _, m := range ms[:min(40, len(ms))] {
		first = append(first, surveys.Subject{Type: surveys.SubjectMember, ID: m.ID})
	}
	for role, org := range map[accounts.Role]string{accounts.RoleOperator: "", accounts.RoleSecretary: b.branches[0], accounts.RoleAdmin: ""} {
		u := accounts.User{Login: "scale-" + string(role), Name: "测试" + role.Label(), Role: role, OrgID: org}
		if err := a.Accounts.CreateUser(ctx, &u, "password-123"); err != nil {
			return err
		}
		_, tok, err := a.Accounts.CreateToken(ctx, u.ID, "bench")
		if err != nil {
			return err
		}
		b.tokens[string(role)] = tok
	}
	publish := func(key, title string, o surveys.TemplateOptions) (*surveys.Survey, error) {
		o.Title, o.OrgID = title, street.ID
		sv, err := a.Surveys.CreateFromTemplate(ctx, key, o)
		if err != nil {
			return nil, err
		}
		return a.Surveys.Publish(ctx, sv.ID)
	}
	if b.s30, err = publish(surveys.TemplateSatisfaction, "2026年度党支部满意度测评", surveys.TemplateOptions{}); err != nil {
		return err
	}
	var four []surveys.Subject
	for _, id := range b.branches[:4] {
		four = append(four, surveys.Subject{Type: surveys.SubjectOrg, ID: id})
	}
	if b.s4, err = publish(surveys.TemplateSatisfaction, "四个支部专项测评", surveys.TemplateOptions{Subjects: four}); err != nil {
		return err
	}
	if b.a40, err = publish(surveys.TemplateAppraisal, "第01支部民主评议党员", surveys.TemplateOptions{Subjects: first}); err != nil {
		return err
	}
	b.codes, err = a.Codes.Issue(ctx, b.a40, "members", 60)
	return err
}

// seedOrders enters the year's work orders day by day, each handled as
// far as its number says (most fully, to a satisfied callback), with the
// audit entries the API writes for each step.
func (b *scaleBench) seedOrders(ctx context.Context) error {
	perDay := max(1, b.cfg.orders/365)
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, shanghai)
	start := time.Now()
	var mu sync.Mutex
	for n := 0; n < b.cfg.orders; day = day.AddDate(0, 0, 1) {
		b.clock.set(day.Add(9 * time.Hour))
		k := min(perDay, b.cfg.orders-n)
		base := n
		err := parallel(b.cfg.workers, k, func(i int) error {
			id, err := b.seedOrder(ctx, base+i)
			mu.Lock()
			b.orders = append(b.orders, id)
			mu.Unlock()
			return err
		})
		if err != nil {
			return err
		}
		n += k
		{
			el := time.Since(start)
			b.logf("work orders: %d/%d (%s), %.0f/s, %.0f s left", n, b.cfg.orders, day.Format("01-02"),
				float64(n)/el.Seconds(), el.Seconds()*float64(b.cfg.orders-n)/float64(n))
		}
	}
	fmt.Fprintln(b.progress)
	b.seedOrdersTime = time.Since(start)
	return nil
}

var handledPath = []feedback.Event{
	{Action: feedback.ActionAssign}, {Action: feedback.ActionAccept}, {Action: feedback.ActionReply, Note: "已联系处理完毕"},
	{Action: feedback.ActionClose}, {Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied},
}

func (b *scaleBench) seedOrder(ctx context.Context, i int) (string, error) {
	a := b.a
	op := feedback.Actor{Name: "接线员", Role: "operator"}
	org := b.branches[i%len(b.branches)]
	phone := fmt.Sprintf("1380000%04d", i%5000)
	sealed, err := a.Keys.Seal("phone", phone)
	if err != nil {
		return "", err
	}
	o := &feedback.Order{Channel: feedback.ChannelHotline, Kind: feedback.Kinds[i%len(feedback.Kinds)], Urgency: feedback.UrgencyNormal,
		Content: fmt.Sprintf("第%d号来电：小区路灯不亮，楼道堆放杂物，请社区协调处理。", i), OrgID: org,
		Caller: feedback.Caller{Name: "居民", Phone: feedback.MaskPhone(phone), Hash: a.Keys.Hash("phone", phone), Sealed: sealed}}
	if err := a.WorkOrders.Create(ctx, o, op); err != nil {
		return "", err
	}
	audit := func(action, summary string) error {
		return a.Accounts.Audit(ctx, &accounts.AuditEntry{Actor: "scale-operator", Role: accounts.RoleOperator, Via: "token",
			Action: action, ObjectType: "work_order", ObjectID: o.ID, Summary: summary})
	}
	if err := audit("work_order.create", o.Number); err != nil {
		return "", err
	}
	steps := len(handledPath) // 70%: satisfied callback
	switch r := i % 20; {
	case r < 5:
		steps = r // 0..4: received, assigned, accepted, replied, closed
	}
	for s, e := range handledPath[:steps] {
		if e.Action == feedback.ActionAssign {
			e.OrgID = org
		}
		if s == 4 && i%20 == 5 {
			e.Satisfaction = feedback.Unsatisfied
		}
		e.Actor = op
		if _, _, err := a.WorkOrders.Act(ctx, o.ID, e, nil); err != nil {
			return "", err
		}
		if err := audit("work_order."+string(e.Action), "工单 "+o.Number+"："+e.Action.Label()); err != nil {
			return "", err
		}
	}
	return o.ID, nil
}

// seedBallots submits the surveys' ballots through HTTP with concurrent
// clients and measures the store's raw unordered insertMany on the same
// documents.
func (b *scaleBench) seedBallots(ctx context.Context) error {
	var err error
	if b.ballotRate, b.ballotP99, err = b.submitMany(ctx, b.s30, b.cfg.ballots, b.cfg.clients); err != nil {
		return err
	}
	if b.rawRate, err = b.rawInsert(ctx, b.s30, min(b.cfg.ballots, 20000)); err != nil {
		return err
	}
	if b.smallRate, b.smallP99, err = b.submitMany(ctx, b.s4, b.cfg.small, b.cfg.clients); err != nil {
		return err
	}
	if b.smallRaw, err = b.rawInsert(ctx, b.s4, min(b.cfg.small, 20000)); err != nil {
		return err
	}
	for i, code := range b.codes[:40] {
		if _, err := b.post(b.tokens[""], "/api/v1/public/surveys/"+b.a40.Slug+"/ballots", b.appraisalBallot(i, code), http.StatusCreated); err != nil {
			return err
		}
	}
	return nil
}

func (b *scaleBench) submitMany(ctx context.Context, sv *surveys.Survey, n, clients int) (float64, time.Duration, error) {
	path := "/api/v1/public/surveys/" + sv.Slug + "/ballots"
	lat := make([]time.Duration, n)
	var done atomic.Int64
	start := time.Now()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				d := done.Load()
				b.logf("ballots %s: %d/%d, %.0f/s", sv.Title, d, n, float64(d)/time.Since(start).Seconds())
			}
		}
	}()
	err := parallel(clients, n, func(i int) error {
		body := b.satisfactionBallot(sv, int(b.ballotSeq.Add(1)))
		t0 := time.Now()
		_, err := b.post("", path, body, http.StatusCreated)
		lat[i] = time.Since(t0)
		done.Add(1)
		return err
	})
	close(stop)
	el := time.Since(start)
	fmt.Fprintln(b.progress)
	if err != nil {
		return 0, 0, err
	}
	slices.Sort(lat)
	return float64(n) / el.Seconds(), lat[n*99/100], nil
}

// rawInsert is the ceiling: n of the survey's stored ballots inserted again
// (new ids) with unordered insertMany of the batcher's size, two at a time
// as its flushers write, into a collection with the ballots' indexes.
func (b *scaleBench) rawInsert(ctx context.Context, sv *surveys.Survey, n int) (float64, error) {
	var docs []surveys.Ballot
	err := b.a.Ballots.Scan(ctx, sv.ID, func(bl *surveys.Ballot) error {
		if len(docs) < n {
			c := *bl
			c.ID = "raw:" + c.ID
			c.CodeHash = ""
			docs = append(docs, c)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	db := b.a.Store.Client.Database(b.a.Store.DB.Name() + "_raw")
	defer db.Drop(context.WithoutCancel(ctx))
	if err := store.EnsureIndexes(ctx, db, surveys.BallotIndexes()); err != nil {
		return 0, err
	}
	coll := db.Collection("ballots")
	const batch = 256
	start := time.Now()
	err = parallel(2, (len(docs)+batch-1)/batch, func(i int) error {
		part := docs[i*batch : min(len(docs), (i+1)*batch)]
		in := make([]any, len(part))
		for j := range part {
			in[j] = part[j]
		}
		_, err := coll.InsertMany(ctx, in, options.InsertMany().SetOrdered(false))
		return err
	})
	if err != nil {
		return 0, err
	}
	return float64(len(docs)) / time.Since(start).Seconds(), nil
}

// resultsVsRebuild: 1,000 more ballots, then the results (which wait for
// their fold), against a full rebuild of the survey.
func (b *scaleBench) resultsVsRebuild(ctx context.Context) error {
	if _, _, err := b.submitMany(ctx, b.s30, 1000, b.cfg.clients); err != nil {
		return err
	}
	t0 := time.Now()
	body, err := b.get(b.tokens["admin"], "/api/v1/surveys/"+b.s30.ID+"/results")
	if err != nil {
		return err
	}
	b.incremental = time.Since(t0)
	var res struct {
		Ballots struct {
			Total int64 `json:"total"`
		} `json:"ballots"`
	}
	_ = json.Unmarshal(body, &res)
	t0 = time.Now()
	if _, err := b.post(b.tokens["admin"], "/api/v1/surveys/"+b.s30.ID+"/results/rebuild", nil, http.StatusOK); err != nil {
		return err
	}
	b.rebuild = time.Since(t0)
	return nil
}

func (b *scaleBench) satisfactionBallot(sv *surveys.Survey, i int) []byte {
	opts := []string{"satisfied", "satisfied", "basic", "unsatisfied", "unknown"}
	var answers []surveys.Answer
	for qi, q := range sv.Questions {
		if !q.PerSubject {
			continue
		}
		for si, s := range sv.Subjects {
			answers = append(answers, surveys.Answer{Question: q.Key, Subject: s.ID, Option: opts[(i*7+qi*3+si)%len(opts)]})
		}
	}
	group := "masses"
	if i%3 == 0 {
		group = "members"
	}
	body, _ := json.Marshal(map[string]any{"submission_id": fmt.Sprintf("scale-%09d", i), "rater_group": group, "answers": answers})
	return body
}

func (b *scaleBench) appraisalBallot(i int, code string) []byte {
	grades := []string{"qualified", "qualified", "excellent", "basic"}
	var answers []surveys.Answer
	for si, s := range b.a40.Subjects {
		g := grades[(i+si)%len(grades)]
		answers = append(answers, surveys.Answer{Question: "grade", Subject: s.ID, Option: g})
	}
	body, _ := json.Marshal(map[string]any{"submission_id": fmt.Sprintf("appraisal-%04d", i), "code": code, "answers": answers})
	return body
}

// measure times every page and endpoint, then the three writes.
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
