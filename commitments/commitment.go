// Package commitments is the public-commitment cycle of a branch and its
// members (公开承诺): 承诺 (a commitment entered from the signed paper), 审诺
// (the review, approve or return with a reason), 再承诺 (a returned one
// revised and submitted again, every version kept), 示诺 (approved ones on
// a public page), 践诺 (progress, then an outcome, explained to residents
// when short of fulfilled) and 评诺 (an evaluation survey of the existing
// engine whose scores attach to each owner). Service holds the operations
// (authorisation and audit included), Store the documents, Compute the
// statistics the ledger, the JSON and the page share.
package commitments

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"minyi"
)

// OwnerType is who commits: a member, or an org (a branch's project).
type OwnerType string

// Owner types.
const (
	OwnerMember OwnerType = "member"
	OwnerOrg    OwnerType = "org"
)

// Label is the Chinese name of the owner type.
func (t OwnerType) Label() string {
	if t == OwnerOrg {
		return "组织"
	}
	return "党员"
}

// Area is what a commitment is about: a member's four areas, or an org's project.
type Area string

// Areas.
const (
	AreaStudy      Area = "study"
	AreaWork       Area = "work"
	AreaDiscipline Area = "discipline"
	AreaService    Area = "service"
	AreaProject    Area = "project"
)

// Areas are the areas in the order forms list them.
var Areas = []Area{AreaStudy, AreaWork, AreaDiscipline, AreaService, AreaProject}

// Label is the Chinese name of the area.
func (a Area) Label() string {
	switch a {
	case AreaStudy:
		return "学习"
	case AreaWork:
		return "工作"
	case AreaDiscipline:
		return "自律"
	case AreaService:
		return "服务"
	case AreaProject:
		return "项目"
	}
	return string(a)
}

// Status is where a commitment is in its cycle:
// draft → submitted → approved | returned → (revised) submitted …; approved → completed.
type Status string

// Statuses.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusReturned  Status = "returned"
	StatusApproved  Status = "approved"
	StatusCompleted Status = "completed"
)

// Label is the Chinese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusSubmitted:
		return "待审核"
	case StatusReturned:
		return "已退回"
	case StatusApproved:
		return "践诺中"
	case StatusCompleted:
		return "已评定"
	}
	return string(s)
}

// Outcome is how a commitment was delivered.
type Outcome string

// Outcomes.
const (
	OutcomeFulfilled   Outcome = "fulfilled"
	OutcomePartly      Outcome = "partly"
	OutcomeUnfulfilled Outcome = "unfulfilled"
)

// Label is the Chinese name of the outcome.
func (o Outcome) Label() string {
	switch o {
	case OutcomeFulfilled:
		return "已兑现"
	case OutcomePartly:
		return "部分兑现"
	case OutcomeUnfulfilled:
		return "未兑现"
	}
	return string(o)
}

// Owner is who a commitment is by, with the name it had when last written.
type Owner struct {
	Type OwnerType `bson:"type" json:"type"`
	ID   string    `bson:"id" json:"id"`
	Name string    `bson:"name" json:"name"`
}

// Key identifies the owner as a survey subject does: "member:<id>".
func (o Owner) Key() string { return string(o.Type) + ":" + o.ID }

// Content is what a version of a commitment says.
type Content struct {
	Area        Area   `bson:"area" json:"area"`
	Content     string `bson:"content" json:"content"`
	Target      string `bson:"target" json:"target"`
	Due         string `bson:"due" json:"due"` // YYYY-MM-DD
	Responsible string `bson:"responsible" json:"responsible"`
}

// Commitment is one public commitment as it stands now; its history
// (versions, decisions, progress) is its events.
type Commitment struct {
	ID      string `bson:"_id" json:"id"`
	OrgID   string `bson:"org_id" json:"org_id"`
	OrgName string `bson:"org_name" json:"org_name"`
	Owner   Owner  `bson:"owner" json:"owner"`
	Period  string `bson:"period" json:"period"`
	Content `bson:",inline"`
	Status  Status `bson:"status" json:"status"`
	// Versions counts the versions submitted for review; Returns the
	// reviews that returned one.
	Versions int `bson:"versions" json:"versions"`
	Returns  int `bson:"returns" json:"returns"`
	// Decision is the last review: approve or return, with its reason.
	Decision    string    `bson:"decision,omitempty" json:"decision,omitempty"`
	Reason      string    `bson:"reason,omitempty" json:"reason,omitempty"`
	Percent     int       `bson:"percent" json:"percent"`
	ProgressOn  string    `bson:"progress_on,omitempty" json:"progress_on,omitempty"`
	Note        string    `bson:"note,omitempty" json:"note,omitempty"`
	Outcome     Outcome   `bson:"outcome,omitempty" json:"outcome,omitempty"`
	Explanation string    `bson:"explanation,omitempty" json:"explanation,omitempty"`
	Authors     []string  `bson:"authors" json:"-"` // principals who entered or revised a version
	Seq         int       `bson:"seq" json:"seq"`   // events stored
	CreatedAt   time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at" json:"updated_at"`
}

