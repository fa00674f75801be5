package feedback_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"minyi"
	"minyi/feedback"
)

// TestCallbackResolution: the callback records the resolution beside the
// satisfaction; 未解决 allows 重办 even when the caller was satisfied; a
// reopening withdraws both verdicts and counts as a fresh assignment; a
// resolution anywhere else, or an unknown one, is a field error.
func TestCallbackResolution(t *testing.T) {
	p := policy(t)
	v := valid
	toClosed := []feedback.Event{v[feedback.ActionAssign], v[feedback.ActionAccept], v[feedback.ActionReply], v[feedback.ActionClose]}
	cb := feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Basic, Resolution: feedback.Unresolved}
	o := orderAfter(t, p, append(toClosed, cb)...)
	if o.Satisfaction != feedback.Basic || o.Resolution != feedback.Unresolved || o.Verdict() != "基本满意 · 未解决" {
		t.Fatalf("after the callback: %q %q %q", o.Satisfaction, o.Resolution, o.Verdict())
	}
	// assign at +1h (11:00), accept at +2h (12:00).
	if !o.AssignedAt.Equal(cst(2026, 11, 25, 11, 0)) || !o.AcceptedAt.Equal(cst(2026, 11, 25, 12, 0)) {
		t.Fatalf("assigned %v accepted %v", o.AssignedAt, o.AcceptedAt)
	}
	if got := o.Allowed(); !reflect.DeepEqual(got, []feedback.Action{feedback.ActionReopen}) {
		t.Fatalf("allowed after 未解决: %v", got)
	}
	reopen := v[feedback.ActionReopen]
	reopen.At, reopen.Actor = o.UpdatedAt.Add(time.Hour), operator
	if err := p.Step(o, &reopen); err != nil {
		t.Fatal(err)
	}
	if o.Satisfaction != "" || o.Resolution != "" || !o.AssignedAt.Equal(reopen.At) || o.AcceptedAt != nil {
		t.Fatalf("after 重办: %q %q assigned %v accepted %v", o.Satisfaction, o.Resolution, o.AssignedAt, o.AcceptedAt)
	}
	if r := feedback.Replay(*o); !reflect.DeepEqual(r, *o) {
		t.Fatalf("replay differs:\n%+v\n%+v", r, *o)
	}
	satisfied := orderAfter(t, p, append(toClosed, feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied, Resolution: feedback.Resolved})...)
	if len(satisfied.Allowed()) != 0 {
		t.Fatalf("满意 + 已解决 allows %v", satisfied.Allowed())
	}
	for _, tc := range []struct {
		name  string
		path  []feedback.Event
		e     feedback.Event
		field string
	}{
		{"unknown resolution", toClosed, feedback.Event{Action: feedback.ActionCallback, Satisfaction: feedback.Satisfied, Resolution: "done"}, "resolution"},
		{"resolution on a reply", toClosed[:2], feedback.Event{Action: feedback.ActionReply, Note: "已办", Resolution: feedback.Resolved}, "resolution"},
	} {
		o := orderAfter(t, p, tc.path...)
		e := tc.e
		e.At, e.Actor = o.UpdatedAt.Add(time.Hour), operator
		err := p.Step(o, &e)
		var de *minyi.Error
		if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field != tc.field {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
}

func TestParseAssessSettings(t *testing.T) {
	def := feedback.DefaultAssessSettings()
	custom := feedback.AssessSettings{Weights: feedback.AssessWeights{Response: 1, Resolution: 1, Satisfaction: 2},
		AcceptWithin: feedback.AcceptWithin{Hours: 4}, PartlyResolved: 0.6, MinRated: 3}
	for _, tc := range []struct {
		name                     string
		weights, hours, part, mr string
		want                     *feedback.AssessSettings
	}{
		{"defaults", "", "", "", "", &def},
		{"the defaults spelt out", "0.30,0.35,0.35", "2", "0.5", "5", &def},
		{"custom", " 1, 1 ,2", "4", "0.6", "3", &custom},
		{"two weights", "0.5,0.5", "", "", "", nil},
		{"all zero", "0,0,0", "", "", "", nil},
		{"negative weight", "-1,1,1", "", "", "", nil},
		{"hours not a number", "", "two", "", "", nil},
		{"hours too small", "", "0", "", "", nil},
		{"partly above one", "", "", "1.5", "", nil},
		{"min rated fraction", "", "", "", "2.5", nil},
	} {
		got, err := feedback.ParseAssessSettings(tc.weights, tc.hours, tc.part, tc.mr)
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: accepted %+v", tc.name, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, *tc.want) {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, err, *tc.want)
		}
	}
}

