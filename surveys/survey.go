package surveys

import "time"

// Kind is what a survey is for.
type Kind string

// Survey kinds.
const (
	KindSatisfaction  Kind = "satisfaction"  // 满意度测评
	KindAppraisal     Kind = "appraisal"     // 民主评议党员
	KindQuestionnaire Kind = "questionnaire" // 问卷调查
)

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindSatisfaction:
		return "满意度测评"
	case KindAppraisal:
		return "民主评议党员"
	case KindQuestionnaire:
		return "问卷调查"
	}
	return string(k)
}

// Status is where a survey is in its lifecycle: draft → published → closed.
type Status string

// Survey statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusClosed    Status = "closed"
)

// Label is the Chinese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusPublished:
		return "进行中"
	case StatusClosed:
		return "已结束"
	}
	return string(s)
}

// QuestionType is how a question is answered.
type QuestionType string

// Question types.
const (
	QSingle   QuestionType = "single"
	QMultiple QuestionType = "multiple"
	QScale    QuestionType = "scale"
	QText     QuestionType = "text"
)

// Label is the Chinese name of the question type.
func (t QuestionType) Label() string {
	switch t {
	case QSingle:
		return "单选"
	case QMultiple:
		return "多选"
	case QScale:
		return "打分"
	case QText:
		return "文字"
	}
	return string(t)
}

// SubjectType is what a subject is. SubjectOrgMembers stands for "every
// member of org X" in a draft and is expanded into member subjects when the
// survey is published.
type SubjectType string

// Subject types.
const (
	SubjectOrg        SubjectType = "org"
	SubjectMember     SubjectType = "member"
	SubjectOrgMembers SubjectType = "org_members"
)

// Label is the Chinese name of the subject type.
func (t SubjectType) Label() string {
	switch t {
	case SubjectOrg:
		return "党组织"
	case SubjectMember:
		return "党员"
	case SubjectOrgMembers:
		return "全体党员"
	}
	return string(t)
}

// AccessMode says who may answer a survey.
type AccessMode string

// Access modes.
const (
	AccessPublic AccessMode = "public" // anyone with the link
	AccessCode   AccessMode = "code"   // a single-use ballot code per rater
)

// Label says in Chinese who may answer: a code survey one rater per code,
// any other (public, the default) anyone with the link.
func (m AccessMode) Label() string {
	if m == AccessCode {
		return "凭测评码参与（每码一次）"
	}
	return "凭链接参与（任何人）"
}

