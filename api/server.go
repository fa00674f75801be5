// Package api is Minyi's HTTP edge, and api/... the only code that imports
// gin. This package holds the top of it: the engine and its middleware
// (request id, panics, access log, security headers, body limits), the
// authentication of API calls and pages (auth.go, session.go,
// pages_auth.go), the route table (routes.go: every JSON route and page on
// one screen, with the OpenAPI metadata of each), the answers outside any
// route (fallback.go: unknown URLs, wrong methods with Allow, as JSON under
// /api and as a page elsewhere), health, metrics and the OpenAPI document.
// The handlers are the feature structs of api/rest (JSON) and api/ui
// (pages); what both need lives in api/httpx.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/api/ui"
	"minyi/app"
	"minyi/reports"
	"minyi/secret"
)

// CodeGuessesPerHour is how many unknown ballot codes one address may try
// in an hour (typos included; a voter's valid code never counts).
const CodeGuessesPerHour = 60

// DefaultMaxBody is the request body limit when Options.MaxBodyBytes is 0.
const DefaultMaxBody = 1 << 20

// Pinger is what /readyz asks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options are the server's HTTP settings, set by cmd; the services come
// from the wired App.
type Options struct {
	// App is the wired system (app.New). Nil only in tests of the edge
	// itself (panics, readiness), where every store is missing.
	App        *app.App
	Logger     *slog.Logger // default: App's
	Metrics    *Metrics
	Store      Pinger // what /readyz asks; default App.Store
	AdminToken string
	// MetricsToken, when set, is the bearer token /metrics requires;
	// when empty, /metrics answers administrators only (metrics.go).
	MetricsToken string
	MaxBodyBytes int64
	Version      string
	// BaseURL is the public address (scheme and host, no trailing slash)
	// that QR codes and shared links point to; empty: the scheme and host
	// of the request that asks for the link (httpx.BaseOf).
	BaseURL string
	// PublicRatePerMinute limits public submissions per client (default 120:
	// a meeting room behind one address submits together).
	PublicRatePerMinute int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when finding the client address (default none).
	TrustedProxies []string
}

// Server is the HTTP handler of Minyi: the engine, the middleware, the
// authentication and the route table. The handlers themselves are the
// feature structs of rest (JSON) and ui (pages).
type Server struct {
	log          *slog.Logger
	metrics      *Metrics
	store        Pinger
	maxBody      int64
	admin        string
	metricsToken string
	version      string
	accounts     *accounts.Store   // credentials; nil in tests of the edge alone
	userOps      *accounts.Service // signing in and out
	auditor      minyi.Auditor     // what the edge itself audits (the bootstrap token's uses)
	clients      httpx.Clients
	proxies      []netip.Prefix     // the trusted proxies, whose forwarded headers are believed
	writes       *httpx.WriteHealth // whether the store has been failing writes, for /readyz

	engine     *gin.Engine
	routes     []route     // registered API routes, for the OpenAPI document
	pageRoutes []pageRoute // registered HTML pages, for the authorisation test
	renderer   *ui.Renderer
	rest       *rest.Handlers
	ui         *ui.Pages
}

// New builds the server and registers every route.
func New(o Options) *Server {
	d := deps(o)
	a := d.App
	s := &Server{
		log: a.Logger, metrics: o.Metrics, store: o.Store, maxBody: o.MaxBodyBytes,
		admin: o.AdminToken, metricsToken: o.MetricsToken, version: o.Version, accounts: a.Accounts, userOps: a.UserOps, auditor: a.Auditor, clients: d.Clients(),
	}
	if s.store == nil && a.Store != nil {
		s.store = a.Store
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	proxies, err := parseProxies(o.TrustedProxies)
	if err != nil {
		panic(fmt.Sprintf("trusted proxies: %v", err)) // validated by cmd before
	}
	s.proxies = proxies
	s.writes = &httpx.WriteHealth{Now: d.App.Now, Hold: httpx.WriteHealthHold}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	r, err := ui.NewRenderer(a.Accounts, a.Logger, o.AdminToken != "")
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect, caught by every test
	}
	r.WithCalendar(a.Calendar, a.Now) // the warning on operators' and admins' pages
	s.renderer, s.rest, s.ui = r, rest.New(d), ui.New(d, r)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		panic(fmt.Sprintf("trusted proxies: %v", err)) // validated by cmd before
	}
	e.ContextWithFallback = true
	e.Use(s.requestID, s.trustPeer, s.recoverPanic, s.accessLog, s.securityHeaders, s.watchWrites)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)
	s.engine = e
	s.registerRoutes()
	return s
}

// deps is what the feature handlers are built from: a copy of the App with
// the edge's defaults filled in (an empty one in tests of the edge alone)
// and the edge's settings.
func deps(o Options) httpx.Deps {
	a := app.App{}
	if o.App != nil {
		a = *o.App
	}
	if o.Logger != nil {
		a.Logger = o.Logger
	}
	if a.Logger == nil {
		a.Logger = slog.New(slog.DiscardHandler)
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.Keys == nil {
		a.Keys = secret.New("")
	}
	if a.Auditor == nil {
		a.Auditor = minyi.NoAudit{}
	}
	d := httpx.Deps{App: &a, BaseURL: strings.TrimRight(o.BaseURL, "/")}
	rate := o.PublicRatePerMinute
	if rate <= 0 {
		rate = 120
	}
	d.PublicLimit = httpx.Throttle{Clients: d.Clients(), Limiter: httpx.NewLimiter(rate, time.Minute, rate, a.Now)}
	d.Gate = httpx.BallotGate{Public: d.PublicLimit, Signals: a.Signals,
		Guess: httpx.Throttle{Clients: d.Clients(), Limiter: httpx.NewLimiter(CodeGuessesPerHour, time.Hour, CodeGuessesPerHour, a.Now)}}
	d.FeedbackLimit = httpx.Throttle{Clients: d.Clients(), Limiter: httpx.NewLimiter(rest.FeedbackPerHour, time.Hour, rest.FeedbackPerHour, a.Now)}
	d.Source = &reports.Source{Surveys: a.Surveys, Ballots: a.Ballots, Tallies: a.Tallies, Finals: a.FinalGrades, Codes: a.Codes, Orgs: a.Orgs, Now: a.Now}
	return d
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// handlerFunc is how handlers are written: return an error, and the edge
// maps it once.
type handlerFunc = httpx.HandlerFunc

func (s *Server) h(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.respondError(c, err)
		}
	}
}
