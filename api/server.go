// Package api is Minyi's HTTP edge and the only package that imports gin:
// the JSON API under /api/v1, the HTML pages, health, metrics and the
// OpenAPI document. Handlers decode, call the domain packages and respond;
// errors are mapped to status codes in one place (errors.go).
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/analytics"
	"minyi/app"
	"minyi/feedback"
	"minyi/reports"
	"minyi/secret"
	"minyi/surveys"
)

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
	App          *app.App
	Logger       *slog.Logger // default: App's
	Metrics      *Metrics
	Store        Pinger // what /readyz asks; default App.Store
	AdminToken   string
	MaxBodyBytes int64
	Version      string
	// BaseURL is the public address (scheme and host, no trailing slash)
	// that QR codes and shared links point to; default DefaultBaseURL.
	BaseURL string
	// PublicRatePerMinute limits public submissions per client (default 120:
	// a meeting room behind one address submits together).
	PublicRatePerMinute int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when finding the client address (default none).
	TrustedProxies []string
}

// Server is the HTTP handler of Minyi.
type Server struct {
	log     *slog.Logger
	metrics *Metrics
	store   Pinger
	now     func() time.Time
	maxBody int64
	admin   string
	version string
	keys    *secret.Keyring

	orgs     *surveys.OrgStore
	members  *surveys.MemberStore
	surveys  *surveys.SurveyStore
	codes    *surveys.CodeStore
	baseURL  string
	accounts *accounts.Store

	workOrders    *feedback.Store
	feedbackLimit *limiter // public online opinions, per client

	submitter   *surveys.Submitter
	ballots     *surveys.BallotStore
	tallies     *analytics.TallyStore
	finalGrades *analytics.FinalGradeStore
	publicLimit *limiter
	exports     *reports.Runner

	engine     *gin.Engine
	routes     []route     // registered API routes, for the OpenAPI document
	pageRoutes []pageRoute // registered HTML pages, for the authorisation test
	pages      pages
}

// New builds the server and registers every route.
func New(o Options) *Server {
	s := &Server{
		log:     o.Logger,
		metrics: o.Metrics,
		store:   o.Store,
		maxBody: o.MaxBodyBytes,
		admin:   o.AdminToken,
		version: o.Version,
	}
	if a := o.App; a != nil {
		if s.log == nil {
			s.log = a.Logger
		}
		if s.store == nil {
			s.store = a.Store
		}
		s.now, s.keys = a.Now, a.Keys
		s.orgs, s.accounts, s.workOrders = a.Orgs, a.Accounts, a.WorkOrders
		s.submitter, s.ballots = a.Submitter, a.Ballots
		s.tallies, s.finalGrades = a.Tallies, a.FinalGrades
		s.exports = a.Exports
		s.members, s.surveys, s.codes = a.Members, a.Surveys, a.Codes
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.keys == nil {
		s.keys = secret.New("")
	}
	rate := o.PublicRatePerMinute
	if rate <= 0 {
		rate = 120
	}
	s.publicLimit = newLimiter(rate, time.Minute, rate, s.now)
	s.feedbackLimit = newLimiter(feedbackPerHour, time.Hour, feedbackPerHour, s.now)
	s.baseURL = strings.TrimRight(o.BaseURL, "/")
	if s.baseURL == "" {
		s.baseURL = DefaultBaseURL
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	p, err := loadPages()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect, caught by every test
	}
	s.pages = p
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		panic(fmt.Sprintf("trusted proxies: %v", err)) // validated by cmd before
	}
	e.ContextWithFallback = true
	e.Use(s.requestID, s.recoverPanic, s.accessLog, s.securityHeaders)
	e.NoRoute(s.h(func(*gin.Context) error { return errRouteNotFound }))
	e.NoMethod(s.h(func(*gin.Context) error { return errMethodNotAllowed }))
	s.engine = e
	s.registerRoutes()
	return s
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// handlerFunc is how handlers are written: return an error, and the edge
// maps it once.
type handlerFunc func(c *gin.Context) error

func (s *Server) h(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.respondError(c, err)
		}
	}
}
