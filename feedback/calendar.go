package feedback

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"sync/atomic"
	"time"
)

// defaultPolicy is the 2026 China holiday schedule and the default
// deadlines; a file named by MINYI_CALENDAR adds to or overrides it.
//
//go:embed calendar/default.json
var defaultPolicy []byte

// Deadline is a time limit: working days, or working hours for urgent
// matters. Days win when both are set.
type Deadline struct {
	Days  int `json:"days,omitempty"`
	Hours int `json:"hours,omitempty"`
}

// ExtensionLimit caps 延期 within one round of handling.
type ExtensionLimit struct {
	MaxCount int `json:"max_count"`
	MaxDays  int `json:"max_days"`
}

// policyFile is the shape of the JSON configuration file.
type policyFile struct {
	Comment   string              `json:"comment"`
	Timezone  string              `json:"timezone"`
	WorkStart string              `json:"work_start"`
	WorkEnd   string              `json:"work_end"`
	Holidays  map[string]string   `json:"holidays"`
	Workdays  map[string]string   `json:"workdays"`
	Deadlines map[string]Deadline `json:"deadlines"`
	Extension *ExtensionLimit     `json:"extension"`
}

// Policy is the working calendar plus the deadlines counted on it.
type Policy struct {
	loc       *time.Location
	workStart time.Duration // from local midnight
	workEnd   time.Duration
	holidays  map[string]string // "2006-01-02" → name; days off even on weekdays
	workdays  map[string]string // make-up workdays (调休) even on weekends
	deadlines map[string]Deadline
	Extension ExtensionLimit
	// edited is the administrators' holidays and make-up workdays, laid
	// over the file's (calendar_edit.go).
	edited atomic.Pointer[calendarEdits]
}

// DefaultPolicy is the embedded policy.
func DefaultPolicy() (*Policy, error) {
	return LoadPolicy("")
}

// LoadPolicy reads the embedded default and, when path is not empty, the
// file at path on top of it: its holidays and workdays are added to the
// embedded ones (a date in both lists of the file wins for the file), its
// deadlines and extension limits replace the defaults key by key, and its
// timezone and working hours, when given, replace the defaults.
func LoadPolicy(path string) (*Policy, error) {
	var base policyFile
	if err := json.Unmarshal(defaultPolicy, &base); err != nil {
		return nil, fmt.Errorf("embedded calendar: %w", err)
	}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("calendar file: %w", err)
		}
		var over policyFile
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&over); err != nil {
			return nil, fmt.Errorf("calendar file %s: %w", path, err)
		}
		merge(&base, over)
	}
	return newPolicy(base)
}

func merge(base *policyFile, over policyFile) {
	if over.Timezone != "" {
		base.Timezone = over.Timezone
	}
	if over.WorkStart != "" {
		base.WorkStart = over.WorkStart
	}
	if over.WorkEnd != "" {
		base.WorkEnd = over.WorkEnd
	}
	for d, name := range over.Holidays {
		delete(base.Workdays, d)
		base.Holidays[d] = name
	}
	for d, name := range over.Workdays {
		delete(base.Holidays, d)
		base.Workdays[d] = name
	}
	maps.Copy(base.Deadlines, over.Deadlines)
	if over.Extension != nil {
		base.Extension = over.Extension
	}
}

