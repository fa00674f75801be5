package api

import (
	"context"
	"errors"
	"net/http"

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
	u, err := s.userOps.CreateUser(c.Request.Context(), accounts.UserInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, u)
	return nil
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
	u, err := s.userOps.UpdateUser(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

func (in userPatch) patch() accounts.UserPatch {
	return accounts.UserPatch{Name: in.Name, Role: in.Role, OrgID: in.OrgID, Password: in.Password, Disabled: in.Disabled}
}
