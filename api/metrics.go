package api

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the Prometheus collectors on a registry of their own (never
// the global default one).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	storeOps *prometheus.HistogramVec
}

// NewMetrics registers the service's collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "minyi_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "minyi_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		storeOps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "minyi_store_command_duration_seconds", Help: "Store command latency by command and outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"command", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.storeOps,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveStore records one store command; cmd hands it to store.Config.
func (m *Metrics) ObserveStore(command string, d time.Duration, failed bool) {
	outcome := "ok"
	if failed {
		outcome = "error"
	}
	m.storeOps.WithLabelValues(command, outcome).Observe(d.Seconds())
}

// Register adds collectors owned by other packages (e.g. the batcher).
func (m *Metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

func (m *Metrics) observeHTTP(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// metricsAuth guards /metrics: with a metrics token set, only
// "Authorization: Bearer <token>" (compared in constant time) is let in, so
// a scraper needs no administrator's credentials; without one, only an
// administrator (the admin token, an admin's API token or session).
func (s *Server) metricsAuth(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if s.metricsToken != "" {
		token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.metricsToken)) != 1 {
			s.respondError(c, errBadCredentials)
			c.Abort()
		}
		return
	}
	p, err := s.principalFrom(c)
	if err == nil && p.Role != accounts.RoleAdmin {
		err = errWrongRole
	}
	if err != nil {
		s.respondError(c, err)
		c.Abort()
		return
	}
	httpx.SetPrincipal(c, p)
	c.Next()
	s.auditBootstrapUse(c, p)
}

func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
