package analytics

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"minyi/surveys"
)

// Results is the scorecard of GET /surveys/{id}/results (API.md, "Results
// and reports"). Numbers are full precision in memory and rounded to four
// decimals in JSON; undefined ones are null.
type Results struct {
	SurveyID    string            `json:"survey_id"`
	GeneratedAt time.Time         `json:"generated_at"`
	Group       string            `json:"group,omitempty"` // the ?group= filter, when given
	Ballots     BallotSummary     `json:"ballots"`
	Subjects    []SubjectResult   `json:"subjects"`
	Questions   []QuestionSummary `json:"questions"`
	// Grades counts the subjects shown by recommended and by final grade,
	// for each of the survey's grades in order (the page's and the 汇总
	// sheet's table; not in the JSON, whose subjects carry their grades).
	Grades []GradeCount `json:"-"`
	// HiddenGroups are the rater groups too small to report on their own
	// (small_groups.go).
	HiddenGroups []string `json:"hidden_groups,omitempty"`
}

// GradeCount is how many subjects were recommended for a grade and how
// many were given it as their final grade.
type GradeCount struct {
	Grade              surveys.Grade
	Recommended, Final int
}

// BallotSummary counts ballots. ByGroup and ByChannel count every stored
// ballot, valid or not, so each adds up to Valid+Invalid.
type BallotSummary struct {
	Valid          int64            `json:"valid"`
	Invalid        int64            `json:"invalid"`
	ByGroup        map[string]int64 `json:"by_group"`
	ByChannel      map[string]int64 `json:"by_channel"`
	InvalidReasons map[string]int64 `json:"invalid_reasons"`
}

// SubjectRef names a subject.
type SubjectRef struct {
	Type    surveys.SubjectType `json:"type"`
	ID      string              `json:"id"`
	Name    string              `json:"name"`
	OrgID   string              `json:"org_id,omitempty"`
	OrgName string              `json:"org_name,omitempty"`
}

// GradeRef is a grade by key and label.
type GradeRef struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// FinalGrade is the grade the branch recorded, with its reason.
type FinalGrade struct {
	Key    string    `json:"key" bson:"grade"`
	Label  string    `json:"label" bson:"label"`
	Reason string    `json:"reason" bson:"reason"`
	SetBy  string    `json:"set_by" bson:"set_by"`
	SetAt  time.Time `json:"set_at" bson:"set_at"`
}

// SubjectResult is one subject's scorecard. Rank, Score and Grade are
// absent (null) when the subject has no defined score.
type SubjectResult struct {
	Subject SubjectRef `json:"subject"`
	Rank    *int       `json:"rank"`
	// OverallRank is the rank among all subjects, present when a scope
	// filter applies (Rank is then the rank within the scope).
	OverallRank      *int              `json:"overall_rank,omitempty"`
	Score            Number            `json:"score"`
	SatisfactionRate Number            `json:"satisfaction_rate"`
	Grade            *GradeRef         `json:"grade"`
	FinalGrade       *FinalGrade       `json:"final_grade"`
	ByGroup          []GroupScore      `json:"by_group"`
	ByDimension      []DimensionScore  `json:"by_dimension"`
	Questions        []SubjectQuestion `json:"questions"`
	// Votes, in an appraisal, counts the grade question's answers per
	// option key and the abstentions (AbstainKey); ExcellentRate and
	// UnqualifiedRate are the shares of its best and worst options (优秀率,
	// 不合格率). Absent in other surveys.
	Votes           map[string]VoteCount `json:"votes,omitempty"`
	ExcellentRate   *Number              `json:"excellent_rate,omitempty"`
	UnqualifiedRate *Number              `json:"unqualified_rate,omitempty"`
}

