package feedback

import (
	"context"
	"time"

	"minyi"
)

// AssessUnits is what the assessment asks of the org tree (in memory or
// reference data, never the orders): the acting principal's scope (nil:
// everything) and every org that may handle orders.
type AssessUnits interface {
	Scope(ctx context.Context) ([]string, error)
	Units(ctx context.Context) ([]Unit, error)
}

// AssessmentService answers the 三率 assessment for readers within their
// scope: a secretary sees the units of its subtree, leaders and admins all.
type AssessmentService struct {
	store    *Store
	units    AssessUnits
	settings AssessSettings
	now      func() time.Time
}

// NewAssessmentService assesses the orders of st's units with settings.
func NewAssessmentService(st *Store, units AssessUnits, settings AssessSettings, now func() time.Time) *AssessmentService {
	return &AssessmentService{store: st, units: units, settings: settings, now: now}
}

// Location is the calendar's zone, in which periods are dates.
func (s *AssessmentService) Location() *time.Location { return s.store.policy.Location() }

// Settings are the rules the service applies.
func (s *AssessmentService) Settings() AssessSettings { return s.settings }

// AssessQuery names the period: Period "2026-12" (a calendar month), or
// From and To as dates (both included); neither means the current month.
type AssessQuery struct {
	Period   string
	From, To string
}

// maxAssessDays bounds a from/to period: a year of months × units reads.
const maxAssessDays = 366

// span is q as instants [from, to) in loc, with the previous period of the
// same length (for a month: the previous calendar month).
func (q AssessQuery) span(now time.Time, loc *time.Location) (from, to, prevFrom, prevTo time.Time, err error) {
	var fe minyi.FieldErrors
	month := func(t time.Time) (time.Time, time.Time, time.Time) {
		f := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		return f, f.AddDate(0, 1, 0), f.AddDate(0, -1, 0)
	}
	switch {
	case q.Period != "" && (q.From != "" || q.To != ""):
		fe.Add("period", "not_allowed", "请只填写统计月份（period），或只填写起止日期（from、to）")
	case q.Period != "":
		t, perr := time.ParseInLocation("2006-01", q.Period, loc)
		if perr != nil {
			fe.Add("period", "invalid", "统计月份格式应为 YYYY-MM，例如 2026-12")
			break
		}
		from, to, prevFrom = month(t)
		prevTo = from
	case q.From != "" || q.To != "":
		f, ferr := time.ParseInLocation(time.DateOnly, q.From, loc)
		t, terr := time.ParseInLocation(time.DateOnly, q.To, loc)
		if ferr != nil {
			fe.Add("from", "invalid", "开始日期格式应为 YYYY-MM-DD")
		}
		if terr != nil {
			fe.Add("to", "invalid", "结束日期格式应为 YYYY-MM-DD")
		}
		if ferr != nil || terr != nil {
			break
		}
		from, to = f, t.AddDate(0, 0, 1)
		days := int(to.Sub(from).Hours()/24 + 0.5)
		switch {
		case !to.After(from):
			fe.Add("to", "before_from", "结束日期不能早于开始日期")
		case days > maxAssessDays:
			fe.Addf("to", "too_long", "统计期间不能超过%d天", maxAssessDays)
		}
		prevFrom, prevTo = from.AddDate(0, 0, -days), from
	default:
		from, to, prevFrom = month(now.In(loc))
		prevTo = from
	}
	return from, to, prevFrom, prevTo, fe.Err()
}

// Assess computes the assessment of q's period for the units in the
// acting principal's scope (leaders, secretaries and admins).
func (s *AssessmentService) Assess(ctx context.Context, q AssessQuery) (*Assessment, error) {
	if _, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary); err != nil {
		return nil, err
	}
	now := s.now()
	loc := s.store.policy.Location()
	from, to, prevFrom, prevTo, err := q.span(now, loc)
	if err != nil {
		return nil, err
	}
	scope, err := s.units.Scope(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.units.Units(ctx)
	if err != nil {
		return nil, err
	}
	var units []Unit
	var ids []string
	for _, u := range all {
		if scope == nil || containsID(scope, u.ID) {
			units = append(units, u)
			ids = append(ids, u.ID)
		}
	}
	var months []string
	for m := time.Date(prevFrom.Year(), prevFrom.Month(), 1, 0, 0, 0, 0, loc); m.Before(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	recs, err := s.store.AssessRecords(ctx, months, ids)
	if err != nil {
		return nil, err
	}
	var label func(string) string
	if s.store.cats != nil { // a store made without the catalogue (tests) shows key paths
		cat, err := s.store.cats.Get(ctx)
		if err != nil {
			return nil, err
		}
		label = cat.Label
	}
	return Assess(AssessInput{
		Settings: s.settings, Policy: s.store.policy, Now: now,
		From: from, To: to, PrevFrom: prevFrom, PrevTo: prevTo, Units: units, Records: recs,
		CategoryLabel: label,
	}), nil
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
