package feedback

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// Status is where an order stands; it is derived from the events.
type Status string

// The statuses of the flow.
const (
	StatusReceived   Status = "received"    // 受理: entered, not yet dispatched
	StatusAssigned   Status = "assigned"    // 已派单: sent to a branch, not yet accepted
	StatusAccepted   Status = "accepted"    // 办理中: the branch signed for it
	StatusReturned   Status = "returned"    // 已回退: the branch sent it back to the dispatcher
	StatusReplied    Status = "replied"     // 已回复: the branch answered
	StatusClosed     Status = "closed"      // 已办结: the dispatcher closed it, awaiting the callback
	StatusCalledBack Status = "called_back" // 已回访: the caller rated the handling
)

// Statuses lists every status in flow order.
var Statuses = []Status{StatusReceived, StatusAssigned, StatusAccepted, StatusReturned, StatusReplied, StatusClosed, StatusCalledBack, StatusMerged}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusReceived:
		return "已受理"
	case StatusAssigned:
		return "已派单"
	case StatusAccepted:
		return "办理中"
	case StatusReturned:
		return "已回退"
	case StatusReplied:
		return "已回复"
	case StatusClosed:
		return "已办结"
	case StatusCalledBack:
		return "已回访"
	case StatusMerged:
		return "已合并"
	}
	return string(s)
}

// Valid reports whether s is known.
func (s Status) Valid() bool { return s.Label() != string(s) }

// awaitsReply is true while the deadline runs: until the branch replies.
func (s Status) awaitsReply() bool {
	switch s {
	case StatusReceived, StatusAssigned, StatusAccepted, StatusReturned:
		return true
	}
	return false
}

// OpenStatuses are those a deadline runs on; the overdue list filters by them.
var OpenStatuses = []Status{StatusReceived, StatusAssigned, StatusAccepted, StatusReturned}

// Action is one step of the flow.
type Action string

// The actions of API.md, plus receive (the creation event).
const (
	ActionReceive   Action = "receive"
	ActionAssign    Action = "assign"
	ActionAccept    Action = "accept"
	ActionReturn    Action = "return"
	ActionExtend    Action = "extend"
	ActionReply     Action = "reply"
	ActionClose     Action = "close"
	ActionCallback  Action = "callback"
	ActionReopen    Action = "reopen"
	ActionSupervise Action = "supervise"
)

// Label is the Chinese name of the action.
func (a Action) Label() string {
	if l := workspaceLabel(a); l != "" {
		return l
	}
	switch a {
	case ActionReceive:
		return "受理"
	case ActionAssign:
		return "派单"
	case ActionAccept:
		return "签收"
	case ActionReturn:
		return "回退"
	case ActionExtend:
		return "延期"
	case ActionReply:
		return "回复"
	case ActionClose:
		return "办结"
	case ActionCallback:
		return "回访"
	case ActionReopen:
		return "重办"
	case ActionSupervise:
		return "督办"
	}
	return string(a)
}

// Satisfaction is the caller's verdict at the callback.
type Satisfaction string

// The verdicts of API.md.
const (
	Satisfied   Satisfaction = "satisfied"
	Basic       Satisfaction = "basic"
	Unsatisfied Satisfaction = "unsatisfied"
)

// Label is the Chinese name of the verdict.
func (s Satisfaction) Label() string {
	switch s {
	case Satisfied:
		return "满意"
	case Basic:
		return "基本满意"
	case Unsatisfied:
		return "不满意"
	}
	return string(s)
}

// Event is one entry of an order's history. Events are only ever appended.
type Event struct {
	ID           string       `bson:"id" json:"id"`
	Seq          int          `bson:"seq" json:"seq"` // 1 for the receive event, then +1 each
	Action       Action       `bson:"action" json:"action"`
	Actor        Actor        `bson:"actor" json:"actor"`
	At           time.Time    `bson:"at" json:"at"`
	Note         string       `bson:"note,omitempty" json:"note,omitempty"`
	OrgID        string       `bson:"org_id,omitempty" json:"org_id,omitempty"`
	Days         int          `bson:"days,omitempty" json:"days,omitempty"`
	Satisfaction Satisfaction `bson:"satisfaction,omitempty" json:"satisfaction,omitempty"`
	Resolution   Resolution   `bson:"resolution,omitempty" json:"resolution,omitempty"`
	// DueAt is the deadline this event set (receive, extend, reopen). It is
	// recorded rather than recomputed so that replaying history gives the
	// same answer after the calendar file changes.
	DueAt *time.Time `bson:"due_at,omitempty" json:"due_at,omitempty"`
	// EventDetail: the reply's outcome, the merge pointer (workspace.go).
	EventDetail `bson:",inline"`
}

