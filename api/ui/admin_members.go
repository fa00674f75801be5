package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/surveys"
)

// The member edit page, /admin/members/{id}: name, title, org and
// probationary, saved as PATCH /api/v1/members/{id} does, and deleting
// behind a confirmation page, as DELETE /api/v1/members/{id} does (the same
// domain operations, surveys.OrgService, so validation, authorisation and
// audit are the JSON API's).

type memberEditForm struct {
	Name, Title, OrgID, Number string
	Probationary               bool
}

type adminMemberView struct {
	Member *surveys.Member // as stored
	Org    surveys.Org     // the stored member's org, for the way back
	Orgs   []option        // the org picker, in tree order
	Form   memberEditForm
	Errors map[string]string
	Error  string
	Saved  bool
}

func (s *OrgPages) AdminMemberPage(c *gin.Context) error {
	return s.renderAdminMember(c, http.StatusOK, adminMemberView{Saved: c.Query("done") == "saved"})
}

// renderAdminMember shows member :id with the form: the stored values, or
// what was posted when v.Errors is set.
func (s *OrgPages) renderAdminMember(c *gin.Context, status int, v adminMemberView) error {
	ctx := c.Request.Context()
	m, err := s.members.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	all, err := s.orgs.All(ctx)
	if err != nil {
		return err
	}
	v.Member = m
	for _, o := range all {
		if o.ID == m.OrgID {
			v.Org = o
		}
	}
	_, v.Orgs = orgTree(all)
	if v.Errors == nil {
		v.Form = memberEditForm{Name: m.Name, Title: m.Title, OrgID: m.OrgID, Probationary: m.Probationary, Number: m.Number}
		v.Errors = map[string]string{}
	}
	return s.pages.Render(c, status, "admin_member", PageView{Title: m.Name + " · 党员", Data: v})
}

// adminEditMember is the form's POST: 303 back with a notice, or the form
// again with each error by its field and the answers kept.
func (s *OrgPages) AdminEditMember(c *gin.Context) error {
	f := memberEditForm{Name: c.PostForm("name"), Title: c.PostForm("title"), OrgID: c.PostForm("org_id"), Probationary: c.PostForm("probationary") != "", Number: c.PostForm("number")}
	_, err := s.orgOps.UpdateMember(c.Request.Context(), c.Param("id"), surveys.MemberPatch{Name: &f.Name, Title: &f.Title, OrgID: &f.OrgID, Probationary: &f.Probationary, Number: &f.Number})
	if errors.Is(err, minyi.ErrNotFound) {
		return err // the member itself: the message page
	}
	if err != nil {
		status, fields, body, err := formFailure(c, err)
		if err != nil {
			return err
		}
		return s.renderAdminMember(c, status, adminMemberView{Form: f, Errors: fields, Error: body.Message})
	}
	c.Redirect(http.StatusSeeOther, "/admin/members/"+c.Param("id")+"?done=saved")
	return nil
}

// adminDeleteMemberPage is GET /admin/members/{id}/delete: "确定删除…？".
func (s *OrgPages) AdminDeleteMemberPage(c *gin.Context) error {
	ctx := c.Request.Context()
	m, err := s.members.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	org := m.OrgID
	if o, err := s.orgs.Get(ctx, m.OrgID); err == nil {
		org = o.Name
	}
	v := deleteView{
		Question: fmt.Sprintf("确定删除党员“%s”（%s）？", m.Name, org),
		Lines:    []string{"删除后不能恢复；需要时可重新添加或导入。", "已发布的测评中保留该党员的姓名和测评结果。"},
		Action:   "/admin/members/" + m.ID + "/delete", Cancel: "/admin/members/" + m.ID, Button: "确认删除",
	}
	return s.pages.Render(c, http.StatusOK, "admin_delete", PageView{Title: "删除党员 · " + m.Name, Data: v})
}

// adminDeleteMember is the confirmation's POST: 303 to the member's org
// page naming who was deleted.
func (s *OrgPages) AdminDeleteMember(c *gin.Context) error {
	m, err := s.orgOps.DeleteMember(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/orgs/"+m.OrgID+"?"+url.Values{"deleted_member": {m.Name}}.Encode())
	return nil
}
