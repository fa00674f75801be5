package api

import (
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
)

// isAPIPath reports whether a path belongs to the machine-facing side (the
// JSON API, health and metrics), which answers errors as JSON; every other
// path is a page, which answers with an HTML page.
func isAPIPath(p string) bool {
	for _, root := range []string{"/api", "/healthz", "/readyz", "/metrics"} {
		if p == root || strings.HasPrefix(p, root+"/") {
			return true
		}
	}
	return false
}

// fail answers err outside a handler (unknown URL, wrong method, panic) in
// the shape the path's client reads.
func (s *Server) fail(c *gin.Context, err error) {
	if isAPIPath(c.Request.URL.Path) {
		s.respondError(c, err)
		return
	}
	s.renderer.Error(c, err)
}

func (s *Server) noRoute(c *gin.Context) { s.fail(c, errRouteNotFound) }

// noMethod answers 405 with Allow listing the methods registered for the
// path.
func (s *Server) noMethod(c *gin.Context) {
	if allow := allowedMethods(s.engine.Routes(), c.Request.URL.Path); len(allow) > 0 {
		c.Header("Allow", strings.Join(allow, ", "))
	}
	s.fail(c, errMethodNotAllowed)
}

// allowedMethods are the methods of the routes whose pattern matches path,
// sorted.
func allowedMethods(routes gin.RoutesInfo, path string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range routes {
		if !seen[r.Method] && patternMatches(r.Path, path) {
			seen[r.Method] = true
			out = append(out, r.Method)
		}
	}
	sort.Strings(out)
	return out
}

// patternMatches matches a gin route pattern (:param, *catchall) against a
// request path.
func patternMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, p := range ps {
		if strings.HasPrefix(p, "*") {
			return true
		}
		if i >= len(xs) {
			return false
		}
		if strings.HasPrefix(p, ":") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return len(ps) == len(xs)
}
