package rest

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/exports"
	"minyi/feedback"
)

// Assessment answers the 三率 assessment of the units (JSON) and its
// monthly notice workbook.
type Assessment struct {
	assess  *feedback.AssessmentService
	auditor minyi.Auditor
	log     *slog.Logger
	now     func() time.Time
}

// AssessmentParams name the period of GET /work-orders/assessment(.xlsx).
type AssessmentParams struct {
	Period string `form:"period" doc:"统计月份 YYYY-MM（与 from、to 二选一；都不填为本月）"`
	From   string `form:"from" doc:"开始日期 YYYY-MM-DD（含）"`
	To     string `form:"to" doc:"结束日期 YYYY-MM-DD（含）"`
}

func assessQuery(c *gin.Context) feedback.AssessQuery {
	return feedback.AssessQuery{Period: c.Query("period"), From: c.Query("from"), To: c.Query("to")}
}

func (s *Assessment) GetAssessment(c *gin.Context) error {
	a, err := s.assess.Assess(c.Request.Context(), assessQuery(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, a)
	return nil
}

// NoticeTitle is the notice's title for a period: the month when it is
// one, else the dates.
func NoticeTitle(p feedback.AssessPeriod) string {
	from, err1 := time.Parse(time.DateOnly, p.From)
	to, err2 := time.Parse(time.DateOnly, p.To)
	if err1 == nil && err2 == nil && from.Day() == 1 && to.AddDate(0, 0, 1).Day() == 1 && from.Month() == to.Month() {
		return from.Format("2006年1月") + "热线工单“三率”考核通报"
	}
	return "热线工单“三率”考核通报（" + p.From + " 至 " + p.To + "）"
}

func (s *Assessment) GetAssessmentReport(c *gin.Context) error {
	ctx := c.Request.Context()
	a, err := s.assess.Assess(ctx, assessQuery(c))
	if err != nil {
		return err
	}
	title := NoticeTitle(a.Period)
	w := &xlsxDownload{c: c, name: "三率考核通报-" + a.Period.From + ".xlsx", ascii: "assessment.xlsx", started: func() {
		audit(c, s.auditor, "export.download", "work_order_assessment", "", "下载"+title+"（"+a.Period.From+" 至 "+a.Period.To+"）")
	}}
	err = exports.WriteHotlineNotice(w, a, exports.HotlineNotice{Title: title, Location: s.assess.Location(), Now: s.now()})
	if err != nil && !w.sent {
		return err
	}
	if err != nil {
		s.log.ErrorContext(ctx, "assessment notice cut off", "request_id", httpx.RequestID(c), "err", err)
	}
	return nil
}
