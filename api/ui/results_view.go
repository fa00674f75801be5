package ui

import (
	"fmt"
	"net/url"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/surveys"
)

// What the results pages show of analytics.Results, formatted for people:
// distributions with counts, percentages and bars, votes per grade, and the
// question-level figures (mean, satisfaction rate, NPS). The numbers are
// those of GET /results and the workbook; this only formats them. Bars are
// SVG with attribute widths (the CSP allows no inline style).

// distRow is one option (or scale value) of a distribution.
type distRow struct {
	Label string
	Count int64
	Pct   string // "37.5%", "—" without answers
	W     int    // the bar's width, 0–100
}

// questionView is one question's results.
type questionView struct {
	Title, Type  string
	Answers      int64
	Abstain      string // "" when the question has no abstaining option
	Mean, Rate   string // "" when they do not apply
	NPS          *npsView
	Rows         []distRow
	IsSatisfied  bool // Rate is shown
	HasAbstainer bool
}

type npsView struct{ Score, Promoters, Detractors string }

// voteView is a subject's votes per grade: the counts in words and a
// stacked bar.
type voteView struct {
	Parts []votePart
	Total int64
}

type votePart struct {
	Label, Pct string
	Count      int64
	X, W       int // the segment on a 0–100 bar
	Class      string
}

// pct formats a ratio 0–1 as a percentage with one decimal.
func pct(n analytics.Number) string {
	if !n.Valid {
		return "—"
	}
	return decimal.Format(n.Value*100, 1) + "%"
}

func pctPtr(n *analytics.Number) string {
	if n == nil {
		return "—"
	}
	return pct(*n)
}

func score2(n analytics.Number) string {
	if !n.Valid {
		return "—"
	}
	return decimal.Format(n.Value, decimal.DisplayPlaces)
}

// newDistRows lists a distribution in the question's option order (scale
// values in numeric order), with shares of answers.
func newDistRows(q *surveys.Question, dist map[string]int64, answers int64) []distRow {
	var out []distRow
	for _, k := range analytics.DistributionKeys(q, dist) {
		r := distRow{Label: k, Count: dist[k], Pct: "—"}
		if q != nil {
			if o, ok := q.Option(k); ok && o.Label != "" {
				r.Label = o.Label
			}
		}
		if share := analytics.Share(r.Count, answers); share.Valid { // as the JSON's shares
			r.Pct, r.W = pct(share), int(decimal.Round(share.Value*100, 0))
		}
		out = append(out, r)
	}
	return out
}

// newQuestionView is a question's figures about one subject or the whole
// survey.
func newQuestionView(q *surveys.Question, answers, abstain int64, dist map[string]int64, mean, rate analytics.Number, nps *analytics.NPS) questionView {
	v := questionView{Title: "（已删除的题目）", Answers: answers, Rows: newDistRows(q, dist, answers)}
	if q == nil {
		return v
	}
	v.Title, v.Type = q.Title, q.Type.Label()
	for _, o := range q.Options {
		if o.Abstain {
			v.HasAbstainer, v.Abstain = true, fmt.Sprint(abstain)
		}
	}
	if mean.Valid {
		v.Mean = decimal.Format(mean.Value, decimal.DisplayPlaces)
	}
	if analytics.HasSatisfied(q) {
		v.IsSatisfied, v.Rate = true, pct(rate)
	}
	if nps != nil {
		v.NPS = &npsView{Score: score2(nps.Score), Promoters: pct(nps.Promoters), Detractors: pct(nps.Detractors)}
	}
	return v
}

// surveyQuestions are the questions not asked per subject.
func surveyQuestions(sv *surveys.Survey, qs []analytics.QuestionSummary) []questionView {
	var out []questionView
	for _, s := range qs {
		q, _ := sv.Question(s.Question)
		var mean, rate analytics.Number
		if s.Mean != nil {
			mean = *s.Mean
		}
		if s.SatisfactionRate != nil {
			rate = *s.SatisfactionRate
		}
		out = append(out, newQuestionView(q, s.Answers, s.Abstain, s.Distribution, mean, rate, s.NPS))
	}
	return out
}

// newVoteView is a subject's votes over the grade question gq (nil without
// votes): each option, then 不了解.
func newVoteView(gq *surveys.Question, r analytics.SubjectResult) *voteView {
	if gq == nil || r.Votes == nil {
		return nil
	}
	v := &voteView{}
	classes := []string{"vote-0", "vote-1", "vote-2", "vote-3"}
	i := 0
	add := func(label string, c analytics.VoteCount, class string) {
		v.Parts = append(v.Parts, votePart{Label: label, Count: c.Count, Pct: pct(c.Share), Class: class})
		v.Total += c.Count
	}
	for _, o := range gq.Options {
		if o.Abstain {
			continue
		}
		add(o.Label, r.Votes[o.Key], classes[min(i, len(classes)-1)])
		i++
	}
	add("不了解", r.Votes[analytics.AbstainKey], "vote-abstain")
	x := 0
	for k := range v.Parts {
		if v.Total > 0 {
			v.Parts[k].W = int(decimal.Round(float64(v.Parts[k].Count)*100/float64(v.Total), 0))
		}
		v.Parts[k].X = x
		x += v.Parts[k].W
	}
	return v
}

// subjectURL is a subject's detail page with the filter.
func subjectURL(surveyID, subjectID, group, orgID string) string {
	u := "/results/" + url.PathEscape(surveyID) + "/subjects/" + url.PathEscape(subjectID)
	if q := resultsQueryString(group, orgID); q != "" {
		u += "?" + q
	}
	return u
}

// hasSubjectSatisfied reports whether a per-subject question counts in
// the satisfaction rate (else the ranking has no 满意率 column).
func hasSubjectSatisfied(sv *surveys.Survey) bool {
	for i := range sv.Questions {
		if q := &sv.Questions[i]; q.PerSubject && analytics.HasSatisfied(q) {
			return true
		}
	}
	return false
}

// voteWords are the labels of the grade question's best and worst options.
func voteWords(q *surveys.Question) (best, worst string) {
	for _, o := range q.Options {
		if o.Abstain {
			continue
		}
		if best == "" {
			best = o.Label
		}
		worst = o.Label
	}
	return best, worst
}
