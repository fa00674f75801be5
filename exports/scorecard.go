package exports

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/surveys"
)

// The scorecard workbook, one file per sheet: 汇总 (summary.go, its title
// block in summary_title.go, its formulas in formulas.go), 党员测评 and
// 支部排名 (ranking.go), 得票情况, 分维度得分 and 分群体得分 (breakdown.go),
// 题目分布 (questions.go), 意见建议 and 原始答卷 (ballots.go); print
// settings in print.go. This file holds what they share.

// Sheet names of the scorecard workbook.
const (
	SheetSummary      = "汇总"
	SheetMembers      = "党员测评"
	SheetOrgs         = "支部排名"
	SheetDistribution = "题目分布"
	SheetComments     = "意见建议"
	SheetBallots      = "原始答卷"
)

// BallotCount is how many ballots of one rater group arrived by one
// channel, valid or not (from the survey's tally).
type BallotCount struct {
	Group   string
	Channel string
	Valid   bool
	Count   int64
}

// Scorecard is what the scorecard workbook needs. Results are the scores
// exactly as GET /surveys/{id}/results publishes them; the workbook shows
// them, it never recomputes them.
type Scorecard struct {
	Survey  *surveys.Survey
	Results *analytics.Results
	// Counts are the ballots by group, channel and validity; when nil the
	// summary falls back to Results.Ballots (totals by group and channel).
	Counts []BallotCount
	// OrgName is the organising org (组织单位) of the title block ("" when
	// the survey names none).
	OrgName string
	// Issued are the ballot codes issued per rater group (nil: the survey
	// does not use codes).
	Issued map[string]int64
	// Scope is 汇总's 统计范围, whose subjects and ballots are counted (e.g.
	// "本组织及下级组织的评价对象"); "" for everything.
	Scope string
	// FilterLine states a filtered workbook's filter under the title of 汇总
	// ("" when nothing is filtered).
	FilterLine string
	Location   *time.Location // times are shown in this zone (default UTC)
	Now        time.Time      // generation time

	// Ballots streams the survey's ballots for 意见建议 and 原始答卷 (nil:
	// neither sheet). RawBallots adds the 原始答卷 sheet; KeepComment, when
	// set, picks the text answers shown on 意见建议.
	Ballots     func(fn func(*surveys.Ballot) error) error
	RawBallots  bool
	KeepComment func(b *surveys.Ballot, a *surveys.Answer) bool

	// MaxRows is the row limit per streamed sheet (default and at most
	// MaxSheetRows; tests make it small to see the split).
	MaxRows int
	// Progress, when set, is called with the number of ballots written so
	// far, every progressEvery ballots and at the end.
	Progress func(ballots int64)
	// TmpDir is where excelize keeps streamed sheets beyond 16 MiB (default
	// the system's temporary directory).
	TmpDir string
}

// progressEvery is how often (in ballots) Progress is called.
const progressEvery = 1000

// WriteScorecard writes the scorecard workbook to w: 汇总, 党员测评 and/or
// 支部排名, 题目分布, 意见建议 and 原始答卷. Temporary files are removed
// whatever happens; a cancelled ctx stops the export within a few hundred
// ballots.
func WriteScorecard(ctx context.Context, w io.Writer, sc Scorecard) error {
	if sc.Survey == nil || sc.Results == nil {
		return fmt.Errorf("scorecard: survey and results are required")
	}
	if sc.Location == nil {
		sc.Location = time.UTC
	}
	f := excelize.NewFile(excelize.Options{TmpDir: sc.TmpDir})
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	members, orgs := splitSubjects(sc.Results.Subjects)
	names := sheetNames(sc, len(members), len(orgs))
	// Sheets are created up front, in the order a reader meets them.
	if err := f.SetSheetName("Sheet1", names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return fmt.Errorf("sheet %s: %w", n, err)
		}
	}
	if err := writeSheets(ctx, f, st, newView(sc.Survey), sc, members, orgs); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("write scorecard: %w", err)
	}
	return nil
}

// splitSubjects parts the subjects into members and branches, in order.
func splitSubjects(all []analytics.SubjectResult) (members, orgs []analytics.SubjectResult) {
	for _, r := range all {
		if r.Subject.Type == surveys.SubjectOrg {
			orgs = append(orgs, r)
		} else {
			members = append(members, r)
		}
	}
	return members, orgs
}

