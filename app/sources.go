package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"minyi/assessments"
	"minyi/commitments"
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

// commitmentSource reads each owner's public commitments due in the period
// (commitments.Service.ByOwner): the fulfilled rate and the evaluation
// score, with the counts they come from.
func commitmentSource(ops *commitments.Service) assessments.CommitmentSource {
	return func(ctx context.Context, root string, from, to time.Time) (map[string]assessments.Figures, error) {
		figs, err := ops.ByOwner(ctx, root, from, to)
		if err != nil {
			return nil, err
		}
		out := map[string]assessments.Figures{}
		for id, f := range figs {
			g := assessments.Figures{Measures: map[string]float64{}, Details: []assessments.Detail{
				{Label: "到期承诺", Value: strconv.Itoa(f.Due)}, {Label: "已兑现", Value: strconv.Itoa(f.Fulfilled)},
				{Label: "部分兑现", Value: strconv.Itoa(f.Partly)}, {Label: "未兑现", Value: strconv.Itoa(f.Unfulfilled)},
				{Label: "超期未评定", Value: strconv.Itoa(f.Overdue)},
			}}
			if f.FulfilledRate.Valid {
				g.Measures[assessments.MeasureFulfilled] = f.FulfilledRate.Value
				g.Details = append(g.Details, assessments.Detail{Label: "兑现率", Value: decimal.Format(f.FulfilledRate.Value*100, 2) + "%"})
			}
			if f.EvaluationScore.Valid {
				g.Measures[assessments.MeasureEvaluationScore] = f.EvaluationScore.Value
				g.Details = append(g.Details, assessments.Detail{Label: "评诺得分", Value: decimal.Format(f.EvaluationScore.Value, 2)})
			}
			out[id] = g
		}
		return out, nil
	}
}
