package exports

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// The title block of 汇总, what a committee reads first: the survey, who
// ran it, when, how many ballots were issued, returned and valid, and when
// the workbook was made.

// title is row 1, and row 2 states the filter of a filtered workbook.
func (s *summary) title() error {
	if err := s.setRow("A1", []any{excelize.Cell{StyleID: s.st.title, Value: s.sc.Survey.Title + " · 测评结果汇总"}}, excelize.RowOpts{Height: 26}); err != nil {
		return err
	}
	s.merges = append(s.merges, [2]string{"A1", "G1"})
	if text := s.sc.FilterLine; text != "" {
		if err := s.setRow("A2", []any{excelize.Cell{StyleID: s.st.wrap, Value: text}}); err != nil {
			return err
		}
		s.merges = append(s.merges, [2]string{"A2", "G2"})
	}
	s.row = 3
	return nil
}

// facts are the title block's lines.
func (s *summary) facts() error {
	sv, loc := s.sc.Survey, s.sc.Location
	org := s.sc.OrgName
	if org == "" {
		org = "—"
	}
	scope := "全部评价对象"
	if s.sc.Scope != "" {
		scope = s.sc.Scope
	}
	facts := [][2]string{
		{"测评名称", sv.Title}, {"组织单位", org}, {"测评类型", sv.Kind.Label()},
		{"测评时间", s.period()}, {"答卷情况", s.returned()},
		{"生成时间", s.sc.Now.In(loc).Format("2006年1月2日 15:04")}, {"统计范围", scope},
	}
	for _, kv := range facts {
		if err := s.line(kv[0], kv[1]); err != nil {
			return err
		}
	}
	s.row++
	return nil
}

// period is 测评时间: from the opening (or publication) to the closing
// time, as dates.
func (s *summary) period() string {
	sv, loc := s.sc.Survey, s.sc.Location
	opens, closes := sv.Access.OpensAt, sv.Access.ClosesAt
	if opens == nil {
		opens = sv.PublishedAt
	}
	if closes == nil {
		closes = sv.ClosedAt
	}
	day := func(t *time.Time, none string) string {
		if t == nil || t.IsZero() {
			return none
		}
		return t.In(loc).Format("2006年1月2日")
	}
	return day(opens, "未设定") + " 至 " + day(closes, "未结束")
}

// returned is 答卷情况: ballot codes issued (when the survey uses them),
// ballots returned and valid, over the ballots the workbook counts.
func (s *summary) returned() string {
	groups, _ := ballotTables(s.sc)
	var valid, invalid, issued int64
	for _, g := range groups {
		valid += g.valid
		invalid += g.invalid
	}
	text := "凭链接参与，不发放测评码；"
	if s.sc.Issued != nil {
		for _, n := range s.sc.Issued {
			issued += n
		}
		text = fmt.Sprintf("发放 %d 份，", issued)
	}
	text += fmt.Sprintf("回收 %d 份，有效 %d 份", valid+invalid, valid)
	if invalid > 0 {
		text += fmt.Sprintf("，无效 %d 份", invalid)
	}
	return text + "。"
}