// transitions is the flow: what may happen in each status. Supervision is
// allowed on every order still being worked on.
var transitions = map[Status][]Action{
	StatusReceived:   {ActionAssign, ActionClose, ActionSupervise},
	StatusAssigned:   {ActionAccept, ActionReturn, ActionSupervise},
	StatusAccepted:   {ActionExtend, ActionReply, ActionSupervise},
	StatusReturned:   {ActionAssign, ActionClose, ActionSupervise},
	StatusReplied:    {ActionClose, ActionSupervise},
	StatusClosed:     {ActionCallback},
	StatusCalledBack: {ActionReopen},
}

// Allowed lists the actions possible on o now. Reopening (重办) is only
// for a caller who was not satisfied or whose matter was not solved.
func (o *Order) Allowed() []Action {
	var out []Action
	for _, a := range transitions[o.Status] {
		if a == ActionReopen && o.Satisfaction != Unsatisfied && o.Resolution != Unresolved {
			continue
		}
		out = append(out, a)
	}
	return o.withWorkspace(out)
}

// transitionError is the 409 that names what is possible instead.
func transitionError(o *Order, a Action) error {
	allowed := o.Allowed()
	names := make([]string, len(allowed))
	codes := make([]string, len(allowed))
	for i, x := range allowed {
		names[i] = x.Label()
		codes[i] = string(x)
	}
	msg := "工单当前状态为“" + o.Status.Label() + "”，不能" + a.Label()
	if len(names) > 0 {
		msg += "；可进行的操作：" + strings.Join(names, "、")
	} else {
		msg += "；当前没有可进行的操作"
	}
	e := minyi.E(minyi.ErrConflict, "transition_not_allowed", msg)
	e.Details = map[string]any{"status": o.Status, "action": a, "allowed": codes}
	return e
}

// check validates e against o before it is applied: the transition, then
// the fields each action needs.
func (o *Order) check(e *Event, ext ExtensionLimit) error {
	if handled, err := o.checkWorkspace(e, ext); handled || err != nil {
		return err
	}
	if e.Action == ActionReceive || !slices.Contains(o.Allowed(), e.Action) {
		return transitionError(o, e.Action)
	}
	var fe minyi.FieldErrors
	fe.Text("note", &e.Note, true)
	e.Note = strings.TrimSpace(e.Note)
	if utf8.RuneCountInString(e.Note) > maxNote {
		fe.Addf("note", "too_long", "说明不能超过%d个字", maxNote)
	}
	needNote := func(msg string) {
		if e.Note == "" {
			fe.Add("note", "required", msg)
		}
	}
	switch e.Action {
	case ActionAssign:
		if e.OrgID == "" {
			e.OrgID = o.OrgID
		}
		if e.OrgID == "" {
			fe.Add("org_id", "required", "请选择承办支部")
		}
	case ActionReturn:
		needNote("请填写回退理由")
	case ActionExtend:
		needNote("请填写延期理由")
		if o.Extensions >= ext.MaxCount {
			le := minyi.E(minyi.ErrConflict, "extension_limit", fmt.Sprintf("延期次数已达上限（%d次），不能再延期", ext.MaxCount))
			le.Details = map[string]any{"max_count": ext.MaxCount, "allowed": []string{string(ActionReply), string(ActionSupervise)}}
			return le
		}
		switch {
		case e.Days < 1:
			fe.Add("days", "required", "请填写延期的工作日数")
		case o.ExtendedDays+e.Days > ext.MaxDays:
			fe.Addf("days", "too_many_days", "累计延期不能超过%d个工作日，还可延期%d个工作日", ext.MaxDays, ext.MaxDays-o.ExtendedDays)
		}
	case ActionReply:
		needNote("请填写办理结果")
	case ActionCallback:
		if e.Satisfaction != Satisfied && e.Satisfaction != Basic && e.Satisfaction != Unsatisfied {
			fe.Add("satisfaction", "required", "请选择回访评价：满意、基本满意或不满意")
		}
		// Optional for the clients of the first contract, which sent the
		// satisfaction alone; the pages always ask.
		if e.Resolution != "" && !e.Resolution.Valid() {
			fe.Add("resolution", "invalid", "解决情况应为 resolved（已解决）、partly（部分解决）或 unresolved（未解决）")
		}
	case ActionReopen:
		needNote("请填写重办理由")
	}
	if e.Action != ActionAssign && e.OrgID != "" {
		fe.Add("org_id", "not_allowed", "只有派单时才能指定承办支部")
	}
	if e.Action != ActionExtend && e.Days != 0 {
		fe.Add("days", "not_allowed", "只有延期时才能填写天数")
	}
	if e.Action != ActionCallback && e.Satisfaction != "" {
		fe.Add("satisfaction", "not_allowed", "只有回访时才能填写满意度")
	}
	if e.Action != ActionCallback && e.Resolution != "" {
		fe.Add("resolution", "not_allowed", "只有回访时才能填写解决情况")
	}
	return fe.Err()
}

