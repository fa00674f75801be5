package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
)

var (
	errRouteNotFound    = minyi.E(minyi.ErrNotFound, "route_not_found", "请求的地址不存在")
	errMethodNotAllowed = minyi.E(minyi.ErrMethodNotAllowed, "method_not_allowed", "不支持此请求方法")
)

// requestID takes a sane X-Request-ID from the client or makes one, and
// echoes it in the response.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !validRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	httpx.SetRequestID(c, id)
	c.Request = c.Request.WithContext(minyi.WithRequestID(c.Request.Context(), id))
	c.Header("X-Request-ID", id)
	c.Next()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// recoverPanic turns a panic into a 500 that carries the request id (JSON
// for the API, a page elsewhere).
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(c.Request.Context(), "panic",
				slog.String("request_id", httpx.RequestID(c)), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if !c.Writer.Written() {
				s.fail(c, fmt.Errorf("panic: %v", v))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// accessLog logs one line per request and records the HTTP metrics. It logs
// no client address and no query string: both can identify a resident.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	d := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.observeHTTP(c.Request.Method, route, status, d)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "http",
		slog.String("request_id", httpx.RequestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int("bytes", c.Writer.Size()),
		slog.Duration("duration", d))
}

// securityHeaders sets the headers every answer carries. Pages load only
// their own scripts and styles, so the policy forbids inline code.
// trustPeer marks a request whose direct peer (not X-Forwarded-For) is a
// trusted proxy, the same list gin believes X-Forwarded-For from: only then
// are X-Forwarded-Proto and the like believed (httpx.SecureRequest).
func (s *Server) trustPeer(c *gin.Context) {
	if ip, err := netip.ParseAddr(c.RemoteIP()); err == nil && len(s.proxies) > 0 {
		ip = ip.Unmap()
		for _, p := range s.proxies {
			if p.Contains(ip) {
				httpx.MarkTrustedPeer(c)
				break
			}
		}
	}
	c.Next()
}

// parseProxies reads the trusted proxies as gin does: addresses or CIDRs.
func parseProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		p = strings.TrimSpace(p)
		if strings.Contains(p, "/") {
			pf, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", p, err)
			}
			out = append(out, pf.Masked())
			continue
		}
		ip, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", p, err)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// watchWrites keeps the write health: a change the store failed marks it
// failing (/readyz answers 503), one it took clears it.
func (s *Server) watchWrites(c *gin.Context) {
	c.Next()
	if safeMethod(c.Request.Method) {
		return
	}
	switch {
	case httpx.StoreFailed(c):
		s.writes.Failed()
	case c.Writer.Status() < http.StatusBadRequest:
		s.writes.Succeeded()
	}
}

func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	if httpx.SecureRequest(c) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Next()
}

// limitBody caps the request body; reading past the cap fails with
// *http.MaxBytesError, which decode turns into 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.Header("Connection", "close")
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