// TestAssessWithSettings computes one unit under non-default settings, by
// hand: weights 1 / 1 / 2, acceptance within 4 working hours, 部分解决 0.6,
// ranked from 3 rated orders.
//
// Orders assigned Mon 2026-11-30 16:00 Beijing: the limit ends Tue 12:00
// (1 hour on Monday to 17:00, 3 from 09:00 on Tuesday).
//
//	r1 accepted Tue 11:59 → in time; 满意 + 已解决
//	r2 accepted Tue 12:01 → late;    基本满意 + 部分解决
//	r3 not accepted, now Tue 13:00 → late; 不满意 + 未解决 (a callback without an acceptance
//	   cannot happen in the flow, but the arithmetic does not care)
//
// response 1/3; resolution (1 + 0.6 × 1)/3 = 1.6/3 = 0.5333; satisfaction 2/3
// score 100 × (1 × 1/3 + 1 × 1.6/3 + 2 × 2/3) / 4 = 100 × (1 + 1.6 + 4)/12 = 55
// lost: response 100 × 1 × 2/3 / 4 = 16.67 (r2 r3); resolution 100 × 1 × 1.4/3 / 4
// = 11.67 (r2 r3); satisfaction 100 × 2 × 1/3 / 4 = 16.67 (r3); 16.67 + 11.67 + 16.67
// = 45.01 ≈ 100 − 55 (each rounded on its own).
func TestAssessWithSettings(t *testing.T) {
	p := policy(t)
	st := feedback.AssessSettings{Weights: feedback.AssessWeights{Response: 1, Resolution: 1, Satisfaction: 2},
		AcceptWithin: feedback.AcceptWithin{Hours: 4}, PartlyResolved: 0.6, MinRated: 3}
	assigned := cst(2026, 11, 30, 16, 0)
	at := func(h, m int) *time.Time { t := cst(2026, 12, 1, h, m); return &t }
	recs := []feedback.AssessRecord{
		{Number: "r1", Kind: feedback.KindComplaint, Received: assigned, Assigned: assigned, Accepted: at(11, 59), Resolution: feedback.Resolved, Satisfaction: feedback.Satisfied},
		{Number: "r2", Kind: feedback.KindComplaint, Received: assigned, Assigned: assigned, Accepted: at(12, 1), Resolution: feedback.Partly, Satisfaction: feedback.Basic},
		{Number: "r3", Kind: feedback.KindHelp, Category: "city/environment/lights", Received: assigned, Assigned: assigned, Resolution: feedback.Unresolved, Satisfaction: feedback.Unsatisfied},
	}
	a := feedback.Assess(feedback.AssessInput{Settings: st, Policy: p, Now: *at(13, 0),
		From: cst(2026, 11, 1, 0, 0), To: cst(2026, 12, 1, 0, 0), PrevFrom: cst(2026, 10, 1, 0, 0), PrevTo: cst(2026, 11, 1, 0, 0),
		Units: []feedback.Unit{{ID: "u", Name: "甲支部", Branch: true}}, Records: map[string][]feedback.AssessRecord{"u": recs},
		CategoryLabel: func(p string) string {
			return map[string]string{"city/environment/lights": "城市管理 › 市容环境 › 路灯"}[p]
		}})
	u := a.Units[0]
	got := []any{*u.ResponseRate, *u.ResolutionRate, *u.SatisfactionRate, *u.Score, *u.Rank, u.Lost}
	want := []any{0.3333, 0.5333, 0.6667, 55.0, 1, []feedback.LostPoints{
		{Metric: "response_rate", Label: "响应率", Points: 16.67, Orders: []string{"r2", "r3"}},
		{Metric: "resolution_rate", Label: "解决率", Points: 11.67, Orders: []string{"r2", "r3"}},
		{Metric: "satisfaction_rate", Label: "满意率", Points: 16.67, Orders: []string{"r3"}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	// r1 and r2 have no category (entered before the catalogue): counted
	// under their kind; r3 under its category's label.
	if len(a.Topics) != 2 || a.Topics[0] != (feedback.TopicCount{Key: "kind:complaint", Label: "投诉", Orders: 2, Change: 2}) ||
		a.Topics[1] != (feedback.TopicCount{Key: "city/environment/lights", Label: "城市管理 › 市容环境 › 路灯", Orders: 1, Change: 1}) {
		t.Fatalf("topics %+v", a.Topics)
	}
}
