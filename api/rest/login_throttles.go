package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
)

// Login throttles for admins: who is being slowed down now, and clearing
// one (a user locked out by their own typos, an office behind one NAT).
// The domain methods are accounts.Store.ListThrottles and ClearThrottle.

// ListLoginThrottles answers GET /login-throttles.
func (s *LoginThrottles) ListLoginThrottles(c *gin.Context) error {
	items, err := s.accounts.ListThrottles(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList[accounts.Throttle](items, ""))
	return nil
}

// ClearLoginThrottle answers DELETE /login-throttles/{id}, audited.
func (s *LoginThrottles) ClearLoginThrottle(c *gin.Context) error {
	id := c.Param("id")
	if err := s.accounts.ClearThrottle(c.Request.Context(), id); err != nil {
		return err
	}
	audit(c, s.auditor, "login_throttle.clear", "login_throttle", id, "解除登录限制")
	c.Status(http.StatusNoContent)
	return nil
}
