package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/surveys"
)

// Admin pages for the org tree and the roster: /admin/orgs (the tree and a
// form to add an org) and /admin/orgs/{id} (its members, a form to add one
// and the roster upload). Every change is the same domain operation as the
// JSON API's (surveys.OrgService), so validation, authorisation and audit
// are identical.

// memberPageSize is how many members /admin/orgs/{id} shows at a time.
const memberPageSize = 100

// orgKinds is the kind picker, highest level first.
var orgKinds = []surveys.OrgKind{surveys.OrgCommittee, surveys.OrgGeneralBranch, surveys.OrgBranch}

type orgForm struct {
	Name, Code, Kind, ParentID string
}

type adminOrgsView struct {
	Tree    []*httpx.OrgNode
	Parents []option // every org in tree order, indented by depth
	Kinds   []option
	Form    orgForm
	Errors  map[string]string
	Error   string
	Created *surveys.Org // the org just created
	Deleted string       // name of the org just deleted
}

// orgTree builds the tree (roots first, children in store order) and the
// options of a parent picker in the same order, indented by depth.
func orgTree(all []surveys.Org) ([]*httpx.OrgNode, []option) {
	roots := httpx.NewOrgTree(all)
	var opts []option
	for _, n := range httpx.TreeOrder(roots) {
		opts = append(opts, option{n.ID, strings.Repeat("　", n.Depth) + n.Name + " [" + n.Code + "]（" + n.Kind.Label() + "）"})
	}
	return roots, opts
}

func (s *OrgPages) AdminOrgsPage(c *gin.Context) error {
	return s.renderAdminOrgs(c, http.StatusOK, adminOrgsView{Form: orgForm{Kind: string(surveys.OrgBranch)}, Deleted: c.Query("deleted")})
}

