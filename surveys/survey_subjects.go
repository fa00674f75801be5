package surveys

import (
	"context"
	"fmt"

	"minyi"
)

// refs are the orgs and members a survey definition names, loaded once per
// check. The org tree is small, so it is read whole.
type refs struct {
	orgs    map[string]Org
	members map[string]Member
}

func (s *SurveyStore) loadRefs(ctx context.Context, sv *Survey) (*refs, error) {
	all, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	r := &refs{orgs: make(map[string]Org, len(all))}
	for _, o := range all {
		r.orgs[o.ID] = o
	}
	var ids []string
	for _, sub := range sv.Subjects {
		if sub.Type == SubjectMember && sub.ID != "" {
			ids = append(ids, sub.ID)
		}
	}
	if r.members, err = s.members.ByIDs(ctx, ids); err != nil {
		return nil, err
	}
	return r, nil
}

// check records every subject or org the store does not know.
func (r *refs) check(sv *Survey, fe *minyi.FieldErrors) {
	if _, ok := r.orgs[sv.OrgID]; sv.OrgID != "" && !ok {
		fe.Add("org_id", "unknown_org", "组织不存在")
	}
	for i, sub := range sv.Subjects {
		if sub.ID == "" {
			continue
		}
		p := fmt.Sprintf("subjects[%d].id", i)
		switch sub.Type {
		case SubjectMember:
			if _, ok := r.members[sub.ID]; !ok {
				fe.Add(p, "unknown_subject", "该党员不存在")
			}
		case SubjectOrg, SubjectOrgMembers:
			if _, ok := r.orgs[sub.ID]; !ok {
				fe.Add(p, "unknown_subject", "该组织不存在")
			}
		}
	}
}

// describe fills each subject's name and org from the roster. OrgID is the
// org a subject belongs to for scoping: a member's org, or an org itself.
func (r *refs) describe(sv *Survey) {
	for i := range sv.Subjects {
		sub := &sv.Subjects[i]
		switch sub.Type {
		case SubjectMember:
			m := r.members[sub.ID]
			sub.Name, sub.OrgID, sub.OrgName, sub.Number = m.Name, m.OrgID, r.orgs[m.OrgID].Name, m.Number
		case SubjectOrg:
			o := r.orgs[sub.ID]
			sub.Name, sub.OrgID, sub.OrgName = o.Name, o.ID, o.Name
		case SubjectOrgMembers:
			o := r.orgs[sub.ID]
			sub.Name, sub.OrgID, sub.OrgName = o.Name+"全体党员", o.ID, o.Name
		}
	}
}

// PublishPlan is what publishing a draft would do now: its subjects as the
// publish would freeze them, and every problem that would refuse it.
type PublishPlan struct {
	Subjects []Subject
	// Expanded counts the members each "every member of org X" subject
	// (by its index in the draft) expands to.
	Expanded map[int]int
	Problems minyi.FieldErrors
}

// PlanPublish checks sv completely as Publish does (the definition at the
// publish stage, a closing time already past, the subjects and org against
// the roster, orgs without members, the subject limit) and expands its
// subjects, without storing anything: Publish acts on the plan, and the
// confirmation page shows it before the button. sv is normalised.
func (s *SurveyStore) PlanPublish(ctx context.Context, sv *Survey) (*PublishPlan, error) {
	sv.Normalize()
	p := &PublishPlan{Problems: sv.problems(StagePublish)}
	if c := sv.Access.ClosesAt; c != nil && !c.After(s.now()) {
		p.Problems.Add("access.closes_at", "in_past", "结束时间已过，请修改后再发布")
	}
	r, err := s.loadRefs(ctx, sv)
	if err != nil {
		return nil, err
	}
	r.check(sv, &p.Problems)
	var more minyi.FieldErrors
	if p.Subjects, p.Expanded, more, err = s.expandAll(ctx, sv, r); err != nil {
		return nil, err
	}
	p.Problems = append(p.Problems, more...)
	return p, nil
}

// expandAll replaces each "every member of org X" subject by the members
// of X's subtree as they are now, names every subject, and drops repeats
// (a member listed on its own and through its org), keeping the first. It
// returns, besides, how many members each such subject gave and what stops
// a publish (an org without members, too many subjects); an org the roster
// does not know expands to nothing (refs.check reports it).
func (s *SurveyStore) expandAll(ctx context.Context, sv *Survey, r *refs) ([]Subject, map[int]int, minyi.FieldErrors, error) {
	var fe minyi.FieldErrors
	var out []Subject
	seen := map[string]bool{}
	add := func(sub Subject) {
		if !seen[string(sub.Type)+"/"+sub.ID] {
			seen[string(sub.Type)+"/"+sub.ID] = true
			out = append(out, sub)
		}
	}
	expanded := map[int]int{}
	r.describe(sv)
	for i, sub := range sv.Subjects {
		if sub.Type != SubjectOrgMembers {
			add(sub)
			continue
		}
		if _, ok := r.orgs[sub.ID]; !ok {
			continue
		}
		ids, err := s.orgs.Subtree(ctx, sub.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		ms, err := s.members.InOrgs(ctx, ids)
		if err != nil {
			return nil, nil, nil, err
		}
		expanded[i] = len(ms)
		if len(ms) == 0 {
			fe.Addf(fmt.Sprintf("subjects[%d].id", i), "no_members", "“%s”及其下级组织没有党员", r.orgs[sub.ID].Name)
		}
		for _, m := range ms {
			add(Subject{Type: SubjectMember, ID: m.ID, Name: m.Name, OrgID: m.OrgID, OrgName: r.orgs[m.OrgID].Name, Number: m.Number})
		}
	}
	if len(out) > MaxSubjects {
		fe.Addf("subjects", "too_many", "展开后测评对象有%d个，最多%d个", len(out), MaxSubjects)
	}
	return out, expanded, fe, nil
}

// Preview lays sv out as a rater would see it if it were published now,
// without storing or validating it: the builder's live preview. Subjects
// are named from the roster and "every member of org X" is expanded as at
// publish; subjects the roster does not know are left out (the save
// reports them), and so is anything past MaxSubjects.
func (s *SurveyStore) Preview(ctx context.Context, sv *Survey) error {
	sv.Normalize()
	r, err := s.loadRefs(ctx, sv)
	if err != nil {
		return err
	}
	known := make([]Subject, 0, len(sv.Subjects))
	for _, sub := range sv.Subjects {
		_, member := r.members[sub.ID]
		_, org := r.orgs[sub.ID]
		if (sub.Type == SubjectMember && member) || ((sub.Type == SubjectOrg || sub.Type == SubjectOrgMembers) && org) {
			known = append(known, sub)
		}
	}
	sv.Subjects = known
	subjects, _, _, err := s.expandAll(ctx, sv, r)
	if err != nil {
		return err
	}
	sv.Subjects = subjects[:min(len(subjects), MaxSubjects)]
	return nil
}
