package exports

import (
	"context"
	"slices"
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

// writeRanking writes 党员测评 or 支部排名: one row per subject in rank
// order (unranked subjects last, without rank, score or grade).
func writeRanking(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sheet string, subjects []analytics.SubjectResult, sc Scorecard) (chartSource, error) {
	cols := newRankingColumns(sheet, sc.Survey, subjects)
	header := cols.header()
	rows := make([][]any, 0, len(subjects))
	ranked := 0
	for _, r := range subjects {
		if r.Rank != nil {
			ranked++
		}
		rows = append(rows, cols.row(st, v, r))
	}
	gradeCol := cols.col("推荐等次") + 1
	t, err := newTable(ctx, f, st, tableSpec{
		name: sheet, title: sc.Survey.Title + " · " + sheet, header: header, widths: widthsFor(header, rows, 8, 40), maxRows: sc.MaxRows,
		finish: func(f *excelize.File, sheet string, last int) error {
			return gradeColours(f, sheet, gradeCol, gradeCol+1, last, sc.Survey.Scoring.Grades)
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
	letter := func(i int) string { n, _ := excelize.ColumnNumberToName(i + 1); return n }
	name := "姓名"
	if cols.isOrg {
		name = "支部名称"
	}
	return chartSource{sheet: sheet, nameCol: letter(cols.col(name)), score: letter(cols.col("综合得分")), n: min(ranked, maxCharted)}, nil
}

// rankingColumns are a ranking sheet's columns: 总排名 under a scope,
// 满意率 when the survey has satisfied options, the best and worst grades'
// vote rates in an appraisal. Scores by group and by dimension have sheets
// of their own (breakdown.go).
type rankingColumns struct {
	isOrg, overall, sat, votes bool
	best, worst                string // the vote rates' labels (优秀, 不合格)
}

func newRankingColumns(sheet string, sv *surveys.Survey, subjects []analytics.SubjectResult) rankingColumns {
	c := rankingColumns{isOrg: sheet == SheetOrgs, sat: hasSatisfied(sv)}
	for _, r := range subjects {
		c.overall = c.overall || r.OverallRank != nil
		c.votes = c.votes || r.Votes != nil
	}
	if gq := analytics.GradeQuestion(sv); gq != nil && c.votes {
		c.best, c.worst = voteLabels(gq)
	}
	return c
}

// hasSatisfied reports whether any per-subject question counts in the
// satisfaction rate.
func hasSatisfied(sv *surveys.Survey) bool {
	for i := range sv.Questions {
		if q := &sv.Questions[i]; q.PerSubject && analytics.HasSatisfied(q) {
			return true
		}
	}
	return false
}

func (c rankingColumns) header() []string {
	header := []string{"排名"}
	if c.overall {
		header = append(header, "总排名")
	}
	if c.isOrg {
		header = append(header, "支部名称")
	} else {
		header = append(header, "姓名", "所在支部")
	}
	header = append(header, "综合得分")
	if c.sat {
		header = append(header, "满意率")
	}
	if c.votes {
		header = append(header, c.best+"率", c.worst+"率")
	}
	return append(header, "推荐等次", "最终等次", "等次调整理由")
}

// col is the 0-based column of a header name.
func (c rankingColumns) col(name string) int { return slices.Index(c.header(), name) }

// row is one subject's row: rank, name (and branch), scores, grades.
func (c rankingColumns) row(st *sheetStyles, v *view, r analytics.SubjectResult) []any {
	row := []any{rankCell(st, r.Rank)}
	if c.overall {
		row = append(row, rankCell(st, r.OverallRank))
	}
	row = append(row, st.text(r.Subject.Name))
	if !c.isOrg {
		row = append(row, st.text(subjectOrg(v, r)))
	}
	row = append(row, st.score(r.Score))
	if c.sat {
		row = append(row, st.rate(r.SatisfactionRate))
	}
	if c.votes {
		row = append(row, st.ratePtr(r.ExcellentRate), st.ratePtr(r.UnqualifiedRate))
	}
	grade, final, reason := "", "", ""
	if r.Grade != nil {
		grade = r.Grade.Label
	}
	if r.FinalGrade != nil {
		final, reason = r.FinalGrade.Label, r.FinalGrade.Reason
	}
	return append(row, st.text(grade), st.text(final), st.text(reason))
}

// rankCell is a rank, or nothing for an unranked subject.
func rankCell(st *sheetStyles, rank *int) any {
	if rank == nil {
		return excelize.Cell{StyleID: st.int}
	}
	return st.count(int64(*rank))
}

// subjectOrg is the org a member subject belongs to ("" for a branch).
func subjectOrg(v *view, r analytics.SubjectResult) string {
	if r.Subject.Type == surveys.SubjectOrg {
		return ""
	}
	if r.Subject.OrgName != "" {
		return r.Subject.OrgName
	}
	return v.subjects[r.Subject.ID].OrgName
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
