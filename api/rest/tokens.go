package rest

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
)

type TokenInput struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"` // admins only; default the caller
}

// NewToken is the one answer that shows a token's secret.
type NewToken struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	Name      string    `json:"name"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Tokens) CreateToken(c *gin.Context) error {
	var in TokenInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	t, sec, err := s.userOps.CreateToken(c.Request.Context(), accounts.TokenInput(in))
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, ShownToken(t, sec))
	return nil
}

// ShownToken is the answer to a new token, POST /tokens and the form of
// /account alike: the one that holds the secret.
func ShownToken(t *accounts.Token, sec string) *NewToken {
	return &NewToken{ID: t.ID, Token: sec, Name: t.Name, UserID: t.UserID, CreatedAt: t.CreatedAt}
}

// listTokens answers the caller's own tokens; an admin sees everyone's
// (or one user's with ?user_id=).
func (s *Tokens) ListTokens(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	p := httpx.Principal(c)
	owner := p.UserID
	if p.Role == accounts.RoleAdmin {
		owner = c.Query("user_id")
	}
	items, next, err := s.accounts.ListTokens(c.Request.Context(), owner, limit, after)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

// deleteToken revokes a token. Someone else's token is "not found" to a
// non-admin, so ids cannot be probed.
func (s *Tokens) DeleteToken(c *gin.Context) error {
	if _, err := s.userOps.RevokeToken(c.Request.Context(), c.Param("id"), ""); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
