package api

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/exports"
	"minyi/feedback"
)

// getWorkOrderReport streams the ledger workbook (工单台账 + 统计). Headers
// are set only when the workbook starts to be written, so a failure before
// that still answers as JSON.
func (s *Server) getWorkOrderReport(c *gin.Context) error {
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
	w := &lazyDownload{c: c, name: name}
	_, err = exports.WriteLedger(w, exports.Ledger{
		Period: period, OrgNames: names, Location: loc, Now: s.now(),
		Each: func(fn func(*feedback.Order) error) error { return s.workOrders.Each(ctx, f, fn) },
	})
	if err != nil && !w.started {
		return err
	}
	if err != nil {
		s.log.ErrorContext(ctx, "ledger cut off", "request_id", requestIDOf(c), "err", err)
	}
	s.audit(c, "export.download", "work_orders", "", "下载工单台账（"+period+"）")
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

// lazyDownload sets the download headers on the first write.
type lazyDownload struct {
	c       *gin.Context
	name    string
	started bool
}

func (w *lazyDownload) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		h := w.c.Writer.Header()
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="work-orders.xlsx"; filename*=UTF-8''%s`, url.PathEscape(w.name)))
		h.Set("Cache-Control", "no-store")
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

// Public online opinions are limited per client: feedbackPerHour orders an
// hour, all at once if need be. Far stricter than ballots: one resident has
// few opinions, and each one costs an operator's time.
const feedbackPerHour = 5

// newHourlyLimiter is a limiter of n per hour with a burst of n.
func newHourlyLimiter(n int, now func() time.Time) *limiter {
	return &limiter{rate: float64(n) / 3600, burst: float64(n), now: now, buckets: map[string]*bucket{}}
}

// feedbackLimiter is created on first use so that the server needs no
// extra wiring; once is per Server.
type feedbackLimiter struct {
	once sync.Once
	l    *limiter
}

// limitPublicFeedback answers 429 with Retry-After when the client (known
// only by its daily-rotated keyed hash) has sent too many opinions.
func (s *Server) limitPublicFeedback(c *gin.Context) error {
	s.feedbackLimit.once.Do(func() { s.feedbackLimit.l = newHourlyLimiter(feedbackPerHour, s.now) })
	ok, wait := s.feedbackLimit.l.allow(s.clientHash(c))
	if ok {
		return nil
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return minyi.E(minyi.ErrRateLimited, "rate_limited", "提交过于频繁，请稍后再试")
}
