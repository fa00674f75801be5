package rest

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/commitments"
	"minyi/exports"
)

// Public commitments (API.md "Second round › Commitments").

// Commitments answers /commitments: the cycle, the ledger and the public list.
type Commitments struct {
	auditor minyi.Auditor
	baseURL string
	ops     *commitments.Service
}

// NewCommitments builds the commitments handlers over ops.
func NewCommitments(ops *commitments.Service, auditor minyi.Auditor, baseURL string) *Commitments {
	return &Commitments{auditor: auditor, baseURL: baseURL, ops: ops}
}

// OwnerInput names who commits.
type OwnerInput struct {
	Type commitments.OwnerType `json:"type"`
	ID   string                `json:"id"`
}

// CommitmentInput is a new commitment.
type CommitmentInput struct {
	Owner       OwnerInput       `json:"owner"`
	Period      string           `json:"period"`
	Area        commitments.Area `json:"area"`
	Content     string           `json:"content"`
	Target      string           `json:"target"`
	Due         string           `json:"due"`
	Responsible string           `json:"responsible"`
}

// CommitmentPatch revises a draft or returned commitment; absent fields stay.
type CommitmentPatch struct {
	Area        *commitments.Area `json:"area"`
	Content     *string           `json:"content"`
	Target      *string           `json:"target"`
	Due         *string           `json:"due"`
	Responsible *string           `json:"responsible"`
}

type ReviewInput struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

type ProgressInput struct {
	Percent int    `json:"percent"`
	Note    string `json:"note"`
	Date    string `json:"date"`
}

type OutcomeInput struct {
	Outcome     commitments.Outcome `json:"outcome"`
	Explanation string              `json:"explanation"`
}

type EvaluationInput struct {
	OrgID  string `json:"org_id"`
	Period string `json:"period"`
	Title  string `json:"title"`
}

// CommitmentStats is GET /commitments/stats.
type CommitmentStats struct {
	Orgs        []commitments.OrgStats `json:"orgs"`
	Total       *commitments.OrgStats  `json:"total"` // the whole subtree as one; null without commitments
	Definitions map[string]string      `json:"definitions"`
}

type CommitmentParams struct {
	OrgID  string `form:"org_id" doc:"组织（书记默认本组织）"`
	Period string `form:"period" binding:"required" doc:"时期：年度 2026 或半年 2026H1、2026H2（年度含其上下半年）"`
}

type CommitmentListParams struct {
	CommitmentParams
	Status string `form:"status" enum:"draft,submitted,returned,approved,completed" doc:"按状态筛选"`
}

type PledgeParams struct {
	OwnerType string `form:"owner_type" binding:"required" enum:"member,org" doc:"承诺主体类型"`
	OwnerID   string `form:"owner_id" binding:"required" doc:"党员或组织编号"`
	Period    string `form:"period" binding:"required" doc:"时期"`
}

type CommitmentImportParams struct {
	OrgID  string `form:"org_id" binding:"required" doc:"导入到哪个支部"`
	DryRun bool   `form:"dry_run,default=false" doc:"true：只检查、不保存"`
}

func (s *Commitments) CreateCommitment(c *gin.Context) error {
	var in CommitmentInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.ops.Create(c.Request.Context(), commitments.Input{OwnerType: in.Owner.Type, OwnerID: in.Owner.ID, Period: in.Period,
		Content: commitments.Content{Area: in.Area, Content: in.Content, Target: in.Target, Due: in.Due, Responsible: in.Responsible}})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, cm)
	return nil
}

func (s *Commitments) ListCommitments(c *gin.Context) error {
	items, err := s.ops.List(c.Request.Context(), commitments.Query{OrgID: c.Query("org_id"), Period: c.Query("period"), Status: commitments.Status(c.Query("status"))})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.List[commitments.Row]{Items: items})
	return nil
}

func (s *Commitments) GetCommitment(c *gin.Context) error {
	d, err := s.ops.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

func (s *Commitments) PatchCommitment(c *gin.Context) error {
	var in CommitmentPatch
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.ops.Update(c.Request.Context(), c.Param("id"), commitments.Patch{Area: in.Area, Content: in.Content, Target: in.Target, Due: in.Due, Responsible: in.Responsible})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cm)
	return nil
}

func (s *Commitments) SubmitCommitment(c *gin.Context) error {
	cm, err := s.ops.Submit(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cm)
	return nil
}

func (s *Commitments) ReviewCommitment(c *gin.Context) error {
	var in ReviewInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.ops.Review(c.Request.Context(), c.Param("id"), in.Decision, in.Reason)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cm)
	return nil
}

func (s *Commitments) CommitmentProgress(c *gin.Context) error {
	var in ProgressInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.ops.Progress(c.Request.Context(), c.Param("id"), commitments.ProgressInput{Percent: in.Percent, Note: in.Note, Date: in.Date})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cm)
	return nil
}

func (s *Commitments) CommitmentOutcome(c *gin.Context) error {
	var in OutcomeInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.ops.SetOutcome(c.Request.Context(), c.Param("id"), in.Outcome, in.Explanation)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cm)
	return nil
}

