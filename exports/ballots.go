package exports

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/surveys"
)

// BallotsWorkbook is the raw-ballots export: the 原始答卷 sheet alone.
type BallotsWorkbook struct {
	Survey   *surveys.Survey
	Ballots  func(fn func(*surveys.Ballot) error) error
	Location *time.Location
	MaxRows  int         // rows per sheet (default MaxSheetRows)
	Progress func(int64) // ballots written so far
	TmpDir   string      // excelize's temporary files (default the system's)
}

// WriteBallots writes the raw-ballots workbook to w: one row per ballot,
// streamed, so memory stays flat however many ballots there are; past the
// row limit the sheet continues on 原始答卷(2) and so on.
func WriteBallots(ctx context.Context, w io.Writer, bw BallotsWorkbook) error {
	if bw.Survey == nil || bw.Ballots == nil {
		return fmt.Errorf("ballots workbook: survey and ballots are required")
	}
	if bw.Location == nil {
		bw.Location = time.UTC
	}
	f := excelize.NewFile(excelize.Options{TmpDir: bw.TmpDir})
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetBallots); err != nil {
		return err
	}
	if err := writeBallotSheets(ctx, f, st, newView(bw.Survey), bw.Ballots, ballotSheets{
		raw: true, maxRows: bw.MaxRows, progress: bw.Progress, loc: bw.Location, title: bw.Survey.Title,
	}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("write ballots: %w", err)
	}
	return nil
}

// ballotSheets says which ballot sheets one pass over the ballots fills.
type ballotSheets struct {
	comments, raw bool
	keep          func(*surveys.Ballot, *surveys.Answer) bool
	maxRows       int
	progress      func(int64)
	loc           *time.Location
	title         string
}

// slotKey is an answer slot: a question, and the subject for a question
// asked per subject.
type slotKey struct{ q, s string }

// rawLayout is the columns of 原始答卷: the ballot's facts, then one column
// per answer slot (each subject's per-subject questions, then the survey's
// other questions).
type rawLayout struct {
	header []string
	widths []float64
	index  map[slotKey]int // slot → column index (0-based)
	qs     []*surveys.Question
}

// rawFixed is how many columns precede the answer slots.
const rawFixed = 6

// maxRawColumns keeps 原始答卷 within Excel's 16,384 columns.
const maxRawColumns = 16384

func newRawLayout(s *surveys.Survey) (*rawLayout, error) {
	l := &rawLayout{
		header: []string{"答卷编号", "提交时间", "渠道", "评价群体", "有效", "无效原因"},
		widths: []float64{22, 20, 10, 12, 6, 24},
		index:  map[slotKey]int{},
	}
	add := func(q *surveys.Question, subject, head string) {
		l.index[slotKey{q.Key, subject}] = len(l.header)
		l.header = append(l.header, head)
		l.qs = append(l.qs, q)
		w := 10.0
		if q.Type == surveys.QText {
			w = 30
		}
		l.widths = append(l.widths, fitWidth(min(textWidth(head), 24), w, 30))
	}
	for _, sub := range s.Subjects {
		for i := range s.Questions {
			if q := &s.Questions[i]; q.PerSubject {
				name := sub.Name
				if name == "" {
					name = sub.ID
				}
				add(q, sub.ID, name+"·"+q.Title)
			}
		}
	}
	for i := range s.Questions {
		if q := &s.Questions[i]; !q.PerSubject {
			add(q, "", q.Title)
		}
	}
	if len(l.header) > maxRawColumns {
		return nil, fmt.Errorf("原始答卷需要 %d 列，超过 Excel 的 %d 列上限：请改用按组织分开的导出", len(l.header), maxRawColumns)
	}
	return l, nil
}

