package feedback

import (
	"context"
	"errors"
	"strings"

	"minyi"
)

// Merging a duplicate (合并): the operator who finds that two calls are one
// matter closes the later order with a pointer to the original
// (StatusMerged, Handling.MergedInto) and the original records it
// (ActionAbsorb, Handling.MergedFrom), so that both detail pages show the
// link. A callback asked for on the merged order is the caller's verdict on
// the matter, so it goes to the original (redirect).

// merge takes step e (action merge) on duplicate id into the order into.
// The duplicate's event is written first: it is the one whose transition
// may be refused; a crash before the original's event leaves the pointer on
// the duplicate only, which is what the flow depends on.
func (s *Service) merge(ctx context.Context, id string, e Event, into string) (*Order, *Event, error) {
	into = strings.TrimSpace(into)
	if into == "" || into == id {
		var fe minyi.FieldErrors
		if into == "" {
			fe.Add("into", "required", "请选择要合并到的原工单")
		} else {
			fe.Add("into", "invalid", "不能把工单合并到它自己")
		}
		return nil, nil, fe.Err()
	}
	orig, err := s.store.Get(ctx, into)
	if errors.Is(err, errOrderNotFound) {
		var fe minyi.FieldErrors
		fe.Add("into", "not_found", "要合并到的原工单不存在")
		return nil, nil, fe.Err()
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.orgs.RequireOrg(ctx, orig.OrgID); err != nil {
		return nil, nil, err
	}
	if orig.Status == StatusMerged {
		return nil, nil, minyi.E(minyi.ErrConflict, "merge_target_merged", "目标工单本身已被合并，请合并到它所指向的原工单")
	}
	e.Ref = &OrderRef{ID: orig.ID, Number: orig.Number}
	dup, ev, err := s.store.Act(ctx, id, e, func(o *Order) error { return s.orgs.RequireOrg(ctx, o.OrgID) })
	if err != nil {
		return nil, nil, err
	}
	absorb := Event{Action: ActionAbsorb, Actor: e.Actor, Note: e.Note, EventDetail: EventDetail{Ref: &OrderRef{ID: dup.ID, Number: dup.Number}}}
	if _, _, err := s.store.Act(ctx, orig.ID, absorb, nil); err != nil {
		return nil, nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.merge", ObjectType: "work_order", ObjectID: dup.ID,
		Summary: "工单 " + dup.Number + " 合并到 " + orig.Number})
	return dup, ev, nil
}

// redirect is the order a step on id applies to: a callback on a merged
// duplicate goes to its original; every other step stays on id.
func (s *Service) redirect(ctx context.Context, id string, in EventInput) (string, error) {
	if in.Action != ActionCallback {
		return id, nil
	}
	o, err := s.store.order(ctx, id)
	if errors.Is(err, errOrderNotFound) {
		return id, nil // Act answers the 404
	}
	if err != nil {
		return "", err
	}
	if o.Status == StatusMerged && o.MergedInto != nil {
		return o.MergedInto.ID, nil
	}
	return id, nil
}
