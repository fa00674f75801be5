package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"minyi"
	"minyi/assessments"
	"minyi/commitments"
	"minyi/decimal"
	"minyi/feedback"
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

// hotlineSource reads each unit's 三率 over the period from the 三率
// assessment (feedback.AssessmentService), as a leader sees it: the
// periodic assessment has already checked its own reader, and a unit's
// figures must not depend on who opens the results. A unit with fewer
// rated orders than the 三率 ranking needs has its rates shown but no
// score (the component is missing for it, its weight spread over the rest).
func hotlineSource(svc *feedback.AssessmentService) assessments.HotlineSource {
	reader := &minyi.Principal{Login: "system", Name: "综合考评", Role: minyi.RoleLeader, Via: "internal"}
	return func(ctx context.Context, from, to time.Time) (map[string]assessments.Figures, error) {
		loc := svc.Location()
		q := feedback.AssessQuery{From: from.In(loc).Format(time.DateOnly), To: to.Add(-time.Nanosecond).In(loc).Format(time.DateOnly)}
		a, err := svc.Assess(minyi.WithPrincipal(ctx, reader), q)
		if err != nil {
			return nil, err
		}
		out := map[string]assessments.Figures{}
		for _, u := range a.Units {
			f := assessments.Figures{Measures: map[string]float64{}, Details: []assessments.Detail{
				{Label: "工单", Value: strconv.Itoa(u.Orders)}, {Label: "已回访", Value: strconv.Itoa(u.Rated)},
			}}
			for _, r := range []struct {
				key, label string
				v          *float64
			}{{"response_rate", "响应率", u.ResponseRate}, {"resolution_rate", "解决率", u.ResolutionRate}, {"satisfaction_rate", "满意率", u.SatisfactionRate}} {
				if r.v == nil {
					f.Details = append(f.Details, assessments.Detail{Label: r.label, Value: "—"})
					continue
				}
				f.Measures[r.key] = *r.v
				f.Details = append(f.Details, assessments.Detail{Label: r.label, Value: decimal.Format(*r.v*100, 2) + "%"})
			}
			switch {
			case u.Ranked && u.Score != nil:
				f.Measures[assessments.MeasureScore] = *u.Score
				f.Details = append(f.Details, assessments.Detail{Label: "三率得分", Value: decimal.Format(*u.Score, 2)})
			default:
				f.Details = append(f.Details, assessments.Detail{Label: "三率得分", Value: fmt.Sprintf("不计（已回访工单少于 %d 件）", a.Settings.MinRated)})
			}
			out[u.Org.ID] = f
		}
		return out, nil
	}
}
