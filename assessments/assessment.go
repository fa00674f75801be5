package assessments

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// Status is where an assessment is in its life.
type Status string

// The statuses: a draft is computed live; publishing freezes the results
// for 公示 during which objections are recorded and answered; closing ends
// the publicity (all objections answered, the days over).
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusClosed    Status = "closed"
)

// Label is the status's Chinese name.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusPublished:
		return "公示中"
	case StatusClosed:
		return "已结束"
	}
	return string(s)
}

// The subjects an assessment judges.
const (
	SubjectBranches = "branches" // every 党支部 under the scope's root
	SubjectMembers  = "members"  // every member of the scope's subtree
)

// Period is the dates an assessment covers, both inclusive (Asia/Shanghai).
type Period struct {
	From string `bson:"from" json:"from"` // 2006-01-02
	To   string `bson:"to" json:"to"`
}

// Scope is whom an assessment judges.
type Scope struct {
	Kind  string `bson:"kind" json:"kind"`
	OrgID string `bson:"org_id" json:"org_id"`
}

// Assessment is one scheme applied to one period, with what was recorded
// on it. Its state changes only through entries (see Store.apply), so
// Version counts them.
type Assessment struct {
	ID         string      `bson:"_id" json:"id"`
	Title      string      `bson:"title" json:"title"`
	Period     Period      `bson:"period" json:"period"`
	Subjects   Scope       `bson:"subjects" json:"subjects"`
	PreviousID string      `bson:"previous_id,omitempty" json:"previous_id"`
	Components []Component `bson:"components" json:"components"`
	Tiers      []Tier      `bson:"tiers" json:"tiers"`
	Vetoes     []Veto      `bson:"vetoes" json:"vetoes"`

	Status      Status     `bson:"status" json:"status"`
	PublishedAt *time.Time `bson:"published_at,omitempty" json:"published_at,omitempty"`
	PublicUntil *time.Time `bson:"public_until,omitempty" json:"public_until,omitempty"`
	ClosedAt    *time.Time `bson:"closed_at,omitempty" json:"closed_at,omitempty"`

	Manual        map[string]Mark   `bson:"manual,omitempty" json:"manual,omitempty"`         // by subject id
	Finals        map[string]Mark   `bson:"finals,omitempty" json:"final_tiers,omitempty"`    // by subject id
	Objections    []Objection       `bson:"objections,omitempty" json:"objections,omitempty"` // in the order recorded
	Frozen        []Row             `bson:"frozen,omitempty" json:"-"`                        // the results as published
	FrozenSources map[string]string `bson:"frozen_sources,omitempty" json:"-"`
	CreatedBy     string            `bson:"created_by" json:"created_by"`
	CreatedAt     time.Time         `bson:"created_at" json:"created_at"`
	UpdatedAt     time.Time         `bson:"updated_at" json:"updated_at"`
	Version       int               `bson:"version" json:"version"`
}

// Rules is what Compute needs of a.
func (a *Assessment) Rules() Rules {
	return Rules{Components: a.Components, Tiers: a.Tiers, Vetoes: a.Vetoes}
}

// Bounds is the period as [from, to) instants in loc.
func (a *Assessment) Bounds(loc *time.Location) (from, to time.Time) {
	from, _ = time.ParseInLocation(time.DateOnly, a.Period.From, loc)
	to, _ = time.ParseInLocation(time.DateOnly, a.Period.To, loc)
	return from, to.AddDate(0, 0, 1)
}

// Mark is a value recorded for one subject with its reason: manual points
// (Points) or a final tier (Tier).
type Mark struct {
	Points float64   `bson:"points,omitempty" json:"points,omitempty"`
	Tier   string    `bson:"tier,omitempty" json:"tier,omitempty"`
	Label  string    `bson:"label,omitempty" json:"label,omitempty"`
	Reason string    `bson:"reason" json:"reason"`
	By     string    `bson:"by" json:"by"`
	At     time.Time `bson:"at" json:"at"`
}

// Objection is an objection to a subject's result raised during 公示, and
// its answer.
type Objection struct {
	Seq        int        `bson:"seq" json:"id"`
	SubjectID  string     `bson:"subject_id" json:"subject_id"`
	Text       string     `bson:"text" json:"text"`
	By         string     `bson:"by" json:"by"`
	At         time.Time  `bson:"at" json:"at"`
	Answer     string     `bson:"answer,omitempty" json:"answer,omitempty"`
	AnsweredBy string     `bson:"answered_by,omitempty" json:"answered_by,omitempty"`
	AnsweredAt *time.Time `bson:"answered_at,omitempty" json:"answered_at,omitempty"`
}

// Limits of a scheme.
const (
	maxTitle      = 100
	maxComponents = 10
	maxTiers      = 6
	maxVetoes     = 10
	maxText       = 1000
	maxPublicDays = 60
)

// Validate checks a new scheme, naming every bad field.
func (a *Assessment) Validate() error {
	var fe minyi.FieldErrors
	a.Title = cleanField(&fe, "title", a.Title, false, maxTitle, "请填写考评名称")
	from, errFrom := time.Parse(time.DateOnly, a.Period.From)
	to, errTo := time.Parse(time.DateOnly, a.Period.To)
	switch {
	case errFrom != nil:
		fe.Add("period.from", "bad_date", "起始日期应为 YYYY-MM-DD")
	case errTo != nil:
		fe.Add("period.to", "bad_date", "截止日期应为 YYYY-MM-DD")
	case to.Before(from):
		fe.Add("period.to", "bad_period", "截止日期不能早于起始日期")
	}
	if a.Subjects.Kind != SubjectBranches && a.Subjects.Kind != SubjectMembers {
		fe.Add("subjects.kind", "bad_kind", "考评对象应为党支部（branches）或党员（members）")
	}
	if a.Subjects.OrgID == "" {
		fe.Add("subjects.org_id", "required", "请选择考评范围所在的组织")
	}
	a.validateComponents(&fe)
	a.validateTiers(&fe)
	a.validateVetoes(&fe)
	return fe.Err()
}