// Survey is a survey definition. Once published its definition (subjects,
// groups, questions, rules, scoring) is frozen as Version, which every ballot
// records.
type Survey struct {
	ID          string       `bson:"_id" json:"id"`
	Title       string       `bson:"title" json:"title"`
	Kind        Kind         `bson:"kind" json:"kind"`
	Description string       `bson:"description" json:"description"`
	Status      Status       `bson:"status" json:"status"`
	Slug        string       `bson:"slug,omitempty" json:"slug,omitempty"`
	Version     int          `bson:"version" json:"version"`
	OrgID       string       `bson:"org_id,omitempty" json:"org_id,omitempty"` // the org that runs it (scoping)
	Subjects    []Subject    `bson:"subjects" json:"subjects"`
	RaterGroups []RaterGroup `bson:"rater_groups" json:"rater_groups"`
	Access      Access       `bson:"access" json:"access"`
	Questions   []Question   `bson:"questions" json:"questions"`
	Rules       Rules        `bson:"rules" json:"rules"`
	Scoring     Scoring      `bson:"scoring" json:"scoring"`
	Template    string       `bson:"template,omitempty" json:"template,omitempty"`
	CreatedAt   time.Time    `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time    `bson:"updated_at" json:"updated_at"`
	PublishedAt *time.Time   `bson:"published_at,omitempty" json:"published_at,omitempty"`
	ClosedAt    *time.Time   `bson:"closed_at,omitempty" json:"closed_at,omitempty"`
}

// Subject is who or what is rated: a branch (org) or a member. Name and the
// org fields are filled in from the roster when the survey is published.
type Subject struct {
	Type    SubjectType `bson:"type" json:"type"`
	ID      string      `bson:"id" json:"id"`
	Name    string      `bson:"name,omitempty" json:"name,omitempty"`
	OrgID   string      `bson:"org_id,omitempty" json:"org_id,omitempty"`
	OrgName string      `bson:"org_name,omitempty" json:"org_name,omitempty"`
	Number  string      `bson:"number,omitempty" json:"number,omitempty"` // a member's 党员编号, to tell same-name members apart
}

// Org is the org a subject belongs to for scoping and filtering: a
// branch is its own org, a member belongs to the member's org.
func (s Subject) Org() string {
	if s.Type == SubjectOrg {
		return s.ID
	}
	return s.OrgID
}

// GroupName is what a person reads for rater group key: the group's name,
// the key of a group the survey no longer has, "（未分组）" for none.
func (s *Survey) GroupName(key string) string {
	for _, g := range s.RaterGroups {
		if g.Key == key && g.Name != "" {
			return g.Name
		}
	}
	if key == "" {
		return "（未分组）"
	}
	return key
}

// RaterGroup is a group of raters whose answers are weighted together.
type RaterGroup struct {
	Key    string  `bson:"key" json:"key"`
	Name   string  `bson:"name" json:"name"`
	Weight float64 `bson:"weight" json:"weight"`
}

// Access says who may answer and when.
type Access struct {
	Mode     AccessMode `bson:"mode" json:"mode"`
	OpensAt  *time.Time `bson:"opens_at,omitempty" json:"opens_at"`
	ClosesAt *time.Time `bson:"closes_at,omitempty" json:"closes_at"`
	// PublicGroups are the rater groups an open-link voter may pick for
	// themself (empty: all); the others need codes.
	PublicGroups []string `bson:"public_groups,omitempty" json:"public_groups,omitempty"`
	// OnePerDevice refuses a second open-link ballot from a device that
	// already submitted (409 device_voted); otherwise it is only counted.
	OnePerDevice bool `bson:"one_per_device,omitempty" json:"one_per_device,omitempty"`
}

// Question is one question. A per-subject question is asked once for each
// subject (a matrix row per subject).
type Question struct {
	Key         string       `bson:"key" json:"key"`
	Type        QuestionType `bson:"type" json:"type"`
	Title       string       `bson:"title" json:"title"`
	Description string       `bson:"description,omitempty" json:"description,omitempty"`
	Required    bool         `bson:"required" json:"required"`
	PerSubject  bool         `bson:"per_subject" json:"per_subject"`
	Dimension   string       `bson:"dimension,omitempty" json:"dimension,omitempty"`
	Weight      *float64     `bson:"weight,omitempty" json:"weight,omitempty"` // in the group score; default 1
	Options     []Option     `bson:"options,omitempty" json:"options,omitempty"`
	Min         *int         `bson:"min,omitempty" json:"min,omitempty"` // multiple: fewest choices; scale: lowest value
	Max         *int         `bson:"max,omitempty" json:"max,omitempty"` // multiple: most choices; scale: highest value
	MaxLength   int          `bson:"max_length,omitempty" json:"max_length,omitempty"`
}

// Option is one answer of a single or multiple question.
type Option struct {
	Key       string   `bson:"key" json:"key"`
	Label     string   `bson:"label" json:"label"`
	Score     *float64 `bson:"score,omitempty" json:"score,omitempty"` // 0–100; none on abstain options
	Satisfied bool     `bson:"satisfied,omitempty" json:"satisfied,omitempty"`
	Abstain   bool     `bson:"abstain,omitempty" json:"abstain,omitempty"` // 不了解: counted, never scored
	Other     bool     `bson:"other,omitempty" json:"other,omitempty"`     // 其他: chosen with the rater's own words (Answer.Text)
}

// Rules are the per-ballot rules checked at submission.
type Rules struct {
	Quotas           []Quota `bson:"quotas" json:"quotas"`
	InvalidIfAllSame bool    `bson:"invalid_if_all_same" json:"invalid_if_all_same"`
	// OnViolation: reject (422 rule_violated, the rater fixes the ballot;
	// the default) or invalid (stored, answered valid=false with a reason).
	OnViolation OnViolation `bson:"on_violation,omitempty" json:"on_violation,omitempty"`
}

// OnViolation is what becomes of a ballot that breaks a ballot rule.
type OnViolation string

// Values of Rules.OnViolation ("" is OnViolationReject).
const (
	OnViolationReject  OnViolation = "reject"
	OnViolationInvalid OnViolation = "invalid"
)

// Label says in Chinese what becomes of a ballot that breaks a rule.
func (o OnViolation) Label() string {
	if o == OnViolationInvalid {
		return "违反规则的票照收，记为无效票"
	}
	return "违反规则的票不予提交，请评议人改正"
}

// Quota limits how many subjects one ballot may give Option on Question:
// count ≤ floor(MaxShare × subjects).
type Quota struct {
	Question string  `bson:"question" json:"question"`
	Option   string  `bson:"option" json:"option"`
	MaxShare float64 `bson:"max_share" json:"max_share"`
}

// Scoring configures how results are computed (DESIGN.md, Scoring rules).
type Scoring struct {
	Trim                    *Trim       `bson:"trim,omitempty" json:"trim,omitempty"`
	SatisfactionDenominator Denominator `bson:"satisfaction_denominator,omitempty" json:"satisfaction_denominator,omitempty"` // non_abstain (default) | all
	Grades                  []Grade     `bson:"grades,omitempty" json:"grades,omitempty"`
	// MinGroupBallots: a rater group with fewer ballots is not reported on
	// its own (default 3; 0: every group is).
	MinGroupBallots *int `bson:"min_group_ballots,omitempty" json:"min_group_ballots,omitempty"`
}

// Denominator is what a satisfaction rate divides by.
type Denominator string

// Values of Scoring.SatisfactionDenominator ("" is DenomNonAbstain).
const (
	DenomNonAbstain Denominator = "non_abstain" // answers that are not 不了解
	DenomAll        Denominator = "all"         // every answer, 不了解 included
)

// Trim drops the highest and lowest answers before a mean, once a question
// has at least MinAnswers answers.
type Trim struct {
	MinAnswers  int `bson:"min_answers" json:"min_answers"`
	DropHighest int `bson:"drop_highest" json:"drop_highest"`
	DropLowest  int `bson:"drop_lowest" json:"drop_lowest"`
}

// Grade is one recommended grade: the first whose MinScore a subject meets
// and whose quota (MaxShare of ranked subjects, 0 = none) has room.
type Grade struct {
	Key      string  `bson:"key" json:"key"`
	Label    string  `bson:"label" json:"label"`
	MinScore float64 `bson:"min_score" json:"min_score"`
	MaxShare float64 `bson:"max_share,omitempty" json:"max_share,omitempty"`
}

// Channel is how a ballot arrived.
type Channel string

// Channels a ballot can arrive by.
const (
	ChannelWeb     Channel = "web"
	ChannelHotline Channel = "hotline"
	ChannelPaper   Channel = "paper"
	ChannelVisit   Channel = "visit"
)

// Channels lists the channels in the order the workbooks show them.
func Channels() []Channel { return []Channel{ChannelWeb, ChannelHotline, ChannelPaper, ChannelVisit} }

// Label is the Chinese name of the channel.
func (c Channel) Label() string {
	switch c {
	case ChannelWeb:
		return "网上"
	case ChannelHotline:
		return "热线电话"
	case ChannelPaper:
		return "纸质"
	case ChannelVisit:
		return "走访"
	}
	return string(c)
}

// Ballot is one rater's submitted answers. Invalid ballots (a ballot rule
// broken, when the survey keeps them) are stored and counted, never scored.
type Ballot struct {
	ID            string   `bson:"_id" json:"id"`
	SurveyID      string   `bson:"survey_id" json:"survey_id"`
	SurveyVersion int      `bson:"survey_version" json:"survey_version"`
	SubmissionID  string   `bson:"-" json:"-"` // in memory only (code_spend.go)
	CodeHash      string   `bson:"-" json:"-"` // in memory only: a stored ballot keeps nothing of its code
	Channel       Channel  `bson:"channel" json:"channel"`
	RaterGroup    string   `bson:"rater_group" json:"rater_group"`
	Valid         bool     `bson:"valid" json:"valid"`
	Reason        string   `bson:"reason,omitempty" json:"reason,omitempty"`
	Answers       []Answer `bson:"answers" json:"answers"`
	// TextQuestions lists the questions answered with text, so the
	// opinions list can find those ballots without reading answers (which
	// are stored compactly, see answer_bson.go).
	TextQuestions []string  `bson:"tq,omitempty" json:"-"`
	CreatedAt     time.Time `bson:"created_at" json:"created_at"`
	EnteredBy     string    `bson:"entered_by,omitempty" json:"entered_by,omitempty"` // operator, for hotline/paper/visit
}

// Answer is one answer: Option for a single question (per subject when
// Subject is set), Options for a multiple one, Value for a scale, Text for text.
type Answer struct {
	Question string   `bson:"q" json:"question"`
	Subject  string   `bson:"s,omitempty" json:"subject,omitempty"`
	Option   string   `bson:"o,omitempty" json:"option,omitempty"`
	Options  []string `bson:"os,omitempty" json:"options,omitempty"`
	Value    *int     `bson:"v,omitempty" json:"value,omitempty"`
	Text     string   `bson:"t,omitempty" json:"text,omitempty"`
}

// Question returns the question with key, if any.
func (s *Survey) Question(key string) (*Question, bool) {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i], true
		}
	}
	return nil, false
}

// Option returns the option with key, if any.
func (q *Question) Option(key string) (*Option, bool) {
	for i := range q.Options {
		if q.Options[i].Key == key {
			return &q.Options[i], true
		}
	}
	return nil, false
}

// Scored reports whether the question contributes to scores: a single
// question with at least one scored option.
func (q *Question) Scored() bool {
	if q.Type != QSingle {
		return false
	}
	for _, o := range q.Options {
		if o.Score != nil {
			return true
		}
	}
	return false
}

// QuestionWeight is the question's weight in a group score (default 1).
func (q *Question) QuestionWeight() float64 {
	if q.Weight == nil {
		return 1
	}
	return *q.Weight
}