func (s *Commitments) CreateEvaluation(c *gin.Context) error {
	var in EvaluationInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	sv, err := s.ops.CreateEvaluation(c.Request.Context(), in.OrgID, in.Period, in.Title)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// StatsDefinitions are commitments.Definitions as a map, for the JSON.
func StatsDefinitions() map[string]string {
	m := make(map[string]string, len(commitments.Definitions))
	for _, d := range commitments.Definitions {
		m[d[0]] = d[1]
	}
	return m
}

func (s *Commitments) CommitmentStats(c *gin.Context) error {
	l, err := s.ops.Ledger(c.Request.Context(), c.Query("org_id"), c.Query("period"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, CommitmentStats{Orgs: l.Stats, Total: l.Total, Definitions: StatsDefinitions()})
	return nil
}

func (s *Commitments) CommitmentReport(c *gin.Context) error {
	l, err := s.ops.Ledger(c.Request.Context(), c.Query("org_id"), c.Query("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WriteCommitmentLedger(&buf, l); err != nil {
		return err
	}
	audit(c, s.auditor, "export.download", "commitments", l.Org.ID, "下载承诺台账（"+l.Org.Name+" "+l.PeriodLabel+"）")
	httpx.Attachment(c, "commitments-"+l.Period+".xlsx", "承诺台账-"+l.Org.Name+"-"+l.Period+".xlsx")
	c.Data(http.StatusOK, httpx.XLSXType, buf.Bytes())
	return nil
}

func (s *Commitments) CommitmentPledge(c *gin.Context) error {
	p, err := s.ops.Pledge(c.Request.Context(), commitments.OwnerType(c.Query("owner_type")), c.Query("owner_id"), c.Query("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exports.WritePledge(&buf, exports.Pledge{Owner: p.Owner, OrgName: p.OrgName, Period: p.Period, Items: p.Items}); err != nil {
		return err
	}
	audit(c, s.auditor, "export.download", "commitments", p.Owner.ID, "下载公开承诺书（"+p.Owner.Name+" "+commitments.PeriodLabel(p.Period)+"）")
	httpx.Attachment(c, "pledge-"+p.Period+".xlsx", "公开承诺书-"+p.Owner.Name+"-"+p.Period+".xlsx")
	c.Data(http.StatusOK, httpx.XLSXType, buf.Bytes())
	return nil
}

// ImportCommitments reads a branch's commitments from the multipart field
// "file": 422 import_rejected with every bad row (nothing stored), or with
// ?dry_run=true 200 with what the import would do.
func (s *Commitments) ImportCommitments(c *gin.Context) error {
	dryRun, err := strconv.ParseBool(c.DefaultQuery("dry_run", "false"))
	if err != nil {
		var fe minyi.FieldErrors
		fe.Add("dry_run", "invalid", "dry_run 应为 true 或 false")
		return fe.Err()
	}
	orgID := c.Query("org_id")
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		return minyi.E(minyi.ErrUnsupportedMedia, "unsupported_media_type", "请以 multipart/form-data 上传承诺文件（字段名 file）")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return minyi.E(minyi.ErrTooLarge, "body_too_large", "文件过大：不能超过10MB")
		}
		var fe minyi.FieldErrors
		fe.Add("file", "required", "请选择要导入的承诺文件（.xlsx）")
		return fe.Err()
	}
	res, err := httpx.ImportCommitments(c.Request.Context(), s.ops, orgID, fh, dryRun)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// CommitmentTemplate is the workbook to fill in for the import.
func (s *Commitments) CommitmentTemplate(c *gin.Context) error {
	var buf bytes.Buffer
	if err := exports.WriteCommitmentTemplate(&buf, "本支部"); err != nil {
		return err
	}
	httpx.Attachment(c, "commitments-template.xlsx", "承诺导入模板.xlsx")
	c.Data(http.StatusOK, httpx.XLSXType, buf.Bytes())
	return nil
}

func (s *Commitments) CommitmentQR(c *gin.Context) error {
	return s.qr(c, c.Query("org_id"), c.Query("period"), "private, max-age=300")
}

// PublicCommitmentQR is the QR code of the public page, for the notice
// board and for the page itself (no account: it holds only the public link).
func (s *Commitments) PublicCommitmentQR(c *gin.Context) error {
	return s.qr(c, c.Param("org_id"), c.Param("period"), "public, max-age=3600")
}

// qr answers the QR code of an org's public page of period (404 for an
// unknown org, 422 for a bad period).
func (s *Commitments) qr(c *gin.Context, orgID, period, cache string) error {
	if _, err := s.ops.Public(c.Request.Context(), orgID, period); err != nil {
		return err
	}
	png, err := exports.QRPNG(httpx.CommitmentsLink(s.baseURL, orgID, period), 8)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", cache)
	c.Data(http.StatusOK, "image/png", png)
	return nil
}

func (s *Commitments) ListOverdue(c *gin.Context) error {
	items, err := s.ops.Overdue(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, httpx.ItemsOf(items))
	return nil
}

// PublicCommitments is what residents see of an org's period.
func (s *Commitments) PublicCommitments(c *gin.Context) error {
	pl, err := s.ops.Public(c.Request.Context(), c.Param("org_id"), c.Param("period"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, pl)
	return nil
}
