package assessments

import (
	"context"
	"fmt"
	"slices"

	"minyi"
	"minyi/surveys"
)

// Publish freezes a draft's results and opens its 公示 for days calendar
// days (admin). The frozen results are what the public, the objections and
// the workbook then refer to, whatever the sources later say.
func (s *Service) Publish(ctx context.Context, id string, days int) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	if days < 1 || days > maxPublicDays {
		return nil, (&minyi.FieldErrors{{Field: "days", Code: "bad_days",
			Message: fmt.Sprintf("公示天数应在 1 到 %d 之间", maxPublicDays)}}).Err()
	}
	cur, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, sources, err := s.rows(ctx, cur, memo{})
	if err != nil {
		return nil, err
	}
	e := Entry{Kind: entryPublish, By: p.Actor(), Frozen: rows, Sources: sources, Until: s.now().UTC().AddDate(0, 0, days)}
	a, err := s.store.Append(ctx, id, e, func(a *Assessment) error {
		if a.Status != StatusDraft {
			return minyi.E(minyi.ErrConflict, "already_published", "考评已公示")
		}
		if a.Version != cur.Version {
			return minyi.E(minyi.ErrConflict, "busy", "考评刚被修改，请重新公示")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.publish", ObjectType: "assessment", ObjectID: a.ID,
		Summary: fmt.Sprintf("公示考评「%s」%d 天", a.Title, days)})
	return a, nil
}

// Object records an objection to a subject's result during 公示: an admin
// for any subject, a secretary for the subjects of its subtree.
func (s *Service) Object(ctx context.Context, id, subjectID, text string) (*Assessment, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	if text, err = cleanText("text", text, maxText, "请填写异议内容"); err != nil {
		return nil, err
	}
	scope, err := s.orgs.Scope(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.store.Append(ctx, id, Entry{Kind: entryObjection, SubjectID: subjectID, Text: text, By: p.Actor()},
		func(a *Assessment) error {
			if a.Status != StatusPublished || !s.now().Before(*a.PublicUntil) {
				return minyi.E(minyi.ErrConflict, "not_public", "考评不在公示期内，不能提出异议")
			}
			i := slices.IndexFunc(a.Frozen, func(r Row) bool { return r.Subject.ID == subjectID })
			if i < 0 {
				return minyi.NotFound("subject_not_found", "考评对象")
			}
			if sub := a.Frozen[i].Subject; !surveys.InScope(scope, subjectOrg(sub)) {
				return minyi.ErrOutOfScope
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.objection", ObjectType: "assessment", ObjectID: a.ID,
		Summary: "对考评对象 " + subjectID + " 的结果提出异议"})
	return a, nil
}

// subjectOrg is the org a subject belongs to for scoping: a branch is its
// own org.
func subjectOrg(sub Subject) string {
	if sub.Type == "org" {
		return sub.ID
	}
	return sub.OrgID
}

// Answer answers objection seq (admin).
func (s *Service) Answer(ctx context.Context, id string, seq int, text string) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	if text, err = cleanText("answer", text, maxText, "请填写答复内容"); err != nil {
		return nil, err
	}
	a, err := s.store.Append(ctx, id, Entry{Kind: entryAnswer, Objection: seq, Text: text, By: p.Actor()},
		func(a *Assessment) error {
			i := slices.IndexFunc(a.Objections, func(o Objection) bool { return o.Seq == seq })
			if i < 0 {
				return minyi.NotFound("objection_not_found", "异议")
			}
			if a.Objections[i].AnsweredAt != nil {
				return minyi.E(minyi.ErrConflict, "already_answered", "该异议已答复")
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.answer", ObjectType: "assessment", ObjectID: a.ID,
		Summary: fmt.Sprintf("答复考评异议 #%d", seq)})
	return a, nil
}

// Close ends the 公示 (admin): only once its days are over and every
// objection is answered.
func (s *Service) Close(ctx context.Context, id string) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.store.Append(ctx, id, Entry{Kind: entryClose, By: p.Actor()}, func(a *Assessment) error {
		switch {
		case a.Status != StatusPublished:
			return minyi.E(minyi.ErrConflict, "not_public", "只有公示中的考评可以结束公示")
		case s.now().Before(*a.PublicUntil):
			return minyi.E(minyi.ErrConflict, "still_public", "公示期尚未结束（至 "+a.PublicUntil.In(s.loc).Format("2006-01-02 15:04")+"）")
		case slices.ContainsFunc(a.Objections, func(o Objection) bool { return o.AnsweredAt == nil }):
			return minyi.E(minyi.ErrConflict, "objections_open", "还有未答复的异议，答复后才能结束公示")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.close", ObjectType: "assessment", ObjectID: a.ID,
		Summary: "结束考评「" + a.Title + "」的公示"})
	return a, nil
}

// SetFinalTier records a subject's final tier with a reason (admin), once
// the results are published; the latest stands.
func (s *Service) SetFinalTier(ctx context.Context, id, subjectID, tier, reason string) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	if reason, err = cleanText("reason", reason, maxText, "请填写确定等次的理由"); err != nil {
		return nil, err
	}
	var label string
	a, err := s.store.Append(ctx, id, Entry{Kind: entryFinal, SubjectID: subjectID, By: p.Actor()}, func(a *Assessment) error {
		t := tierIndex(a.Tiers, tier)
		if t < 0 {
			return minyi.E(minyi.ErrInvalid, "unknown_tier", "没有这个等次").At("tier")
		}
		if a.Status == StatusDraft {
			return minyi.E(minyi.ErrConflict, "not_published", "考评公示后才能确定最终等次")
		}
		if !slices.ContainsFunc(a.Frozen, func(r Row) bool { return r.Subject.ID == subjectID }) {
			return minyi.NotFound("subject_not_found", "考评对象")
		}
		label = a.Tiers[t].Label
		return nil
	}, func(e *Entry) { e.Mark = Mark{Tier: tier, Label: label, Reason: reason, By: p.Actor(), At: e.At} })
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.final_tier", ObjectType: "assessment", ObjectID: a.ID,
		Summary: "确定考评对象 " + subjectID + " 的最终等次为「" + label + "」"})
	return a, nil
}
