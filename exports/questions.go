package exports

import (
	"context"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/surveys"
)

// 题目分布: every question's answers, option by option.

// writeDistribution fills 题目分布: for each subject and each question about
// it, then for each question about the survey as a whole, one row per
// option (or scale value) with its count.
func writeDistribution(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	header := []string{"题号", "题目", "评价对象", "选项", "人数", "占比", "答案数", "不了解", "平均分", "满意率"}
	t, err := newTable(ctx, f, st, tableSpec{
		name: SheetDistribution, title: sc.Survey.Title + " · 题目分布", header: header,
		widths: []float64{8, 30, 14, 14, 8, 9, 8, 8, 9, 9}, maxRows: sc.MaxRows,
	})
	if err != nil {
		return err
	}
	block := func(qkey, subject string, answers, abstain int64, dist map[string]int64, mean, rate analytics.Number, abstainKnown bool) error {
		q, _ := sc.Survey.Question(qkey)
		title := qkey
		if q != nil {
			title = q.Title
		}
		for _, k := range distributionKeys(q, dist) {
			share := st.share(dist[k], answers)
			ab := any(nil)
			if abstainKnown {
				ab = st.count(abstain)
			}
			if err := t.add([]any{st.text(qkey), st.text(title), st.text(subject), st.text(optionLabel(q, k)),
				st.count(dist[k]), share, st.count(answers), ab, st.score(mean), st.rate(rate)}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range sc.Results.Subjects {
		for _, sq := range r.Questions {
			if err := block(sq.Question, r.Subject.Name, sq.Answers, sq.Abstain, sq.Distribution, sq.Mean, sq.SatisfactionRate, true); err != nil {
				return err
			}
		}
	}
	for _, qs := range sc.Results.Questions {
		var mean analytics.Number
		if qs.Mean != nil {
			mean = *qs.Mean
		}
		if err := block(qs.Question, "（整体）", qs.Answers, 0, qs.Distribution, mean, analytics.Number{}, false); err != nil {
			return err
		}
	}
	return t.close()
}

// distributionKeys orders a distribution: the question's options in their
// order, scale values numerically, anything else after, sorted.
func distributionKeys(q *surveys.Question, dist map[string]int64) []string {
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
