package feedback

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
)

// The workspace steps added to the flow (issue 14): a secretary's 延期 is a
// request that an operator or admin decides, a reply carries its outcome,
// and an operator merges a duplicate into its original. They live here,
// beside flow.go, which calls checkWorkspace, applyWorkspace and
// withWorkspace at one point each.

// The actions of the workspace. ActionExtensionRequested is what a
// secretary's extend is stored as; ActionAbsorb is written on the original
// when a duplicate is merged into it, never asked for by a client.
const (
	ActionExtensionRequested Action = "extension_requested"
	ActionApproveExtension   Action = "approve_extension"
	ActionRefuseExtension    Action = "refuse_extension"
	ActionMerge              Action = "merge"
	ActionAbsorb             Action = "merged_from"
)

// StatusMerged is a duplicate merged into its original: closed, with a
// pointer (Handling.MergedInto); the original carries on.
const StatusMerged Status = "merged"

// workspaceLabel names the workspace actions and status; "" for others.
func workspaceLabel(a Action) string {
	switch a {
	case ActionExtensionRequested:
		return "申请延期"
	case ActionApproveExtension:
		return "同意延期"
	case ActionRefuseExtension:
		return "不同意延期"
	case ActionMerge:
		return "合并"
	case ActionAbsorb:
		return "并入重复工单"
	}
	return ""
}

// ReplyOutcome is what the branch says it achieved.
type ReplyOutcome string

// The outcomes of a reply.
const (
	OutcomeSolved     ReplyOutcome = "solved"
	OutcomePartly     ReplyOutcome = "partly"
	OutcomeUnsolvable ReplyOutcome = "unsolvable"
)

// Outcomes lists the outcomes in display order.
var Outcomes = []ReplyOutcome{OutcomeSolved, OutcomePartly, OutcomeUnsolvable}

// Label is the Chinese name of the outcome ("未注明" for none).
func (r ReplyOutcome) Label() string {
	switch r {
	case OutcomeSolved:
		return "已解决"
	case OutcomePartly:
		return "部分解决"
	case OutcomeUnsolvable:
		return "无法解决"
	case "":
		return "未注明"
	}
	return string(r)
}

// ExtensionRequest is a secretary's pending 申请延期.
type ExtensionRequest struct {
	Days int       `bson:"days" json:"days"`
	Note string    `bson:"note" json:"note"`
	By   Actor     `bson:"by" json:"by"`
	At   time.Time `bson:"at" json:"at"`
}

// OrderRef names another order on an order (merge pointers).
type OrderRef struct {
	ID     string `bson:"id" json:"id"`
	Number string `bson:"number" json:"number"`
}

// Handling is what the workspace steps derive on an order; like Status it
// is replayed from the events and stored for lists.
type Handling struct {
	ReplyOutcome     ReplyOutcome      `bson:"reply_outcome,omitempty" json:"reply_outcome,omitempty"`
	ReplyReason      string            `bson:"reply_reason,omitempty" json:"reply_reason,omitempty"`
	ExtensionRequest *ExtensionRequest `bson:"extension_request,omitempty" json:"extension_request,omitempty"`
	MergedInto       *OrderRef         `bson:"merged_into,omitempty" json:"merged_into,omitempty"`
	MergedFrom       []OrderRef        `bson:"merged_from,omitempty" json:"merged_from,omitempty"`
	// AssignNote is the latest dispatch's note (派单说明), for the branch's queue.
	AssignNote string `bson:"assign_note,omitempty" json:"assign_note,omitempty"`
	// Reply is the branch's latest reply text (the reply event's note).
	Reply string `bson:"reply,omitempty" json:"reply,omitempty"`
}

// EventDetail is what the workspace events carry besides the common fields.
type EventDetail struct {
	Outcome ReplyOutcome `bson:"outcome,omitempty" json:"outcome,omitempty"` // reply
	Reason  string       `bson:"reason,omitempty" json:"reason,omitempty"`   // reply not solved
	Ref     *OrderRef    `bson:"ref,omitempty" json:"ref,omitempty"`         // merge: the original; merged_from: the duplicate
}

// mergeable are the statuses a duplicate may be merged from: not yet
// answered by the branch.
var mergeable = []Status{StatusReceived, StatusAssigned, StatusAccepted, StatusReturned}

// withWorkspace adjusts the actions of the plain flow: a pending request
// waits for its decision (no second request), and duplicates not yet
// answered may be merged.
func (o *Order) withWorkspace(out []Action) []Action {
	if o.ExtensionRequest != nil {
		out = slices.DeleteFunc(out, func(a Action) bool { return a == ActionExtend })
		out = append(out, ActionApproveExtension, ActionRefuseExtension)
	}
	if slices.Contains(mergeable, o.Status) {
		out = append(out, ActionMerge)
	}
	return out
}

