package exports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/exports"
	"minyi/surveys"
)

func ptr[T any](v T) *T { return &v }

var genAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// dangerous are texts a spreadsheet could take for a formula.
var dangerous = []string{"=HYPERLINK(\"http://evil\",\"点我\")", "+86 138", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=2+2"}

// scoreSurvey is the hand-computed fixture:
//
//	groups   masses (群众) weight 0.6, members (党员) weight 0.4
//	q1       single, per subject, dimension 服务: a 100 satisfied, b 80 satisfied, c 0, d abstain
//	q2       scale 0–10, not per subject
//	q3       text, per subject;  q4 text
//	grades   优秀 ≥ 90 (at most half of the ranked), 合格 ≥ 60, 不合格 ≥ 0
//	subjects m1 张一 and m2 李二 (一支部), m3 王三 (二支部, never rated)
func scoreSurvey(title string) *surveys.Survey {
	opens := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return &surveys.Survey{
		ID: "sv1", Title: title, Kind: surveys.KindAppraisal, Status: surveys.StatusClosed, Version: 1,
		Subjects: []surveys.Subject{
			{Type: "member", ID: "m1", Name: "张一", OrgID: "b1", OrgName: "一支部"},
			{Type: "member", ID: "m2", Name: "李二", OrgID: "b1", OrgName: "一支部"},
			{Type: "member", ID: "m3", Name: "王三", OrgID: "b2", OrgName: "二支部"},
		},
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Name: "群众", Weight: 0.6}, {Key: "members", Name: "党员", Weight: 0.4}},
		Access:      surveys.Access{Mode: surveys.AccessCode, OpensAt: &opens},
		Questions: []surveys.Question{
			{Key: "q1", Type: surveys.QSingle, Title: "服务群众", PerSubject: true, Dimension: "服务", Options: []surveys.Option{
				{Key: "a", Label: "满意", Score: ptr(100.0), Satisfied: true},
				{Key: "b", Label: "基本满意", Score: ptr(80.0), Satisfied: true},
				{Key: "c", Label: "不满意", Score: ptr(0.0)},
				{Key: "d", Label: "不了解", Abstain: true},
			}},
			{Key: "q2", Type: surveys.QScale, Title: "总体打分", Min: ptr(0), Max: ptr(10)},
			{Key: "q3", Type: surveys.QText, Title: "对该党员的意见", PerSubject: true},
			{Key: "q4", Type: surveys.QText, Title: "意见建议"},
		},
		Scoring: surveys.Scoring{Grades: []surveys.Grade{
			{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: 0.5},
			{Key: "qualified", Label: "合格", MinScore: 60},
			{Key: "unqualified", Label: "不合格", MinScore: 0},
		}},
	}
}

func single(s, q, o string) surveys.Answer { return surveys.Answer{Question: q, Subject: s, Option: o} }

