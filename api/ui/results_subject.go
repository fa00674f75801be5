package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/analytics"
	"minyi/surveys"
)

// /results/{id}/subjects/{subject_id}: one subject's whole story, one click
// from the ranking — its score, ranks, grades and votes, its scores by
// dimension and by rater group, and every question about it with the
// distribution of answers. Same filter and same figures as the results
// page (reports.Source.Results); a subject outside the filter or the
// caller's scope is not found.

type subjectView struct {
	Survey              *surveys.Survey
	Back                string // the results page with the filter
	Filter              string
	Name, Org           string
	Score, Rank         string
	OverallRank         string
	Grade, Final        string
	FinalReason         string
	GradeClass          string
	Rate                string // "" when the survey has no satisfied options
	BestRate, WorstRate string
	BestLabel, Worst    string
	Votes               *voteView
	Dimensions          []scoreBar
	Groups              []subjectGroupRow
	Questions           []questionView
}

// scoreBar is a 0–100 score with its bar.
type scoreBar struct {
	Label, Score string
	W            int
}

type subjectGroupRow struct {
	Name, Weight, Score, Answers, Rate string
	W                                  int
}

func newScoreBar(label string, n analytics.Number) scoreBar {
	b := scoreBar{Label: label, Score: score2(n)}
	if n.Valid {
		b.W = int(min(max(n.Value, 0), 100))
	}
	return b
}

// ResultsSubjectPage is GET /results/{id}/subjects/{subject_id}.
func (s *ResultPages) ResultsSubjectPage(c *gin.Context) error {
	sv, err := s.sv.Load(c)
	if err != nil {
		return err
	}
	group, orgID := c.Query("group"), c.Query("org_id")
	q, err := s.filter.Filter(c, sv, group, orgID)
	if err != nil {
		return err
	}
	res, err := s.source.Results(c.Request.Context(), sv, q)
	if err != nil {
		return err
	}
	var r *analytics.SubjectResult
	for i := range res.Scores.Subjects {
		if res.Scores.Subjects[i].Subject.ID == c.Param("subject_id") {
			r = &res.Scores.Subjects[i]
		}
	}
	if r == nil {
		return minyi.NotFound("subject_not_found", "评价对象")
	}
	v := newSubjectView(sv, r)
	v.Filter = res.Filter.Words()
	v.Back = "/results/" + url.PathEscape(sv.ID)
	if qs := resultsQueryString(group, orgID); qs != "" {
		v.Back += "?" + qs
	}
	v.Back += "#subject-" + r.Subject.ID
	return s.pages.Render(c, http.StatusOK, "results_subject", PageView{Title: r.Subject.Name + " · " + sv.Title, Data: v})
}

// newSubjectView formats one subject's figures.
func newSubjectView(sv *surveys.Survey, r *analytics.SubjectResult) subjectView {
	row := newResultRow(sv, *r)
	v := subjectView{Survey: sv, Name: r.Subject.Name, Org: row.Org, Score: row.Score, Rank: row.Rank, OverallRank: row.OverallRank,
		Grade: row.Grade, Final: row.Final, FinalReason: row.FinalReason, GradeClass: row.GradeClass}
	if v.Rank == "" {
		v.Rank = "—"
	}
	if hasSubjectSatisfied(sv) {
		v.Rate = row.Rate
	}
	if gq := analytics.GradeQuestion(sv); gq != nil {
		v.Votes = newVoteView(gq, *r)
		v.BestLabel, v.Worst = voteWords(gq)
		v.BestRate, v.WorstRate = pctPtr(r.ExcellentRate), pctPtr(r.UnqualifiedRate)
	}
	if len(r.ByDimension) > 1 {
		for _, d := range r.ByDimension {
			v.Dimensions = append(v.Dimensions, newScoreBar(d.Dimension, d.Score))
		}
	}
	if len(r.ByGroup) > 1 {
		for _, g := range r.ByGroup {
			b := newScoreBar(g.Name, g.Score)
			gr := subjectGroupRow{Name: g.Name, Weight: fmt.Sprint(g.Weight), Score: b.Score, Answers: fmt.Sprint(g.Answers), W: b.W, Rate: pct(g.SatisfactionRate)}
			if gr.Name == "" {
				gr.Name = sv.GroupName(g.Group)
			}
			v.Groups = append(v.Groups, gr)
		}
	}
	for _, sq := range r.Questions {
		q, _ := sv.Question(sq.Question)
		v.Questions = append(v.Questions, newQuestionView(q, sq.Answers, sq.Abstain, sq.Distribution, sq.Mean, sq.SatisfactionRate, nil))
	}
	return v
}
