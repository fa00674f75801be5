package commitments

import (
	"context"
	"strings"

	"minyi"
	"minyi/surveys"
)

// 评诺: an org's evaluation of a period is a survey of the existing engine
// (created through surveys.SurveyService, so the same validation, ballot
// rules, codes, public link and scoring apply), whose subjects are the
// owners of the org's approved commitments. Its results attach to each
// owner through Scorer.

// Rater groups of the evaluation and their weights (Σ = 1).
var evaluationGroups = []surveys.RaterGroup{
	{Key: "self", Name: "本人", Weight: 0.1},
	{Key: "members", Name: "党员", Weight: 0.3},
	{Key: "masses", Name: "群众", Weight: 0.4},
	{Key: "org", Name: "组织", Weight: 0.2},
}

func score(v float64) *float64 { return &v }

// evaluationQuestions: delivery and effect of each owner's commitments,
// and free text.
func evaluationQuestions() []surveys.Question {
	return []surveys.Question{
		{Key: "delivery", Type: surveys.QSingle, Title: "践诺情况", Required: true, PerSubject: true, Dimension: "践诺情况",
			Description: "对照公开的承诺内容和衡量目标，承诺兑现得怎么样？",
			Options: []surveys.Option{
				{Key: "good", Label: "好", Score: score(100), Satisfied: true},
				{Key: "fair", Label: "较好", Score: score(80), Satisfied: true},
				{Key: "average", Label: "一般", Score: score(60)},
				{Key: "poor", Label: "差", Score: score(0)},
				{Key: "unknown", Label: "不了解", Abstain: true},
			}},
		{Key: "effect", Type: surveys.QSingle, Title: "承诺效果", Required: true, PerSubject: true, Dimension: "承诺效果",
			Description: "承诺事项给群众带来的实际效果是否满意？",
			Options: []surveys.Option{
				{Key: "satisfied", Label: "满意", Score: score(100), Satisfied: true},
				{Key: "basic", Label: "基本满意", Score: score(80), Satisfied: true},
				{Key: "unsatisfied", Label: "不满意", Score: score(0)},
				{Key: "unknown", Label: "不了解", Abstain: true},
			}},
		{Key: "suggestion", Type: surveys.QText, Title: "意见建议", Description: "对承诺和践诺的意见建议（选填）", MaxLength: 1000},
	}
}

// CreateEvaluation creates the evaluation survey draft of an org's period
// (admins: surveys are theirs to define) and records it as the org's
// evaluation of that period.
func (s *Service) CreateEvaluation(ctx context.Context, orgID, period, title string) (*surveys.Survey, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	if err := s.checkQuery(ctx, Query{OrgID: orgID, Period: period}); err != nil {
		return nil, err
	}
	o, err := s.orgs.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.read(ctx, orgID, period)
	if err != nil {
		return nil, err
	}
	var subjects []surveys.Subject
	seen := map[string]bool{}
	for _, c := range cs {
		if !c.Public() || seen[c.Owner.Key()] {
			continue
		}
		seen[c.Owner.Key()] = true
		t := surveys.SubjectMember
		if c.Owner.Type == OwnerOrg {
			t = surveys.SubjectOrg
		}
		subjects = append(subjects, surveys.Subject{Type: t, ID: c.Owner.ID})
	}
	if len(subjects) == 0 {
		var fe minyi.FieldErrors
		fe.Add("org_id", "no_commitments", "该组织这一时期没有已审核通过的承诺，无从评诺")
		return nil, fe.Err()
	}
	if title = strings.TrimSpace(title); title == "" {
		title = o.Name + PeriodLabel(period) + "承诺践诺评议"
	}
	sv := &surveys.Survey{
		Title: title, Kind: surveys.KindSatisfaction, OrgID: o.ID, Subjects: subjects,
		Description: "请对照" + o.Name + "公开的" + PeriodLabel(period) + "承诺，评价每位承诺人（组织）践诺的情况和效果。评议不记名。",
		RaterGroups: append([]surveys.RaterGroup(nil), evaluationGroups...),
		Access:      surveys.Access{Mode: surveys.AccessCode},
		Questions:   evaluationQuestions(),
		Rules:       surveys.Rules{Quotas: []surveys.Quota{}},
		Scoring:     surveys.Scoring{SatisfactionDenominator: surveys.DenomNonAbstain},
	}
	if err := s.svOps.CreateSurvey(ctx, sv); err != nil {
		return nil, err
	}
	if err := s.store.SetEvaluation(ctx, o.ID, period, sv.ID); err != nil {
		return nil, err
	}
	s.audit.Audit(ctx, minyi.AuditRecord{Action: "commitment.evaluation", ObjectType: "survey", ObjectID: sv.ID,
		Summary: "创建评诺测评：" + o.Name + "（" + PeriodLabel(period) + "），" + itoa(len(subjects)) + "个承诺主体"})
	return sv, nil
}