// scoreBallots, with the figures they make:
//
//	m1: masses 100 (B1), 80 (B2) → G = 90;  members 100 (B3) → G = 100
//	    S = (0.6·90 + 0.4·100) ÷ (0.6 + 0.4) = 54 + 40 = 94.00; R = 3 satisfied ÷ 3 = 100.0%
//	m2: masses 80 (B1), 0 (B2) → G = 40;  members abstained only → undefined
//	    S = 0.6·40 ÷ 0.6 = 40.00; R = 1 satisfied (b) ÷ 2 non-abstain = 50.0%
//	m3: no answers → no score, rank or grade
//	ranks m1 1, m2 2; grades: 优秀 quota floor(0.5·2) = 1 → m1 优秀, m2 (40 < 60) 不合格
//	B4 is invalid: counted (masses, web), never scored.
//	q2: 9, 7 → mean 8.00
func scoreBallots() []surveys.Ballot {
	v := func(n int) *int { return &n }
	return []surveys.Ballot{
		{ID: "B1", Channel: "web", RaterGroup: "masses", Valid: true, CreatedAt: genAt, Answers: []surveys.Answer{
			single("m1", "q1", "a"), single("m2", "q1", "b"), {Question: "q2", Value: v(9)}, {Question: "q4", Text: dangerous[0]}}},
		{ID: "B2", Channel: "paper", RaterGroup: "masses", Valid: true, CreatedAt: genAt.Add(time.Minute), Answers: []surveys.Answer{
			single("m1", "q1", "b"), single("m2", "q1", "c"), {Question: "q2", Value: v(7)}, {Question: "q3", Subject: "m1", Text: dangerous[1]}}},
		{ID: "B3", Channel: "web", RaterGroup: "members", Valid: true, CreatedAt: genAt.Add(2 * time.Minute), Answers: []surveys.Answer{
			single("m1", "q1", "a"), single("m2", "q1", "d"), {Question: "q4", Text: dangerous[2]}}},
		{ID: "B4", Channel: "web", RaterGroup: "masses", Valid: false, Reason: dangerous[3], CreatedAt: genAt.Add(3 * time.Minute), Answers: []surveys.Answer{
			single("m1", "q1", "c"), single("m2", "q1", "c"), {Question: "q4", Text: dangerous[4] + dangerous[5]}}},
	}
}

// fixture computes the results exactly as the API does: fold the ballots
// into a tally, then analytics.Compute.
func fixture(title string) (*surveys.Survey, []surveys.Ballot, *analytics.Results, []exports.BallotCount) {
	s := scoreSurvey(title)
	bs := scoreBallots()
	t := analytics.Fold(bs)
	r := analytics.Compute(s, t, analytics.Filter{}, nil, genAt)
	var counts []exports.BallotCount
	for k, n := range t.Ballots {
		counts = append(counts, exports.BallotCount{Group: k.Group, Channel: k.Channel, Valid: k.Valid, Count: n})
	}
	return s, bs, r, counts
}

