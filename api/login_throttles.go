package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
)

// Login throttles for admins: who is being slowed down now, and clearing
// one (a user locked out by their own typos, an office behind one NAT).
// The domain methods are accounts.Store.ListThrottles and ClearThrottle.

// listLoginThrottles answers GET /login-throttles.
func (s *Server) listLoginThrottles(c *gin.Context) error {
	items, err := s.accounts.ListThrottles(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList[accounts.Throttle](items, ""))
	return nil
}

// clearLoginThrottle answers DELETE /login-throttles/{id}, audited.
func (s *Server) clearLoginThrottle(c *gin.Context) error {
	id := c.Param("id")
	if err := s.accounts.ClearThrottle(c.Request.Context(), id); err != nil {
		return err
	}
	s.audit(c, "login_throttle.clear", "login_throttle", id, "解除登录限制")
	c.Status(http.StatusNoContent)
	return nil
}