// writeBallotSheets streams the ballots once into 意见建议 and/or 原始答卷.
// Both sheets must already exist.
func writeBallotSheets(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, each func(func(*surveys.Ballot) error) error, o ballotSheets) error {
	w, err := openBallotSheets(ctx, f, st, v, o)
	if err != nil {
		return err
	}
	var n int64
	err = each(func(b *surveys.Ballot) error {
		if err := w.add(b); err != nil {
			return err
		}
		n++
		if o.progress != nil && n%progressEvery == 0 {
			o.progress(n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ballot sheets: %w", err)
	}
	if o.progress != nil {
		o.progress(n)
	}
	for _, t := range []*table{w.comments, w.raw} {
		if t != nil {
			if err := t.close(); err != nil {
				return err
			}
		}
	}
	return nil
}

// ballotRows writes each streamed ballot's rows: its texts on 意见建议
// (comments) and the ballot itself on 原始答卷 (raw); nil: not this sheet.
type ballotRows struct {
	st            *sheetStyles
	v             *view
	o             ballotSheets
	comments, raw *table
	layout        *rawLayout
	row           []any // 原始答卷's row, reused
	seq           int64 // 意见建议's last 序号 (a short number, not the ballot id)
}

func openBallotSheets(ctx context.Context, f *excelize.File, st *sheetStyles, v *view, o ballotSheets) (*ballotRows, error) {
	w := &ballotRows{st: st, v: v, o: o}
	var err error
	if o.raw {
		if w.layout, err = newRawLayout(v.s); err != nil {
			return nil, err
		}
		if w.raw, err = newTable(ctx, f, st, tableSpec{
			name: SheetBallots, title: o.title + " · 原始答卷", header: w.layout.header, widths: w.layout.widths, maxRows: o.maxRows,
		}); err != nil {
			return nil, err
		}
		w.row = make([]any, len(w.layout.header))
	}
	if o.comments {
		if w.comments, err = newTable(ctx, f, st, tableSpec{
			name: SheetComments, title: o.title + " · 意见建议", maxRows: o.maxRows,
			header: []string{"序号", "提交时间", "题目", "评价对象", "意见建议", "评价群体", "渠道", "答卷有效"},
			widths: []float64{6, 17, 18, 12, 56, 10, 9, 9},
		}); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *ballotRows) yesNo(b bool) excelize.Cell {
	if b {
		return w.st.text("是")
	}
	return w.st.text("否")
}

// add writes ballot b's rows.
func (w *ballotRows) add(b *surveys.Ballot) error {
	st := w.st
	at := excelize.Cell{StyleID: st.time, Value: wall(b.CreatedAt, w.o.loc)}
	channel, group := st.text(b.Channel.Label()), st.text(w.v.group(b.RaterGroup))
	if w.comments != nil {
		for i := range b.Answers {
			a := &b.Answers[i]
			if a.Text == "" || w.o.keep != nil && !w.o.keep(b, a) {
				continue
			}
			title := a.Question
			if q, ok := w.v.s.Question(a.Question); ok {
				title = q.Title
			}
			subject := ""
			if a.Subject != "" {
				subject = w.v.subject(a.Subject)
			}
			w.seq++
			if err := w.comments.add([]any{st.count(w.seq), at, st.text(title), st.text(subject), excelize.Cell{StyleID: st.wrap, Value: a.Text},
				group, channel, w.yesNo(b.Valid)}); err != nil {
				return err
			}
		}
	}
	if w.raw == nil {
		return nil
	}
	row := w.row
	clear(row)
	row[0], row[1], row[2], row[3], row[4], row[5] = st.text(b.ID), at, channel, group, w.yesNo(b.Valid), st.text(b.Reason)
	for i := range b.Answers {
		a := &b.Answers[i]
		col, ok := w.layout.index[slotKey{a.Question, a.Subject}]
		if !ok {
			continue // a question or subject no longer in the survey
		}
		row[col] = answerCell(st, w.layout.qs[col-rawFixed], a)
	}
	return w.raw.add(row)
}

// answerCell is what one answer shows: the chosen option's label (labels
// joined by 、 for a multiple choice), a scale's number, a text as typed.
func answerCell(st *sheetStyles, q *surveys.Question, a *surveys.Answer) any {
	switch {
	case a.Value != nil:
		return excelize.Cell{StyleID: st.int, Value: *a.Value}
	case a.Text != "":
		return st.text(a.Text)
	case len(a.Options) > 0:
		labels := make([]string, len(a.Options))
		for i, k := range a.Options {
			labels[i] = optionLabel(q, k)
		}
		return st.text(strings.Join(labels, "、"))
	case a.Option != "":
		return st.text(optionLabel(q, a.Option))
	}
	return nil
}
