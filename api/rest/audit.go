package rest

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
)

// audit appends one entry to the audit log for the request's caller, for
// what the api itself does (downloads); changes to the domain, signing in
// and out included, are audited by the domain operations. The summary is
// Chinese, for people reading the log; never put passwords, tokens, codes
// or phone numbers in it. A failure to write is logged, not returned.
//
// A download is audited before its first byte is written, and with a
// context the client cannot cancel (the values, the principal and request
// id, are kept): a client that resets the connection mid-body has still
// downloaded something.
func audit(c *gin.Context, a minyi.Auditor, action, objectType, objectID, summary string) {
	a.Audit(context.WithoutCancel(c.Request.Context()), minyi.AuditRecord{Action: action, ObjectType: objectType, ObjectID: objectID, Summary: summary})
}

// listAudit answers GET /audit: newest first, filterable by actor (login or
// user id), action and object id.
func (s *Audit) ListAudit(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	items, next, err := s.accounts.ListAudit(c.Request.Context(), accounts.AuditFilter{
		Actor: c.Query("actor"), Action: c.Query("action"), ObjectID: c.Query("object_id"), After: after, Limit: limit,
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}
