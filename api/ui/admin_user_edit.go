package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
)

// /admin/users/{id}: an admin edits one user (name, role, org, a new
// password, disabled). The form's POST goes through accounts.Service.UpdateUser, exactly as
// PATCH /api/v1/users/{id} does, so validation, the self-lockout rule and
// the audit entry are the same.

// userEditForm is the edit form's answers, shown again after an error; the
// password never is.
type userEditForm struct {
	Name, Role, OrgID string
	Disabled          bool
}

type adminUserEditView struct {
	ID, Login, Created, Updated string
	Self                        bool // the admin edits its own account
	Roles                       []option
	Orgs                        []option
	Form                        userEditForm
	Errors                      map[string]string // form field → message
	Error                       string
	Saved                       bool
	Tokens                      []tokenRow // the user's API tokens, each with a revoke button
	MoreTokens                  bool       // more than listed (the API pages through them)
	Revoked                     string     // name of the token just revoked
}

// adminUserEditPage shows the edit form filled with the user's values.
func (s *UserPages) AdminUserEditPage(c *gin.Context) error {
	u, err := s.accounts.GetUser(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	f := userEditForm{Name: u.Name, Role: string(u.Role), OrgID: u.OrgID, Disabled: u.Disabled}
	return s.renderUserEdit(c, http.StatusOK, u, f, nil, "")
}

// renderUserEdit renders the form for user u with answers f and the errors
// (by field, plus a general one).
func (s *UserPages) renderUserEdit(c *gin.Context, status int, u *accounts.User, f userEditForm, fields map[string]string, msg string) error {
	orgs, byID, err := orgOptions(c.Request.Context(), s.orgs)
	if err != nil {
		return err
	}
	if _, ok := byID[f.OrgID]; f.OrgID != "" && !ok {
		// Keep a vanished org selectable, so that saving other fields does
		// not silently clear it.
		orgs = append(orgs, option{f.OrgID, f.OrgID + "（组织已不存在）"})
	}
	v := adminUserEditView{ID: u.ID, Login: u.Login, Form: f, Errors: fields, Error: msg, Orgs: orgs,
		Created: pageTime(u.CreatedAt),
		Updated: pageTime(u.UpdatedAt),
		Self:    httpx.Principal(c).UserID == u.ID, Saved: c.Query("saved") != "", Revoked: c.Query("revoked")}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	// No last-used time: the token store does not record one.
	tokens, next, err := s.accounts.ListTokens(c.Request.Context(), u.ID, accountTokenLimit, "")
	if err != nil {
		return err
	}
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, tokenRow{ID: t.ID, Name: t.Name, Created: pageTime(t.CreatedAt)})
	}
	v.MoreTokens = next != ""
	for _, r := range roleOrder {
		v.Roles = append(v.Roles, option{string(r), r.Label()})
	}
	return s.pages.Render(c, status, "admin_user_edit", PageView{Title: "修改用户 " + u.Login, Data: v})
}

// adminEditUser is the edit form's POST. Only what differs from the stored
// user goes into the patch, so the audit entry names the real changes; an
// empty password field keeps the password. On success back to the form
// (303) with a notice; on error the form again with the answers kept.
func (s *UserPages) AdminEditUser(c *gin.Context) error {
	u, err := s.accounts.GetUser(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	f := userEditForm{Name: c.PostForm("name"), Role: c.PostForm("role"), OrgID: c.PostForm("org_id"), Disabled: c.PostForm("disabled") != ""}
	var in accounts.UserPatch
	if f.Name != u.Name {
		in.Name = &f.Name
	}
	if role := accounts.Role(f.Role); role != u.Role {
		in.Role = &role
	}
	if f.OrgID != u.OrgID {
		in.OrgID = &f.OrgID
	}
	if f.Disabled != u.Disabled {
		in.Disabled = &f.Disabled
	}
	if pw := c.PostForm("password"); pw != "" {
		in.Password = &pw
	}
	if _, err := s.userOps.UpdateUser(c.Request.Context(), u.ID, in); err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderUserEdit(c, status, u, f, fields, body.Message)
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+url.PathEscape(u.ID)+"?saved=1")
	return nil
}

// adminRevokeUserToken is a revoke button of /admin/users/{id}: the token
// goes as with DELETE /api/v1/tokens/{id} (accounts.Service.RevokeToken, audited); back
// to the user's page naming it. A token of another user is not found.
func (s *UserPages) AdminRevokeUserToken(c *gin.Context) error {
	t, err := s.userOps.RevokeToken(c.Request.Context(), c.Param("token_id"), c.Param("id"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+url.PathEscape(t.UserID)+"?"+url.Values{"revoked": {t.Name}}.Encode()+"#tokens")
	return nil
}
