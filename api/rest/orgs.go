package rest

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/surveys"
)

// OrgInput is what a client may set on a new org; server-owned fields
// (id, path, times) are not in it.
type OrgInput struct {
	Name     string          `json:"name"`
	Code     string          `json:"code"`
	Kind     surveys.OrgKind `json:"kind"`
	ParentID string          `json:"parent_id"`
}

// OrgPatch is PATCH /orgs/{id}: absent fields stay; parent_id moves the
// org with its subtree ("" makes it a root).
type OrgPatch struct {
	Name     *string `json:"name"`
	Code     *string `json:"code"`
	ParentID *string `json:"parent_id"`
}

func (s *Orgs) CreateOrg(c *gin.Context) error {
	var in OrgInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.orgOps.CreateOrg(c.Request.Context(), surveys.OrgInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, o)
	return nil
}

func (s *Orgs) GetOrg(c *gin.Context) error {
	if err := s.scope.RequireOrg(c, c.Param("id")); err != nil {
		return err
	}
	o, err := s.orgs.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, o)
	return nil
}

// listOrgs answers the tree: roots with nested children. A secretary sees
// only its own subtree, rooted at its org.
func (s *Orgs) ListOrgs(c *gin.Context) error {
	all, err := s.orgs.All(c.Request.Context())
	if err != nil {
		return err
	}
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return err
	}
	if scope != nil {
		all = slices.DeleteFunc(all, func(o surveys.Org) bool { return !httpx.InScope(scope, o.ID) })
	}
	c.JSON(http.StatusOK, httpx.ItemsOf(httpx.NewOrgTree(all)))
	return nil
}

func (s *Orgs) PatchOrg(c *gin.Context) error {
	var in OrgPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.orgOps.UpdateOrg(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, o)
	return nil
}

func (in OrgPatch) patch() surveys.OrgPatch {
	return surveys.OrgPatch{Name: in.Name, Code: in.Code, ParentID: in.ParentID}
}

func (s *Orgs) DeleteOrg(c *gin.Context) error {
	if _, err := s.orgOps.DeleteOrg(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// OrgIndex maps the orgs by id (the tree is small and read whole).
func OrgIndex(all []surveys.Org) map[string]surveys.Org {
	byID := make(map[string]surveys.Org, len(all))
	for _, o := range all {
		byID[o.ID] = o
	}
	return byID
}
