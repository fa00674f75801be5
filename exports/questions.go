package exports

import (
	"context"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/surveys"
)

// 题目分布: every question's answers, option by option.

// writeDistribution fills 题目分布: for each subject and each question about
// it, then for each question about the survey as a whole, one row per
// option (or scale value) with its count and share, and the question's
// answers, abstentions, mean, satisfaction rate and (a 0–10 scale) NPS.
func writeDistribution(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	d := distributionSheet{st: st, sc: sc, perSubject: len(sc.Results.Subjects) > 0}
	for i := range sc.Survey.Questions {
		d.sat = d.sat || analytics.HasSatisfied(&sc.Survey.Questions[i])
	}
	for _, qs := range sc.Results.Questions {
		d.nps = d.nps || qs.NPS != nil
	}
	header, widths := d.columns()
	t, err := newTable(ctx, f, st, tableSpec{
		name: SheetDistribution, title: sc.Survey.Title + " · 题目分布", header: header, widths: widths, maxRows: sc.MaxRows,
	})
	if err != nil {
		return err
	}
	d.t = t
	for _, r := range sc.Results.Subjects {
		for _, sq := range r.Questions {
			if err := d.block(sq.Question, r.Subject.Name, sq.Answers, sq.Abstain, sq.Distribution, sq.Mean, sq.SatisfactionRate, nil); err != nil {
				return err
			}
		}
	}
	for _, qs := range sc.Results.Questions {
		var mean, rate analytics.Number
		if qs.Mean != nil {
			mean = *qs.Mean
		}
		if qs.SatisfactionRate != nil {
			rate = *qs.SatisfactionRate
		}
		if err := d.block(qs.Question, "（整体）", qs.Answers, qs.Abstain, qs.Distribution, mean, rate, qs.NPS); err != nil {
			return err
		}
	}
	return t.close()
}

// distributionSheet writes 题目分布's rows. Without subjects (a
// questionnaire) it has no 评价对象 column; 满意率 and NPS have a column
// when a question has them.
type distributionSheet struct {
	st              *sheetStyles
	sc              Scorecard
	t               *table
	perSubject, nps bool
	sat             bool // a question has satisfied options: 满意率
}

func (d *distributionSheet) columns() ([]string, []float64) {
	header, widths := []string{"题目"}, []float64{36}
	if d.perSubject {
		header, widths = append(header, "评价对象"), append(widths, 14)
	}
	header = append(header, "选项", "人数", "占比", "答案数", "不了解", "平均分")
	widths = append(widths, 14, 8, 9, 8, 8, 9)
	if d.sat {
		header, widths = append(header, "满意率"), append(widths, 9)
	}
	if d.nps {
		header, widths = append(header, "净推荐值"), append(widths, 10)
	}
	return header, widths
}

// block writes one question's rows about one subject (or the whole survey).
func (d *distributionSheet) block(qkey, subject string, answers, abstain int64, dist map[string]int64, mean, rate analytics.Number, nps *analytics.NPS) error {
	st := d.st
	q, _ := d.sc.Survey.Question(qkey)
	title := "（已删除的题目）"
	ab := any(excelize.Cell{StyleID: st.int})
	if q != nil {
		title = q.Title
		if hasAbstain(q) {
			ab = st.count(abstain)
		}
	}
	for _, k := range analytics.DistributionKeys(q, dist) {
		row := []any{excelize.Cell{StyleID: st.wrap, Value: title}}
		if d.perSubject {
			row = append(row, st.text(subject))
		}
		row = append(row, st.text(optionLabel(q, k)), st.count(dist[k]), st.share(dist[k], answers), st.count(answers), ab, st.score(mean))
		if d.sat {
			row = append(row, st.rate(rate))
		}
		if d.nps {
			var n analytics.Number
			if nps != nil {
				n = nps.Score
			}
			row = append(row, st.score(n))
		}
		if err := d.t.add(row); err != nil {
			return err
		}
	}
	return nil
}

// hasAbstain reports whether q has an abstaining option (不了解).
func hasAbstain(q *surveys.Question) bool {
	for _, o := range q.Options {
		if o.Abstain {
			return true
		}
	}
	return false
}
