package app

import (
	"context"
	"fmt"

	"minyi/assessments"
	"minyi/decimal"
	"minyi/reports"
	"minyi/surveys"
)

// surveySource reads a survey's results for an assessment as its results
// page shows them (reports.Source.Results, the one results assembly).
func surveySource(sv *surveys.SurveyStore, results *reports.Source) assessments.SurveySource {
	return func(ctx context.Context, id string) (map[string]assessments.Figures, string, error) {
		s, err := sv.Get(ctx, id)
		if err != nil {
			return nil, "", err
		}
		res, err := results.Results(ctx, s, reports.Query{})
		if err != nil {
			return nil, "", err
		}
		out := map[string]assessments.Figures{}
		for _, sub := range res.Scores.Subjects {
			f := assessments.Figures{Measures: map[string]float64{}}
			if sub.Score.Valid {
				f.Measures[assessments.MeasureScore] = sub.Score.Value
				f.Details = append(f.Details, assessments.Detail{Label: "测评得分", Value: decimal.Format(sub.Score.Value, 2)})
			}
			if sub.SatisfactionRate.Valid {
				f.Measures[assessments.MeasureSatisfaction] = sub.SatisfactionRate.Value
				f.Details = append(f.Details, assessments.Detail{Label: "满意率", Value: decimal.Format(sub.SatisfactionRate.Value*100, 2) + "%"})
			}
			if sub.Rank != nil {
				f.Details = append(f.Details, assessments.Detail{Label: "测评名次", Value: fmt.Sprint(*sub.Rank)})
			}
			out[sub.Subject.ID] = f
		}
		return out, fmt.Sprintf("测评《%s》的结果（有效答卷 %d 份）", s.Title, res.Scores.Ballots.Valid), nil
	}
}
