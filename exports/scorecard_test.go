package exports_test

import (
	"bytes"
	"encoding/json"
	"math"
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
		Scoring: surveys.Scoring{MinGroupBallots: new(int), Grades: []surveys.Grade{
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

// TestScorecardMatchesResults checks the results' JSON against the
// hand-computed figures and the workbook's sheets; each sheet's cells are
// compared with the results in its own test (ranking_test.go,
// questions_test.go, summary_test.go, ballots_test.go).
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
	// Two rater groups: 分群体得分; one dimension: no 分维度得分; satisfied
	// options: no votes, no 得票情况.
	wantSheets := []string{exports.SheetSummary, exports.SheetMembers, exports.SheetGroups, exports.SheetDistribution, exports.SheetComments, exports.SheetBallots}
	if strings.Join(sheets, ",") != strings.Join(wantSheets, ",") {
		t.Fatalf("sheets %v, want %v", sheets, wantSheets)
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
	// A4, one page wide: portrait for the narrow ranking, landscape for
	// the wide raw ballots.
	for sheet, orient := range map[string]string{exports.SheetMembers: "portrait", exports.SheetBallots: "landscape"} {
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != orient || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s page layout %+v (%v), want A4 %s, one page wide", sheet, layout, err, orient)
		}
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
	if got := names["_xlnm._FilterDatabase@"+exports.SheetMembers]; got != "'党员测评'!$A$2:$H$5" {
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
