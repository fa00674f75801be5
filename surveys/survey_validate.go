package surveys

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"minyi"
)

// Stage says how complete a survey must be to pass validation.
type Stage int

const (
	// StageDraft checks structure only: a draft may still lack questions,
	// subjects or rater groups, but what it has must make sense.
	StageDraft Stage = iota
	// StagePublish also requires everything a rater needs to answer it.
	StagePublish
)

// Limits of one survey definition. They keep a ballot page usable and the
// tallies small.
const (
	MaxSubjects     = 2000
	MaxQuestions    = 200
	MaxOptions      = 50
	MaxRaterGroups  = 20
	MaxTextLength   = 5000
	MaxScaleSpan    = 100 // max - min of a scale: one tally bucket per value
	DefaultTextSize = 1000
)

// Normalize trims text fields and fills defaults (access mode public, text
// length 1000) before validation, so a client may leave them out.
func (s *Survey) Normalize() {
	s.Title = strings.TrimSpace(s.Title)
	s.Description = strings.TrimSpace(s.Description)
	if s.Access.Mode == "" {
		s.Access.Mode = AccessPublic
	}
	// Empty lists are [] in JSON, never null: clients iterate them.
	if s.Subjects == nil {
		s.Subjects = []Subject{}
	}
	if s.RaterGroups == nil {
		s.RaterGroups = []RaterGroup{}
	}
	if s.Questions == nil {
		s.Questions = []Question{}
	}
	if s.Rules.Quotas == nil {
		s.Rules.Quotas = []Quota{}
	}
	for i := range s.Subjects {
		s.Subjects[i].ID = strings.TrimSpace(s.Subjects[i].ID)
	}
	for i := range s.RaterGroups {
		g := &s.RaterGroups[i]
		g.Key, g.Name = strings.TrimSpace(g.Key), strings.TrimSpace(g.Name)
	}
	for i := range s.Questions {
		q := &s.Questions[i]
		q.Key, q.Title = strings.TrimSpace(q.Key), strings.TrimSpace(q.Title)
		q.Dimension = strings.TrimSpace(q.Dimension)
		if q.Type == QText && q.MaxLength == 0 {
			q.MaxLength = DefaultTextSize
		}
		for j := range q.Options {
			o := &q.Options[j]
			o.Key, o.Label = strings.TrimSpace(o.Key), strings.TrimSpace(o.Label)
		}
	}
	for i := range s.Scoring.Grades {
		g := &s.Scoring.Grades[i]
		g.Key, g.Label = strings.TrimSpace(g.Key), strings.TrimSpace(g.Label)
	}
}

// Validate reports every problem of the definition at once, each with its
// JSON path (e.g. "questions[2].options[0].score"). Whether subject ids
// exist needs the store: SurveyStore checks that.
func (s *Survey) Validate(stage Stage) error {
	return s.problems(stage).Err()
}

func (s *Survey) problems(stage Stage) minyi.FieldErrors {
	var fe minyi.FieldErrors
	fe.Text("title", &s.Title, false)
	textField(&fe, "title", s.Title, true, 200, "标题")
	switch s.Kind {
	case KindSatisfaction, KindAppraisal, KindQuestionnaire:
	default:
		fe.Add("kind", "invalid", "测评类型应为 satisfaction、appraisal 或 questionnaire")
	}
	fe.Text("description", &s.Description, true)
	textField(&fe, "description", s.Description, false, 2000, "说明")
	s.checkSubjects(&fe, stage)
	s.checkGroups(&fe, stage)
	s.checkAccess(&fe)
	s.checkQuestions(&fe, stage)
	s.checkRules(&fe, stage)
	s.checkScoring(&fe)
	return fe
}

func (s *Survey) checkSubjects(fe *minyi.FieldErrors, stage Stage) {
	if len(s.Subjects) > MaxSubjects {
		fe.Addf("subjects", "too_many", "测评对象最多%d个", MaxSubjects)
	}
	seen := map[string]int{}
	for i, sub := range s.Subjects {
		p := fmt.Sprintf("subjects[%d]", i)
		switch sub.Type {
		case SubjectOrg, SubjectMember, SubjectOrgMembers:
		default:
			fe.Add(p+".type", "invalid", "测评对象类型应为 org、member 或 org_members")
		}
		if sub.ID == "" {
			fe.Add(p+".id", "required", "请选择测评对象")
			continue
		}
		k := string(sub.Type) + "/" + sub.ID
		if first, dup := seen[k]; dup {
			fe.Addf(p+".id", "duplicate", "与第%d个测评对象重复", first+1)
		} else {
			seen[k] = i
		}
	}
	if stage == StagePublish && len(s.Subjects) == 0 {
		for _, q := range s.Questions {
			if q.PerSubject {
				fe.Add("subjects", "required", "有逐个评价的题目，请添加测评对象")
				break
			}
		}
	}
}

