package httpx

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/surveys"
)

// deviceCookie remembers, on the device only, which surveys it submitted
// to, so a second public submission from the same phone can be flagged
// (a family may share a phone: it is a warning, never a refusal).
const deviceCookie = "minyi_voted"

// VotedOn lists the surveys this device submitted to.
func VotedOn(c *gin.Context) []string {
	v, err := c.Cookie(deviceCookie)
	if err != nil || v == "" {
		return nil
	}
	return strings.Split(v, ".")
}

// MarkDevice records the survey on the device and reports whether it was
// there already (a replay of the same submission is not a repeat).
func MarkDevice(c *gin.Context, r *surveys.Receipt) bool {
	ids := VotedOn(c)
	if slices.Contains(ids, r.Survey.ID) {
		return !r.Replayed
	}
	ids = append(ids, r.Survey.ID)
	if len(ids) > 20 {
		ids = ids[len(ids)-20:]
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: deviceCookie, Value: strings.Join(ids, "."), Path: "/", MaxAge: 180 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: SecureRequest(c),
	})
	return false
}

// PublicSurvey is a survey as a rater sees it: no scores, no weights.
type PublicSurvey struct {
	Slug        string            `json:"slug"`
	Title       string            `json:"title"`
	Kind        surveys.Kind      `json:"kind"`
	Description string            `json:"description"`
	Access      surveys.Access    `json:"access"`
	RaterGroups []PublicGroup     `json:"rater_groups"`
	Subjects    []surveys.Subject `json:"subjects"`
	Questions   []PublicQuestion  `json:"questions"`
	Rules       []PublicRule      `json:"rules"`
}

// PublicGroup is a rater group as a rater sees it.
type PublicGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// PublicQuestion is a question as a rater sees it.
type PublicQuestion struct {
	Key         string               `json:"key"`
	Type        surveys.QuestionType `json:"type"`
	Title       string               `json:"title"`
	Description string               `json:"description,omitempty"`
	Required    bool                 `json:"required"`
	PerSubject  bool                 `json:"per_subject"`
	Dimension   string               `json:"dimension,omitempty"`
	Options     []PublicOption       `json:"options,omitempty"`
	Min         *int                 `json:"min,omitempty"`
	Max         *int                 `json:"max,omitempty"`
	MaxLength   int                  `json:"max_length,omitempty"`
}

// PublicOption is an option as a rater sees it.
type PublicOption struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Abstain bool   `json:"abstain,omitempty"`
	Other   bool   `json:"other,omitempty"` // 其他: takes the rater's text
}

// PublicRule is a ballot rule stated to the rater before submitting.
type PublicRule struct {
	Kind     string `json:"kind"` // quota | all_same
	Question string `json:"question"`
	Option   string `json:"option,omitempty"`
	Max      int    `json:"max,omitempty"`
	Text     string `json:"text"`
}

// ToPublic is sv as a rater sees it.
func ToPublic(sv *surveys.Survey) PublicSurvey {
	p := PublicSurvey{Slug: sv.Slug, Title: sv.Title, Kind: sv.Kind, Description: sv.Description, Access: sv.Access,
		Subjects: make([]surveys.Subject, len(sv.Subjects)), Rules: ballotRules(sv)}
	names := map[string]int{}
	for _, sub := range sv.Subjects {
		names[sub.Name]++
	}
	for i, sub := range sv.Subjects {
		p.Subjects[i] = surveys.Subject{Type: sub.Type, ID: sub.ID, Name: sub.Name, OrgName: sub.OrgName}
		if names[sub.Name] > 1 {
			p.Subjects[i].Number = sub.Number // only to tell namesakes apart
		}
	}
	for _, g := range sv.RaterGroups {
		p.RaterGroups = append(p.RaterGroups, PublicGroup{Key: g.Key, Name: g.Name})
	}
	for _, q := range sv.Questions {
		pq := PublicQuestion{Key: q.Key, Type: q.Type, Title: q.Title, Description: q.Description, Required: q.Required,
			PerSubject: q.PerSubject, Dimension: q.Dimension, Min: q.Min, Max: q.Max, MaxLength: q.MaxLength}
		for _, o := range q.Options {
			pq.Options = append(pq.Options, PublicOption{Key: o.Key, Label: o.Label, Abstain: o.Abstain, Other: o.Other})
		}
		p.Questions = append(p.Questions, pq)
	}
	return p
}

// ballotRules states the survey's ballot rules in Chinese.
// ballotRules states sv's ballot rules for raters.
func ballotRules(sv *surveys.Survey) []PublicRule {
	var out []PublicRule
	for _, q := range sv.Rules.Quotas {
		qq, ok := sv.Question(q.Question)
		if !ok {
			continue
		}
		label := q.Option
		if o, ok := qq.Option(q.Option); ok {
			label = o.Label
		}
		limit := surveys.QuotaLimit(q.MaxShare, len(sv.Subjects))
		out = append(out, PublicRule{Kind: "quota", Question: q.Question, Option: q.Option, Max: limit,
			Text: fmt.Sprintf("「%s」中选择「%s」的不超过 %d 个（共 %d 个评议对象）", qq.Title, label, limit, len(sv.Subjects))})
	}
	if sv.Rules.InvalidIfAllSame && len(sv.Subjects) >= 2 {
		for _, q := range sv.Questions {
			if q.PerSubject && q.Type == surveys.QSingle {
				out = append(out, PublicRule{Kind: "all_same", Question: q.Key,
					Text: fmt.Sprintf("「%s」不能对所有对象选择同一项", q.Title)})
			}
		}
	}
	return out
}
