package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
)

// audit appends one entry to the audit log for the request's caller. Call
// it after the change succeeded, e.g.
//
//	s.audit(c, "survey.publish", "survey", sv.ID, "发布测评「"+sv.Title+"」")
//
// Actions are "<object>.<verb>". The summary is Chinese, for people reading
// the log; never put passwords, tokens, codes or phone numbers in it. A
// failure to write is logged, not returned: the change itself has happened.
func (s *Server) audit(c *gin.Context, action, objectType, objectID, summary string) {
	s.auditAs(c, principal(c), action, objectType, objectID, summary)
}

func (s *Server) auditAs(c *gin.Context, p *accounts.Principal, action, objectType, objectID, summary string) {
	if s.accounts == nil {
		return
	}
	c.Set(ctxAudited, true)
	e := &accounts.AuditEntry{
		Action: action, ObjectType: objectType, ObjectID: objectID, Summary: summary, RequestID: requestIDOf(c),
	}
	if p != nil {
		e.ActorID, e.Actor, e.Role, e.Via = p.UserID, p.Login, p.Role, p.Via
	}
	if err := s.accounts.Audit(c.Request.Context(), e); err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit entry lost",
			slog.String("request_id", e.RequestID), slog.String("action", action), slog.String("object_id", objectID), slog.Any("err", err))
	}
}

// listAudit answers GET /audit: newest first, filterable by actor (login or
// user id), action and object id.
func (s *Server) listAudit(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.accounts.ListAudit(c.Request.Context(), accounts.AuditFilter{
		Actor: c.Query("actor"), Action: c.Query("action"), ObjectID: c.Query("object_id"), After: after, Limit: limit,
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}
