package assessments

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"minyi"
	"minyi/surveys"
)

// Service is the assessment's domain operations. Each takes ctx carrying
// the acting principal: admins (the organisation department) create,
// enter points, publish, answer objections, close and record final tiers;
// leaders read; a secretary reads the assessments that judge its branch or
// lie within its subtree, and raises objections for the subjects of its
// subtree. Every change is audited.
type Service struct {
	store   *Store
	orgs    *surveys.OrgStore
	members *surveys.MemberStore
	surveys *surveys.SurveyStore
	sources Sources
	audit   minyi.Auditor
	now     func() time.Time
	loc     *time.Location
}

// NewService wires the operations; loc is where periods' dates are days.
func NewService(st *Store, orgs *surveys.OrgStore, members *surveys.MemberStore, sv *surveys.SurveyStore,
	src Sources, audit minyi.Auditor, now func() time.Time, loc *time.Location) *Service {
	return &Service{store: st, orgs: orgs, members: members, surveys: sv, sources: src, audit: audit, now: now, loc: loc}
}

// Auditor is where the service audits, for the edge's download entries.
func (s *Service) Auditor() minyi.Auditor { return s.audit }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Location is where the periods' dates are days.
func (s *Service) Location() *time.Location { return s.loc }

// Create stores a new assessment scheme (admin).
func (s *Service) Create(ctx context.Context, a *Assessment) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkRefs(ctx, a); err != nil {
		return nil, err
	}
	a.CreatedBy = p.Actor()
	if err := s.store.Create(ctx, a); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.create", ObjectType: "assessment", ObjectID: a.ID,
		Summary: "创建考评「" + a.Title + "」"})
	return a, nil
}

// checkRefs checks what a scheme names exists: the scope's org, the
// surveys, the previous assessment.
func (s *Service) checkRefs(ctx context.Context, a *Assessment) error {
	var fe minyi.FieldErrors
	if ok, err := s.orgs.Exists(ctx, a.Subjects.OrgID); err != nil {
		return err
	} else if !ok {
		fe.Add("subjects.org_id", "unknown_org", "考评范围所在的组织不存在")
	}
	for i, c := range a.Components {
		if c.Kind != KindSurvey {
			continue
		}
		if _, err := s.surveys.Get(ctx, c.SurveyID); err != nil {
			fe.Add(fmt.Sprintf("components[%d].survey_id", i), "unknown_survey", "所选测评不存在")
		}
	}
	if a.PreviousID != "" {
		prev, err := s.store.Get(ctx, a.PreviousID)
		if err != nil {
			fe.Add("previous_id", "unknown_assessment", "上一期考评不存在")
		} else if prev.Subjects.Kind != a.Subjects.Kind {
			fe.Add("previous_id", "other_subjects", "上一期考评的考评对象类型与本期不同")
		}
	}
	return fe.Err()
}

// Get returns assessment id to a reader who may see it.
func (s *Service) Get(ctx context.Context, id string) (*Assessment, error) {
	if _, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary); err != nil {
		return nil, err
	}
	a, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// List returns the assessments the reader may see, newest first.
func (s *Service) List(ctx context.Context) ([]*Assessment, error) {
	if _, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary); err != nil {
		return nil, err
	}
	ids, err := s.store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Assessment
	for _, id := range slices.Backward(ids) {
		a, err := s.store.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if s.visible(ctx, a) == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// visible refuses a secretary an assessment that neither judges its org
// nor lies within its subtree.
func (s *Service) visible(ctx context.Context, a *Assessment) error {
	p := minyi.PrincipalFrom(ctx)
	if p.Role != minyi.RoleSecretary {
		return nil
	}
	if p.OrgID == a.Subjects.OrgID {
		return nil
	}
	own, err := s.orgs.Get(ctx, p.OrgID)
	if err != nil {
		return err
	}
	if slices.Contains(own.Path, a.Subjects.OrgID) {
		return nil // the assessment judges the secretary's org
	}
	root, err := s.orgs.Get(ctx, a.Subjects.OrgID)
	if err == nil && slices.Contains(root.Path, p.OrgID) {
		return nil // it lies within the secretary's subtree
	}
	return minyi.ErrOutOfScope
}

// SetManual records a subject's manual points with a reason (admin, in a
// draft).
func (s *Service) SetManual(ctx context.Context, id, subjectID string, points float64, reason string) (*Assessment, error) {
	p, err := minyi.Require(ctx)
	if err != nil {
		return nil, err
	}
	var fe minyi.FieldErrors
	if points < -100 || points > 100 || math.IsNaN(points) {
		fe.Add("points", "bad_points", "分值应在 -100 到 100 之间")
	}
	reason = cleanField(&fe, "reason", reason, true, maxText, "请填写加减分理由")
	if err := fe.Err(); err != nil {
		return nil, err
	}
	e := Entry{Kind: entryManual, SubjectID: subjectID, By: p.Actor(),
		Mark: Mark{Points: points, Reason: reason, By: p.Actor(), At: s.now().UTC()}}
	a, err := s.store.Append(ctx, id, e, func(a *Assessment) error {
		if a.Status != StatusDraft {
			return minyi.E(minyi.ErrConflict, "assessment_published", "考评已公示，不能再修改加减分")
		}
		if !hasManual(a) {
			return minyi.E(minyi.ErrConflict, "no_manual_component", "该考评没有加减分分项").At("points")
		}
		return s.requireSubject(ctx, a, subjectID)
	})
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "assessment.manual", ObjectType: "assessment", ObjectID: a.ID,
		Summary: fmt.Sprintf("为考评对象 %s 录入加减分 %s，理由：%s", subjectID, trim(points), reason)})
	return a, nil
}

func hasManual(a *Assessment) bool {
	return slices.ContainsFunc(a.Components, func(c Component) bool { return c.Kind == KindManual })
}

// requireSubject answers 404 unless subjectID is one of a's subjects.
func (s *Service) requireSubject(ctx context.Context, a *Assessment, subjectID string) error {
	subjects, err := s.subjects(ctx, a.Subjects)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(subjects, func(x Subject) bool { return x.ID == subjectID }) {
		return minyi.NotFound("subject_not_found", "考评对象")
	}
	return nil
}
