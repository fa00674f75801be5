package api

import (
	"crypto/subtle"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
)

const ctxPrincipal = "minyi.principal"

var (
	errNoCredentials  = minyi.E(minyi.ErrUnauthorized, "unauthorized", "请先登录")
	errBadCredentials = minyi.E(minyi.ErrUnauthorized, "invalid_credentials", "登录凭据无效或已过期，请重新登录")
	errWrongRole      = minyi.E(minyi.ErrForbidden, "forbidden", "您的角色无权进行此操作")
)

// authenticate resolves the caller from the Authorization header. It
// answers 401 without credentials or with bad ones, and 403 when the role is
// not among roles (admins may do everything).
func (s *Server) authenticate(roles []accounts.Role) gin.HandlerFunc {
	return s.h(func(c *gin.Context) error {
		p, err := s.principalFrom(c)
		if err != nil {
			return err
		}
		if p.Role != accounts.RoleAdmin && !slices.Contains(roles, p.Role) {
			return errWrongRole
		}
		c.Set(ctxPrincipal, p)
		c.Next()
		return nil
	})
}

func (s *Server) principalFrom(c *gin.Context) (*accounts.Principal, error) {
	h := c.GetHeader("Authorization")
	if h == "" {
		return nil, errNoCredentials
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, errBadCredentials
	}
	if s.admin != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.admin)) == 1 {
		return &accounts.Principal{Login: "admin-token", Name: "管理员令牌", Role: accounts.RoleAdmin, Via: "admin_token"}, nil
	}
	return nil, errBadCredentials
}

// principal is the authenticated caller of a protected route.
func principal(c *gin.Context) *accounts.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(*accounts.Principal)
	return pr
}