// checkWorkspace validates the workspace parts of e; handled is false for
// the steps flow.go checks alone.
func (o *Order) checkWorkspace(e *Event, ext ExtensionLimit) (handled bool, err error) {
	switch e.Action {
	case ActionAbsorb:
		if o.Status == StatusMerged {
			return true, minyi.E(minyi.ErrConflict, "merge_target_merged", "目标工单本身已被合并，请合并到它所指向的原工单")
		}
		return true, nil
	case ActionReply:
		if !slices.Contains(o.Allowed(), e.Action) {
			return true, transitionError(o, e.Action)
		}
		return false, checkOutcome(e)
	case ActionApproveExtension, ActionRefuseExtension, ActionMerge:
	default:
		if (e.Outcome != "" || e.Reason != "" || e.Ref != nil) && slices.Contains(o.Allowed(), e.Action) {
			var fe minyi.FieldErrors
			fe.Add("outcome", "not_allowed", "只有回复时才能填写办理结果，只有合并时才能指定原工单")
			return true, fe.Err()
		}
		return false, nil
	}
	if !slices.Contains(o.Allowed(), e.Action) {
		return true, transitionError(o, e.Action)
	}
	var fe minyi.FieldErrors
	e.Note = strings.TrimSpace(e.Note)
	if utf8.RuneCountInString(e.Note) > maxNote {
		fe.Addf("note", "too_long", "说明不能超过%d个字", maxNote)
	}
	if e.Days != 0 || e.OrgID != "" || e.Satisfaction != "" || e.Outcome != "" {
		fe.Add("action", "not_allowed", "该操作只需填写说明")
	}
	switch e.Action {
	case ActionApproveExtension:
		r := o.ExtensionRequest
		if o.Extensions >= ext.MaxCount || o.ExtendedDays+r.Days > ext.MaxDays {
			return true, minyi.E(minyi.ErrConflict, "extension_limit",
				fmt.Sprintf("批准后将超出延期上限（最多%d次、累计%d个工作日），只能不同意", ext.MaxCount, ext.MaxDays))
		}
	case ActionRefuseExtension:
		if e.Note == "" {
			fe.Add("note", "required", "请填写不同意延期的理由")
		}
	case ActionMerge:
		if e.Ref == nil || e.Ref.ID == "" {
			fe.Add("into", "required", "请选择要合并到的原工单")
		} else if e.Ref.ID == o.ID {
			fe.Add("into", "invalid", "不能把工单合并到它自己")
		}
	}
	return true, fe.Err()
}

// checkOutcome: a reply's outcome, when given, is known, and one short of
// solved says why.
func checkOutcome(e *Event) error {
	var fe minyi.FieldErrors
	e.Reason = strings.TrimSpace(e.Reason)
	switch e.Outcome {
	case "", OutcomeSolved:
		if e.Reason != "" && e.Outcome == OutcomeSolved {
			e.Reason = "" // nothing to explain
		}
	case OutcomePartly, OutcomeUnsolvable:
		if e.Reason == "" {
			fe.Add("reason", "required", "部分解决或无法解决时，请填写原因")
		}
	default:
		fe.Add("outcome", "invalid", "办理结果应为 solved（已解决）、partly（部分解决）或 unsolvable（无法解决）")
	}
	if utf8.RuneCountInString(e.Reason) > maxNote {
		fe.Addf("reason", "too_long", "原因不能超过%d个字", maxNote)
	}
	return fe.Err()
}

// stepWorkspace fills in what the stored event records: a secretary's
// extend becomes a request, an approval the days and deadline it grants.
func (p *Policy) stepWorkspace(o *Order, e *Event) {
	switch e.Action {
	case ActionExtend:
		e.Action = ActionExtensionRequested
	case ActionApproveExtension:
		e.Days = o.ExtensionRequest.Days
		due := p.AddWorkingDays(o.DueAt, e.Days)
		e.DueAt = &due
	}
}

// applyWorkspace moves o by the workspace parts of e (after flow.go's own).
func (o *Order) applyWorkspace(e Event) {
	switch e.Action {
	case ActionAssign:
		o.AssignNote = e.Note
	case ActionExtensionRequested:
		o.ExtensionRequest = &ExtensionRequest{Days: e.Days, Note: e.Note, By: e.Actor, At: e.At}
	case ActionApproveExtension:
		o.Extensions++
		o.ExtendedDays += e.Days
		o.ExtensionRequest = nil
	case ActionRefuseExtension:
		o.ExtensionRequest = nil
	case ActionReply:
		o.ReplyOutcome, o.ReplyReason, o.Reply = e.Outcome, e.Reason, e.Note
		o.ExtensionRequest = nil // moot once answered
	case ActionReturn:
		o.ExtensionRequest = nil
	case ActionReopen:
		o.ReplyOutcome, o.ReplyReason, o.Reply = "", "", ""
	case ActionMerge:
		o.Status = StatusMerged
		at := e.At
		o.ClosedAt = &at
		o.MergedInto = e.Ref
		o.ExtensionRequest = nil
	case ActionAbsorb:
		if e.Ref != nil {
			o.MergedFrom = append(o.MergedFrom, *e.Ref)
		}
	}
}

// derivedHandling is the stored copy of Handling (store.go's derived).
func derivedHandling(o *Order) bson.D {
	return bson.D{
		{Key: "reply_outcome", Value: o.ReplyOutcome}, {Key: "reply_reason", Value: o.ReplyReason},
		{Key: "extension_request", Value: o.ExtensionRequest}, {Key: "merged_into", Value: o.MergedInto},
		{Key: "merged_from", Value: o.MergedFrom}, {Key: "assign_note", Value: o.AssignNote}, {Key: "reply", Value: o.Reply},
	}
}
