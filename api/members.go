package api

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/exports"
	"minyi/surveys"
)

// rosterMaxBody is the body limit of the roster import: a roster of some
// thousand rows is well under 1 MiB, but workbooks carry styles and images.
const rosterMaxBody = 10 << 20

// memberInput is what a client may set on a new member.
type memberInput struct {
	Name         string `json:"name"`
	OrgID        string `json:"org_id"`
	Title        string `json:"title"`
	Probationary bool   `json:"probationary"`
}

type memberPatch struct {
	Name         *string `json:"name"`
	OrgID        *string `json:"org_id"`
	Title        *string `json:"title"`
	Probationary *bool   `json:"probationary"`
}

func (s *Server) createMember(c *gin.Context) error {
	var in memberInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.addMember(c, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, m)
	return nil
}

// addMember creates a member and audits it; POST /api/v1/members and the
// /admin/orgs/{id} form share it.
func (s *Server) addMember(c *gin.Context, in memberInput) (*surveys.Member, error) {
	m := surveys.Member{Name: in.Name, OrgID: in.OrgID, Title: in.Title, Probationary: in.Probationary}
	if err := s.members.Create(c.Request.Context(), &m); err != nil {
		return nil, err
	}
	s.audit(c, "member.create", "member", m.ID, "添加党员"+m.Name)
	return &m, nil
}

func (s *Server) getMember(c *gin.Context) error {
	m, err := s.members.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.requireOrg(c, m.OrgID); err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

// listMembers pages through the roster. ?org_id= takes the whole subtree of
// that org (a general branch lists its branches' members too); ?q= matches
// part of the name. A secretary sees only its own subtree.
func (s *Server) listMembers(c *gin.Context) error {
	limit, after, err := page(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	scope, err := s.orgScope(c)
	if err != nil {
		return err
	}
	f := surveys.MemberFilter{OrgIDs: scope, Query: c.Query("q")}
	if id := c.Query("org_id"); id != "" {
		if _, err := s.orgs.Get(ctx, id); err != nil {
			return err
		}
		sub, err := s.orgs.Subtree(ctx, id)
		if err != nil {
			return err
		}
		if scope != nil {
			sub = slices.DeleteFunc(sub, func(o string) bool { return !slices.Contains(scope, o) })
			if len(sub) == 0 {
				return errOutOfScope
			}
		}
		f.OrgIDs = sub
	}
	items, next, err := s.members.List(ctx, f, after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) patchMember(c *gin.Context) error {
	var in memberPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.editMember(c, c.Param("id"), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

// editMember applies a patch to member id and audits it; PATCH
// /api/v1/members/{id} and the /admin/members/{id} form share it.
func (s *Server) editMember(c *gin.Context, id string, in memberPatch) (*surveys.Member, error) {
	m, err := s.members.Update(c.Request.Context(), id, surveys.MemberPatch{
		Name: in.Name, OrgID: in.OrgID, Title: in.Title, Probationary: in.Probationary,
	})
	if err != nil {
		return nil, err
	}
	s.audit(c, "member.update", "member", m.ID, "修改党员"+m.Name)
	return m, nil
}

func (s *Server) deleteMember(c *gin.Context) error {
	if _, err := s.removeMember(c, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// removeMember deletes member id and audits it; DELETE
// /api/v1/members/{id} and the /admin/members/{id}/delete form share it. It
// returns the member as it was, for the page's notice.
func (s *Server) removeMember(c *gin.Context, id string) (*surveys.Member, error) {
	m, err := s.members.Delete(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	s.audit(c, "member.delete", "member", id, "删除党员"+m.Name)
	return m, nil
}

// importMembers reads the roster workbook from the multipart field "file".
// With bad rows it answers 422 import_rejected (every row named, nothing
// stored) unless ?partial=true, which stores the good rows and answers 200
// with the bad ones listed. ?dry_run=true answers 200 with what the import
// would do (rejected: true when it would be refused) and stores nothing.
func (s *Server) importMembers(c *gin.Context) error {
	var fe minyi.FieldErrors
	partial, err := strconv.ParseBool(c.DefaultQuery("partial", "false"))
	if err != nil {
		fe.Add("partial", "invalid", "partial 应为 true 或 false")
	}
	dryRun, err := strconv.ParseBool(c.DefaultQuery("dry_run", "false"))
	if err != nil {
		fe.Add("dry_run", "invalid", "dry_run 应为 true 或 false")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		return minyi.E(minyi.ErrUnsupportedMedia, "unsupported_media_type", "请以 multipart/form-data 上传名册文件（字段名 file）")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return minyi.E(minyi.ErrTooLarge, "body_too_large", "文件过大：名册不能超过10MB")
		}
		var fe minyi.FieldErrors
		fe.Add("file", "required", "请选择要导入的名册文件（.xlsx）")
		return fe.Err()
	}
	res, err := s.importRoster(c, fh, surveys.ImportOptions{Partial: partial, DryRun: dryRun})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// importRoster reads an uploaded roster workbook, imports it (or checks
// it, on a dry run) and audits the outcome of a real import; POST
// /api/v1/members/import and the /admin/orgs/{id} upload form share it.
func (s *Server) importRoster(c *gin.Context, fh *multipart.FileHeader, opt surveys.ImportOptions) (*surveys.ImportResult, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := exports.ReadRoster(c.Request.Context(), f)
	if err != nil {
		return nil, err
	}
	res, err := s.members.ImportWith(c.Request.Context(), rows, opt)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		return res, nil // nothing changed, nothing to audit
	}
	s.audit(c, "member.import", "member", "", fmt.Sprintf("导入党员名册：新增%d人，更新%d人，%d行有误", res.Created, res.Updated, len(res.Errors)))
	return res, nil
}

// rosterTemplate answers GET /members/import/template.xlsx: the workbook
// to fill in for the import, with every org's code (in tree order, so a
// branch follows its general branch) on the 组织编码 sheet.
func (s *Server) rosterTemplate(c *gin.Context) error {
	all, err := s.orgs.All(c.Request.Context())
	if err != nil {
		return err
	}
	byID := orgIndex(all)
	var orgs []exports.RosterOrg
	for _, n := range treeOrder(newOrgTree(all)) {
		orgs = append(orgs, exports.RosterOrg{Code: n.Code, Name: n.Name, Kind: n.Kind.Label(), Parent: byID[n.ParentID].Name})
	}
	var buf bytes.Buffer
	if err := exports.WriteRosterTemplate(&buf, orgs); err != nil {
		return err
	}
	attachment(c, "roster-template.xlsx", "党员名册模板.xlsx")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}