// GroupScore is G(s,g). Answers counts the answers the score rests on: the
// group's non-abstain, scored answers about the subject over all scored
// questions.
type GroupScore struct {
	Group   string  `json:"group"`
	Name    string  `json:"name,omitempty"`
	Weight  float64 `json:"weight"`
	Answers int64   `json:"answers"`
	Score   Number  `json:"score"`
	// SatisfactionRate is the group's rate over the questions with
	// satisfied options (null without them).
	SatisfactionRate Number `json:"satisfaction_rate"`
}

// DimensionScore is a subject's score over one dimension's questions.
type DimensionScore struct {
	Dimension string `json:"dimension"`
	Score     Number `json:"score"`
}

// SubjectQuestion is one per-subject question's figures for one subject,
// over the groups shown: Answers counts every answer (abstentions too),
// Abstain the abstentions among them. Mean is the group-weighted mean of
// m(s,q,g) (the weights of the subject score), or the mean of the values
// for a scale; SatisfactionRate is null for a question without satisfied
// options.
type SubjectQuestion struct {
	Question         string            `json:"question"`
	Answers          int64             `json:"answers"`
	Abstain          int64             `json:"abstain"`
	Distribution     map[string]int64  `json:"distribution"`
	Shares           map[string]Number `json:"shares"` // each option's count ÷ answers (Share)
	Mean             Number            `json:"mean"`
	SatisfactionRate Number            `json:"satisfaction_rate"`
}

// QuestionSummary is a question not asked per subject, over all groups
// shown. Mean is present for a scale (mean of the values) and a scored
// single question (mean score of the non-abstain answers, untrimmed: trims
// guard subjects against targeted raters and there is no subject here).
type QuestionSummary struct {
	Question     string               `json:"question"`
	Type         surveys.QuestionType `json:"type"`
	Answers      int64                `json:"answers"`
	Mean         *Number              `json:"mean,omitempty"`
	Distribution map[string]int64     `json:"distribution"`
	Shares       map[string]Number    `json:"shares"` // each option's count ÷ answers (Share)
	// Abstain counts the answers of abstaining options (不了解);
	// SatisfactionRate is present for a single question with satisfied
	// options, NPS for a 0–10 scale.
	Abstain          int64   `json:"abstain,omitempty"`
	SatisfactionRate *Number `json:"satisfaction_rate,omitempty"`
	NPS              *NPS    `json:"nps,omitempty"`
}

// Filter narrows results.
type Filter struct {
	// Group keeps only that rater group's ballots (?group=): every score is
	// then that group's own.
	Group string
	// Orgs, when not nil, keeps only subjects in these orgs (?org_id=, the
	// org's subtree): an org subject whose id is in it, a member subject
	// whose org is. Grades stay those among all subjects, since a grade
	// quota is shared by the whole survey; Rank becomes the rank within the
	// scope and OverallRank keeps the rank among all subjects.
	Orgs map[string]bool
}

// Keeps reports whether f shows subject sub.
func (f Filter) Keeps(sub surveys.Subject) bool {
	return f.Orgs == nil || f.Orgs[sub.Org()]
}

// WithOrgs narrows f to subjects of the orgs ids (nil: no narrowing).
func (f Filter) WithOrgs(ids []string) Filter {
	if ids != nil {
		f.Orgs = make(map[string]bool, len(ids))
		for _, id := range ids {
			f.Orgs[id] = true
		}
	}
	return f
}

// Compute is the whole scorecard of survey s from its tally t.
func Compute(s *surveys.Survey, t *Tally, f Filter, final map[string]FinalGrade, now time.Time) *Results {
	small := smallGroups(s, t)
	if f.Group != "" {
		t = hideSmallGroups(t.OnlyGroup(f.Group), f, small)
	}
	sc := newScorer(s, t, f.Group)
	r := &Results{
		SurveyID: s.ID, GeneratedAt: now.UTC(), Group: f.Group,
		Ballots:   ballotSummary(t),
		Subjects:  sc.subjects(final),
		Questions: sc.questionSummaries(),
	}
	if f.Orgs != nil {
		kept := r.Subjects[:0]
		for _, sr := range r.Subjects {
			if f.Keeps(sr.Subject.subject()) {
				kept = append(kept, sr)
			}
		}
		r.Subjects = kept
		scopeRanks(r.Subjects)
	}
	dropSmallGroups(r, small)
	r.Grades = gradeCounts(s.Scoring.Grades, r.Subjects)
	return r
}