// renderAdminOrgs shows the tree and the form; ?created= names the org
// just created (found in the tree, not read again).
func (s *OrgPages) renderAdminOrgs(c *gin.Context, status int, v adminOrgsView) error {
	all, err := s.orgs.All(c.Request.Context())
	if err != nil {
		return err
	}
	v.Tree, v.Parents = orgTree(all)
	created := c.Query("created")
	if i := slices.IndexFunc(all, func(o surveys.Org) bool { return o.ID == created }); i >= 0 {
		v.Created = &all[i]
	}
	for _, k := range orgKinds {
		v.Kinds = append(v.Kinds, option{string(k), k.Label()})
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_orgs", PageView{Title: "组织管理", Data: v})
}

// adminCreateOrg is the add-org form's POST: 303 back to the tree naming
// the new org, or the form again with the errors by field.
func (s *OrgPages) AdminCreateOrg(c *gin.Context) error {
	f := orgForm{Name: c.PostForm("name"), Code: c.PostForm("code"), Kind: c.PostForm("kind"), ParentID: c.PostForm("parent_id")}
	o, err := s.orgOps.CreateOrg(c.Request.Context(), surveys.OrgInput{Name: f.Name, Code: f.Code, Kind: surveys.OrgKind(f.Kind), ParentID: f.ParentID})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminOrgs(c, status, adminOrgsView{Form: f, Errors: fields, Error: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs?"+url.Values{"created": {o.ID}}.Encode())
	return nil
}

type memberForm struct {
	Name, Title  string
	Probationary bool
}

type memberRow struct {
	ID, Name, Title, Org, Number string
	Probationary                 bool
}

// orgEditForm is the rename/move form of /admin/orgs/{id}.
type orgEditForm struct {
	Name, Code, ParentID string
}

type adminOrgView struct {
	Org       *surveys.Org
	Kind      string
	Ancestors []surveys.Org // root first
	Children  []surveys.Org
	Members   []memberRow
	More      string // next page of members
	Query     string // the member search (part of a name)
	Form      memberForm
	Errors    map[string]string
	Error     string
	Added     string // name of the member just added
	// The edit form: the org's fields (or what was posted), the parents it
	// may move under (not itself nor anything below it), and its errors.
	Edit        orgEditForm
	Parents     []option
	EditErrors  map[string]string
	EditError   string
	Notice      string // after a redirect: what was just done
	DeleteError string // why the org cannot be deleted
	// The roster upload: its outcome, or why it was refused.
	Partial      bool
	DryRun       bool // the outcome is a check, nothing was stored
	Import       *surveys.ImportResult
	ImportError  string
	ImportFile   string // the file field's message
	RejectedRows []surveys.RowError
}

// orgNotices are the notices ?done= names after a redirect to an org page.
var orgNotices = map[string]string{"updated": "已保存组织信息。", "member_deleted": "已删除党员。"}

func (s *OrgPages) AdminOrgPage(c *gin.Context) error {
	v := adminOrgView{Added: c.Query("added"), Notice: orgNotices[c.Query("done")]}
	if name := c.Query("deleted_member"); name != "" {
		v.Notice = "已删除党员" + name + "。"
	}
	return s.renderAdminOrg(c, http.StatusOK, v)
}

// renderAdminOrg shows org :id with the members of its subtree (a page at
// a time) and both forms.
func (s *OrgPages) renderAdminOrg(c *gin.Context, status int, v adminOrgView) error {
	ctx := c.Request.Context()
	id := c.Param("id")
	all, err := s.orgs.All(ctx)
	if err != nil {
		return err
	}
	byID := rest.OrgIndex(all)
	o, ok := byID[id]
	if !ok {
		return minyi.NotFound("org_not_found", "组织")
	}
	v.Org, v.Kind = &o, o.Kind.Label()
	for _, a := range o.Path {
		if p, ok := byID[a]; ok {
			v.Ancestors = append(v.Ancestors, p)
		}
	}
	var subtree []string
	for _, x := range all {
		if x.ParentID == id {
			v.Children = append(v.Children, x)
		}
		if x.ID == id || slices.Contains(x.Path, id) {
			subtree = append(subtree, x.ID)
		}
	}
	_, parents := orgTree(all)
	v.Parents = slices.DeleteFunc(parents, func(p option) bool { return slices.Contains(subtree, p.Value) })
	if v.EditErrors == nil {
		v.Edit = orgEditForm{Name: o.Name, Code: o.Code, ParentID: o.ParentID}
		v.EditErrors = map[string]string{}
	}
	// The search is part of the page's address (?q=), so the next page and
	// a reload keep it, as GET /api/v1/members?q= does.
	v.Query = strings.TrimSpace(c.Query("q"))
	members, next, err := s.members.List(ctx, surveys.MemberFilter{OrgIDs: subtree, Query: v.Query}, c.Query("after"), memberPageSize)
	if err != nil {
		return err
	}
	for _, m := range members {
		v.Members = append(v.Members, memberRow{ID: m.ID, Name: m.Name, Title: m.Title, Org: orgName(byID, m.OrgID), Probationary: m.Probationary, Number: m.Number})
	}
	if next != "" {
		q := url.Values{"after": {next}}
		if v.Query != "" {
			q.Set("q", v.Query)
		}
		v.More = "/admin/orgs/" + id + "?" + q.Encode()
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_org", PageView{Title: o.Name + " · 组织管理", Data: v})
}

// adminCreateMember adds a member to org :id as POST /api/v1/members does.
func (s *OrgPages) AdminCreateMember(c *gin.Context) error {
	f := memberForm{Name: c.PostForm("name"), Title: c.PostForm("title"), Probationary: c.PostForm("probationary") != ""}
	m, err := s.orgOps.CreateMember(c.Request.Context(), surveys.MemberInput{Name: f.Name, OrgID: c.Param("id"), Title: f.Title, Probationary: f.Probationary})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		if msg, ok := fields["org_id"]; ok {
			body.Message = msg // the org is the page's, not a field of the form
		}
		return s.renderAdminOrg(c, status, adminOrgView{Form: f, Errors: fields, Error: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+c.Param("id")+"?"+url.Values{"added": {m.Name}}.Encode())
	return nil
}

// adminImportRoster takes the roster upload as POST /api/v1/members/import
// does and shows the outcome on the org's page: the counts, and every bad
// row with its number. A re-post (a reload) imports nothing new, so the
// outcome is rendered directly rather than behind a redirect.
//
// The form has two buttons: "检查名册（不导入）" (dry_run=1) checks the file
// and shows what an import would do, storing nothing.
func (s *OrgPages) AdminImportRoster(c *gin.Context) error {
	v := adminOrgView{Partial: c.PostForm("partial") != "", DryRun: c.PostForm("dry_run") != ""}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		v.ImportFile = "请选择要导入的名册文件（.xlsx）"
		if errors.As(err, &mbe) {
			v.ImportFile = "文件过大：名册不能超过10MB"
		}
		v.ImportError = v.ImportFile
		return s.renderAdminOrg(c, http.StatusUnprocessableEntity, v)
	}
	res, err := httpx.ImportRoster(c.Request.Context(), s.orgOps, fh, surveys.ImportOptions{Partial: v.Partial, DryRun: v.DryRun})
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		v.ImportError = body.Message
		v.ImportFile = fields["file"]
		if rows, ok := body.Details["errors"].([]surveys.RowError); ok {
			v.RejectedRows = rows
		}
		return s.renderAdminOrg(c, status, v)
	}
	v.Import = res
	return s.renderAdminOrg(c, http.StatusOK, v)
}

// adminEditOrg is the edit form's POST (name, code, parent): PATCH
// /api/v1/orgs/{id} through the same domain operation, then 303 back with a notice,
// or the page again with each error by its field.
func (s *OrgPages) AdminEditOrg(c *gin.Context) error {
	f := orgEditForm{Name: c.PostForm("name"), Code: c.PostForm("code"), ParentID: c.PostForm("parent_id")}
	_, err := s.orgOps.UpdateOrg(c.Request.Context(), c.Param("id"), surveys.OrgPatch{Name: &f.Name, Code: &f.Code, ParentID: &f.ParentID})
	if errors.Is(err, minyi.ErrNotFound) {
		return err // the org itself: the message page
	}
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminOrg(c, status, adminOrgView{Edit: f, EditErrors: fields, EditError: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+c.Param("id")+"?done=updated")
	return nil
}

// deleteView is the confirmation page before deleting something: a
// question naming it, what goes with it, and the POST button.
type deleteView struct {
	Question string   // 确定删除…？
	Lines    []string // what deleting it means
	Action   string   // where the button posts
	Cancel   string   // back to the thing
	Button   string
}

// adminDeleteOrgPage is GET /admin/orgs/{id}/delete: "确定删除…？". An org
// with children or members cannot be deleted; the page says so before the
// button, and the POST refuses it anyway.
func (s *OrgPages) AdminDeleteOrgPage(c *gin.Context) error {
	ctx := c.Request.Context()
	o, err := s.orgs.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	v := deleteView{
		Question: fmt.Sprintf("确定删除%s“%s”（编码 %s）？", o.Kind.Label(), o.Name, o.Code),
		Lines:    []string{"删除后不能恢复。已发布测评中记录的组织名称不受影响。", "组织下还有下级组织或党员时不能删除：请先移走或删除它们。"},
		Action:   "/admin/orgs/" + o.ID + "/delete", Cancel: "/admin/orgs/" + o.ID, Button: "确认删除",
	}
	return s.pages.Render(c, http.StatusOK, "admin_delete", PageView{Title: "删除组织 · " + o.Name, Data: v})
}

// adminDeleteOrg is the confirmation's POST: DELETE /api/v1/orgs/{id}
// through the same domain operation; 303 to the tree naming the org, or the org's
// page with the refusal (children, members) in Chinese.
func (s *OrgPages) AdminDeleteOrg(c *gin.Context) error {
	o, err := s.orgOps.DeleteOrg(c.Request.Context(), c.Param("id"))
	if errors.Is(err, minyi.ErrNotFound) {
		return err
	}
	if err != nil {
		status, _, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminOrg(c, status, adminOrgView{DeleteError: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs?"+url.Values{"deleted": {o.Name}}.Encode())
	return nil
}
