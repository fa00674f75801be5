package feedback_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"minyi/feedback"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// cst is a Beijing wall-clock time.
func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

func policy(t *testing.T) *feedback.Policy {
	t.Helper()
	p, err := feedback.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIsWorkday(t *testing.T) {
	p := policy(t)
	for _, tc := range []struct {
		day  time.Time
		want bool
		why  string
	}{
		{cst(2026, 11, 25, 12, 0), true, "ordinary Wednesday"},
		{cst(2026, 11, 28, 12, 0), false, "ordinary Saturday"},
		{cst(2026, 1, 1, 12, 0), false, "元旦"},
		{cst(2026, 1, 4, 12, 0), true, "Sunday made a workday for 元旦"},
		{cst(2026, 2, 14, 12, 0), true, "Saturday made a workday for 春节"},
		{cst(2026, 2, 23, 12, 0), false, "last day of 春节 (a Monday)"},
		{cst(2026, 2, 28, 12, 0), true, "second 春节 make-up Saturday"},
		{cst(2026, 4, 6, 12, 0), false, "清明 Monday"},
		{cst(2026, 5, 5, 12, 0), false, "劳动节 Tuesday"},
		{cst(2026, 5, 9, 12, 0), true, "劳动节 make-up Saturday"},
		{cst(2026, 6, 19, 12, 0), false, "端午 Friday"},
		{cst(2026, 9, 25, 12, 0), false, "中秋 Friday"},
		{cst(2026, 9, 20, 12, 0), true, "国庆 make-up Sunday"},
		{cst(2026, 10, 7, 12, 0), false, "国庆 Wednesday"},
		{cst(2026, 10, 8, 12, 0), true, "first day back after 国庆"},
		{cst(2026, 10, 10, 12, 0), true, "国庆 make-up Saturday"},
		// 2026-11-24 23:30 UTC is already Wednesday in Beijing.
		{time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC), false, "Saturday 17:00 UTC is Sunday 01:00 in Beijing"},
		{time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), true, "Sunday 17:00 UTC is Monday 01:00 in Beijing"},
	} {
		if got := p.IsWorkday(tc.day); got != tc.want {
			t.Errorf("%s (%s): IsWorkday = %v, want %v", tc.why, tc.day, got, tc.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	p := policy(t)
	for _, tc := range []struct {
		from time.Time
		days int
		want time.Time
		why  string
	}{
		{cst(2026, 11, 25, 10, 0), 1, cst(2026, 11, 26, 17, 0), "Wed → Thu, end of day"},
		{cst(2026, 11, 25, 23, 59), 1, cst(2026, 11, 26, 17, 0), "the hour of receipt does not matter"},
		{cst(2026, 11, 27, 10, 0), 1, cst(2026, 11, 30, 17, 0), "Fri → Mon over the weekend"},
		// 11-26 (1) 27 (2) 30 (3) 12-01 (4) 02 (5) 03 (6) 04 (7) 07 (8) 08 (9) 09 (10)
		{cst(2026, 11, 25, 10, 0), 10, cst(2026, 12, 9, 17, 0), "complaint: 10 working days, two weekends"},
		// 09-30 (1), 10-01..07 holiday, 10-08 (2), 10-09 (3), 10-10 Sat make-up (4)
		{cst(2026, 9, 29, 10, 0), 3, cst(2026, 10, 9, 17, 0), "over 国庆"},
		{cst(2026, 9, 29, 10, 0), 4, cst(2026, 10, 10, 17, 0), "onto the 国庆 make-up Saturday"},
		{cst(2026, 2, 13, 10, 0), 1, cst(2026, 2, 14, 17, 0), "Fri → the 春节 make-up Saturday"},
		// 02-14 Sat make-up (1), 02-15..23 holiday, 02-24 Tue (2)
		{cst(2026, 2, 13, 10, 0), 2, cst(2026, 2, 24, 17, 0), "over 春节"},
		// 02-24 (1) 25 (2) 26 (3) 27 (4) 28 Sat make-up (5)
		{cst(2026, 2, 23, 10, 0), 5, cst(2026, 2, 28, 17, 0), "received on a holiday; counts the make-up Saturday"},
		{cst(2026, 9, 18, 10, 0), 1, cst(2026, 9, 20, 17, 0), "Fri → the make-up Sunday"},
		// 01-02 and 01-03 are holidays, 01-04 Sun is a make-up workday
		{cst(2026, 1, 1, 10, 0), 1, cst(2026, 1, 4, 17, 0), "received on 元旦"},
		{cst(2026, 4, 3, 10, 0), 1, cst(2026, 4, 7, 17, 0), "over 清明 (Sat–Mon)"},
		{cst(2026, 4, 30, 10, 0), 1, cst(2026, 5, 6, 17, 0), "over 劳动节 (Fri–Tue)"},
	} {
		if got := p.AddWorkingDays(tc.from, tc.days); !got.Equal(tc.want) {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s, want %s", tc.why, tc.from, tc.days, got.In(shanghai), tc.want)
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	p := policy(t)
	for _, tc := range []struct {
		from  time.Time
		hours int
		want  time.Time
		why   string
	}{
		{cst(2026, 11, 25, 10, 0), 2, cst(2026, 11, 25, 12, 0), "within the day"},
		{cst(2026, 11, 25, 15, 0), 2, cst(2026, 11, 25, 17, 0), "ends exactly at closing"},
		// 16:00–17:00 (1 h), then 09:00–10:00 next day
		{cst(2026, 11, 25, 16, 0), 2, cst(2026, 11, 26, 10, 0), "over the night"},
		{cst(2026, 11, 25, 20, 0), 2, cst(2026, 11, 26, 11, 0), "after hours starts next morning"},
		{cst(2026, 11, 25, 8, 0), 2, cst(2026, 11, 25, 11, 0), "before hours starts at 09:00"},
		// 16:30–17:00 (0.5 h), weekend, Mon 09:00–10:30
		{cst(2026, 11, 27, 16, 30), 2, cst(2026, 11, 30, 10, 30), "over the weekend"},
		{cst(2026, 11, 28, 10, 0), 2, cst(2026, 11, 30, 11, 0), "received on Saturday"},
		// Sat 02-14 is a make-up workday: 16:00–17:00, then 春节 until Tue 02-24 09:00–10:00
		{cst(2026, 2, 14, 16, 0), 2, cst(2026, 2, 24, 10, 0), "from a make-up Saturday over 春节"},
		{cst(2026, 9, 30, 16, 0), 2, cst(2026, 10, 8, 10, 0), "over 国庆"},
		{cst(2026, 10, 9, 16, 0), 2, cst(2026, 10, 10, 10, 0), "onto the 国庆 make-up Saturday"},
		{cst(2026, 11, 25, 10, 0), 10, cst(2026, 11, 26, 12, 0), "more than one working day of hours"},
	} {
		got := p.AddWorkingHours(tc.from, time.Duration(tc.hours)*time.Hour)
		if !got.Equal(tc.want) {
			t.Errorf("%s: AddWorkingHours(%s, %dh) = %s, want %s", tc.why, tc.from, tc.hours, got.In(shanghai), tc.want)
		}
	}
}

func TestDueByKindAndUrgency(t *testing.T) {
	p := policy(t)
	from := cst(2026, 11, 25, 10, 0) // Wednesday
	for _, tc := range []struct {
		kind    feedback.Kind
		urgency feedback.Urgency
		want    time.Time
	}{
		{feedback.KindComplaint, feedback.UrgencyUrgent, cst(2026, 11, 25, 12, 0)}, // 2 working hours
		{feedback.KindHelp, feedback.UrgencyUrgent, cst(2026, 11, 25, 12, 0)},
		{feedback.KindComplaint, feedback.UrgencyNormal, cst(2026, 12, 9, 17, 0)}, // 10 working days
		{feedback.KindEnquiry, feedback.UrgencyNormal, cst(2026, 11, 30, 17, 0)},  // 3: Thu, Fri, Mon
		{feedback.KindHelp, feedback.UrgencyNormal, cst(2026, 12, 2, 17, 0)},      // 5: Thu Fri Mon Tue Wed
		{feedback.KindOpinion, feedback.UrgencyNormal, cst(2026, 12, 16, 17, 0)},  // 15: three weeks
	} {
		if got := p.Due(tc.kind, tc.urgency, from); !got.Equal(tc.want) {
			t.Errorf("Due(%s, %s) = %s, want %s", tc.kind, tc.urgency, got.In(shanghai), tc.want)
		}
	}
}

func TestLoadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.json", `{
		"holidays": {"2027-01-01": "元旦"},
		"workdays": {"2026-10-07": "test: the last 国庆 day made a workday"},
		"deadlines": {"complaint": {"days": 5}, "urgent": {"hours": 4}},
		"extension": {"max_count": 1, "max_days": 3}
	}`)
	p, err := feedback.LoadPolicy(good)
	if err != nil {
		t.Fatal(err)
	}
	if p.IsWorkday(cst(2027, 1, 1, 12, 0)) {
		t.Error("2027-01-01 from the file should be a holiday")
	}
	if !p.IsWorkday(cst(2026, 10, 7, 12, 0)) {
		t.Error("a workday in the file overrides an embedded holiday")
	}
	if p.IsWorkday(cst(2026, 10, 6, 12, 0)) {
		t.Error("the embedded holidays stay")
	}
	from := cst(2026, 11, 25, 10, 0)
	if got, want := p.Due(feedback.KindComplaint, feedback.UrgencyNormal, from), cst(2026, 12, 2, 17, 0); !got.Equal(want) {
		t.Errorf("complaint due %s, want %s (5 days from the file)", got, want)
	}
	if got, want := p.Due(feedback.KindHelp, feedback.UrgencyUrgent, from), cst(2026, 11, 25, 14, 0); !got.Equal(want) {
		t.Errorf("urgent due %s, want %s (4 hours from the file)", got, want)
	}
	if got, want := p.Due(feedback.KindEnquiry, feedback.UrgencyNormal, from), cst(2026, 11, 30, 17, 0); !got.Equal(want) {
		t.Errorf("enquiry due %s, want %s (embedded default kept)", got, want)
	}
	if p.Extension.MaxCount != 1 || p.Extension.MaxDays != 3 {
		t.Errorf("extension %+v", p.Extension)
	}
	for name, body := range map[string]string{
		"unknown.json":  `{"holydays": {}}`,
		"baddate.json":  `{"holidays": {"2027/01/01": "x"}}`,
		"badkind.json":  `{"deadlines": {"gossip": {"days": 1}}}`,
		"zero.json":     `{"deadlines": {"complaint": {}}}`,
		"badtz.json":    `{"timezone": "Mars/Olympus"}`,
		"badhours.json": `{"work_start": "18:00"}`,
	} {
		if _, err := feedback.LoadPolicy(write(name, body)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if _, err := feedback.LoadPolicy(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: want an error")
	}
}