// sheetNames are the workbook's sheets in order: 党员测评 when there are
// members, 支部排名 when there are branches (a questionnaire without
// subjects has neither), then the breakdowns the survey has.
func sheetNames(sc Scorecard, members, orgs int) []string {
	names := []string{SheetSummary}
	if members > 0 {
		names = append(names, SheetMembers)
	}
	if orgs > 0 {
		names = append(names, SheetOrgs)
	}
	names = append(names, newBreakdowns(sc).sheets()...)
	names = append(names, SheetDistribution)
	if sc.Ballots != nil {
		names = append(names, SheetComments)
		if sc.RawBallots {
			names = append(names, SheetBallots)
		}
	}
	return names
}

// writeSheets fills the sheets: the rankings first, since the summary's
// chart points into one of them.
func writeSheets(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, sc Scorecard, members, orgs []analytics.SubjectResult) error {
	chart := chartSource{}
	var err error
	if len(members) > 0 {
		if chart, err = writeRanking(ctx, f, st, v, SheetMembers, members, sc); err != nil {
			return err
		}
	}
	if len(orgs) > 0 {
		c, err := writeRanking(ctx, f, st, v, SheetOrgs, orgs, sc)
		if err != nil {
			return err
		}
		if chart.n == 0 {
			chart = c
		}
	}
	if err := writeSummary(f, st, v, sc, chart); err != nil {
		return err
	}
	if err := newBreakdowns(sc).write(ctx, f, st, v, sc); err != nil {
		return err
	}
	if err := writeDistribution(ctx, f, st, v, sc); err != nil {
		return err
	}
	if sc.Ballots == nil {
		return nil
	}
	return writeBallotSheets(ctx, f, st, v, sc.Ballots, ballotSheets{
		comments: true, raw: sc.RawBallots, keep: sc.KeepComment,
		maxRows: sc.MaxRows, progress: sc.Progress, loc: sc.Location, title: sc.Survey.Title,
	})
}

// view is the survey's names, looked up once.
type view struct {
	s        *surveys.Survey
	subjects map[string]surveys.Subject
}

func newView(s *surveys.Survey) *view {
	v := &view{s: s, subjects: map[string]surveys.Subject{}}
	for _, sub := range s.Subjects {
		v.subjects[sub.ID] = sub
	}
	return v
}

func (v *view) group(key string) string { return v.s.GroupName(key) }

func (v *view) subject(id string) string {
	if s, ok := v.subjects[id]; ok && s.Name != "" {
		return s.Name
	}
	return id
}

// optionLabel is what a person reads for an answer key of question q.
func optionLabel(q *surveys.Question, key string) string {
	if q != nil {
		if o, ok := q.Option(key); ok && o.Label != "" {
			return o.Label
		}
	}
	return key
}

// num is a number cell, or nothing when the number is undefined. Scores
// are stored rounded to the two decimals a person reads (half away from
// zero, DESIGN.md), so what Excel shows and what a sum adds up are the
// published figures.
func (st *sheetStyles) num(n analytics.Number, style, places int) any {
	if !n.Valid {
		return excelize.Cell{StyleID: style} // empty, with the table's border
	}
	return excelize.Cell{StyleID: style, Value: decimal.Round(n.Value, places)}
}

func (st *sheetStyles) score(n analytics.Number) any {
	return st.num(n, st.dec2, decimal.DisplayPlaces)
}

// rate keeps the JSON's four decimals: shown as 0.0%, that is one decimal
// of a percent.
func (st *sheetStyles) rate(n analytics.Number) any { return st.num(n, st.pct, decimal.JSONPlaces) }

// ratePtr is rate of an optional number.
func (st *sheetStyles) ratePtr(n *analytics.Number) any {
	if n == nil {
		return excelize.Cell{StyleID: st.pct}
	}
	return st.rate(*n)
}

func (st *sheetStyles) count(n int64) excelize.Cell { return excelize.Cell{StyleID: st.int, Value: n} }

// share is a ratio cell (0.0%) kept to the JSON's four decimals; nothing
// when there is no denominator.
func (st *sheetStyles) share(n, d int64) any {
	sh := analytics.Share(n, d) // as the JSON's shares
	if !sh.Valid {
		return excelize.Cell{StyleID: st.pct}
	}
	return excelize.Cell{StyleID: st.pct, Value: decimal.Round(sh.Value, decimal.JSONPlaces)}
}
