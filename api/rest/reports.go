package rest

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/reports"
	"minyi/surveys"
)

// Who sees what in a scorecard workbook: every reader (leader, secretary,
// admin) the scores of the subjects in their scope; leaders and admins the
// residents' free text (意见建议, as GET /surveys/{id}/texts); admins alone
// the raw ballots (原始答卷, as GET /surveys/{id}/ballots).

// ExportInput is the body of POST /exports. Group and OrgID filter a
// survey_report as ?group= and ?org_id= filter GET /surveys/{id}/results.
type ExportInput struct {
	Kind     string `json:"kind"`
	SurveyID string `json:"survey_id"`
	Group    string `json:"group,omitempty"`
	OrgID    string `json:"org_id,omitempty"`
}

// getReport streams the scorecard workbook, filtered by ?group= and
// ?org_id= as the results are. Headers are set on the first byte, so a
// failure before that still answers as JSON.
func (s *Reports) GetReport(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	req, err := s.filter.Filtered(c, sv, reports.KindSurveyReport, c.Query("group"), c.Query("org_id"))
	if err != nil {
		return err
	}
	name, ascii := reports.FileName(sv, req.Kind, s.now().In(surveys.ChinaTime))
	w := &xlsxDownload{c: c, name: name, ascii: ascii, started: func() {
		audit(c, s.auditor, "export.download", "survey", sv.ID, "下载测评结果「"+sv.Title+"」")
	}}
	err = s.source.Write(c.Request.Context(), w, sv, req, nil)
	if err != nil && !w.sent {
		return err
	}
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "scorecard cut off", "request_id", httpx.RequestID(c), "err", err)
	}
	return nil
}

// xlsxDownload is a download response whose headers are set, and whose
// audit entry is written (started), on the first write: a failure before
// it still answers as JSON and is no download.
type xlsxDownload struct {
	c           *gin.Context
	name, ascii string
	started     func()
	sent        bool
}

func (w *xlsxDownload) Write(p []byte) (int, error) {
	if !w.sent {
		w.sent = true
		w.started()
		h := w.c.Writer.Header()
		h.Set("Content-Type", httpx.XLSXType)
		h.Set("Content-Disposition", reports.ContentDisposition(w.name, w.ascii))
		h.Set("Cache-Control", "no-store")
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

var errExportsOff = minyi.E(minyi.ErrUnavailable, "exports_unavailable", "后台导出未启用")

// createExport starts a background export and answers 202 with its id.
func (s *Reports) CreateExport(c *gin.Context) error {
	var in ExportInput
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	var fe minyi.FieldErrors
	if err := reports.CheckKind(in.Kind); err != nil {
		fe.Add("kind", "invalid_kind", "导出类型只能是 survey_report（测评结果）或 ballots（原始答卷）")
	}
	if in.SurveyID == "" {
		fe.Add("survey_id", "required", "请指定测评")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if s.exports == nil {
		return errExportsOff
	}
	ctx := c.Request.Context()
	sv, err := s.sv.LoadByID(c, in.SurveyID)
	if err != nil {
		return err
	}
	req, err := s.filter.Filtered(c, sv, in.Kind, in.Group, in.OrgID)
	if err != nil {
		return err
	}
	j, err := s.exports.Submit(ctx, sv, req, exportOwner(httpx.Principal(c)))
	if err != nil {
		return err
	}
	audit(c, s.auditor, "export.create", "survey", sv.ID, "后台导出「"+sv.Title+"」（"+j.FileName+"）")
	c.Header("Location", "/api/v1/exports/"+j.ID)
	c.JSON(http.StatusAccepted, j)
	return nil
}

// exportOwner names who asked for a job: only they and admins may read it.
func exportOwner(p *accounts.Principal) string {
	if p.UserID != "" {
		return "user:" + p.UserID
	}
	return "login:" + p.Login
}

// loadExport returns the job of :id if the caller may see it (404
// otherwise: another person's export is not even confirmed to exist).
func (s *Reports) loadExport(c *gin.Context) (*reports.Job, error) {
	if s.exports == nil {
		return nil, errExportsOff
	}
	j, err := s.exports.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	p := httpx.Principal(c)
	if p.Role != accounts.RoleAdmin && j.Owner != exportOwner(p) {
		return nil, minyi.NotFound("export_not_found", "导出任务")
	}
	return j, nil
}

func (s *Reports) GetExport(c *gin.Context) error {
	j, err := s.loadExport(c)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, j)
	return nil
}

// getExportFile serves a finished job's file; 409 until it is done.
func (s *Reports) GetExportFile(c *gin.Context) error {
	j, err := s.loadExport(c)
	if err != nil {
		return err
	}
	f, err := s.exports.Reader(c.Request.Context(), j)
	if err != nil {
		return err
	}
	defer f.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", httpx.XLSXType)
	h.Set("Content-Disposition", reports.ContentDisposition(j.FileName, j.ASCIIName))
	h.Set("Cache-Control", "no-store")
	if j.Size > 0 {
		h.Set("Content-Length", fmt.Sprint(j.Size))
	}
	audit(c, s.auditor, "export.download", "survey", j.SurveyID, "下载后台导出文件 "+j.FileName)
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, f); err != nil {
		s.log.WarnContext(c.Request.Context(), "export download cut off", "job", j.ID, "err", err)
	}
	return nil
}
