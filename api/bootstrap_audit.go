package api

import (
	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
)

// auditBootstrapUse records a request made with MINYI_ADMIN_TOKEN that its
// handler did not audit itself (reads, refusals), so that every use of the
// bootstrap token is in the audit log: the handler's own entries already
// carry via "admin_token". It runs after the handler, so the entry never
// shows in the answer of the request that caused it.
func (s *Server) auditBootstrapUse(c *gin.Context, p *accounts.Principal) {
	if p == nil || p.Via != "admin_token" || minyi.Audited(c.Request.Context()) {
		return
	}
	s.auditor.Audit(c.Request.Context(), minyi.AuditRecord{Action: "auth.bootstrap_token", ObjectType: "request",
		Summary: "使用引导令牌（MINYI_ADMIN_TOKEN）：" + c.Request.Method + " " + c.Request.URL.Path})
}
