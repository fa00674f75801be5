package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/surveys"
)

// orgInput is what a client may set on a new org; server-owned fields
// (id, path, times) are not in it.
type orgInput struct {
	Name     string          `json:"name"`
	Code     string          `json:"code"`
	Kind     surveys.OrgKind `json:"kind"`
	ParentID string          `json:"parent_id"`
}

// orgPatch is PATCH /orgs/{id}: absent fields stay; parent_id moves the
// org with its subtree ("" makes it a root).
type orgPatch struct {
	Name     *string `json:"name"`
	Code     *string `json:"code"`
	ParentID *string `json:"parent_id"`
}

// orgNode is an org with its children, for the tree.
type orgNode struct {
	surveys.Org
	Children []*orgNode `json:"children"`
}

func (s *Server) createOrg(c *gin.Context) error {
	var in orgInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.addOrg(c, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, o)
	return nil
}

// addOrg creates an org; POST /api/v1/orgs and the /admin/orgs form share it.
func (s *Server) addOrg(c *gin.Context, in orgInput) (*surveys.Org, error) {
	o := surveys.Org{Name: in.Name, Code: in.Code, Kind: in.Kind, ParentID: in.ParentID}
	if err := s.orgs.Create(c.Request.Context(), &o); err != nil {
		return nil, err
	}
	s.audit(c, "org.create", "org", o.ID, fmt.Sprintf("创建组织%s（%s）", o.Name, o.Code))
	return &o, nil
}

func (s *Server) getOrg(c *gin.Context) error {
	if err := s.requireOrg(c, c.Param("id")); err != nil {
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
func (s *Server) listOrgs(c *gin.Context) error {
	all, err := s.orgs.All(c.Request.Context())
	if err != nil {
		return err
	}
	scope, err := s.orgScope(c)
	if err != nil {
		return err
	}
	if scope != nil {
		all = slices.DeleteFunc(all, func(o surveys.Org) bool { return !inScope(scope, o.ID) })
	}
	c.JSON(http.StatusOK, itemsOf(newOrgTree(all)))
	return nil
}

// newOrgTree nests the orgs under their parents, children in the order of
// all; an org whose parent is not in all is a root. The API and the
// /admin/orgs page share it.
func newOrgTree(all []surveys.Org) []*orgNode {
	nodes := make(map[string]*orgNode, len(all))
	for _, o := range all {
		nodes[o.ID] = &orgNode{Org: o, Children: []*orgNode{}}
	}
	roots := []*orgNode{}
	for _, o := range all {
		if p, ok := nodes[o.ParentID]; ok {
			p.Children = append(p.Children, nodes[o.ID])
		} else {
			roots = append(roots, nodes[o.ID])
		}
	}
	return roots
}

func (s *Server) patchOrg(c *gin.Context) error {
	var in orgPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.editOrg(c, c.Param("id"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, o)
	return nil
}

// editOrg renames, recodes or moves org id and audits it; PATCH
// /api/v1/orgs/{id} and the /admin/orgs/{id} form share it.
func (s *Server) editOrg(c *gin.Context, id string, in orgPatch) (*surveys.Org, error) {
	ctx := c.Request.Context()
	before, err := s.orgs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	o, err := s.orgs.Update(ctx, id, surveys.OrgPatch{Name: in.Name, Code: in.Code, ParentID: in.ParentID})
	if err != nil {
		return nil, err
	}
	var what []string
	if o.Name != before.Name {
		what = append(what, "名称改为"+o.Name)
	}
	if o.Code != before.Code {
		what = append(what, "编码改为"+o.Code)
	}
	if o.ParentID != before.ParentID {
		what = append(what, "移动到"+s.orgLabel(ctx, o.ParentID))
	}
	if len(what) == 0 {
		what = append(what, "未改动")
	}
	s.audit(c, "org.update", "org", o.ID, fmt.Sprintf("修改组织%s：%s", before.Name, strings.Join(what, "，")))
	return o, nil
}

// orgLabel names a parent for the audit log: its name, or 最上级 for none.
func (s *Server) orgLabel(ctx context.Context, id string) string {
	if id == "" {
		return "最上级"
	}
	if o, err := s.orgs.Get(ctx, id); err == nil {
		return o.Name + "之下"
	}
	return id + "之下"
}

func (s *Server) deleteOrg(c *gin.Context) error {
	if _, err := s.removeOrg(c, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// removeOrg deletes org id (refused while it has children or members) and
// audits it; DELETE /api/v1/orgs/{id} and the /admin/orgs/{id}/delete form
// share it. It returns the org as it was, for the page's notice.
func (s *Server) removeOrg(c *gin.Context, id string) (*surveys.Org, error) {
	o, err := s.orgs.Delete(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	s.audit(c, "org.delete", "org", id, fmt.Sprintf("删除组织%s（%s）", o.Name, o.Code))
	return o, nil
}

// orgIndex maps the orgs by id (the tree is small and read whole).
func orgIndex(all []surveys.Org) map[string]surveys.Org {
	byID := make(map[string]surveys.Org, len(all))
	for _, o := range all {
		byID[o.ID] = o
	}
	return byID
}