// apply moves o by e. It trusts e (checked before it was stored), so that
// Replay of stored history always succeeds.
func (o *Order) apply(e Event) {
	at := e.At
	switch e.Action {
	case ActionReceive:
		o.Status = StatusReceived
		o.OrgID = e.OrgID
	case ActionAssign:
		o.Status = StatusAssigned
		o.OrgID = e.OrgID
		o.AssignedAt, o.AcceptedAt = &at, nil
	case ActionAccept:
		o.Status = StatusAccepted
		o.AcceptedAt = &at
	case ActionReturn:
		o.Status = StatusReturned
	case ActionExtend:
		o.Extensions++
		o.ExtendedDays += e.Days
	case ActionReply:
		o.Status = StatusReplied
		onTime := !at.After(o.DueAt)
		o.RepliedAt, o.OnTime = &at, &onTime
	case ActionClose:
		o.Status = StatusClosed
		o.ClosedAt = &at
	case ActionCallback:
		o.Status = StatusCalledBack
		o.Satisfaction, o.Resolution = e.Satisfaction, e.Resolution
	case ActionReopen:
		// 重办 goes back to the same branch with a fresh deadline and a
		// fresh extension allowance; the first round stays in the history.
		o.Status = StatusAssigned
		o.Reopened++
		o.Extensions, o.ExtendedDays = 0, 0
		o.RepliedAt, o.OnTime, o.ClosedAt = nil, nil, nil
		o.Satisfaction, o.Resolution = "", ""
		// The branch must sign for it again: for the response rate a
		// reopening is a fresh assignment.
		o.AssignedAt, o.AcceptedAt = &at, nil
	case ActionSupervise:
		o.Supervised++
	}
	o.applyWorkspace(e)
	if e.DueAt != nil {
		o.DueAt = *e.DueAt
	}
	o.UpdatedAt = at
	o.Version++
}

// Replay derives the state of o from its events alone, the way the stored
// fields were derived: it is the definition of those fields.
func Replay(o Order) Order {
	if len(o.Events) == 0 {
		return o // nothing to derive from (a crash right after the insert)
	}
	r := o
	r.Status, r.OrgID, r.DueAt = "", "", time.Time{}
	r.Extensions, r.ExtendedDays, r.Supervised, r.Reopened, r.Version = 0, 0, 0, 0, 0
	r.RepliedAt, r.OnTime, r.ClosedAt, r.Satisfaction, r.Resolution = nil, nil, nil, "", ""
	r.Handling = Handling{}
	r.AssignedAt, r.AcceptedAt = nil, nil
	for _, e := range o.Events {
		r.apply(e)
	}
	return r
}

// Receive starts o's history with the receive event (受理) at the given time,
// setting its first deadline.
func (p *Policy) Receive(o *Order, actor Actor, id string, at time.Time) {
	due := p.Due(o.Kind, o.Urgency, at)
	e := Event{ID: id, Seq: 1, Action: ActionReceive, Actor: actor, At: at, OrgID: o.OrgID, DueAt: &due}
	o.Events = nil
	o.CreatedAt = at
	o.apply(e)
	o.Events = append(o.Events, e)
}

// Step checks e against o's current state, fills in the deadline it sets
// (延期 from the current deadline, 重办 afresh from now) and applies it.
// On error o is unchanged.
func (p *Policy) Step(o *Order, e *Event) error {
	if err := o.check(e, p.Extension); err != nil {
		return err
	}
	e.Seq = o.Version + 1
	p.stepWorkspace(o, e)
	switch e.Action {
	case ActionReopen:
		due := p.Due(o.Kind, o.Urgency, e.At)
		e.DueAt = &due
	}
	o.apply(*e)
	o.Events = append(o.Events, *e)
	return nil
}
