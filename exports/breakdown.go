package exports

import (
	"context"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/surveys"
)

// 得票情况 (an appraisal's votes per grade), 分维度得分 and 分群体得分: one
// row per subject in rank order, each sheet only when the survey has what it
// shows (votes; two dimensions or more; two rater groups or more).

// Sheet names of the breakdowns.
const (
	SheetVotes      = "得票情况"
	SheetDimensions = "分维度得分"
	SheetGroups     = "分群体得分"
)

// breakdowns says which breakdown sheets a scorecard has.
type breakdowns struct {
	votes  *surveys.Question // the grade question, when subjects have votes
	dims   []string
	groups []analytics.GroupScore // names and order, from the first subject
}

func newBreakdowns(sc Scorecard) breakdowns {
	var b breakdowns
	subjects := sc.Results.Subjects
	if len(subjects) == 0 {
		return b
	}
	if gq := analytics.GradeQuestion(sc.Survey); gq != nil && subjects[0].Votes != nil {
		b.votes = gq
	}
	if d := subjects[0].ByDimension; len(d) >= 2 {
		for _, x := range d {
			b.dims = append(b.dims, x.Dimension)
		}
	}
	if g := subjects[0].ByGroup; len(g) >= 2 {
		b.groups = g
	}
	return b
}

// sheets are the breakdown sheets' names, in order.
func (b breakdowns) sheets() []string {
	var out []string
	if b.votes != nil {
		out = append(out, SheetVotes)
	}
	if b.dims != nil {
		out = append(out, SheetDimensions)
	}
	if b.groups != nil {
		out = append(out, SheetGroups)
	}
	return out
}

// write fills the breakdown sheets.
func (b breakdowns) write(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	if b.votes != nil {
		if err := b.writeVotes(ctx, f, st, v, sc); err != nil {
			return err
		}
	}
	if b.dims != nil {
		header := append(subjectHeader(), prefixed(b.dims, "", "得分")...)
		err := writeBreakdown(ctx, f, st, v, sc, SheetDimensions, header, func(r analytics.SubjectResult) []any {
			var cells []any
			for i := range b.dims {
				var n analytics.Number
				if i < len(r.ByDimension) {
					n = r.ByDimension[i].Score
				}
				cells = append(cells, st.score(n))
			}
			return cells
		})
		if err != nil {
			return err
		}
	}
	if b.groups != nil {
		return b.writeGroups(ctx, f, st, v, sc)
	}
	return nil
}

// writeVotes is 得票情况: each option's votes, the abstentions, the total
// and the best and worst grades' rates.
func (b breakdowns) writeVotes(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	var keys, labels []string
	for _, o := range b.votes.Options {
		if !o.Abstain {
			keys, labels = append(keys, o.Key), append(labels, o.Label)
		}
	}
	best, worst := voteLabels(b.votes)
	header := append(subjectHeader(), prefixed(labels, "", "（票）")...)
	header = append(header, "不了解（票）", "合计（票）", best+"率", worst+"率")
	return writeBreakdown(ctx, f, st, v, sc, SheetVotes, header, func(r analytics.SubjectResult) []any {
		var cells []any
		var total int64
		for _, k := range keys {
			n := r.Votes[k].Count
			total += n
			cells = append(cells, st.count(n))
		}
		ab := r.Votes[analytics.AbstainKey].Count
		return append(cells, st.count(ab), st.count(total+ab), st.ratePtr(r.ExcellentRate), st.ratePtr(r.UnqualifiedRate))
	})
}

// writeGroups is 分群体得分: each group's score, answers and (when the
// survey has satisfied options) satisfaction rate.
func (b breakdowns) writeGroups(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard) error {
	sat := hasSatisfied(sc.Survey)
	header := subjectHeader()
	for _, g := range b.groups {
		name := g.Name
		if name == "" {
			name = v.group(g.Group)
		}
		header = append(header, name+"得分", name+"答案数")
		if sat {
			header = append(header, name+"满意率")
		}
	}
	return writeBreakdown(ctx, f, st, v, sc, SheetGroups, header, func(r analytics.SubjectResult) []any {
		var cells []any
		for i := range b.groups {
			var g analytics.GroupScore
			if i < len(r.ByGroup) {
				g = r.ByGroup[i]
			}
			cells = append(cells, st.score(g.Score), st.count(g.Answers))
			if sat {
				cells = append(cells, st.rate(g.SatisfactionRate))
			}
		}
		return cells
	})
}

func subjectHeader() []string {
	return []string{"排名", "评价对象", "所在组织", "综合得分"}
}

func prefixed(names []string, before, after string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = before + n + after
	}
	return out
}

// writeBreakdown writes one breakdown sheet: the subject columns, then
// cells(r) for each subject in rank order.
func writeBreakdown(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard, sheet string, header []string, cells func(analytics.SubjectResult) []any) error {
	rows := make([][]any, 0, len(sc.Results.Subjects))
	for _, r := range sc.Results.Subjects {
		org := subjectOrg(v, r)
		if org == "" {
			org = r.Subject.Name
		}
		row := []any{rankCell(st, r.Rank), st.text(r.Subject.Name), st.text(org), st.score(r.Score)}
		rows = append(rows, append(row, cells(r)...))
	}
	t, err := newTable(ctx, f, st, tableSpec{
		name: sheet, title: sc.Survey.Title + " · " + sheet, header: header, widths: widthsFor(header, rows, 8, 30), maxRows: sc.MaxRows,
	})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := t.add(r); err != nil {
			return err
		}
	}
	return t.close()
}
