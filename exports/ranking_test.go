package exports_test

import (
	"strconv"
	"strings"
	"testing"

	"minyi/exports"
)

// TestRankingMatchesResults: every scored cell of 党员测评 is the result's
// number, rounded as published, and the hand-computed rows read as a
// person sees them.
func TestRankingMatchesResults(t *testing.T) {
	f, r, _ := writeFixture(t, "2026年民主评议党员", 0)
	header, err := f.GetRows(exports.SheetMembers)
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "排名,姓名,所在支部,综合得分,满意率,推荐等次,最终等次,等次调整理由"
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
		// 分群体得分: 排名, 评价对象, 所在组织, 综合得分, then per group
		// 得分, 答案数, 满意率.
		g := row(t, f, exports.SheetGroups, 1, s.Subject.Name)
		for i, gs := range s.ByGroup {
			wantNum(t, s.Subject.Name+" "+gs.Group, cellAt(g, 4+3*i), gs.Score, 2)
			wantNum(t, s.Subject.Name+" "+gs.Group+" rate", cellAt(g, 6+3*i), gs.SatisfactionRate, 4)
		}
	}
	// The hand-computed cells themselves, as a person sees them.
	for name, want := range map[string][]string{"张一": {"1", "94.00", "100.0%", "优秀", "", ""}, "李二": {"2", "40.00", "50.0%", "不合格", "", ""}} {
		rows, _ := f.GetRows(exports.SheetMembers)
		for _, rr := range rows[2:] {
			if rr[1] != name {
				continue
			}
			got := []string{rr[0], rr[3], rr[4], rr[5], cellAt(rr, 6), cellAt(rr, 7)}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s shows %q, want %q", name, got, want)
			}
		}
	}
}