// Overdue reports whether c is approved, has no outcome and its due date
// lies before today (a date in China time).
func (c *Commitment) Overdue(today string) bool {
	return c.Status == StatusApproved && c.Outcome == "" && c.Due < today
}

// IsDue reports whether c counts in the fulfilled rate's denominator: an
// approved commitment with an outcome, or whose due date has passed.
func (c *Commitment) IsDue(today string) bool {
	if c.Status != StatusApproved && c.Status != StatusCompleted {
		return false
	}
	return c.Outcome != "" || c.Due < today
}

// Public reports whether residents see c: approved, and what became of it.
func (c *Commitment) Public() bool {
	return c.Status == StatusApproved || c.Status == StatusCompleted
}

var periodRE = regexp.MustCompile(`^(20[0-9]{2})(H[12])?$`)

// CheckPeriod validates a period: a year ("2026") or a half-year ("2026H1").
func CheckPeriod(p string) error {
	if !periodRE.MatchString(p) {
		var fe minyi.FieldErrors
		fe.Add("period", "invalid", "时期应为年度（如 2026）或半年（如 2026H1、2026H2）")
		return fe.Err()
	}
	return nil
}

// PeriodLabel is a period as people read it: 2026年度, 2026年上半年.
func PeriodLabel(p string) string {
	m := periodRE.FindStringSubmatch(p)
	if m == nil {
		return p
	}
	switch m[2] {
	case "H1":
		return m[1] + "年上半年"
	case "H2":
		return m[1] + "年下半年"
	}
	return m[1] + "年度"
}

// PeriodsOf are the periods a listing of p reads: a year also shows its
// half-years.
func PeriodsOf(p string) []string {
	if len(p) == 4 {
		return []string{p, p + "H1", p + "H2"}
	}
	return []string{p}
}

// Limits of the free text.
const (
	maxContent = 1000
	maxTarget  = 500
	maxName    = 50
	maxReason  = 1000
)

// TargetHint is what the form says a measurable target looks like.
const TargetHint = "写清可检验的数量、标准或时限，如“每月走访联系户不少于 4 户，全年不少于 48 户”“年内完成 3 处路灯修复，群众满意率不低于 90%”。"

// check validates a version's fields for an owner type, with every problem at once.
func (ct *Content) check(t OwnerType, fe *minyi.FieldErrors) {
	ct.Content = strings.TrimSpace(ct.Content)
	ct.Target = strings.TrimSpace(ct.Target)
	ct.Responsible = strings.TrimSpace(ct.Responsible)
	ct.Due = strings.TrimSpace(ct.Due)
	switch {
	case t == OwnerOrg && ct.Area != AreaProject:
		fe.Add("area", "invalid", "组织的承诺类别应为 project（项目）")
	case t == OwnerMember && !memberArea(ct.Area):
		fe.Add("area", "invalid", "党员的承诺类别应为 study（学习）、work（工作）、discipline（自律）或 service（服务）")
	}
	ct.Content = text(fe, "content", ct.Content, maxContent, true, "请填写承诺内容", "承诺内容")
	ct.Target = text(fe, "target", ct.Target, maxTarget, true, "请填写可衡量的目标：承诺无法衡量就无法监督", "衡量目标")
	ct.Responsible = text(fe, "responsible", ct.Responsible, maxName, false, "请填写责任人", "责任人")
	if _, err := time.Parse(time.DateOnly, ct.Due); err != nil {
		fe.Add("due", "invalid", "完成时限应为日期，如 2026-12-31")
	}
}

func memberArea(a Area) bool {
	return a == AreaStudy || a == AreaWork || a == AreaDiscipline || a == AreaService
}

// text checks one free-text field (required, clean, at most max runes)
// and returns it cleaned.
func text(fe *minyi.FieldErrors, field, v string, max int, multiline bool, empty, what string) string {
	if v == "" {
		fe.Add(field, "required", empty)
		return v
	}
	v, ok := minyi.CleanText(v, multiline)
	if !ok {
		fe.Add(field, minyi.CodeBadCharacters, what+minyi.MessageBadCharacters)
	}
	if utf8.RuneCountInString(v) > max {
		fe.Add(field, "too_long", what+"不能超过"+strconv.Itoa(max)+"个字")
	}
	return v
}

// eventID is an event's _id: the commitment and the sequence number, so
// that two steps from the same state cannot both be stored.
func eventID(id string, seq int) string { return fmt.Sprintf("%s/%06d", id, seq) }
