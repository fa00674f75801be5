package ui

import "minyi/feedback"

// woStep is what the workspace adds to a step's form: the reply's outcome
// and its multi-line text, the merge target, and a request's decision.
type woStep struct {
	Outcome bool // reply: 已解决 / 部分解决 / 无法解决, a reason unless solved
	Long    bool // the note is a multi-line text
	Into    bool // merge: the original
	Warn    bool // a step that cannot be undone (merge)
}

// workspaceForm fills w for the steps the workspace changed or added;
// false for the others.
func (s *WorkOrderPages) workspaceForm(a feedback.Action, w *woAction) bool {
	switch a {
	case feedback.ActionReply:
		w.NoteRequired, w.NoteLabel, w.Long, w.Outcome = true, "回复内容（办理经过和结果）", true, true
	case feedback.ActionExtend:
		w.Label = "申请延期"
		w.Days, w.NoteRequired, w.NoteLabel = true, true, "延期理由"
	case feedback.ActionApproveExtension:
		w.NoteLabel = "审批意见"
	case feedback.ActionRefuseExtension:
		w.NoteRequired, w.NoteLabel = true, "不同意的理由"
	case feedback.ActionReturn:
		w.NoteRequired, w.NoteLabel, w.Long = true, "回退理由", true
	case feedback.ActionMerge:
		w.Into, w.Warn, w.NoteLabel = true, true, "合并说明"
	default:
		return false
	}
	return true
}

// woRowMore is what a queue row shows besides the plain fields: where, the
// dispatch note, the reply and its outcome, a pending request.
type woRowMore struct {
	Location, AssignNote, Reply, Outcome, Reason string
	ExtensionDays                                int
	ExtensionNote                                string
	HasPhone                                     bool // a number to reveal for the callback
}

func rowMore(o feedback.Order) woRowMore {
	m := woRowMore{Location: o.Location, AssignNote: o.AssignNote, HasPhone: o.Caller.Sealed != ""}
	if o.RepliedAt != nil {
		m.Reply, m.Outcome, m.Reason = o.Reply, o.ReplyOutcome.Label(), o.ReplyReason
	}
	if r := o.ExtensionRequest; r != nil {
		m.ExtensionDays, m.ExtensionNote = r.Days, r.Note
	}
	return m
}