func newPolicy(f policyFile) (*Policy, error) {
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil {
		return nil, fmt.Errorf("calendar timezone %q: %w", f.Timezone, err)
	}
	start, err := clock(f.WorkStart)
	if err != nil {
		return nil, err
	}
	end, err := clock(f.WorkEnd)
	if err != nil {
		return nil, err
	}
	if end <= start {
		return nil, fmt.Errorf("calendar: work_end %s is not after work_start %s", f.WorkEnd, f.WorkStart)
	}
	for _, m := range []map[string]string{f.Holidays, f.Workdays} {
		for d := range m {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return nil, fmt.Errorf("calendar date %q: want YYYY-MM-DD", d)
			}
		}
	}
	for k, d := range f.Deadlines {
		if k != "urgent" && !Kind(k).Valid() {
			return nil, fmt.Errorf("calendar deadline %q: want urgent or a kind", k)
		}
		if d.Days < 0 || d.Hours < 0 || d.Days == 0 && d.Hours == 0 {
			return nil, fmt.Errorf("calendar deadline %q: set days or hours above zero", k)
		}
	}
	for _, k := range Kinds {
		if _, ok := f.Deadlines[string(k)]; !ok {
			return nil, fmt.Errorf("calendar: no deadline for kind %q", k)
		}
	}
	if f.Extension == nil || f.Extension.MaxCount < 0 || f.Extension.MaxDays < 0 {
		return nil, fmt.Errorf("calendar: extension limits missing or negative")
	}
	return &Policy{
		loc: loc, workStart: start, workEnd: end,
		holidays: f.Holidays, workdays: f.Workdays, deadlines: f.Deadlines,
		Extension: *f.Extension,
	}, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("calendar time %q: want HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Location is the calendar's time zone.
func (p *Policy) Location() *time.Location { return p.loc }

// IsWorkday reports whether the local date of t is a working day: a
// weekday that is not a holiday, or a make-up workday.
func (p *Policy) IsWorkday(t time.Time) bool {
	d := t.In(p.loc).Format(time.DateOnly)
	if off, ok := p.edited.Load().day(d); ok {
		return !off
	}
	if _, ok := p.workdays[d]; ok {
		return true
	}
	if _, ok := p.holidays[d]; ok {
		return false
	}
	wd := t.In(p.loc).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// midnight is the local start of t's day.
func (p *Policy) midnight(t time.Time) time.Time {
	l := t.In(p.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, p.loc)
}

// maxScan bounds calendar walks so that a broken file cannot loop forever.
const maxScan = 3 * 366

// Times come back in UTC, as the API and the store keep them.

// AddWorkingDays is the end of the working day (work_end) n working days
// after t's own day: an order received on Wednesday with 1 day is due
// Thursday 17:00, whatever the hour it came in.
func (p *Policy) AddWorkingDays(t time.Time, n int) time.Time {
	day := p.midnight(t)
	for i := 0; n > 0 && i < maxScan; i++ {
		day = day.AddDate(0, 0, 1)
		if p.IsWorkday(day) {
			n--
		}
	}
	return day.Add(p.workEnd).UTC()
}

// AddWorkingHours counts d of working time (work_start–work_end on working
// days) from t: a call at 16:00 with 2 hours is due at 10:00 on the next
// working day; one at 20:00 or on a holiday starts at the next work_start.
func (p *Policy) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	cur := t.In(p.loc)
	for i := 0; i < maxScan; i++ {
		day := p.midnight(cur)
		if p.IsWorkday(day) {
			start, end := day.Add(p.workStart), day.Add(p.workEnd)
			if cur.Before(start) {
				cur = start
			}
			if cur.Before(end) {
				if left := end.Sub(cur); d <= left {
					return cur.Add(d).UTC()
				} else {
					d -= left
				}
			}
		}
		cur = day.AddDate(0, 0, 1)
	}
	return cur.UTC()
}

// Due is the deadline of an order received at t: urgent matters use the
// "urgent" deadline, the others their kind's.
func (p *Policy) Due(kind Kind, urgency Urgency, t time.Time) time.Time {
	d, ok := p.deadlines[string(kind)]
	if u, has := p.deadlines["urgent"]; urgency == UrgencyUrgent && has {
		d, ok = u, true
	}
	switch {
	case !ok:
		return p.AddWorkingDays(t, 15)
	case d.Days > 0:
		return p.AddWorkingDays(t, d.Days)
	}
	return p.AddWorkingHours(t, time.Duration(d.Hours)*time.Hour)
}

// Deadline is the limit for a kind and urgency, for display.
func (p *Policy) Deadline(kind Kind, urgency Urgency) Deadline {
	if u, ok := p.deadlines["urgent"]; urgency == UrgencyUrgent && ok {
		return u
	}
	return p.deadlines[string(kind)]
}
