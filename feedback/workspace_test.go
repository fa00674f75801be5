package feedback_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/feedback"
	"minyi/secret"
	"minyi/store/storetest"
)

func TestCatalogue(t *testing.T) {
	cat, err := feedback.NewCatalogue(feedback.DefaultCategories())
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Label("city/environment/lights"); got != "城市管理 › 市容环境 › 路灯" {
		t.Fatalf("label %q", got)
	}
	if !cat.Has("other") || cat.Has("city/nope") {
		t.Fatal("Has")
	}
	leaf := func(k, l string) feedback.Category { return feedback.Category{Key: k, Label: l} }
	for name, tree := range map[string][]feedback.Category{
		"four levels":   {{Key: "a", Label: "一", Children: []feedback.Category{{Key: "b", Label: "二", Children: []feedback.Category{{Key: "c", Label: "三", Children: []feedback.Category{leaf("d", "四")}}}}}}},
		"duplicate key": {leaf("a", "一"), leaf("a", "二")},
		"bad key":       {leaf("A b", "一")},
		"no label":      {leaf("a", "")},
		"empty":         {},
	} {
		if _, err := feedback.NewCatalogue(tree); !errors.Is(err, minyi.ErrInvalid) {
			t.Errorf("%s: %v, want 422", name, err)
		}
	}
}

func TestCalendarCoverageAndEntries(t *testing.T) {
	p := policy(t)
	if !p.Covers(2026) || p.Covers(2027) {
		t.Fatal("the built-in calendar covers 2026 only")
	}
	// 2026-11-25 + 60 days = 2027-01-24: 2027 is needed; 2026-06-01 + 60 days stays in 2026.
	if got := p.Uncovered(cst(2026, 11, 25, 10, 0)); !reflect.DeepEqual(got, []int{2027}) {
		t.Fatalf("uncovered %v", got)
	}
	if got := p.Uncovered(cst(2026, 6, 1, 10, 0)); len(got) != 0 {
		t.Fatalf("uncovered in June %v", got)
	}
	db := storetest.DB(t)
	c := &clock{t: cst(2026, 11, 25, 10, 0)}
	acc := accounts.NewStore(db, secret.New("k"), c.now)
	cal := feedback.NewCalendar(db, p, c.now, accounts.NewAuditor(acc, nil))
	ctx := t.Context()
	if err := cal.Set(acting(ctx, minyi.RoleOperator, ""), feedback.CalendarEntry{Date: "2027-01-01", Name: "元旦", Holiday: true}); !errors.Is(err, minyi.ErrForbidden) {
		t.Fatalf("an operator edited the calendar: %v", err)
	}
	admin := acting(ctx, minyi.RoleAdmin, "")
	for _, e := range []feedback.CalendarEntry{
		{Date: "2027-01-01", Name: "元旦", Holiday: true},
		{Date: "2026-10-10", Name: "改为休息", Holiday: true}, // a make-up workday of the file, overridden
		{Date: "2026-12-26", Name: "调休上班"},                // a Saturday made a workday
	} {
		if err := cal.Set(admin, e); err != nil {
			t.Fatal(err)
		}
	}
	if !p.Covers(2027) || p.IsWorkday(cst(2027, 1, 1, 10, 0)) || p.IsWorkday(cst(2026, 10, 10, 10, 0)) || !p.IsWorkday(cst(2026, 12, 26, 10, 0)) {
		t.Fatal("the entries are not applied")
	}
	// Another instance (a new Calendar over the same store) sees them after a refresh.
	p2 := policy(t)
	if err := feedback.NewCalendar(db, p2, c.now, nil).Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if !p2.Covers(2027) || p2.IsWorkday(cst(2027, 1, 1, 10, 0)) {
		t.Fatal("a second instance does not see the entries")
	}
	if err := cal.Set(admin, feedback.CalendarEntry{Date: "2026-10-10", Remove: true}); err != nil {
		t.Fatal(err)
	}
	if !p.IsWorkday(cst(2026, 10, 10, 10, 0)) { // back to the file's make-up workday
		t.Fatal("removing an entry does not restore the file's day")
	}
	if err := cal.Set(admin, feedback.CalendarEntry{Date: "2027-02-30", Name: "x", Holiday: true}); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("a bad date: %v", err)
	}
}

// TestReplayWithWorkspace: the workspace fields are what the events imply.
func TestReplayWithWorkspace(t *testing.T) {
	p := policy(t)
	v := valid
	o := orderAfter(t, p, v[feedback.ActionAssign], v[feedback.ActionAccept],
		feedback.Event{Action: feedback.ActionExtend, Days: 2, Note: "需协调"},
		feedback.Event{Action: feedback.ActionRefuseExtension, Note: "不必"},
		feedback.Event{Action: feedback.ActionExtend, Days: 3, Note: "等配件"})
	if o.ExtensionRequest == nil || o.ExtensionRequest.Days != 3 || o.Extensions != 0 || !o.DueAt.Equal(cst(2026, 12, 9, 17, 0)) {
		t.Fatalf("pending %+v extensions %d due %s", o.ExtensionRequest, o.Extensions, o.DueAt)
	}
	e := feedback.Event{Action: feedback.ActionApproveExtension, At: o.UpdatedAt.Add(time.Hour), Actor: operator}
	if err := p.Step(o, &e); err != nil {
		t.Fatal(err)
	}
	// 12-09 + 3 working days: 12-10, 12-11, 12-14 (Monday)
	if o.ExtensionRequest != nil || o.Extensions != 1 || o.ExtendedDays != 3 || !o.DueAt.Equal(cst(2026, 12, 14, 17, 0)) {
		t.Fatalf("approved: %+v due %s", o.ExtensionRequest, o.DueAt.In(shanghai))
	}
	r := feedback.Event{Action: feedback.ActionReply, Note: "已办", At: o.UpdatedAt.Add(time.Hour), Actor: operator,
		EventDetail: feedback.EventDetail{Outcome: feedback.OutcomeUnsolvable, Reason: "不在辖区"}}
	if err := p.Step(o, &r); err != nil {
		t.Fatal(err)
	}
	if o.ReplyOutcome != feedback.OutcomeUnsolvable || o.ReplyReason != "不在辖区" || o.Reply != "已办" {
		t.Fatalf("reply %+v", o.Handling)
	}
	if got := feedback.Replay(*o); !reflect.DeepEqual(got, *o) {
		t.Fatalf("replay differs:\n got %+v\nwant %+v", got.Handling, o.Handling)
	}
}
