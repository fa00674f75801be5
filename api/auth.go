package api

// Authentication, CSRF and page sign-in.
//
// A request is authenticated by, in this order:
//   - "Authorization: Bearer <MINYI_ADMIN_TOKEN>" → an administrator (bootstrap, scripts);
//   - "Authorization: Bearer mny_…" (an API token) → the token's user;
//   - the "minyi_session" cookie (browsers, set by POST /api/v1/session) → the session's user.
// Disabled users, revoked tokens and expired sessions get 401.
//
// CSRF: a request authenticated by the session cookie that is not GET, HEAD
// or OPTIONS must carry the session's CSRF token, either in the
// "X-CSRF-Token" header (scripts on our pages) or in the "csrf_token" form
// field (HTML forms); otherwise it gets 403 csrf_failed. Bearer-token calls
// are exempt: a browser never adds that header on its own.
//
// For page authors:
//   - protect a page with s.requirePage(roles...) (or register it with
//     s.addPage so the authorisation test covers it): it redirects to /login
//     when nobody is signed in, answers 403 for a wrong role and checks the
//     CSRF token on POST;
//   - ui.Renderer.Render fills PageView.CSRF, so a form only needs
//     <input type="hidden" name="csrf_token" value="{{.CSRF}}">, and the
//     layout may expose it to scripts as <meta name="csrf-token" content="{{.CSRF}}">.

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
)

const (
	sessionCookie = "minyi_session"
	csrfHeader    = "X-CSRF-Token"
)

var (
	errBadCredentials = minyi.E(minyi.ErrUnauthorized, "invalid_credentials", "登录凭据无效或已过期，请重新登录")
	errWrongRole      = minyi.ErrWrongRole
	errCSRF           = minyi.E(minyi.ErrForbidden, "csrf_failed", "页面已过期或请求来源不明，请刷新页面后重试")
)

// authenticate resolves the caller. It answers 401 without credentials or
// with bad ones, 403 when the role is not among roles (admins may do
// everything) and 403 when a cookie-authenticated change lacks its CSRF
// token. Every answer of an authenticated route, files included, is
// no-store: what one user read must not be served from a cache to another.
func (s *Server) authenticate(roles []accounts.Role) gin.HandlerFunc {
	return s.h(func(c *gin.Context) error {
		c.Header("Cache-Control", "no-store")
		p, err := s.principalFrom(c)
		if err != nil {
			return err
		}
		if !allowed(p, roles) {
			return errWrongRole
		}
		if err := s.checkCSRF(c, p); err != nil {
			return err
		}
		httpx.SetPrincipal(c, p)
		c.Next()
		s.auditBootstrapUse(c, p)
		return nil
	})
}

func allowed(p *accounts.Principal, roles []accounts.Role) bool {
	return p.Is(roles...)
}

func (s *Server) principalFrom(c *gin.Context) (*accounts.Principal, error) {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			return nil, errBadCredentials
		}
		if s.admin != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.admin)) == 1 {
			return &accounts.Principal{Login: "admin-token", Name: "管理员令牌", Role: accounts.RoleAdmin, Via: "admin_token"}, nil
		}
		if s.accounts == nil {
			return nil, errBadCredentials
		}
		u, _, err := s.accounts.TokenUser(ctx, token)
		if err != nil {
			return nil, err
		}
		return u.Principal("token"), nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck == "" || s.accounts == nil {
		return nil, httpx.ErrNoCredentials
	}
	u, _, err := s.accounts.SessionUser(ctx, ck)
	if err != nil {
		return nil, err
	}
	httpx.SetSessionID(c, ck)
	return u.Principal("session"), nil
}

// checkCSRF enforces the CSRF token on state-changing requests that a
// browser authenticated with the session cookie.
func (s *Server) checkCSRF(c *gin.Context, p *accounts.Principal) error {
	if p.Via != "session" || safeMethod(c.Request.Method) {
		return nil
	}
	got := c.GetHeader(csrfHeader)
	if got == "" && httpx.IsForm(c) {
		if err := httpx.ParseForm(c); err != nil {
			return err
		}
		got = c.Request.PostFormValue(httpx.CSRFField)
	}
	want := httpx.CSRFToken(c, s.accounts)
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// requirePage protects an HTML page: not signed in → 303 to /login (and
// back afterwards), wrong role → 403 page, POST without the CSRF token →
// 403 page. Admins pass every role check.
func (s *Server) requirePage(roles ...accounts.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		p, err := s.principalFrom(c)
		if err != nil {
			if errors.Is(err, minyi.ErrUnauthorized) {
				s.clearSessionCookie(c)
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
				return
			}
			s.renderer.Error(c, err)
			return
		}
		httpx.SetPrincipal(c, p)
		if !allowed(p, roles) {
			s.renderer.Error(c, errWrongRole)
			return
		}
		if err := s.checkCSRF(c, p); err != nil {
			s.renderer.Error(c, err)
			return
		}
		c.Next()
		s.auditBootstrapUse(c, p)
	}
}

// pageRoute is one HTML page, kept so the authorisation test can walk them.
type pageRoute struct {
	method string
	path   string
	public bool
	roles  []accounts.Role
}

// addPage registers an HTML page behind requirePage (unless public) and
// records it for the authorisation matrix test.
func (s *Server) addPage(method, path string, public bool, roles []accounts.Role, h handlerFunc) {
	s.addPageMax(method, path, public, roles, s.maxBody, h)
}

// addPageMax is addPage with its own body limit (an upload form).
func (s *Server) addPageMax(method, path string, public bool, roles []accounts.Role, maxBody int64, h handlerFunc) {
	chain := []gin.HandlerFunc{limitBody(maxBody)}
	if !public {
		chain = append(chain, s.requirePage(roles...))
	}
	chain = append(chain, s.renderer.Page(h))
	s.engine.Handle(method, path, chain...)
	s.pageRoutes = append(s.pageRoutes, pageRoute{method: method, path: path, public: public, roles: roles})
}
