package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
)

// UserInput is what an admin sets on a new user.
type UserInput struct {
	Login    string        `json:"login"`
	Name     string        `json:"name"`
	Password string        `json:"password"`
	Role     accounts.Role `json:"role"`
	OrgID    string        `json:"org_id"`
	MemberID string        `json:"member_id"`
}

type UserPatch struct {
	Name     *string        `json:"name"`
	Role     *accounts.Role `json:"role"`
	OrgID    *string        `json:"org_id"`
	Password *string        `json:"password"`
	Disabled *bool          `json:"disabled"`
	MemberID *string        `json:"member_id"`
}

func (s *Users) CreateUser(c *gin.Context) error {
	var in UserInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.userOps.CreateUser(c.Request.Context(), accounts.UserInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, u)
	return nil
}

func (s *Users) ListUsers(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	items, next, err := s.accounts.ListUsers(c.Request.Context(), limit, after)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

func (s *Users) GetUser(c *gin.Context) error {
	u, err := s.accounts.GetUser(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

func (s *Users) PatchUser(c *gin.Context) error {
	var in UserPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.userOps.UpdateUser(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

func (in UserPatch) patch() accounts.UserPatch {
	return accounts.UserPatch{Name: in.Name, Role: in.Role, OrgID: in.OrgID, Password: in.Password, Disabled: in.Disabled, MemberID: in.MemberID}
}
