package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
)

// userInput is what an admin sets on a new user.
type userInput struct {
	Login    string        `json:"login"`
	Name     string        `json:"name"`
	Password string        `json:"password"`
	Role     accounts.Role `json:"role"`
	OrgID    string        `json:"org_id"`
}

type userPatch struct {
	Name     *string        `json:"name"`
	Role     *accounts.Role `json:"role"`
	OrgID    *string        `json:"org_id"`
	Password *string        `json:"password"`
	Disabled *bool          `json:"disabled"`
}

// checkOrg answers 422 on field org_id, saying msg, when id names no org
// (users here, work orders in workorders.go); an empty id passes.
func (s *Server) checkOrg(ctx context.Context, id, msg string) error {
	if id == "" {
		return nil
	}
	_, err := s.orgs.Get(ctx, id)
	if errors.Is(err, minyi.ErrNotFound) {
		var fe minyi.FieldErrors
		fe.Add("org_id", "unknown_org", msg)
		return fe.Err()
	}
	return err
}

func (s *Server) createUser(c *gin.Context) error {
	var in userInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.addUser(c, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, u)
	return nil
}

// addUser creates a user and audits it: POST /users and the form of
// /admin/users both come here.
func (s *Server) addUser(c *gin.Context, in userInput) (*accounts.User, error) {
	if err := s.checkOrg(c.Request.Context(), strings.TrimSpace(in.OrgID), "组织不存在"); err != nil {
		return nil, err
	}
	u := accounts.User{Login: in.Login, Name: in.Name, Role: in.Role, OrgID: in.OrgID}
	if err := s.accounts.CreateUser(c.Request.Context(), &u, in.Password); err != nil {
		return nil, err
	}
	s.audit(c, "user.create", "user", u.ID, "创建用户 "+u.Login+"（"+u.Name+"，"+u.Role.Label()+"）")
	return &u, nil
}

func (s *Server) listUsers(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.accounts.ListUsers(c.Request.Context(), limit, after)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) getUser(c *gin.Context) error {
	u, err := s.accounts.GetUser(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

func (s *Server) patchUser(c *gin.Context) error {
	var in userPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.editUser(c, c.Param("id"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

// editUser applies in to user id and audits it: PATCH /users/{id} and the
// form of /admin/users/{id} both come here.
func (s *Server) editUser(c *gin.Context, id string, in userPatch) (*accounts.User, error) {
	// An admin who disables or demotes itself may leave nobody to undo it.
	if p := principal(c); p.UserID == id && (in.Disabled != nil && *in.Disabled || in.Role != nil && *in.Role != accounts.RoleAdmin) {
		return nil, minyi.E(minyi.ErrConflict, "self_lockout", "不能停用自己的账户或取消自己的管理员角色")
	}
	if in.OrgID != nil {
		if err := s.checkOrg(c.Request.Context(), strings.TrimSpace(*in.OrgID), "组织不存在"); err != nil {
			return nil, err
		}
	}
	u, err := s.accounts.UpdateUser(c.Request.Context(), id, accounts.UserPatch{
		Name: in.Name, Role: in.Role, OrgID: in.OrgID, Password: in.Password, Disabled: in.Disabled,
	})
	if err != nil {
		return nil, err
	}
	s.audit(c, "user.update", "user", u.ID, "修改用户 "+u.Login+"："+patchSummary(in))
	return u, nil
}

// patchSummary names what changed, never the password itself.
func patchSummary(p userPatch) string {
	var parts []string
	if p.Name != nil {
		parts = append(parts, "姓名改为 "+*p.Name)
	}
	if p.Role != nil {
		parts = append(parts, "角色改为 "+p.Role.Label())
	}
	if p.OrgID != nil {
		parts = append(parts, "所属组织改为 "+*p.OrgID)
	}
	if p.Password != nil {
		parts = append(parts, "重设密码")
	}
	if p.Disabled != nil {
		if *p.Disabled {
			parts = append(parts, "停用")
		} else {
			parts = append(parts, "启用")
		}
	}
	if len(parts) == 0 {
		return "无变更"
	}
	return strings.Join(parts, "，")
}
