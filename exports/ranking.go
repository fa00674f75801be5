package exports

import (
	"context"
	"strings"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/surveys"
)

// 党员测评 and 支部排名: one row per subject in rank order.

// chartSource is where the summary chart takes its data: the ranked
// subjects' names and scores on a ranking sheet.
type chartSource struct {
	sheet          string
	nameCol, score string // column letters
	n              int    // ranked subjects charted (rows 3…n+2)
}

// maxCharted is how many subjects the summary chart shows at most (the
// top of the ranking): more bars than that cannot be read.
const maxCharted = 60

// rankingColumns are a ranking sheet's variable columns: the group and
// dimension scores, following the survey's groups and the dimensions in the
// results (the same for every subject).
type rankingColumns struct {
	isOrg  bool
	groups []analytics.GroupScore
	dims   []analytics.DimensionScore
}

// writeRanking writes 党员测评 or 支部排名: one row per subject in rank
// order (unranked subjects last, without rank, score or grade).
func writeRanking(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sheet string, subjects []analytics.SubjectResult, sc Scorecard) (chartSource, error) {
	cols := rankingColumns{isOrg: sheet == SheetOrgs}
	if len(subjects) > 0 {
		cols.groups, cols.dims = subjects[0].ByGroup, subjects[0].ByDimension
	}
	header := cols.header(v)
	rows := make([][]any, 0, len(subjects))
	ranked := 0
	for _, r := range subjects {
		if r.Rank != nil {
			ranked++
		}
		rows = append(rows, cols.row(st, v, r))
	}
	gradeCol := 5
	if cols.isOrg {
		gradeCol = 4
	}
	t, err := newTable(ctx, f, st, tableSpec{
		name: sheet, title: sc.Survey.Title + " · " + sheet, header: header, widths: widthsFor(header, rows, 8, 40), maxRows: sc.MaxRows,
		finish: func(f *excelize.File, sheet string, last int) error {
			return gradeColours(f, sheet, gradeCol+1, gradeCol+2, last, sc.Survey.Scoring.Grades)
		},
	})
	if err != nil {
		return chartSource{}, err
	}
	for _, r := range rows {
		if err := t.add(r); err != nil {
			return chartSource{}, err
		}
	}
	if err := t.close(); err != nil {
		return chartSource{}, err
	}
	nameCol, scoreCol := "B", "D"
	if cols.isOrg {
		scoreCol = "C"
	}
	return chartSource{sheet: sheet, nameCol: nameCol, score: scoreCol, n: min(ranked, maxCharted)}, nil
}

func (c rankingColumns) header(v *view) []string {
	header := []string{"排名"}
	if c.isOrg {
		header = append(header, "支部名称")
	} else {
		header = append(header, "姓名", "所在支部")
	}
	header = append(header, "综合得分", "满意率", "推荐等次", "最终等次", "等次调整理由")
	for _, g := range c.groups {
		name := g.Name
		if name == "" {
			name = v.group(g.Group)
		}
		header = append(header, name+"得分")
	}
	for _, d := range c.dims {
		header = append(header, d.Dimension+"得分")
	}
	return header
}

// row is one subject's row: rank, name (and branch), scores, grades.
func (c rankingColumns) row(st *sheetStyles, v *view, r analytics.SubjectResult) []any {
	row := []any{nil}
	if r.Rank != nil {
		row[0] = st.count(int64(*r.Rank))
	}
	row = append(row, st.text(r.Subject.Name))
	if !c.isOrg {
		org := r.Subject.OrgName
		if org == "" {
			org = v.subjects[r.Subject.ID].OrgName
		}
		row = append(row, st.text(org))
	}
	grade, final, reason := "", "", ""
	if r.Grade != nil {
		grade = r.Grade.Label
	}
	if r.FinalGrade != nil {
		final, reason = r.FinalGrade.Label, r.FinalGrade.Reason
	}
	row = append(row, st.score(r.Score), st.rate(r.SatisfactionRate), st.text(grade), st.text(final), st.text(reason))
	for i := range c.groups {
		var n analytics.Number
		if i < len(r.ByGroup) {
			n = r.ByGroup[i].Score
		}
		row = append(row, st.score(n))
	}
	for i := range c.dims {
		var n analytics.Number
		if i < len(r.ByDimension) {
			n = r.ByDimension[i].Score
		}
		row = append(row, st.score(n))
	}
	return row
}

// gradeColours colours the grade columns (fromCol…toCol, rows 3…last) by
// grade: the best green, the worst red, those between amber.
func gradeColours(f *excelize.File, sheet string, fromCol, toCol, last int, grades []surveys.Grade) error {
	if len(grades) == 0 {
		return nil
	}
	from, _ := excelize.CoordinatesToCellName(fromCol, 3)
	to, _ := excelize.CoordinatesToCellName(toCol, last)
	var rules []excelize.ConditionalFormatOptions
	for i, g := range grades {
		fill, font := "FFEB9C", "9C5700"
		switch {
		case i == 0:
			fill, font = "C6EFCE", "006100"
		case i == len(grades)-1 && len(grades) > 1:
			fill, font = "FFC7CE", "9C0006"
		}
		style, err := f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Color: font}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		})
		if err != nil {
			return err
		}
		// The label is a string constant of the rule's formula: quotes
		// doubled, so a label can never turn into formula text.
		rules = append(rules, excelize.ConditionalFormatOptions{
			Type: "cell", Criteria: "==", Format: &style,
			Value: `"` + strings.ReplaceAll(g.Label, `"`, `""`) + `"`,
		})
	}
	return f.SetConditionalFormat(sheet, from+":"+to, rules)
}
