package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
)

type tokenInput struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"` // admins only; default the caller
}

// newToken is the one answer that shows a token's secret.
type newToken struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	Name      string    `json:"name"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) createToken(c *gin.Context) error {
	var in tokenInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p := principal(c)
	userID := in.UserID
	switch {
	case userID == "":
		userID = p.UserID
	case userID != p.UserID && p.Role != accounts.RoleAdmin:
		return minyi.E(minyi.ErrForbidden, "forbidden", "只有管理员可以为其他用户创建令牌")
	}
	if userID == "" { // the admin token is nobody: it must say for whom
		var fe minyi.FieldErrors
		fe.Add("user_id", "required", "请指定令牌所属的用户")
		return fe.Err()
	}
	t, err := s.issueToken(c, userID, in.Name)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, t)
	return nil
}

// issueToken creates an API token for userID and audits it: POST /tokens
// and the form of /account both come here. The answer holds the secret,
// which is never shown again.
func (s *Server) issueToken(c *gin.Context, userID, name string) (*newToken, error) {
	t, sec, err := s.accounts.CreateToken(c.Request.Context(), userID, name)
	if err != nil {
		return nil, err
	}
	s.audit(c, "token.create", "token", t.ID, "为用户 "+t.UserID+" 创建接口令牌「"+t.Name+"」")
	return &newToken{ID: t.ID, Token: sec, Name: t.Name, UserID: t.UserID, CreatedAt: t.CreatedAt}, nil
}

// listTokens answers the caller's own tokens; an admin sees everyone's
// (or one user's with ?user_id=).
func (s *Server) listTokens(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	p := principal(c)
	owner := p.UserID
	if p.Role == accounts.RoleAdmin {
		owner = c.Query("user_id")
	}
	items, next, err := s.accounts.ListTokens(c.Request.Context(), owner, limit, after)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

// deleteToken revokes a token. Someone else's token is "not found" to a
// non-admin, so ids cannot be probed.
func (s *Server) deleteToken(c *gin.Context) error {
	if _, err := s.revokeToken(c, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// revokeToken deletes token id if the caller may (its owner or an admin)
// and audits it: DELETE /tokens/{id} and the revoke buttons of /account
// both come here.
func (s *Server) revokeToken(c *gin.Context, id string) (*accounts.Token, error) {
	return s.revokeTokenOf(c, id, "")
}

// revokeTokenOf is revokeToken for a token that must belong to user owner
// ("" for any): the revoke buttons of /admin/users/{id} name the user in
// the path, and a token of someone else is "not found" there.
func (s *Server) revokeTokenOf(c *gin.Context, id, owner string) (*accounts.Token, error) {
	ctx := c.Request.Context()
	t, err := s.accounts.GetToken(ctx, id)
	if err != nil {
		return nil, err
	}
	p := principal(c)
	if (p.Role != accounts.RoleAdmin && t.UserID != p.UserID) || (owner != "" && t.UserID != owner) {
		return nil, minyi.NotFound("token_not_found", "令牌")
	}
	if err := s.accounts.DeleteToken(ctx, t.ID); err != nil {
		return nil, err
	}
	s.audit(c, "token.revoke", "token", t.ID, "吊销用户 "+t.UserID+" 的接口令牌「"+t.Name+"」")
	return t, nil
}
