package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
)

// route is one API endpoint and what the OpenAPI document says of it.
type route struct {
	method  string
	path    string // under /api/v1, gin syntax (:id)
	summary string // Chinese, for people reading the document
	tag     string
	public  bool            // no credentials needed
	roles   []accounts.Role // besides admin, who may call it
	body    any             // request body type, for the schema
	maxBody int64           // overrides the default body limit
	handler handlerFunc
}

// Role sets used below. Admins pass every check.
var (
	adminOnly   = []accounts.Role{}
	readers     = []accounts.Role{accounts.RoleLeader, accounts.RoleSecretary}
	operators   = []accounts.Role{accounts.RoleOperator}
	everyone    = []accounts.Role{accounts.RoleLeader, accounts.RoleOperator, accounts.RoleSecretary}
	secretaries = []accounts.Role{accounts.RoleSecretary}
)

// registerRoutes is the whole HTTP surface on one screen.
func (s *Server) registerRoutes() {
	e := s.engine
	e.GET("/healthz", s.h(s.healthz))
	e.GET("/readyz", s.h(s.readyz))
	e.GET("/metrics", gin.WrapH(s.metrics.handler()))
	e.GET("/api/v1/openapi.json", s.h(s.openapi))
	e.GET("/static/*filepath", s.static())

	// Organisations and members.
	s.add(route{method: http.MethodPost, path: "/orgs", summary: "创建组织", tag: "orgs", roles: adminOnly, body: orgInput{}, handler: s.createOrg})
	s.add(route{method: http.MethodGet, path: "/orgs", summary: "组织树", tag: "orgs", roles: everyone, handler: s.listOrgs})
	s.add(route{method: http.MethodGet, path: "/orgs/:id", summary: "查看组织", tag: "orgs", roles: everyone, handler: s.getOrg})
	s.add(route{method: http.MethodPatch, path: "/orgs/:id", summary: "修改组织", tag: "orgs", roles: adminOnly, body: orgPatch{}, handler: s.patchOrg})
	s.add(route{method: http.MethodDelete, path: "/orgs/:id", summary: "删除组织（无下级、无党员时）", tag: "orgs", roles: adminOnly, handler: s.deleteOrg})
}

// add registers r with its auth and body limit and remembers it for the
// OpenAPI document.
func (s *Server) add(r route) {
	chain := []gin.HandlerFunc{limitBody(s.bodyLimit(r))}
	if !r.public {
		chain = append(chain, s.authenticate(r.roles))
	}
	chain = append(chain, s.h(r.handler))
	s.engine.Handle(r.method, "/api/v1"+r.path, chain...)
	s.routes = append(s.routes, r)
}

func (s *Server) bodyLimit(r route) int64 {
	if r.maxBody > 0 {
		return r.maxBody
	}
	return s.maxBody
}
