package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/ui"
)

// loginForm shows the login page; a signed-in visitor goes straight on.
func (s *Server) loginForm(c *gin.Context) error {
	if p, err := s.principalFrom(c); err == nil && p != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return nil
	}
	return s.loginPage(c, http.StatusOK, loginView{Next: loginNext(c.Query("next"))})
}

// loginPage renders the login form with its double-submit CSRF token
// (see session.go).
func (s *Server) loginPage(c *gin.Context, status int, v loginView) error {
	if s.accounts != nil {
		n, err := s.accounts.CountUsers(c.Request.Context())
		if err != nil {
			return err
		}
		v.NoUsers = n == 0
	}
	return s.renderer.Render(c, status, "login", ui.PageView{Title: "登录", CSRF: httpx.FormCSRF(c, loginCSRFCookie, "/"), Data: v})
}

// logoutForm ends the session from the account page's form (CSRF checked
// by requirePage) and returns to the login page.
func (s *Server) logoutForm(c *gin.Context) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/login")
	return nil
}
