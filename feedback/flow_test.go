package feedback_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"minyi"
	"minyi/feedback"
)

var operator = feedback.Actor{ID: "u1", Name: "接线员甲", Role: "operator"}

// valid is an acceptable event for each action.
var valid = map[feedback.Action]feedback.Event{
	feedback.ActionAssign:    {Action: feedback.ActionAssign, OrgID: "branch-b"},
	feedback.ActionAccept:    {Action: feedback.ActionAccept},
	feedback.ActionReturn:    {Action: feedback.ActionReturn, Note: "不属于本支部"},
	feedback.ActionExtend:    {Action: feedback.ActionExtend, Days: 2, Note: "需协调物业"},
	feedback.ActionReply:     {Action: feedback.ActionReply, Note: "已修复路灯"},
	feedback.ActionClose:     {Action: feedback.ActionClose},
	feedback.ActionCallback:  {Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied},
	feedback.ActionReopen:    {Action: feedback.ActionReopen, Note: "路灯仍不亮"},
	feedback.ActionSupervise: {Action: feedback.ActionSupervise, Note: "请加快办理"},
	// The workspace steps: a decision needs a pending request, so they are refused here.
	feedback.ActionMerge:            {Action: feedback.ActionMerge, EventDetail: feedback.EventDetail{Ref: &feedback.OrderRef{ID: "o0", Number: "20261124-0001"}}},
	feedback.ActionApproveExtension: {Action: feedback.ActionApproveExtension},
	feedback.ActionRefuseExtension:  {Action: feedback.ActionRefuseExtension, Note: "理由不充分"},
}

// stored is the action an asked-for step is stored as: a secretary's 延期
// is a request.
func stored(a feedback.Action) feedback.Action {
	if a == feedback.ActionExtend {
		return feedback.ActionExtensionRequested
	}
	return a
}

var allActions = []feedback.Action{
	feedback.ActionAssign, feedback.ActionAccept, feedback.ActionReturn, feedback.ActionExtend, feedback.ActionReply,
	feedback.ActionClose, feedback.ActionCallback, feedback.ActionReopen, feedback.ActionSupervise,
	feedback.ActionMerge, feedback.ActionApproveExtension, feedback.ActionRefuseExtension,
}

// orderAfter builds an order received at 2026-11-25 10:00 Beijing time and
// moved along path, one hour per step.
func orderAfter(t *testing.T, p *feedback.Policy, path ...feedback.Event) *feedback.Order {
	t.Helper()
	at := cst(2026, 11, 25, 10, 0)
	o := &feedback.Order{ID: "o1", Number: "20261125-0001", Channel: feedback.ChannelHotline, Kind: feedback.KindComplaint,
		Urgency: feedback.UrgencyNormal, Content: "路灯不亮", OrgID: "branch-a"}
	p.Receive(o, operator, "e0", at)
	for i, e := range path {
		at = at.Add(time.Hour)
		e.At, e.Actor = at, operator
		if err := p.Step(o, &e); err != nil {
			t.Fatalf("path step %d (%s): %v", i, e.Action, err)
		}
	}
	return o
}

