package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/surveys"
)

// Admin pages: /admin/users (the users and a form to create one) and
// /admin/audit (the audit log, newest first). Both sit behind requirePage
// with the admin role; the form's POST is CSRF-checked there and creates
// the user exactly as POST /api/v1/users does (accounts.Service.CreateUser).

// adminPageSize is how many rows a page of users or audit entries shows.
const adminPageSize = 50

// roleOrder is the order of the role picker and its labels.
var roleOrder = []accounts.Role{accounts.RoleAdmin, accounts.RoleLeader, accounts.RoleOperator, accounts.RoleSecretary}

// userForm is the create form's answers, shown again after an error; the
// password never is.
type userForm struct {
	Login, Name, Role, OrgID string
}

type userRow struct {
	ID, Login, Name, Role, Org, Created string
	Disabled                            bool
}

type adminUsersView struct {
	Users   []userRow
	More    string // the next page's link, "" on the last page
	Roles   []option
	Orgs    []option
	Form    userForm
	Errors  map[string]string // form field → message
	Error   string
	Created string // login of the user just created
}

// adminUsersPage lists the users and offers the create form.
func (s *UserPages) AdminUsersPage(c *gin.Context) error {
	return s.renderAdminUsers(c, http.StatusOK, userForm{Role: string(accounts.RoleLeader)}, nil, "")
}

// renderAdminUsers renders /admin/users with the form's answers and its
// errors (by field, plus a general one).
func (s *UserPages) renderAdminUsers(c *gin.Context, status int, f userForm, fields map[string]string, msg string) error {
	ctx := c.Request.Context()
	users, next, err := s.accounts.ListUsers(ctx, adminPageSize, c.Query("after"))
	if err != nil {
		return err
	}
	orgs, byID, err := orgOptions(ctx, s.orgs)
	if err != nil {
		return err
	}
	v := adminUsersView{Form: f, Errors: fields, Error: msg, Orgs: orgs, Created: c.Query("created")}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	for _, r := range roleOrder {
		v.Roles = append(v.Roles, option{string(r), r.Label()})
	}
	for _, u := range users {
		row := userRow{ID: u.ID, Login: u.Login, Name: u.Name, Role: u.Role.Label(), Disabled: u.Disabled,
			Created: pageTime(u.CreatedAt)}
		if u.OrgID != "" {
			row.Org = orgName(byID, u.OrgID)
		}
		v.Users = append(v.Users, row)
	}
	if next != "" {
		v.More = "/admin/users?" + url.Values{"after": {next}}.Encode()
	}
	return s.pages.Render(c, status, "admin_users", PageView{Title: "用户管理", Data: v})
}

// orgName is an org's name, or its id when it is gone.
func orgName(byID map[string]surveys.Org, id string) string {
	if o, ok := byID[id]; ok {
		return o.Name
	}
	return id
}

// adminCreateUser is the create form's POST: on success back to the list
// (303, so a reload does not post again) naming the new user; on error the
// form again with each problem by its field and the answers kept.
func (s *UserPages) AdminCreateUser(c *gin.Context) error {
	f := userForm{Login: c.PostForm("login"), Name: c.PostForm("name"), Role: c.PostForm("role"), OrgID: c.PostForm("org_id")}
	u, err := s.userOps.CreateUser(c.Request.Context(), accounts.UserInput{Login: f.Login, Name: f.Name, Role: accounts.Role(f.Role), OrgID: f.OrgID, Password: c.PostForm("password")})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminUsers(c, status, f, fields, body.Message)
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?"+url.Values{"created": {u.Login}}.Encode())
	return nil
}

type auditRow struct {
	At, Actor, Role, Action, Object, Summary, RequestID string
}

type adminAuditView struct {
	Actor, Action, ObjectID string // the filter
	Entries                 []auditRow
	Earlier                 string // link to the next (older) page
	First                   string // link back to the newest page, when paged
}

// adminAuditPage shows the audit log newest first, filtered as GET
// /api/v1/audit is, a page at a time with a link to older entries.
func (s *UserPages) AdminAuditPage(c *gin.Context) error {
	after := c.Query("after")
	v := adminAuditView{Actor: c.Query("actor"), Action: c.Query("action"), ObjectID: c.Query("object_id")}
	entries, next, err := s.accounts.ListAudit(c.Request.Context(), accounts.AuditFilter{
		Actor: v.Actor, Action: v.Action, ObjectID: v.ObjectID, After: after, Limit: adminPageSize,
	})
	if err != nil {
		return err
	}
	for _, e := range entries {
		object := e.ObjectType
		if e.ObjectID != "" {
			object += " " + e.ObjectID
		}
		actor := e.Actor
		if actor == "" {
			actor = "（未知）"
		}
		role := ""
		if e.Role != "" {
			role = e.Role.Label()
		}
		v.Entries = append(v.Entries, auditRow{At: e.At.In(surveys.ChinaTime).Format("2006-01-02 15:04:05"), Actor: actor, Role: role,
			Action: e.Action, Object: object, Summary: e.Summary, RequestID: e.RequestID})
	}
	q := url.Values{}
	for k, val := range map[string]string{"actor": v.Actor, "action": v.Action, "object_id": v.ObjectID} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if after != "" {
		v.First = "/admin/audit?" + q.Encode()
	}
	if next != "" {
		q.Set("after", next)
		v.Earlier = "/admin/audit?" + q.Encode()
	}
	return s.pages.Render(c, http.StatusOK, "admin_audit", PageView{Title: "审计日志", Data: v})
}
