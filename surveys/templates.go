package surveys

import (
	"context"
	"slices"

	"minyi"
)

// TemplateInfo describes a survey template in the template list.
type TemplateInfo struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Kind        Kind   `json:"kind"`
	Description string `json:"description"`
}

// template is a ready-made survey definition. build returns a fresh copy
// each time, so instantiating a template never shares slices.
type template struct {
	TemplateInfo
	build func() Survey
}

// Template keys.
const (
	TemplateAppraisal     = "member_appraisal"
	TemplateSatisfaction  = "branch_satisfaction"
	TemplateQuestionnaire = "resident_questionnaire"
)

// templates is the fixed table of templates (immutable).
var templates = []template{
	{TemplateInfo{TemplateAppraisal, "民主评议党员", KindAppraisal,
		"按优秀、合格、基本合格、不合格四个等次评议党员；每张评议票评为“优秀”的不超过应评人数的三分之一；由本人、党员、群众和党组织分别评议，加权汇总。"}, appraisalTemplate},
	{TemplateInfo{TemplateSatisfaction, "党支部满意度测评", KindSatisfaction,
		"从政治建设、组织生活、服务群众、作风建设四个方面测评党支部，选项为满意、基本满意、不满意、不了解，统计满意率和得分。"}, satisfactionTemplate},
	{TemplateInfo{TemplateQuestionnaire, "群众满意度问卷", KindQuestionnaire,
		"面向辖区群众的综合问卷：总体评价、最需改进的方面（多选）、参与活动情况、0–10分推荐意愿和意见建议。"}, questionnaireTemplate},
}

// Templates lists the templates.
func Templates() []TemplateInfo {
	out := make([]TemplateInfo, len(templates))
	for i, t := range templates {
		out[i] = t.TemplateInfo
	}
	return out
}

// FromTemplate returns a fresh draft definition of the template with key.
func FromTemplate(key string) (*Survey, bool) {
	for _, t := range templates {
		if t.Key == key {
			s := t.build()
			s.Template = key
			return &s, true
		}
	}
	return nil, false
}

func score(v float64) *float64 { return &v }
func intp(v int) *int          { return &v }

// appraisalTemplate: 民主评议党员. Option scores 95/80/65/40 sit inside the
// grade bands 优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60, 不合格 below, so a member
// given one grade unanimously ends in that grade's band.
func appraisalTemplate() Survey {
	return Survey{
		Title:       "年度民主评议党员",
		Kind:        KindAppraisal,
		Description: "请对照党员标准，实事求是地评议每一名党员。评为“优秀”的人数不得超过应评人数的三分之一。评议结果仅作统计，不记名。",
		RaterGroups: []RaterGroup{
			{Key: "self", Name: "本人", Weight: 0.1},
			{Key: "members", Name: "党员", Weight: 0.4},
			{Key: "masses", Name: "群众", Weight: 0.3},
			{Key: "org", Name: "组织", Weight: 0.2},
		},
		Access: Access{Mode: AccessCode},
		Questions: []Question{
			{Key: "grade", Type: QSingle, Title: "评议等次", Required: true, PerSubject: true, Dimension: "综合评议",
				Description: "从政治品质、党性观念、工作表现、作风纪律、发挥作用等方面综合评议",
				Options: []Option{
					{Key: "excellent", Label: "优秀", Score: score(95)},
					{Key: "qualified", Label: "合格", Score: score(80)},
					{Key: "basic", Label: "基本合格", Score: score(65)},
					{Key: "unqualified", Label: "不合格", Score: score(40)},
				}},
			{Key: "comment", Type: QText, Title: "意见建议", Description: "对党员的意见和建议（选填）", MaxLength: 1000},
		},
		Rules: Rules{
			Quotas:      []Quota{{Question: "grade", Option: "excellent", MaxShare: 1.0 / 3}}, // 三分之一
			OnViolation: OnViolationReject,
		},
		Scoring: Scoring{
			SatisfactionDenominator: DenomNonAbstain,
			Grades: []Grade{
				{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: 1.0 / 3},
				{Key: "qualified", Label: "合格", MinScore: 70},
				{Key: "basic", Label: "基本合格", MinScore: 60},
				{Key: "unqualified", Label: "不合格", MinScore: 0},
			},
		},
	}
}

// satisfactionOptions are the four answers of a satisfaction dimension.
func satisfactionOptions() []Option {
	return []Option{
		{Key: "satisfied", Label: "满意", Score: score(100), Satisfied: true},
		{Key: "basic", Label: "基本满意", Score: score(80), Satisfied: true},
		{Key: "unsatisfied", Label: "不满意", Score: score(0)},
		{Key: "unknown", Label: "不了解", Abstain: true},
	}
}

