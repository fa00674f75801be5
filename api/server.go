// Package api is Minyi's HTTP edge and the only package that imports gin:
// the JSON API under /api/v1, the HTML pages, health, metrics and the
// OpenAPI document. Handlers decode, call one domain operation (the
// services of surveys, analytics, accounts and feedback, which check the
// principal that authentication put into the request's context and write
// the audit entry) and respond; errors are mapped to status codes in one
// place (errors.go).
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/analytics"
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

// Options are the server's dependencies, set by cmd.
type Options struct {
	Logger       *slog.Logger
	Metrics      *Metrics
	Store        Pinger
	AdminToken   string
	MaxBodyBytes int64
	Now          func() time.Time
	Version      string
	Keys         *secret.Keyring

	Orgs    *surveys.OrgStore
	Members *surveys.MemberStore
	Surveys *surveys.SurveyStore
	Codes   *surveys.CodeStore
	// BaseURL is the public address (scheme and host, no trailing slash)
	// that QR codes and shared links point to; default DefaultBaseURL.
	BaseURL  string
	Accounts *accounts.Store // users, sessions, tokens, audit; nil only in tests of other features
	// WorkOrders keeps hotline work orders (feedback package).
	WorkOrders *feedback.Store

	// Submitter is the ballot submission path; Ballots reads stored ballots.
	Submitter *surveys.Submitter
	Ballots   *surveys.BallotStore
	// Tallies serves results (analytics); FinalGrades keeps the grades
	// branches record over the recommendations.
	Tallies     *analytics.TallyStore
	FinalGrades *analytics.FinalGradeStore
	// Exports runs background export jobs (files under MINYI_EXPORT_DIR);
	// nil answers 503 on /exports.
	Exports *reports.Runner
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
	orgOps   *surveys.OrgService
	svOps    *surveys.SurveyService
	surveys  *surveys.SurveyStore
	codes    *surveys.CodeStore
	baseURL  string
	accounts *accounts.Store
	auditor  minyi.Auditor // the audit log, or minyi.NoAudit without accounts
	userOps  *accounts.Service

	workOrders    *feedback.Store
	orderOps      *feedback.Service
	feedbackLimit *limiter // public online opinions, per client

	submitter   *surveys.Submitter
	ballots     *surveys.BallotStore
	tallies     *analytics.TallyStore
	finalGrades *analytics.FinalGradeStore
	gradeOps    *analytics.GradeService
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
		log:        o.Logger,
		metrics:    o.Metrics,
		store:      o.Store,
		now:        o.Now,
		maxBody:    o.MaxBodyBytes,
		admin:      o.AdminToken,
		version:    o.Version,
		keys:       o.Keys,
		orgs:       o.Orgs,
		accounts:   o.Accounts,
		workOrders: o.WorkOrders,
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
	s.auditor = minyi.NoAudit{}
	if s.accounts != nil {
		s.auditor = accounts.NewAuditor(s.accounts, s.log)
	}
	rate := o.PublicRatePerMinute
	if rate <= 0 {
		rate = 120
	}
	s.publicLimit = newLimiter(rate, time.Minute, rate, s.now)
	s.feedbackLimit = newLimiter(feedbackPerHour, time.Hour, feedbackPerHour, s.now)
	s.submitter, s.ballots = o.Submitter, o.Ballots
	s.tallies, s.finalGrades = o.Tallies, o.FinalGrades
	s.exports = o.Exports
	s.members, s.surveys, s.codes = o.Members, o.Surveys, o.Codes
	s.orgOps = surveys.NewOrgService(s.orgs, s.members, s.auditor)
	s.svOps = surveys.NewSurveyService(s.surveys, s.codes, s.auditor).WithLogger(s.log)
	s.gradeOps = analytics.NewGradeService(s.finalGrades, s.surveys, s.orgs, s.auditor)
	s.userOps = accounts.NewService(s.accounts, s.orgs, s.auditor)
	s.orderOps = feedback.NewService(s.workOrders, s.keys, s.orgs, s.auditor)
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
