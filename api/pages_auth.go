package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"minyi/api/httpx"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// loginForm shows the login page; a signed-in visitor goes straight on.
func (s *Server) loginForm(c *gin.Context) error {
	if p, err := s.principalFrom(c); err == nil && p != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return nil
	}
	return s.loginPage(c, http.StatusOK, loginView{Next: c.Query("next")})
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
	return s.render(c, status, "login", pageView{Title: "登录", CSRF: formCSRF(c, loginCSRFCookie, "/"), Data: v})
}

// formCSRF is the double-submit CSRF token of a form shown to a visitor
// who has no session (the login page, the public feedback form): the same
// random value in an HttpOnly, SameSite=Strict cookie and in the form, and
// formCSRFOK checks the POST carries both. A cookie already set is reused,
// so a form shown again after an error, or open in two tabs, stays valid.
func formCSRF(c *gin.Context, cookie, path string) string {
	if v, err := c.Cookie(cookie); err == nil && len(v) == 32 {
		return v
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	http.SetCookie(c.Writer, &http.Cookie{Name: cookie, Value: tok, Path: path, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: httpx.SecureRequest(c), MaxAge: int((12 * time.Hour).Seconds())})
	return tok
}

// formCSRFOK reports whether the form field csrf_token matches the cookie.
func formCSRFOK(c *gin.Context, cookie string) bool {
	ck, _ := c.Cookie(cookie)
	return ck != "" && subtle.ConstantTimeCompare([]byte(ck), []byte(c.PostForm(csrfField))) == 1
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

func (s *Server) accountPage(c *gin.Context) error {
	return s.renderAccount(c, http.StatusOK, accountView{Revoked: c.Query("revoked")})
}