func each(bs []surveys.Ballot) func(func(*surveys.Ballot) error) error {
	return func(fn func(*surveys.Ballot) error) error {
		for i := range bs {
			if err := fn(&bs[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func writeFixture(t *testing.T, title string, maxRows int) (*excelize.File, *analytics.Results, []byte) {
	t.Helper()
	s, bs, r, counts := fixture(title)
	var buf bytes.Buffer
	err := exports.WriteScorecard(t.Context(), &buf, exports.Scorecard{
		Survey: s, Results: r, Counts: counts, Issued: map[string]int64{"masses": 10, "members": 5},
		Now: genAt, Ballots: each(bs), RawBallots: true, MaxRows: maxRows,
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, r, buf.Bytes()
}

// row finds the data row (from row 3) whose column col holds value.
func row(t *testing.T, f *excelize.File, sheet string, col int, value string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[2:] {
		if len(r) > col && r[col] == value {
			return r
		}
	}
	t.Fatalf("%s: no row with %q in column %d", sheet, value, col)
	return nil
}

func cellAt(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// wantNum compares a cell with a published number: empty when undefined,
// else the number rounded to places.
func wantNum(t *testing.T, what, got string, n analytics.Number, places int) {
	t.Helper()
	if !n.Valid {
		if got != "" {
			t.Errorf("%s: got %q, want an empty cell (undefined)", what, got)
		}
		return
	}
	v, err := strconv.ParseFloat(got, 64)
	if err != nil || v != decimal.Round(n.Value, places) {
		t.Errorf("%s: got %q, want %v", what, got, decimal.Round(n.Value, places))
	}
}

// TestScorecardMatchesResults reads the workbook back and compares every
// scored cell of 党员测评 and 题目分布 with the results, and the results'
// JSON with the hand-computed figures.
func TestScorecardMatchesResults(t *testing.T) {
	f, r, _ := writeFixture(t, "2026年民主评议党员", 0)

	// The hand-computed figures, through the results JSON.
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Subjects []struct {
			Subject struct{ Name string }
			Rank    *int
			Score   *float64
			Rate    *float64 `json:"satisfaction_rate"`
		}
	}
	if err := json.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	hand := map[string][3]float64{"张一": {1, 94, 1}, "李二": {2, 40, 0.5}}
	for _, s := range doc.Subjects {
		want, ok := hand[s.Subject.Name]
		if !ok {
			if s.Score != nil || s.Rank != nil {
				t.Errorf("%s: score %v rank %v, want none", s.Subject.Name, s.Score, s.Rank)
			}
			continue
		}
		if s.Rank == nil || float64(*s.Rank) != want[0] || s.Score == nil || *s.Score != want[1] || s.Rate == nil || *s.Rate != want[2] {
			t.Errorf("%s JSON: rank %v score %v rate %v, want %v", s.Subject.Name, s.Rank, s.Score, s.Rate, want)
		}
	}

	sheets := f.GetSheetList()
	wantSheets := []string{exports.SheetSummary, exports.SheetMembers, exports.SheetDistribution, exports.SheetComments, exports.SheetBallots}
	if strings.Join(sheets, ",") != strings.Join(wantSheets, ",") {
		t.Fatalf("sheets %v, want %v", sheets, wantSheets)
	}
	header, err := f.GetRows(exports.SheetMembers)
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "排名,姓名,所在支部,综合得分,满意率,推荐等次,最终等次,等次调整理由,群众得分,党员得分,服务得分"
	if got := strings.Join(header[1], ","); got != wantHeader {
		t.Fatalf("header %s, want %s", got, wantHeader)
	}
	for _, s := range r.Subjects {
		c := row(t, f, exports.SheetMembers, 1, s.Subject.Name)
		rank := ""
		if s.Rank != nil {
			rank = strconv.Itoa(*s.Rank)
		}
		if c[0] != rank {
			t.Errorf("%s rank %q, want %q", s.Subject.Name, c[0], rank)
		}
		if cellAt(c, 2) != s.Subject.OrgName {
			t.Errorf("%s org %q", s.Subject.Name, cellAt(c, 2))
		}
		wantNum(t, s.Subject.Name+" score", cellAt(c, 3), s.Score, 2)
		wantNum(t, s.Subject.Name+" rate", cellAt(c, 4), s.SatisfactionRate, 4)
		grade := ""
		if s.Grade != nil {
			grade = s.Grade.Label
		}
		if cellAt(c, 5) != grade {
			t.Errorf("%s grade %q, want %q", s.Subject.Name, cellAt(c, 5), grade)
		}
		for i, g := range s.ByGroup {
			wantNum(t, s.Subject.Name+" "+g.Group, cellAt(c, 8+i), g.Score, 2)
		}
		for i, d := range s.ByDimension {
			wantNum(t, s.Subject.Name+" "+d.Dimension, cellAt(c, 8+len(s.ByGroup)+i), d.Score, 2)
		}
	}
	// The hand-computed cells themselves, as a person sees them.
	for name, want := range map[string][]string{"张一": {"1", "94.00", "100.0%", "优秀", "", "", "90.00", "100.00", "94.00"}, "李二": {"2", "40.00", "50.0%", "不合格", "", "", "40.00", "", "40.00"}} {
		rows, _ := f.GetRows(exports.SheetMembers)
		for _, rr := range rows[2:] {
			if rr[1] != name {
				continue
			}
			got := []string{rr[0], rr[3], rr[4], rr[5], cellAt(rr, 6), cellAt(rr, 7), cellAt(rr, 8), cellAt(rr, 9), cellAt(rr, 10)}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s shows %q, want %q", name, got, want)
			}
		}
	}

	// 题目分布: every (subject, question, option) and every survey question.
	dist, err := f.GetRows(exports.SheetDistribution, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ q, subject, option string }
	cells := map[key][]string{}
	for _, d := range dist[2:] {
		cells[key{d[0], d[2], d[3]}] = d
	}
	s := scoreSurvey("")
	label := func(qk, k string) string {
		q, _ := s.Question(qk)
		if o, ok := q.Option(k); ok {
			return o.Label
		}
		return k
	}
	checked := 0
	for _, sr := range r.Subjects {
		for _, sq := range sr.Questions {
			for k, n := range sq.Distribution {
				c, ok := cells[key{sq.Question, sr.Subject.Name, label(sq.Question, k)}]
				if !ok {
					t.Fatalf("no distribution row for %s %s %s", sq.Question, sr.Subject.Name, k)
				}
				if c[4] != strconv.FormatInt(n, 10) || c[6] != strconv.FormatInt(sq.Answers, 10) || c[7] != strconv.FormatInt(sq.Abstain, 10) {
					t.Errorf("%s %s %s: count %s answers %s abstain %s, want %d %d %d", sq.Question, sr.Subject.Name, k, c[4], c[6], c[7], n, sq.Answers, sq.Abstain)
				}
				if sq.Answers > 0 {
					wantNum(t, "share", c[5], analytics.Num(float64(n)/float64(sq.Answers)), 4)
				}
				wantNum(t, "mean", cellAt(c, 8), sq.Mean, 2)
				wantNum(t, "rate", cellAt(c, 9), sq.SatisfactionRate, 4)
				checked++
			}
		}
	}
	for _, qs := range r.Questions {
		for k, n := range qs.Distribution {
			c, ok := cells[key{qs.Question, "（整体）", label(qs.Question, k)}]
			if !ok {
				t.Fatalf("no distribution row for %s %s", qs.Question, k)
			}
			if c[4] != strconv.FormatInt(n, 10) {
				t.Errorf("%s %s: %s, want %d", qs.Question, k, c[4], n)
			}
			if qs.Mean != nil {
				wantNum(t, qs.Question+" mean", cellAt(c, 8), *qs.Mean, 2)
			}
			checked++
		}
	}
	// 3 subjects × q1's 4 options + q2's 11 scale values.
	if checked != 3*4+11 || len(dist)-2 != checked {
		t.Errorf("checked %d distribution cells of %d rows", checked, len(dist)-2)
	}
	if v, _ := f.GetCellValue(exports.SheetDistribution, "I"+strconv.Itoa(len(dist))); v != "8.00" {
		t.Errorf("q2 mean shows %q, want 8.00 ((9+7)/2)", v)
	}

	// 汇总: ballots by group (B4 is the invalid masses ballot).
	sum, err := f.GetRows(exports.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, rr := range sum {
		switch strings.Join(rr, "|") {
		case "群众|0.60|10|3|2|1|30.0%", "党员|0.40|5|1|1|0|20.0%", "合计||15|4|3|1|26.7%", "网上|3|2|1", "纸质|1|1|0":
			found++
		}
	}
	if found != 5 {
		t.Errorf("summary ballot rows: found %d of 5 in %q", found, sum)
	}
	// A chart of the scores sits on the summary.
	if chart, ok := f.Pkg.Load("xl/charts/chart1.xml"); !ok || !strings.Contains(string(chart.([]byte)), "党员测评") {
		t.Errorf("no chart over 党员测评 on the summary")
	}
}

// TestFormulaInjection: texts that begin with = + - @ tab or CR, wherever
// they come from (title, names, labels, reasons, comments), are stored as
// text, cell by cell, in every sheet.
func TestFormulaInjection(t *testing.T) {
	s, bs, _, counts := fixture(dangerous[0])
	s.Subjects[0].Name = dangerous[1]
	s.Subjects[1].OrgName = dangerous[2]
	s.RaterGroups[0].Name = dangerous[3]
	s.Questions[0].Options[0].Label = dangerous[4]
	s.Questions[0].Title = dangerous[5]
	s.Scoring.Grades[0].Label = "=优秀"
	r := analytics.Compute(s, analytics.Fold(bs), analytics.Filter{}, map[string]analytics.FinalGrade{
		"m2": {Key: "qualified", Label: "合格", Reason: "-经支部大会讨论"},
	}, genAt)
	var buf bytes.Buffer
	if err := exports.WriteScorecard(t.Context(), &buf, exports.Scorecard{
		Survey: s, Results: r, Counts: counts, Now: genAt, Ballots: each(bs), RawBallots: true,
	}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	cells := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, rr := range rows {
			for j, v := range rr {
				if v == "" {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				cells++
				if fm, err := f.GetCellFormula(sheet, name); err != nil || fm != "" {
					t.Errorf("%s!%s holds formula %q (%v)", sheet, name, fm, err)
				}
				for _, d := range append(dangerous, "=优秀", "-经支部大会讨论", dangerous[4]+dangerous[5]) {
					if strings.HasPrefix(v, d) {
						seen[d] = true
						typ, _ := f.GetCellType(sheet, name)
						if typ != excelize.CellTypeInlineString {
							t.Errorf("%s!%s %q has type %v, want an inline string", sheet, name, v, typ)
						}
						if !textFormat(t, f, sheet, name) {
							t.Errorf("%s!%s %q lacks the text number format @", sheet, name, v)
						}
					}
				}
			}
		}
	}
	for _, d := range dangerous {
		if !seen[d] {
			t.Errorf("%q not found unchanged in any cell", d)
		}
	}
	if !seen["=优秀"] || !seen["-经支部大会讨论"] {
		t.Errorf("grade label or reason not found as text: %v", seen)
	}
	if cells < 100 {
		t.Errorf("only %d cells checked", cells)
	}
}

func textFormat(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.NumFmt == 49
}

// TestRawBallotsSplit: with a limit of 10 rows a sheet (title, header and
// 8 ballots), 25 ballots fill 原始答卷, 原始答卷(2), (3) and 1 row of (4),
// each with its own title and header, in order.
func TestRawBallotsSplit(t *testing.T) {
	s := scoreSurvey("分表测试")
	var bs []surveys.Ballot
	for i := range 25 {
		bs = append(bs, surveys.Ballot{ID: fmt.Sprintf("B%02d", i), Channel: "web", RaterGroup: "masses", Valid: true,
			CreatedAt: genAt, Answers: []surveys.Answer{single("m1", "q1", "a")}})
	}
	var buf bytes.Buffer
	var progress []int64
	err := exports.WriteBallots(t.Context(), &buf, exports.BallotsWorkbook{
		Survey: s, Ballots: each(bs), MaxRows: 10, Progress: func(n int64) { progress = append(progress, n) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"原始答卷", "原始答卷(2)", "原始答卷(3)", "原始答卷(4)"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	next := 0
	for i, sheet := range want {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		wantRows := 10
		if i == 3 {
			wantRows = 3
		}
		if len(rows) != wantRows {
			t.Errorf("%s: %d rows, want %d", sheet, len(rows), wantRows)
		}
		if rows[1][0] != "答卷编号" || !strings.HasPrefix(rows[0][0], "分表测试") {
			t.Errorf("%s: title %q header %q", sheet, rows[0][0], rows[1][0])
		}
		for _, rr := range rows[2:] {
			if rr[0] != fmt.Sprintf("B%02d", next) {
				t.Errorf("%s: ballot %s, want B%02d", sheet, rr[0], next)
			}
			next++
		}
	}
	if next != 25 {
		t.Errorf("%d ballots written, want 25", next)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 25 {
		t.Errorf("progress %v, want it to end at 25", progress)
	}
}

// bigBallots yields n ballots with a 20,000-character comment each: past
// excelize's 16 MiB in-memory chunk the streamed sheets go to temp files.
// at is called before each ballot; fail, when set, is returned instead of
// the last ballot.
func bigBallots(n int, fail error, at func(i int)) func(func(*surveys.Ballot) error) error {
	text := strings.Repeat("意见", 10000)
	return func(fn func(*surveys.Ballot) error) error {
		for i := range n {
			at(i)
			if fail != nil && i == n-1 {
				return fail
			}
			b := surveys.Ballot{ID: fmt.Sprintf("B%05d", i), Channel: "web", RaterGroup: "masses", Valid: true, CreatedAt: genAt,
				Answers: []surveys.Answer{single("m1", "q1", "a"), {Question: "q4", Text: text}}}
			if err := fn(&b); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestTempFilesRemoved: the streamed sheets' temporary files are gone
// after a success, a failing ballot source and a cancelled export.
func TestTempFilesRemoved(t *testing.T) {
	s, _, r, _ := fixture("临时文件")
	boom := errors.New("cursor broke")
	for _, tc := range []struct {
		name   string
		fail   error
		cancel bool
		want   error
	}{
		{"ok", nil, false, nil},
		{"source fails", boom, false, boom},
		{"cancelled", nil, true, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			sawTemp := false
			const n = 500
			at := func(i int) {
				if i == n-2 {
					ents, _ := os.ReadDir(dir)
					sawTemp = len(ents) > 0
					if tc.cancel {
						cancel()
					}
				}
			}
			var w countingWriter
			err := exports.WriteScorecard(ctx, &w, exports.Scorecard{
				Survey: s, Results: r, Now: genAt, Ballots: bigBallots(n, tc.fail, at), RawBallots: true, TmpDir: dir,
			})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if !sawTemp {
				t.Fatalf("no temporary file was made: the test does not test anything")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("left %d temporary files behind", len(ents))
			}
			if tc.want != nil && w.n > 0 {
				t.Errorf("wrote %d bytes of a failed workbook", w.n)
			}
		})
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// TestUndefinedAndWidths: an unrated subject has empty score cells, and
// column widths count a Chinese character as two units.
func TestUndefinedAndWidths(t *testing.T) {
	f, _, _ := writeFixture(t, "宽度", 0)
	c := row(t, f, exports.SheetMembers, 1, "王三")
	for i := range []int{0, 3, 4} {
		if cellAt(c, []int{0, 3, 4}[i]) != "" {
			t.Errorf("unrated subject has %q in column %d", cellAt(c, []int{0, 3, 4}[i]), []int{0, 3, 4}[i])
		}
	}
	w, err := f.GetColWidth(exports.SheetMembers, "H") // 等次调整理由: 6 汉字 = 12 units + padding
	if err != nil || math.Abs(w-14) > 0.01 {
		t.Errorf("width of H %v (%v), want 14", w, err)
	}
	panes, err := f.GetPanes(exports.SheetBallots)
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v (%v), want the header frozen", panes, err)
	}
	layout, err := f.GetPageLayout(exports.SheetMembers)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout %+v (%v), want A4 landscape, one page wide", layout, err)
	}
	// Filter buttons on the header row and the header repeated on every
	// printed page.
	names := map[string]string{}
	for _, d := range f.GetDefinedName() {
		names[d.Name+"@"+d.Scope] = d.RefersTo
	}
	if got := names["_xlnm.Print_Titles@"+exports.SheetMembers]; got != "'党员测评'!$1:$2" {
		t.Errorf("print titles %q; defined names %v", got, names)
	}
	if got := names["_xlnm._FilterDatabase@"+exports.SheetMembers]; got != "'党员测评'!$A$2:$K$5" {
		t.Errorf("filter range %q; defined names %v", got, names)
	}
	// Grade colours: one rule per grade over the two grade columns.
	cf, err := f.GetConditionalFormats(exports.SheetMembers)
	if err != nil || len(cf["F3:G5"]) != 3 {
		t.Errorf("conditional formats %v (%v), want 3 grade rules on F3:G5", cf, err)
	}
	// Score and rate number formats.
	for cell, want := range map[string]string{"D3": "0.00", "E3": "0.0%"} {
		id, _ := f.GetCellStyle(exports.SheetMembers, cell)
		st, _ := f.GetStyle(id)
		if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != want {
			t.Errorf("%s number format %v, want %s", cell, st, want)
		}
	}
}
