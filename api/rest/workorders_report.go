package rest

import (
	"time"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/exports"
	"minyi/feedback"
)

// getWorkOrderReport streams the ledger workbook (工单台账 + 统计). Headers
// are set only when the workbook starts to be written, so a failure before
// that still answers as JSON.
func (s *WorkOrders) GetWorkOrderReport(c *gin.Context) error {
	f, err := s.workOrderFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	orgs, err := s.orgs.All(ctx)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	loc := s.workOrders.Policy().Location()
	period := describePeriod(f.From, f.To, loc)
	name := "工单台账-" + s.now().In(loc).Format("20060102") + ".xlsx"
	w := &xlsxDownload{c: c, name: name, ascii: "work-orders.xlsx", started: func() {
		audit(c, s.auditor, "export.download", "work_orders", "", "下载工单台账（"+period+"）")
	}}
	cat, err := s.orderOps.Categories().Get(ctx)
	if err != nil {
		return err
	}
	_, err = exports.WriteLedger(w, exports.Ledger{
		Period: period, OrgNames: names, Location: loc, Now: s.now(), CategoryLabel: cat.Label,
		Each: func(fn func(*feedback.Order) error) error { return s.workOrders.Each(ctx, f, fn) },
	})
	if err != nil && !w.sent {
		return err
	}
	if err != nil {
		s.log.ErrorContext(ctx, "ledger cut off", "request_id", httpx.RequestID(c), "err", err)
	}
	return nil
}

func describePeriod(from, to time.Time, loc *time.Location) string {
	d := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	switch {
	case from.IsZero() && to.IsZero():
		return "全部"
	case to.IsZero():
		return d(from) + " 起"
	case from.IsZero():
		return "至 " + d(to.Add(-time.Nanosecond))
	}
	return d(from) + " 至 " + d(to.Add(-time.Nanosecond))
}

// Public online opinions are limited per client: FeedbackPerHour orders an
// hour, all at once if need be. Far stricter than ballots: one resident has
// few opinions, and each one costs an operator's time.
const FeedbackPerHour = 5