func TestTransitions(t *testing.T) {
	p := policy(t)
	v := valid
	unsatisfied := feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Unsatisfied}
	toReplied := []feedback.Event{v[feedback.ActionAssign], v[feedback.ActionAccept], v[feedback.ActionReply]}
	toClosed := append(slices.Clone(toReplied), v[feedback.ActionClose])
	for _, tc := range []struct {
		name    string
		path    []feedback.Event
		status  feedback.Status
		allowed map[feedback.Action]feedback.Status // action → status after it
	}{
		{"received", nil, feedback.StatusReceived, map[feedback.Action]feedback.Status{
			feedback.ActionAssign: feedback.StatusAssigned, feedback.ActionClose: feedback.StatusClosed, feedback.ActionSupervise: feedback.StatusReceived,
			feedback.ActionMerge: feedback.StatusMerged}},
		{"assigned", []feedback.Event{v[feedback.ActionAssign]}, feedback.StatusAssigned, map[feedback.Action]feedback.Status{
			feedback.ActionAccept: feedback.StatusAccepted, feedback.ActionReturn: feedback.StatusReturned, feedback.ActionSupervise: feedback.StatusAssigned,
			feedback.ActionMerge: feedback.StatusMerged}},
		{"accepted", []feedback.Event{v[feedback.ActionAssign], v[feedback.ActionAccept]}, feedback.StatusAccepted, map[feedback.Action]feedback.Status{
			feedback.ActionExtend: feedback.StatusAccepted, feedback.ActionReply: feedback.StatusReplied, feedback.ActionSupervise: feedback.StatusAccepted,
			feedback.ActionMerge: feedback.StatusMerged}},
		{"returned", []feedback.Event{v[feedback.ActionAssign], v[feedback.ActionReturn]}, feedback.StatusReturned, map[feedback.Action]feedback.Status{
			feedback.ActionAssign: feedback.StatusAssigned, feedback.ActionClose: feedback.StatusClosed, feedback.ActionSupervise: feedback.StatusReturned,
			feedback.ActionMerge: feedback.StatusMerged}},
		{"replied", toReplied, feedback.StatusReplied, map[feedback.Action]feedback.Status{
			feedback.ActionClose: feedback.StatusClosed, feedback.ActionSupervise: feedback.StatusReplied}},
		{"closed", toClosed, feedback.StatusClosed, map[feedback.Action]feedback.Status{
			feedback.ActionCallback: feedback.StatusCalledBack}},
		{"called back, satisfied", append(slices.Clone(toClosed), v[feedback.ActionCallback]), feedback.StatusCalledBack, map[feedback.Action]feedback.Status{}},
		{"called back, unsatisfied", append(slices.Clone(toClosed), unsatisfied), feedback.StatusCalledBack, map[feedback.Action]feedback.Status{
			feedback.ActionReopen: feedback.StatusAssigned}},
	} {
		for _, a := range allActions {
			t.Run(tc.name+"/"+string(a), func(t *testing.T) {
				o := orderAfter(t, p, tc.path...)
				if o.Status != tc.status {
					t.Fatalf("status %s, want %s", o.Status, tc.status)
				}
				before := *o
				e := valid[a]
				e.At, e.Actor = o.UpdatedAt.Add(time.Hour), operator
				err := p.Step(o, &e)
				want, ok := tc.allowed[a]
				if ok {
					if err != nil {
						t.Fatalf("%s refused: %v", a, err)
					}
					if o.Status != want {
						t.Fatalf("after %s: status %s, want %s", a, o.Status, want)
					}
					if len(o.Events) != len(before.Events)+1 || o.Events[len(o.Events)-1].Action != stored(a) {
						t.Fatalf("event not appended: %+v", o.Events)
					}
					return
				}
				var de *minyi.Error
				if !errors.As(err, &de) || !errors.Is(err, minyi.ErrConflict) || de.Code != "transition_not_allowed" {
					t.Fatalf("%s: want transition_not_allowed, got %v", a, err)
				}
				var names []string
				for x := range tc.allowed {
					names = append(names, string(x))
				}
				got := de.Details["allowed"].([]string)
				slices.Sort(names)
				slices.Sort(got)
				if len(got) != len(names) || len(names) > 0 && !slices.Equal(got, names) {
					t.Fatalf("allowed in error %v, want %v", got, names)
				}
				if len(names) > 0 && !containsAll(de.Message, tc.allowed) {
					t.Fatalf("message %q does not name the allowed actions", de.Message)
				}
				if !reflect.DeepEqual(before, *o) {
					t.Fatal("a refused step changed the order")
				}
			})
		}
	}
}

func containsAll(msg string, allowed map[feedback.Action]feedback.Status) bool {
	for a := range allowed {
		if !strings.Contains(msg, a.Label()) {
			return false
		}
	}
	return true
}

func TestStepValidation(t *testing.T) {
	p := policy(t)
	v := valid
	accepted := []feedback.Event{v[feedback.ActionAssign], v[feedback.ActionAccept]}
	for _, tc := range []struct {
		name  string
		path  []feedback.Event
		event feedback.Event
		field string
	}{
		{"return needs a reason", []feedback.Event{v[feedback.ActionAssign]}, feedback.Event{Action: feedback.ActionReturn, Note: "  "}, "note"},
		{"extend needs days", accepted, feedback.Event{Action: feedback.ActionExtend, Note: "x"}, "days"},
		{"extend needs a reason", accepted, feedback.Event{Action: feedback.ActionExtend, Days: 1}, "note"},
		{"extend over 10 days in total", accepted, feedback.Event{Action: feedback.ActionExtend, Days: 11, Note: "x"}, "days"},
		{"reply needs the result", accepted, feedback.Event{Action: feedback.ActionReply}, "note"},
		{"callback needs a verdict", append(slices.Clone(accepted), v[feedback.ActionReply], v[feedback.ActionClose]), feedback.Event{Action: feedback.ActionCallback, Satisfaction: "meh"}, "satisfaction"},
		{"org only on assign", accepted, feedback.Event{Action: feedback.ActionReply, Note: "x", OrgID: "b"}, "org_id"},
		{"days only on extend", accepted, feedback.Event{Action: feedback.ActionReply, Note: "x", Days: 2}, "days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := orderAfter(t, p, tc.path...)
			e := tc.event
			e.At = o.UpdatedAt.Add(time.Minute)
			err := p.Step(o, &e)
			var de *minyi.Error
			if !errors.As(err, &de) || de.Code != "validation_failed" {
				t.Fatalf("want validation_failed, got %v", err)
			}
			if !slices.ContainsFunc(de.Fields, func(f minyi.FieldError) bool { return f.Field == tc.field }) {
				t.Fatalf("no error for %s: %+v", tc.field, de.Fields)
			}
		})
	}
	t.Run("assign without any org", func(t *testing.T) {
		at := cst(2026, 11, 25, 10, 0)
		o := &feedback.Order{Kind: feedback.KindHelp, Urgency: feedback.UrgencyNormal}
		p.Receive(o, operator, "e0", at)
		e := feedback.Event{Action: feedback.ActionAssign, At: at}
		if err := p.Step(o, &e); !errors.Is(err, minyi.ErrInvalid) {
			t.Fatalf("want 422, got %v", err)
		}
	})
}

