package rest

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/exports"
	"minyi/surveys"
)

// RosterMaxBody is the body limit of the roster import: a roster of some
// thousand rows is well under 1 MiB, but workbooks carry styles and images.
const RosterMaxBody = 10 << 20

// MemberInput is what a client may set on a new member.
type MemberInput struct {
	Name         string `json:"name"`
	OrgID        string `json:"org_id"`
	Title        string `json:"title"`
	Probationary bool   `json:"probationary"`
	Number       string `json:"number"` // 党员编号, unique across the tree
}

type MemberPatch struct {
	Name         *string `json:"name"`
	OrgID        *string `json:"org_id"`
	Title        *string `json:"title"`
	Probationary *bool   `json:"probationary"`
	Number       *string `json:"number"`
}

func (s *Members) CreateMember(c *gin.Context) error {
	var in MemberInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.orgOps.CreateMember(c.Request.Context(), surveys.MemberInput(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, m)
	return nil
}

func (s *Members) GetMember(c *gin.Context) error {
	m, err := s.members.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.scope.RequireOrg(c, m.OrgID); err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

// listMembers pages through the roster. ?org_id= takes the whole subtree of
// that org (a general branch lists its branches' members too); ?q= matches
// part of the name. A secretary sees only its own subtree.
func (s *Members) ListMembers(c *gin.Context) error {
	limit, after, err := httpx.Page(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	scope, err := s.scope.OrgScope(c)
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
				return httpx.ErrOutOfScope
			}
		}
		f.OrgIDs = sub
	}
	items, next, err := s.members.List(ctx, f, after, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.NewList(items, next))
	return nil
}

func (s *Members) PatchMember(c *gin.Context) error {
	var in MemberPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.orgOps.UpdateMember(c.Request.Context(), c.Param("id"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

func (in MemberPatch) patch() surveys.MemberPatch {
	return surveys.MemberPatch{Name: in.Name, OrgID: in.OrgID, Title: in.Title, Probationary: in.Probationary, Number: in.Number}
}

func (s *Members) DeleteMember(c *gin.Context) error {
	if _, err := s.orgOps.DeleteMember(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// importMembers reads the roster workbook from the multipart field "file".
// With bad rows it answers 422 import_rejected (every row named, nothing
// stored) unless ?partial=true, which stores the good rows and answers 200
// with the bad ones listed. ?dry_run=true answers 200 with what the import
// would do (rejected: true when it would be refused) and stores nothing.
func (s *Members) ImportMembers(c *gin.Context) error {
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
	res, err := httpx.ImportRoster(c.Request.Context(), s.orgOps, fh, surveys.ImportOptions{Partial: partial, DryRun: dryRun})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// rosterTemplate answers GET /members/import/template.xlsx: the workbook
// to fill in for the import, with every org's code (in tree order, so a
// branch follows its general branch) on the 组织编码 sheet.
func (s *Members) RosterTemplate(c *gin.Context) error {
	all, err := s.orgs.All(c.Request.Context())
	if err != nil {
		return err
	}
	byID := OrgIndex(all)
	var orgs []exports.RosterOrg
	for _, n := range httpx.TreeOrder(httpx.NewOrgTree(all)) {
		orgs = append(orgs, exports.RosterOrg{Code: n.Code, Name: n.Name, Kind: n.Kind.Label(), Parent: byID[n.ParentID].Name})
	}
	var buf bytes.Buffer
	if err := exports.WriteRosterTemplate(&buf, orgs); err != nil {
		return err
	}
	httpx.Attachment(c, "roster-template.xlsx", "党员名册模板.xlsx")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}
