package analytics

import (
	"context"

	"minyi"
	"minyi/surveys"
)

// GradeService records the final grades branches set over the recommended
// ones. RecordFinalGrade is one domain operation: it takes ctx carrying the
// acting principal, refuses one that may not grade that subject, records
// the grade and writes the audit entry; PUT …/final-grade and the form of
// /results/{id} both call it.
type GradeService struct {
	finals  *FinalGradeStore
	surveys *surveys.SurveyStore
	orgs    *surveys.OrgStore
	audit   minyi.Auditor
}

// NewGradeService records into finals, reads surveys and the org tree (for
// the scope), and audits to audit.
func NewGradeService(finals *FinalGradeStore, sv *surveys.SurveyStore, orgs *surveys.OrgStore, audit minyi.Auditor) *GradeService {
	return &GradeService{finals: finals, surveys: sv, orgs: orgs, audit: audit}
}

// FinalGradeInput is a final grade as a client sets it.
type FinalGradeInput struct {
	Grade  string // the key of one of the survey's grades
	Reason string // required
}

// RecordFinalGrade records the final grade of subject subjectID of survey
// surveyID. Admins may grade every subject; a secretary only a survey it
// sees and a subject of its own org subtree (403 out_of_scope otherwise).
// Earlier records stay as history; the latest is the one in force.
var errOwnGrade = minyi.E(minyi.ErrForbidden, "own_grade", "不能为自己确定评议等次，请由其他负责人确定")

func (s *GradeService) RecordFinalGrade(ctx context.Context, surveyID, subjectID string, in FinalGradeInput) (*FinalGradeRecord, error) {
	p, err := minyi.Require(ctx, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	if p.MemberID != "" && p.MemberID == subjectID {
		return nil, errOwnGrade
	}
	sv, err := s.surveys.Get(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	scope, err := s.orgs.Scope(ctx)
	if err != nil {
		return nil, err
	}
	if !surveys.SurveyInScope(scope, sv) {
		return nil, minyi.ErrOutOfScope
	}
	if sub, ok := sv.Subject(subjectID); ok && !surveys.InScope(scope, sub.OrgID) {
		return nil, minyi.ErrOutOfScope
	}
	r, err := s.finals.Set(ctx, sv, subjectID, in.Grade, in.Reason, p.Actor())
	if err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "survey.final_grade", ObjectType: "survey", ObjectID: sv.ID,
		Summary: "确定测评对象 " + subjectID + " 的等次为「" + r.Label + "」"})
	return r, nil
}
