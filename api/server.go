// Package api is Minyi's HTTP edge and the only package that imports gin:
// the JSON API under /api/v1, the HTML pages, health, metrics and the
// OpenAPI document. Handlers decode, call the domain packages and respond;
// errors are mapped to status codes in one place (errors.go).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
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

	Orgs     *surveys.OrgStore
	Accounts *accounts.Store // users, sessions, tokens, audit; nil only in tests of other features
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
	accounts *accounts.Store

	engine *gin.Engine
	routes []route // registered API routes, for the OpenAPI document
	pages  pages
}

// New builds the server and registers every route.
func New(o Options) *Server {
	s := &Server{
		log:      o.Logger,
		metrics:  o.Metrics,
		store:    o.Store,
		now:      o.Now,
		maxBody:  o.MaxBodyBytes,
		admin:    o.AdminToken,
		version:  o.Version,
		keys:     o.Keys,
		orgs:     o.Orgs,
		accounts: o.Accounts,
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