func (s *Survey) checkGroups(fe *minyi.FieldErrors, stage Stage) {
	if stage == StagePublish && len(s.RaterGroups) == 0 {
		fe.Add("rater_groups", "required", "请至少设置一个评价群体")
	}
	if len(s.RaterGroups) > MaxRaterGroups {
		fe.Addf("rater_groups", "too_many", "评价群体最多%d个", MaxRaterGroups)
	}
	seen := map[string]int{}
	var total float64
	for i, g := range s.RaterGroups {
		p := fmt.Sprintf("rater_groups[%d]", i)
		keyField(fe, p+".key", g.Key, seen, i)
		fe.Text(p+".name", &s.RaterGroups[i].Name, false)
		textField(fe, p+".name", g.Name, true, 50, "群体名称")
		if g.Weight < 0 {
			fe.Add(p+".weight", "negative", "权重不能为负数")
		}
		total += g.Weight
	}
	if len(s.RaterGroups) > 0 && total == 0 {
		fe.Add("rater_groups", "all_zero_weights", "各评价群体的权重不能全为0")
	}
}

func (s *Survey) checkAccess(fe *minyi.FieldErrors) {
	switch s.Access.Mode {
	case AccessPublic, AccessCode:
	default:
		fe.Add("access.mode", "invalid", "参与方式应为 public（凭链接）或 code（凭测评码）")
	}
	for i, g := range s.Access.PublicGroups {
		if _, ok := s.RaterGroup(g); !ok {
			fe.Addf(fmt.Sprintf("access.public_groups[%d]", i), "unknown_group", "评价群体 %s 不存在", g)
		}
	}
	if a := s.Access; a.OpensAt != nil && a.ClosesAt != nil && !a.OpensAt.Before(*a.ClosesAt) {
		fe.Add("access.closes_at", "before_opens", "结束时间应晚于开始时间")
	}
}

func (s *Survey) checkQuestions(fe *minyi.FieldErrors, stage Stage) {
	if stage == StagePublish && len(s.Questions) == 0 {
		fe.Add("questions", "required", "请至少添加一道题目")
	}
	if len(s.Questions) > MaxQuestions {
		fe.Addf("questions", "too_many", "题目最多%d道", MaxQuestions)
	}
	seen := map[string]int{}
	for i := range s.Questions {
		q := &s.Questions[i]
		p := fmt.Sprintf("questions[%d]", i)
		keyField(fe, p+".key", q.Key, seen, i)
		fe.Text(p+".title", &q.Title, false)
		textField(fe, p+".title", q.Title, true, 500, "题目")
		fe.Text(p+".description", &q.Description, true)
		textField(fe, p+".description", q.Description, false, 1000, "题目说明")
		switch q.Type {
		case QSingle, QMultiple:
			checkOptions(fe, p, q)
		case QScale:
			checkScale(fe, p, q)
		case QText:
			if q.MaxLength < 0 || q.MaxLength > MaxTextLength {
				fe.Addf(p+".max_length", "out_of_range", "字数上限应在1到%d之间", MaxTextLength)
			}
		default:
			fe.Add(p+".type", "invalid", "题型应为 single、multiple、scale 或 text")
			continue
		}
		if q.Type != QSingle && q.Type != QMultiple && len(q.Options) > 0 {
			fe.Add(p+".options", "not_allowed", "只有单选题和多选题有选项")
		}
		if q.Type != QText && q.MaxLength != 0 {
			fe.Add(p+".max_length", "not_allowed", "只有文字题有字数上限")
		}
		if q.Type != QMultiple && q.Type != QScale {
			if q.Min != nil {
				fe.Add(p+".min", "not_allowed", "只有多选题和打分题有最小值")
			}
			if q.Max != nil {
				fe.Add(p+".max", "not_allowed", "只有多选题和打分题有最大值")
			}
		}
		checkPerSubject(fe, p, q)
	}
}