// subject is the survey subject r names.
func (r SubjectRef) subject() surveys.Subject {
	return surveys.Subject{Type: r.Type, ID: r.ID, Name: r.Name, OrgID: r.OrgID, OrgName: r.OrgName}
}

// gradeCounts counts subjects by recommended and final grade.
func gradeCounts(grades []surveys.Grade, subjects []SubjectResult) []GradeCount {
	rec, fin := map[string]int{}, map[string]int{}
	for _, r := range subjects {
		if r.Grade != nil {
			rec[r.Grade.Key]++
		}
		if r.FinalGrade != nil {
			fin[r.FinalGrade.Key]++
		}
	}
	out := make([]GradeCount, 0, len(grades))
	for _, g := range grades {
		out = append(out, GradeCount{Grade: g, Recommended: rec[g.Key], Final: fin[g.Key]})
	}
	return out
}

func ballotSummary(t *Tally) BallotSummary {
	b := BallotSummary{ByGroup: map[string]int64{}, ByChannel: map[string]int64{}, InvalidReasons: map[string]int64{}}
	for k, n := range t.Ballots {
		if k.Valid {
			b.Valid += n
		} else {
			b.Invalid += n
		}
		b.ByGroup[k.Group] += n
		b.ByChannel[k.Channel] += n
	}
	for k, n := range t.Reasons {
		b.InvalidReasons[k.Reason] += n
	}
	return b
}

// distribution lists a histogram: every option of the question (zero when
// nobody chose it), a scale's whole range when it is small, and any key the
// histogram has besides (answers to options since removed still add up).
func distribution(q *surveys.Question, h *Hist) map[string]int64 {
	d := map[string]int64{}
	for _, o := range q.Options {
		d[o.Key] = 0
	}
	if q.Type == surveys.QScale && q.Min != nil && q.Max != nil && *q.Max-*q.Min <= 100 {
		for v := *q.Min; v <= *q.Max; v++ {
			d[strconv.Itoa(v)] = 0
		}
	}
	if h != nil {
		for k, n := range h.C {
			d[k] += n
		}
	}
	return d
}

func abstentions(q *surveys.Question, h *Hist) int64 {
	var n int64
	if h == nil {
		return 0
	}
	for _, o := range q.Options {
		if o.Abstain {
			n += h.C[o.Key]
		}
	}
	return n
}

func parseInt(s string) (int, bool) {
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// Share is count ÷ answers, the share of an option that the results
// page, the workbook and the JSON show (undefined without answers).
func Share(count, answers int64) Number {
	if answers <= 0 {
		return Number{}
	}
	return Num(float64(count) / float64(answers))
}

// shares is Share of every option of dist.
func shares(dist map[string]int64, answers int64) map[string]Number {
	out := make(map[string]Number, len(dist))
	for k, n := range dist {
		out[k] = Share(n, answers)
	}
	return out
}

// DistributionKeys orders a distribution: the question's options in their
// order, scale values numerically, anything else after, sorted.
func DistributionKeys(q *surveys.Question, dist map[string]int64) []string {
	var keys []string
	seen := map[string]bool{}
	if q != nil {
		for _, o := range q.Options {
			if _, ok := dist[o.Key]; ok {
				keys = append(keys, o.Key)
				seen[o.Key] = true
			}
		}
	}
	var rest []string
	for k := range dist {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		a, aerr := strconv.Atoi(rest[i])
		b, berr := strconv.Atoi(rest[j])
		if aerr == nil && berr == nil {
			return a < b
		}
		if (aerr == nil) != (berr == nil) {
			return aerr == nil
		}
		return rest[i] < rest[j]
	})
	return append(keys, rest...)
}
