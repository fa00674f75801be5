package feedback

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
)

// Keeping the calendar current. The State Council publishes each year's
// holidays and make-up workdays (调休) late in the year before; the
// built-in file covers 2026 only and nobody can know the next year's in
// advance. So administrators enter them on a page: the entries are one
// settings document by _id, laid over the embedded and MINYI_CALENDAR days
// (an entry wins over the file for its date), held in memory by the Policy
// and re-read after calendarTTL, so another instance's change applies
// within that. Deadlines already set keep their dates (events record them).

const (
	calendarID  = "calendar"
	calendarTTL = 30 * time.Second
	// CoverageAhead is how far ahead the calendar must know the holidays.
	CoverageAhead = 60 * 24 * time.Hour
)

// calendarEdits are the administrators' entries: date → name.
type calendarEdits struct {
	Holidays map[string]string `bson:"holidays"`
	Workdays map[string]string `bson:"workdays"`
}

// day reports whether e decides date d, and whether it is a day off.
func (e *calendarEdits) day(d string) (off, ok bool) {
	if e == nil {
		return false, false
	}
	if _, ok := e.Workdays[d]; ok {
		return false, true
	}
	if _, ok := e.Holidays[d]; ok {
		return true, true
	}
	return false, false
}

// CalendarDay is one dated entry as the admin page lists it.
type CalendarDay struct {
	Date    string // 2026-10-01
	Name    string // 国庆节
	Holiday bool   // false: a make-up workday
	Edited  bool   // entered by an administrator (else from the file)
}

// Days lists every holiday and make-up workday of year, by date.
func (p *Policy) Days(year int) []CalendarDay {
	prefix := fmt.Sprintf("%04d-", year)
	byDate := map[string]CalendarDay{}
	add := func(m map[string]string, holiday, edited bool) {
		for d, n := range m {
			if strings.HasPrefix(d, prefix) {
				byDate[d] = CalendarDay{Date: d, Name: n, Holiday: holiday, Edited: edited}
			}
		}
	}
	add(p.holidays, true, false)
	add(p.workdays, false, false)
	if e := p.edited.Load(); e != nil {
		add(e.Holidays, true, true)
		add(e.Workdays, false, true)
	}
	out := slices.Collect(maps.Values(byDate))
	slices.SortFunc(out, func(a, b CalendarDay) int { return strings.Compare(a.Date, b.Date) })
	return out
}

// Covers reports whether the calendar knows year's holidays: at least one
// holiday of that year is entered (every official schedule has 元旦).
func (p *Policy) Covers(year int) bool {
	for _, d := range p.Days(year) {
		if d.Holiday {
			return true
		}
	}
	return false
}

// Uncovered lists the years from now to CoverageAhead later that the
// calendar does not cover: deadlines there count holidays as working days.
func (p *Policy) Uncovered(now time.Time) []int {
	var out []int
	for y := now.In(p.loc).Year(); y <= now.Add(CoverageAhead).In(p.loc).Year(); y++ {
		if !p.Covers(y) {
			out = append(out, y)
		}
	}
	return out
}

// Calendar keeps the administrators' calendar entries and lays them on the
// policy.
type Calendar struct {
	db     *mongo.Database
	policy *Policy
	now    func() time.Time
	audit  minyi.Auditor

	mu     sync.Mutex
	loaded time.Time
}

// NewCalendar keeps entries in db for policy.
func NewCalendar(db *mongo.Database, policy *Policy, now func() time.Time, audit minyi.Auditor) *Calendar {
	return &Calendar{db: db, policy: policy, now: now, audit: audit}
}

// Policy is the calendar's policy.
func (c *Calendar) Policy() *Policy { return c.policy }

func (c *Calendar) coll() *mongo.Collection { return c.db.Collection(collSettings) }

// Refresh re-reads the entries when they are older than calendarTTL.
func (c *Calendar) Refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded.IsZero() && c.now().Sub(c.loaded) < calendarTTL {
		return nil
	}
	return c.load(ctx)
}

func (c *Calendar) load(ctx context.Context) error {
	var d calendarEdits
	err := c.coll().FindOne(ctx, bson.D{{Key: "_id", Value: calendarID}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("read calendar: %w", err)
	}
	if d.Holidays == nil {
		d.Holidays = map[string]string{}
	}
	if d.Workdays == nil {
		d.Workdays = map[string]string{}
	}
	c.policy.edited.Store(&d)
	c.loaded = c.now()
	return nil
}

// CalendarEntry is a change an administrator makes: a date becomes a
// holiday, a make-up workday, or (Remove) loses its administrator's entry.
type CalendarEntry struct {
	Date    string
	Name    string
	Holiday bool
	Remove  bool
}

// Set applies entry (admins) and audits it.
func (c *Calendar) Set(ctx context.Context, in CalendarEntry) error {
	if _, err := minyi.Require(ctx); err != nil {
		return err
	}
	var fe minyi.FieldErrors
	in.Date, in.Name = strings.TrimSpace(in.Date), strings.TrimSpace(in.Name)
	if _, err := time.Parse(time.DateOnly, in.Date); err != nil {
		fe.Add("date", "invalid", "日期格式应为 YYYY-MM-DD")
	}
	if !in.Remove && (in.Name == "" || utf8.RuneCountInString(in.Name) > 30) {
		fe.Add("name", "required", "请填写节日或调休名称（最多30个字）")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(ctx); err != nil {
		return err
	}
	cur := c.policy.edited.Load()
	next := calendarEdits{Holidays: maps.Clone(cur.Holidays), Workdays: maps.Clone(cur.Workdays)}
	delete(next.Holidays, in.Date)
	delete(next.Workdays, in.Date)
	what := "删除日历条目 " + in.Date
	switch {
	case in.Remove:
	case in.Holiday:
		next.Holidays[in.Date] = in.Name
		what = "设置节假日 " + in.Date + "（" + in.Name + "）"
	default:
		next.Workdays[in.Date] = in.Name
		what = "设置调休上班日 " + in.Date + "（" + in.Name + "）"
	}
	_, err := c.coll().ReplaceOne(ctx, bson.D{{Key: "_id", Value: calendarID}},
		bson.D{{Key: "holidays", Value: next.Holidays}, {Key: "workdays", Value: next.Workdays}, {Key: "at", Value: c.now().UTC()}},
		options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("save calendar: %w", err)
	}
	c.policy.edited.Store(&next)
	c.loaded = c.now()
	c.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.calendar", ObjectType: "calendar", ObjectID: in.Date, Summary: what})
	return nil
}