func (s *Survey) checkRules(fe *minyi.FieldErrors, stage Stage) {
	switch s.Rules.OnViolation {
	case "", OnViolationReject, OnViolationInvalid:
	default:
		fe.Add("rules.on_violation", "invalid", "违反答卷规则时的处理应为 reject（提示改正）或 invalid（记为无效票）")
	}
	seen := map[string]int{}
	for i, qt := range s.Rules.Quotas {
		p := fmt.Sprintf("rules.quotas[%d]", i)
		if qt.MaxShare <= 0 || qt.MaxShare > 1 {
			fe.Add(p+".max_share", "out_of_range", "比例上限应大于0且不超过1")
		}
		q, ok := s.Question(qt.Question)
		switch {
		case !ok:
			fe.Addf(p+".question", "unknown_question", "题目“%s”不存在", qt.Question)
			continue
		case !q.PerSubject || q.Type != QSingle:
			fe.Add(p+".question", "not_per_subject", "比例限制只能用于逐个评价的单选题")
			continue
		}
		if _, ok := q.Option(qt.Option); !ok {
			fe.Addf(p+".option", "unknown_option", "选项“%s”不存在", qt.Option)
			continue
		}
		k := qt.Question + "/" + qt.Option
		if first, dup := seen[k]; dup {
			fe.Addf(p, "duplicate", "与第%d条比例限制重复", first+1)
		} else {
			seen[k] = i
		}
	}
	if stage == StagePublish && s.Rules.InvalidIfAllSame && !s.hasPerSubject() {
		fe.Add("rules.invalid_if_all_same", "no_per_subject", "没有逐个评价的题目，“全部相同视为无效”无从适用")
	}
}

func (s *Survey) hasPerSubject() bool {
	for _, q := range s.Questions {
		if q.PerSubject {
			return true
		}
	}
	return false
}

func (s *Survey) checkScoring(fe *minyi.FieldErrors) {
	if m := s.Scoring.MinGroupBallots; m != nil && (*m < 0 || *m > 1000) {
		fe.Add("scoring.min_group_ballots", "out_of_range", "单独列出一个评价群体所需的最少答卷数应在0到1000之间")
	}
	sc := s.Scoring
	if t := sc.Trim; t != nil {
		if t.MinAnswers < 1 {
			fe.Add("scoring.trim.min_answers", "out_of_range", "去极值的最少答卷数至少为1")
		}
		if t.DropHighest < 0 {
			fe.Add("scoring.trim.drop_highest", "out_of_range", "去掉的最高分个数不能为负数")
		}
		if t.DropLowest < 0 {
			fe.Add("scoring.trim.drop_lowest", "out_of_range", "去掉的最低分个数不能为负数")
		}
		if t.MinAnswers >= 1 && t.DropHighest >= 0 && t.DropLowest >= 0 && t.DropHighest+t.DropLowest >= t.MinAnswers {
			fe.Add("scoring.trim.min_answers", "too_small", "最少答卷数应大于去掉的最高分与最低分个数之和")
		}
	}
	switch sc.SatisfactionDenominator {
	case "", DenomNonAbstain, DenomAll:
	default:
		fe.Add("scoring.satisfaction_denominator", "invalid", "满意率分母应为 non_abstain（不含不了解）或 all（全部）")
	}
	seen := map[string]int{}
	for i, g := range sc.Grades {
		p := fmt.Sprintf("scoring.grades[%d]", i)
		keyField(fe, p+".key", g.Key, seen, i)
		fe.Text(p+".label", &sc.Grades[i].Label, false)
		textField(fe, p+".label", g.Label, true, 20, "等次名称")
		switch {
		case g.MinScore < 0 || g.MinScore > 100:
			fe.Add(p+".min_score", "out_of_range", "分数线应在0到100之间")
		case i > 0 && g.MinScore >= sc.Grades[i-1].MinScore:
			fe.Add(p+".min_score", "not_descending", "各等次的分数线应从高到低严格递减")
		}
		if g.MaxShare < 0 || g.MaxShare > 1 {
			fe.Add(p+".max_share", "out_of_range", "等次比例上限应大于0且不超过1（0表示不限）")
		}
	}
}

// keyField checks a machine key: required, short, plain characters, unique
// among its siblings (seen maps key → first index).
func keyField(fe *minyi.FieldErrors, path, key string, seen map[string]int, i int) {
	switch {
	case key == "":
		fe.Add(path, "required", "请填写标识")
		return
	case len(key) > 32 || !isCode(key):
		fe.Add(path, "invalid", "标识只能包含字母、数字、-和_，最长32位")
		return
	}
	if first, dup := seen[key]; dup {
		fe.Addf(path, "duplicate", "标识“%s”与第%d项重复", key, first+1)
		return
	}
	seen[key] = i
}

// textField checks a text field's presence and length in characters; the
// fe.Text call before each refuses control and bidi characters (and cleans
// zero-width ones out of descriptions) first.
func textField(fe *minyi.FieldErrors, path, v string, required bool, max int, what string) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0 && required:
		fe.Addf(path, "required", "请填写%s", what)
	case n > max:
		fe.Addf(path, "too_long", "%s不能超过%d个字", what, max)
	}
}

// RaterGroup returns the rater group with key, if any.
func (s *Survey) RaterGroup(key string) (*RaterGroup, bool) {
	for i := range s.RaterGroups {
		if s.RaterGroups[i].Key == key {
			return &s.RaterGroups[i], true
		}
	}
	return nil, false
}