// TestExtensionCap: at most 2 extensions and 10 working days in total per
// round; each extension moves the deadline by its working days.
func TestExtensionCap(t *testing.T) {
	p := policy(t)
	o := orderAfter(t, p, valid[feedback.ActionAssign], valid[feedback.ActionAccept])
	// received Wed 2026-11-25: complaint due 10 working days later, Wed 12-09 17:00
	if want := cst(2026, 12, 9, 17, 0); !o.DueAt.Equal(want) {
		t.Fatalf("due %s, want %s", o.DueAt, want)
	}
	// Each extension is a secretary's request and an operator's approval;
	// the deadline moves at the approval.
	ext := func(days int) error {
		e := feedback.Event{Action: feedback.ActionExtend, Days: days, Note: "需协调", At: o.UpdatedAt.Add(time.Hour)}
		if err := p.Step(o, &e); err != nil {
			return err
		}
		a := feedback.Event{Action: feedback.ActionApproveExtension, At: o.UpdatedAt.Add(time.Hour)}
		return p.Step(o, &a)
	}
	if err := ext(4); err != nil { // 12-10 11 14 15 → Tue 12-15
		t.Fatal(err)
	}
	if want := cst(2026, 12, 15, 17, 0); !o.DueAt.Equal(want) {
		t.Fatalf("due after +4: %s, want %s", o.DueAt.In(shanghai), want)
	}
	if err := ext(7); !errors.Is(err, minyi.ErrInvalid) { // 4 + 7 = 11 > 10
		t.Fatalf("11 days in total: want 422, got %v", err)
	}
	if err := ext(6); err != nil { // 4 + 6 = 10: 12-16 17 18 21 22 23 → Wed 12-23
		t.Fatal(err)
	}
	if want := cst(2026, 12, 23, 17, 0); !o.DueAt.Equal(want) {
		t.Fatalf("due after +6: %s, want %s", o.DueAt.In(shanghai), want)
	}
	err := ext(0)
	var de *minyi.Error
	if !errors.As(err, &de) || de.Code != "extension_limit" || !errors.Is(err, minyi.ErrConflict) {
		t.Fatalf("third extension: want 409 extension_limit, got %v", err)
	}
	if o.Extensions != 2 || o.ExtendedDays != 10 {
		t.Fatalf("extensions %d, days %d", o.Extensions, o.ExtendedDays)
	}
}

// TestReplayDerivesState: the stored state is exactly what the events
// imply, through a reopened round.
func TestReplayDerivesState(t *testing.T) {
	p := policy(t)
	v := valid
	o := orderAfter(t, p,
		v[feedback.ActionSupervise], v[feedback.ActionAssign], v[feedback.ActionReturn], v[feedback.ActionAssign],
		v[feedback.ActionAccept], v[feedback.ActionExtend], v[feedback.ActionReply], v[feedback.ActionClose],
		feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Unsatisfied}, v[feedback.ActionReopen],
		v[feedback.ActionAccept], v[feedback.ActionReply], v[feedback.ActionClose], v[feedback.ActionCallback])
	if o.Status != feedback.StatusCalledBack || o.Reopened != 1 || o.Supervised != 1 || o.Satisfaction != feedback.Satisfied || o.Extensions != 0 || o.Version != 15 {
		t.Fatalf("state %+v", o)
	}
	if o.OnTime == nil || !*o.OnTime {
		t.Fatalf("second reply an hour after reopening should be on time: %v", o.OnTime)
	}
	if r := feedback.Replay(*o); !reflect.DeepEqual(r, *o) {
		t.Fatalf("replay differs:\n got %+v\nwant %+v", r, *o)
	}
}

func TestOverdueAndOnTime(t *testing.T) {
	p := policy(t)
	// urgent: received Wed 10:00, due 12:00
	o := &feedback.Order{Kind: feedback.KindHelp, Urgency: feedback.UrgencyUrgent, OrgID: "b"}
	p.Receive(o, operator, "e0", cst(2026, 11, 25, 10, 0))
	if o.Overdue(cst(2026, 11, 25, 12, 0)) || !o.Overdue(cst(2026, 11, 25, 12, 1)) {
		t.Fatal("overdue should start just after 12:00")
	}
	for _, a := range []feedback.Action{feedback.ActionAssign, feedback.ActionAccept} {
		e := valid[a]
		e.At = cst(2026, 11, 25, 11, 0)
		if err := p.Step(o, &e); err != nil {
			t.Fatal(err)
		}
	}
	e := valid[feedback.ActionReply]
	e.At = cst(2026, 11, 25, 13, 0)
	if err := p.Step(o, &e); err != nil {
		t.Fatal(err)
	}
	if o.OnTime == nil || *o.OnTime {
		t.Fatal("reply at 13:00 after a 12:00 deadline is late")
	}
	if o.Overdue(cst(2026, 11, 26, 0, 0)) {
		t.Fatal("a replied order is no longer overdue")
	}
}
