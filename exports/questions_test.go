package exports_test

import (
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/analytics"
	"minyi/exports"
)

// TestQuestionsMatchResults: 题目分布 has one row per (subject, question,
// option) and per survey question and option, with the results' counts,
// shares, means and rates.
func TestQuestionsMatchResults(t *testing.T) {
	f, r, _ := writeFixture(t, "2026年民主评议党员", 0)
	// 题目分布: every (subject, question, option) and every survey question.
	dist, err := f.GetRows(exports.SheetDistribution, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ q, subject, option string }
	cells := map[key][]string{}
	for _, d := range dist[2:] {
		cells[key{d[0], d[1], d[2]}] = d
	}
	s := scoreSurvey("")
	label := func(qk, k string) string {
		q, _ := s.Question(qk)
		if o, ok := q.Option(k); ok {
			return o.Label
		}
		return k
	}
	title := func(qk string) string { q, _ := s.Question(qk); return q.Title }
	checked := 0
	for _, sr := range r.Subjects {
		for _, sq := range sr.Questions {
			for k, n := range sq.Distribution {
				c, ok := cells[key{title(sq.Question), sr.Subject.Name, label(sq.Question, k)}]
				if !ok {
					t.Fatalf("no distribution row for %s %s %s", sq.Question, sr.Subject.Name, k)
				}
				if c[3] != strconv.FormatInt(n, 10) || c[5] != strconv.FormatInt(sq.Answers, 10) || c[6] != strconv.FormatInt(sq.Abstain, 10) {
					t.Errorf("%s %s %s: count %s answers %s abstain %s, want %d %d %d", sq.Question, sr.Subject.Name, k, c[3], c[5], c[6], n, sq.Answers, sq.Abstain)
				}
				if sq.Answers > 0 {
					wantNum(t, "share", c[4], analytics.Num(float64(n)/float64(sq.Answers)), 4)
				}
				wantNum(t, "mean", cellAt(c, 7), sq.Mean, 2)
				wantNum(t, "rate", cellAt(c, 8), sq.SatisfactionRate, 4)
				checked++
			}
		}
	}
	for _, qs := range r.Questions {
		for k, n := range qs.Distribution {
			c, ok := cells[key{title(qs.Question), "（整体）", label(qs.Question, k)}]
			if !ok {
				t.Fatalf("no distribution row for %s %s", qs.Question, k)
			}
			if c[3] != strconv.FormatInt(n, 10) {
				t.Errorf("%s %s: %s, want %d", qs.Question, k, c[3], n)
			}
			if qs.Mean != nil {
				wantNum(t, qs.Question+" mean", cellAt(c, 7), *qs.Mean, 2)
			}
			if qs.NPS != nil {
				wantNum(t, qs.Question+" NPS", cellAt(c, 9), qs.NPS.Score, 2)
			}
			checked++
		}
	}
	// 3 subjects × q1's 4 options + q2's 11 scale values.
	if checked != 3*4+11 || len(dist)-2 != checked {
		t.Errorf("checked %d distribution cells of %d rows", checked, len(dist)-2)
	}
	if v, _ := f.GetCellValue(exports.SheetDistribution, "H"+strconv.Itoa(len(dist))); v != "8.00" {
		t.Errorf("q2 mean shows %q, want 8.00 ((9+7)/2)", v)
	}
	// q2's NPS: 9 is a promoter, 7 neither: (1 − 0) × 100 / 2 = 50.
	if v, _ := f.GetCellValue(exports.SheetDistribution, "J"+strconv.Itoa(len(dist))); v != "50.00" {
		t.Errorf("q2 NPS shows %q, want 50.00", v)
	}
}
