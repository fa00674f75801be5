package ui

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"minyi/accounts"
	"minyi/api/httpx"
	"minyi/feedback"
)

// calendarNotice is the work-order calendar whose gaps operators and
// admins are told about on every page: a deadline counted over a year the
// calendar has no holidays for treats the holidays as working days.
type calendarNotice struct {
	cal *feedback.Calendar
	now func() time.Time
}

// WithCalendar makes every operator's and admin's page warn when cal does
// not cover today and the next 60 days.
func (s *Renderer) WithCalendar(cal *feedback.Calendar, now func() time.Time) {
	if cal != nil {
		s.calendar = &calendarNotice{cal: cal, now: now}
	}
}

func (s *Renderer) calendarGap(c *gin.Context, u *accounts.Principal) []int {
	if s.calendar == nil || u == nil || !u.Is(accounts.RoleOperator) {
		return nil
	}
	if err := s.calendar.cal.Refresh(c.Request.Context()); err != nil {
		s.log.WarnContext(c.Request.Context(), "calendar notice: refresh failed", slog.String("request_id", httpx.RequestID(c)), slog.Any("err", err))
	}
	return s.calendar.cal.Policy().Uncovered(s.calendar.now())
}
