package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/api/rest"
)

// The API tokens section of /account: the caller's own tokens, a form to
// create one (the secret is shown once, on the page the form's POST
// answers) and a revoke button per token. Creating and revoking are the
// domain operations of POST /api/v1/tokens and DELETE /api/v1/tokens/{id}
// (accounts.Service).

// accountTokenLimit is how many tokens the page lists; nobody needs more,
// and the API pages through the rest.
const accountTokenLimit = 100

type tokenRow struct {
	ID, Name, Created string
}

type accountView struct {
	Tokens    []tokenRow
	More      bool   // more tokens than listed
	NoTokens  bool   // the caller is not a user (the bootstrap admin token): no tokens of its own
	Name      string // the create form's answer, kept after an error
	NameError string
	Error     string
	New       *rest.NewToken // the token just created: its only showing
	Revoked   string         // name of the token just revoked
}

// renderAccount renders /account with the caller's tokens.
func (s *AccountPages) RenderAccount(c *gin.Context, status int, v accountView) error {
	p := httpx.Principal(c)
	if p.UserID == "" {
		v.NoTokens = true
	} else {
		items, next, err := s.accounts.ListTokens(c.Request.Context(), p.UserID, accountTokenLimit, "")
		if err != nil {
			return err
		}
		for _, t := range items {
			v.Tokens = append(v.Tokens, tokenRow{ID: t.ID, Name: t.Name, Created: pageTime(t.CreatedAt)})
		}
		v.More = next != ""
	}
	return s.pages.Render(c, status, "account", PageView{Title: "我的账户", Data: v})
}

// accountCreateToken is the create form's POST. It answers the page itself
// (not a redirect) because the secret exists only in this answer; render
// marks it no-store.
func (s *AccountPages) AccountCreateToken(c *gin.Context) error {
	name := c.PostForm("name")
	p := httpx.Principal(c)
	if p.UserID == "" {
		return s.RenderAccount(c, http.StatusUnprocessableEntity, accountView{Name: name, Error: "管理员令牌不属于某个用户，不能在此创建接口令牌"})
	}
	t, sec, err := s.userOps.CreateToken(c.Request.Context(), accounts.TokenInput{Name: name})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.RenderAccount(c, status, accountView{Name: name, Error: body.Message, NameError: fields["name"]})
	}
	return s.RenderAccount(c, http.StatusCreated, accountView{New: rest.ShownToken(t, sec)})
}

// accountRevokeToken is a revoke button's POST: back to /account (303)
// naming the revoked token.
func (s *AccountPages) AccountRevokeToken(c *gin.Context) error {
	t, err := s.userOps.RevokeToken(c.Request.Context(), c.Param("id"), "")
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account?"+url.Values{"revoked": {t.Name}}.Encode()+"#tokens")
	return nil
}

func (s *AccountPages) AccountPage(c *gin.Context) error {
	return s.RenderAccount(c, http.StatusOK, accountView{Revoked: c.Query("revoked")})
}
