package app

import (
	"context"

	"minyi/reports"
	"minyi/surveys"
)

// commitmentScores reads an evaluation survey's subject scores for the
// commitments (评诺) from the same results every scorecard shows
// (reports.Source.Results over the tallies), keyed "member:<id>" / "org:<id>".
type commitmentScores struct {
	surveys *surveys.SurveyStore
	source  *reports.Source
}

func (s commitmentScores) Scores(ctx context.Context, surveyID string) (map[string]float64, error) {
	sv, err := s.surveys.Get(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	if sv.Status == surveys.StatusDraft {
		return nil, nil // no ballots yet
	}
	res, err := s.source.Results(ctx, sv, reports.Query{})
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, sub := range res.Scores.Subjects {
		if sub.Score.Valid {
			out[string(sub.Subject.Type)+":"+sub.Subject.ID] = sub.Score.Value
		}
	}
	return out, nil
}