func (a *Assessment) validateComponents(fe *minyi.FieldErrors) {
	if len(a.Components) == 0 || len(a.Components) > maxComponents {
		fe.Add("components", "required", fmt.Sprintf("请设置 1–%d 个考评分项", maxComponents))
	}
	seen := map[string]bool{}
	var weighted bool
	manual := 0
	for i, c := range a.Components {
		at := func(f string) string { return fmt.Sprintf("components[%d].%s", i, f) }
		if c.Key == "" || seen[c.Key] {
			fe.Add(at("key"), "bad_key", "分项标识不能为空，也不能重复")
		}
		seen[c.Key] = true
		if c.Weight < 0 || c.Weight > 100 {
			fe.Add(at("weight"), "bad_weight", "权重应在 0 到 100 之间")
		}
		if c.Weight > 0 {
			weighted = true
		}
		switch c.Kind {
		case KindSurvey:
			if c.SurveyID == "" {
				fe.Add(at("survey_id"), "required", "请选择测评")
			}
			if c.Measure != "" && c.Measure != MeasureScore && c.Measure != MeasureSatisfaction {
				fe.Add(at("measure"), "bad_measure", "测评分项取得分（score）或满意率（satisfaction_rate）")
			}
		case KindCommitments:
			if c.Measure != "" && c.Measure != MeasureFulfilled && c.Measure != MeasureEvaluationScore {
				fe.Add(at("measure"), "bad_measure", "承诺分项取兑现率（fulfilled_rate）或评诺得分（evaluation_score）")
			}
		case KindManual:
			if manual++; manual > 1 {
				fe.Add(at("kind"), "one_manual", "加减分分项只能有一个")
			}
		case KindHotline:
		default:
			fe.Add(at("kind"), "bad_kind", "分项类型应为 survey、hotline、commitments 或 manual")
		}
	}
	if len(a.Components) > 0 && !weighted {
		fe.Add("components", "no_weight", "至少一个分项的权重应大于 0")
	}
}

func (a *Assessment) validateTiers(fe *minyi.FieldErrors) {
	if len(a.Tiers) == 0 || len(a.Tiers) > maxTiers {
		fe.Add("tiers", "required", fmt.Sprintf("请设置 1–%d 个等次", maxTiers))
	}
	seen := map[string]bool{}
	for i, t := range a.Tiers {
		at := func(f string) string { return fmt.Sprintf("tiers[%d].%s", i, f) }
		if t.Key == "" || seen[t.Key] {
			fe.Add(at("key"), "bad_key", "等次标识不能为空，也不能重复")
		}
		seen[t.Key] = true
		a.Tiers[i].Label = cleanField(fe, at("label"), t.Label, false, 20, "请填写等次名称")
		if i > 0 && t.MinScore > a.Tiers[i-1].MinScore {
			fe.Add(at("min_score"), "bad_order", "等次应按分数线从高到低排列")
		}
		if t.MaxShare < 0 || t.MaxShare > 1 {
			fe.Add(at("max_share"), "bad_share", "名额比例应在 0 到 1 之间")
		}
	}
}

func (a *Assessment) validateVetoes(fe *minyi.FieldErrors) {
	if len(a.Vetoes) > maxVetoes {
		fe.Add("vetoes", "too_many", fmt.Sprintf("否决项不超过 %d 条", maxVetoes))
	}
	keys := map[string]bool{}
	for _, c := range a.Components {
		keys[c.Key] = true
	}
	for i, v := range a.Vetoes {
		at := func(f string) string { return fmt.Sprintf("vetoes[%d].%s", i, f) }
		if !keys[v.Component] {
			fe.Add(at("component"), "unknown_component", "否决项应指向一个考评分项")
		}
		if v.Measure == "" {
			fe.Add(at("measure"), "required", "请填写否决项的指标")
		}
		if tierIndex(a.Tiers, v.MaxTier) < 0 {
			fe.Add(at("max_tier"), "unknown_tier", "否决项应指向一个等次")
		}
	}
}

// cleanField checks one typed text (minyi.CleanText, trimmed, not empty,
// at most max characters), recording what is wrong under field.
func cleanField(fe *minyi.FieldErrors, field, s string, multiline bool, max int, missing string) string {
	s, ok := minyi.CleanText(strings.TrimSpace(s), multiline)
	switch {
	case !ok:
		fe.Add(field, minyi.CodeBadCharacters, minyi.MessageBadCharacters)
	case s == "":
		fe.Add(field, "required", missing)
	case utf8.RuneCountInString(s) > max:
		fe.Addf(field, "too_long", "不超过 %d 字", max)
	}
	return s
}

// cleanText is cleanField for one field alone.
func cleanText(field, s string, max int, missing string) (string, error) {
	var fe minyi.FieldErrors
	s = cleanField(&fe, field, s, true, max, missing)
	return s, fe.Err()
}
