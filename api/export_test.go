package api

import "minyi/accounts"

// RouteInfo is one registered route or page, for the authorisation matrix
// test in package api_test.
type RouteInfo struct {
	Method string
	Path   string // full path, gin syntax (:id)
	Page   bool   // an HTML page (redirects to /login instead of 401)
	Public bool
	Roles  []accounts.Role // besides admin
}

// RouteTable lists every API route and every page registered with addPage.
func (s *Server) RouteTable() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes {
		out = append(out, RouteInfo{Method: r.method, Path: "/api/v1" + r.path, Public: r.public, Roles: r.roles})
	}
	for _, p := range s.pageRoutes {
		out = append(out, RouteInfo{Method: p.method, Path: p.path, Page: true, Public: p.public, Roles: p.roles})
	}
	return out
}