// satisfactionTemplate: 党支部满意度测评, one per-subject question per
// dimension.
func satisfactionTemplate() Survey {
	dims := []struct{ key, dim, title, desc string }{
		{"political", "政治建设", "政治建设", "学习贯彻党的创新理论，落实上级党组织决策部署"},
		{"org_life", "组织生活", "组织生活", "落实“三会一课”、主题党日、组织生活会等制度"},
		{"service", "服务群众", "服务群众", "联系服务群众，为群众办实事、解难题"},
		{"conduct", "作风建设", "作风建设", "廉洁自律，作风务实，办事公开公正"},
	}
	var qs []Question
	for _, d := range dims {
		qs = append(qs, Question{Key: d.key, Type: QSingle, Title: d.title, Description: d.desc,
			Required: true, PerSubject: true, Dimension: d.dim, Options: satisfactionOptions()})
	}
	qs = append(qs, Question{Key: "suggestion", Type: QText, Title: "意见建议",
		Description: "您对党支部工作有什么意见和建议？（选填）", MaxLength: 1000})
	return Survey{
		Title:       "党支部满意度测评",
		Kind:        KindSatisfaction,
		Description: "为进一步加强党支部建设，现开展党支部满意度测评。请根据您的了解，对下列党支部各方面工作作出评价。测评不记名，感谢您的支持！",
		RaterGroups: []RaterGroup{
			{Key: "masses", Name: "群众", Weight: 0.6},
			{Key: "members", Name: "党员", Weight: 0.4},
		},
		Access:    Access{Mode: AccessPublic},
		Questions: qs,
		Rules:     Rules{Quotas: []Quota{}},
		Scoring: Scoring{
			Trim:                    &Trim{MinAnswers: 6, DropHighest: 1, DropLowest: 1},
			SatisfactionDenominator: DenomNonAbstain,
		},
	}
}

// questionnaireTemplate: 群众满意度问卷, one question of every type.
func questionnaireTemplate() Survey {
	return Survey{
		Title:       "群众满意度问卷",
		Kind:        KindQuestionnaire,
		Description: "您好！为了解您对社区党组织和社区工作的评价，听取您的意见建议，我们开展本次问卷调查。问卷不记名，大约需要3分钟，感谢您的参与！",
		RaterGroups: []RaterGroup{{Key: "masses", Name: "群众", Weight: 1}},
		Access:      Access{Mode: AccessPublic},
		Questions: []Question{
			{Key: "overall", Type: QSingle, Title: "您对社区党组织的工作总体上是否满意？", Required: true, Options: []Option{
				{Key: "very", Label: "非常满意", Score: score(100), Satisfied: true},
				{Key: "satisfied", Label: "满意", Score: score(80), Satisfied: true},
				{Key: "neutral", Label: "一般", Score: score(60)},
				{Key: "unsatisfied", Label: "不满意", Score: score(0)},
				{Key: "unknown", Label: "不了解", Abstain: true},
			}},
			{Key: "improve", Type: QMultiple, Title: "您认为社区在哪些方面最需要改进？（最多选三项）", Required: true,
				Min: intp(1), Max: intp(3), Options: []Option{
					{Key: "environment", Label: "环境卫生"},
					{Key: "safety", Label: "治安秩序"},
					{Key: "parking", Label: "停车管理"},
					{Key: "elderly", Label: "养老服务"},
					{Key: "convenience", Label: "便民服务"},
					{Key: "mediation", Label: "矛盾纠纷调解"},
					{Key: "openness", Label: "党务居务公开"},
					{Key: "other", Label: "其他"},
				}},
			{Key: "activity", Type: QSingle, Title: "过去一年，您参加过社区党组织组织的活动吗？", Options: []Option{
				{Key: "often", Label: "经常参加"},
				{Key: "sometimes", Label: "偶尔参加"},
				{Key: "never", Label: "没有参加过"},
			}},
			{Key: "recommend", Type: QScale, Title: "您有多大可能向亲友推荐在本社区居住？（0分表示完全不可能，10分表示非常可能）",
				Required: true, Min: intp(0), Max: intp(10)},
			{Key: "comment", Type: QText, Title: "意见建议", Description: "您对社区党组织和社区工作还有哪些意见和建议？（选填）", MaxLength: 1000},
		},
		Rules:   Rules{Quotas: []Quota{}},
		Scoring: Scoring{SatisfactionDenominator: DenomNonAbstain},
	}
}

// TemplateOptions adjust a template as it is instantiated.
type TemplateOptions struct {
	Title    string    // replaces the template's title when set
	Subjects []Subject // the subjects; nil means derived from OrgID
	OrgID    string    // the org that runs the survey
}

// CreateFromTemplate stores a new draft made from template key. Without
// subjects but with an org, an appraisal rates every member of the org's
// subtree and a satisfaction survey every branch in it.
func (s *SurveyStore) CreateFromTemplate(ctx context.Context, key string, o TemplateOptions) (*Survey, error) {
	sv, ok := FromTemplate(key)
	if !ok {
		return nil, minyi.NotFound("template_not_found", "模板")
	}
	if o.Title != "" {
		sv.Title = o.Title
	}
	sv.OrgID = o.OrgID
	sv.Subjects = o.Subjects
	if sv.Subjects == nil && o.OrgID != "" {
		subjects, err := s.defaultSubjects(ctx, sv.Kind, o.OrgID)
		if err != nil {
			return nil, err
		}
		sv.Subjects = subjects
	}
	if sv.Subjects == nil {
		sv.Subjects = []Subject{}
	}
	if err := s.Create(ctx, sv); err != nil {
		return nil, err
	}
	return sv, nil
}

func (s *SurveyStore) defaultSubjects(ctx context.Context, kind Kind, orgID string) ([]Subject, error) {
	switch kind {
	case KindAppraisal:
		return []Subject{{Type: SubjectOrgMembers, ID: orgID}}, nil
	case KindSatisfaction:
		all, err := s.orgs.All(ctx)
		if err != nil {
			return nil, err
		}
		var out []Subject
		for _, o := range all {
			if o.Kind == OrgBranch && (o.ID == orgID || slices.Contains(o.Path, orgID)) {
				out = append(out, Subject{Type: SubjectOrg, ID: o.ID})
			}
		}
		return out, nil
	}
	return nil, nil
}
