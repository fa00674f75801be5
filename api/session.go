package api

// Sign-in. POST /api/v1/session takes JSON {"login","password"} (scripts,
// single-page code) or the login page's form, and sets the session cookie:
// HttpOnly, SameSite=Lax, Secure behind TLS (or X-Forwarded-Proto: https from a trusted proxy).
// Sessions expire after 12 h without use (sliding) and 7 days at most
// (accounts.DefaultPolicy); the cookie itself is a browser-session cookie.
//
// The login form has no session yet, so its CSRF protection is a
// double-submit token (formCSRF): GET /login sets a random
// "minyi_login_csrf" cookie and puts the same value in the form; the form
// POST must carry both.
// JSON logins need no token: a cross-site page cannot send a JSON body
// without a CORS preflight, which we never grant.
//
// Failed logins are throttled per account and per client (a salted,
// daily-rotated hash of the address; no address is stored or logged).

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
)

const loginCSRFCookie = "minyi_login_csrf"

type loginInput struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// sessionView is the answer to a login and to GET /session.
type sessionView struct {
	User      accounts.Principal `json:"user"`
	CSRFToken string             `json:"csrf_token,omitempty"`
}

// loginView is the login page's data.
type loginView struct {
	Login   string
	Next    string
	Error   string
	NoUsers bool
}

func (s *Server) createSession(c *gin.Context) error {
	form := httpx.IsForm(c)
	var in loginInput
	if form {
		in.Login, in.Password = c.PostForm("login"), c.PostForm("password")
		if !httpx.FormCSRFOK(c, loginCSRFCookie) {
			return s.loginPage(c, http.StatusForbidden, loginView{Login: in.Login, Next: loginNext(c.PostForm("next")), Error: errCSRF.Message})
		}
	} else if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, sid, err := s.signIn(c, in)
	if err != nil {
		if !form {
			return err
		}
		status, body := httpx.Classify(c.Request.Context(), err)
		if status >= 500 {
			return err
		}
		return s.loginPage(c, status, loginView{Login: in.Login, Next: loginNext(c.PostForm("next")), Error: body.Error.Message})
	}
	s.setSessionCookie(c, sid)
	if form {
		c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
		return nil
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, sessionView{User: *p, CSRFToken: s.accounts.CSRFToken(sid)})
	return nil
}

// signIn is the sign-in operation (accounts.Service.SignIn) for the JSON
// and the form login alike; a throttled attempt says when to try again.
func (s *Server) signIn(c *gin.Context, in loginInput) (*accounts.Principal, string, error) {
	ctx := c.Request.Context()
	p, sid, err := s.userOps.SignIn(ctx, accounts.SignInInput{Login: in.Login, Password: in.Password, ClientHash: s.clients.Hash(c)})
	if wait, ok := accounts.RetryAfter(err); ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		// Logged, not audited: a guessing run would flood the audit log.
		s.log.InfoContext(ctx, "login throttled", "request_id", httpx.RequestID(c), "retry_after", wait)
	}
	return p, sid, err
}

// deleteSession ends the caller's session (logout). With a bearer token
// there is no session, and nothing to do.
func (s *Server) deleteSession(c *gin.Context) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) endSession(c *gin.Context) error {
	if sid := httpx.SessionID(c); sid != "" {
		if err := s.userOps.SignOut(c.Request.Context(), sid); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

// getSession answers who the caller is, with the CSRF token scripts on our
// pages send back in X-CSRF-Token.
func (s *Server) getSession(c *gin.Context) error {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, sessionView{User: *httpx.Principal(c), CSRFToken: httpx.CSRFToken(c, s.accounts)})
	return nil
}

func (s *Server) setSessionCookie(c *gin.Context, sid string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, Secure: httpx.SecureRequest(c), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	if _, err := c.Cookie(sessionCookie); err != nil {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: httpx.SecureRequest(c), SameSite: http.SameSiteLaxMode,
	})
}

// maxNext bounds the page to return to after login: enough for any page's
// path and query, far less than a header limit.
const maxNext = 512

// safeNext keeps redirects after login on this site (the home page by
// default): a local path of at most maxNext bytes starting with a single
// "/" (not "//host" or "/\host", which browsers treat as another origin),
// without control characters.
func safeNext(next string) string {
	if next == "" || len(next) > maxNext || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// loginNext is the next field the login form echoes: empty stays empty,
// anything else only as safeNext lets it through.
func loginNext(next string) string {
	if next == "" {
		return ""
	}
	return safeNext(next)
}
