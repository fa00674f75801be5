package exports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"minyi/assessments"
	"minyi/decimal"
)

func asPeriodText(p assessments.Period) string { return p.From + " 至 " + p.To }

func asWriteRanking(b *asBook, v *assessments.View, loc *time.Location) error {
	a := v.Assessment
	const name = "综合排名"
	state := a.Status.Label()
	if a.PublishedAt != nil {
		state += "（" + a.PublishedAt.In(loc).Format("2006-01-02") + " 公示，结果以公示时为准）"
	}
	notes := []string{
		fmt.Sprintf("考评期间：%s　　考评对象：%d 个　　状态：%s　　生成时间：%s", asPeriodText(a.Period), len(v.Subjects), state,
			v.GeneratedAt.In(loc).Format("2006-01-02 15:04")),
		"红色为红榜（前 5 名），灰色为黑榜（后 5 名）；综合得分的算法见「说明」。",
	}
	header := []string{"名次", "考评对象", "所属组织"}
	widths := []float64{7, 18, 16}
	for _, c := range a.Components {
		header = append(header, c.Name())
		widths = append(widths, 11)
	}
	header = append(header, "综合得分", "较上期", "名次变化", "推荐等次", "最终等次", "否决与说明")
	widths = append(widths, 10, 9, 9, 10, 10, 40)
	r, err := b.sheet(name, notes, header, widths)
	if err != nil {
		return err
	}
	for _, s := range v.Subjects {
		cells := []any{asRankText(s.Rank), s.Subject.Name, s.Subject.OrgName}
		for _, c := range a.Components {
			cells = append(cells, asNumCell(s.Components[c.Key]))
		}
		remark := asRemarks(a, s)
		cells = append(cells, asNumCell(s.Score), assessments.ChangeText(s.Change), assessments.MovedText(s.RankChange), asTierText(s.Tier), asFinalText(s.FinalTier), remark)
		if err := b.row(name, r, cells, 0); err != nil {
			return err
		}
		if err := b.fitRow(name, r, remark, 40); err != nil {
			return err
		}
		if st := asListStyle(b, v, s.Subject.ID); st != 0 {
			if err := b.row(name, r, cells[:2], st); err != nil {
				return err
			}
		}
		r++
	}
	return nil
}

func asListStyle(b *asBook, v *assessments.View, id string) int {
	switch {
	case slices.Contains(v.Red, id):
		return b.red
	case slices.Contains(v.Black, id):
		return b.black
	}
	return 0
}

func asRankText(p *int) any {
	if p == nil {
		return "不排名"
	}
	return *p
}

func asTierText(t *assessments.TierRef) string {
	if t == nil {
		return "—"
	}
	return t.Label
}

func asFinalText(m *assessments.Mark) string {
	if m == nil {
		return "未确定"
	}
	return m.Label
}

// asRemarks says, in words, what else a reader needs: vetoes, missing
// components, manual points, the final tier's reason, objections.
func asRemarks(a *assessments.Assessment, s assessments.SubjectView) string {
	var out []string
	for _, v := range s.Vetoes {
		out = append(out, "否决："+v.Reason)
	}
	if s.Rank == nil {
		out = append(out, "数据不足，不参与排名")
	}
	if len(s.Missing) > 0 && s.Rank != nil {
		var names []string
		for _, key := range s.Missing { // 加减分 left out: most subjects have none
			if i := slices.IndexFunc(a.Components, func(c assessments.Component) bool { return c.Key == key && c.Kind != assessments.KindManual }); i >= 0 {
				names = append(names, a.Components[i].Name())
			}
		}
		if len(names) > 0 {
			out = append(out, "缺项："+strings.Join(names, "、")+"（权重按其余分项重新分配）")
		}
	}
	if s.Manual != nil {
		out = append(out, fmt.Sprintf("加减分 %s：%s", asAssessmentsPoints(s.Manual.Points), s.Manual.Reason))
	}
	if s.FinalTier != nil {
		out = append(out, "最终等次理由："+s.FinalTier.Reason)
	}
	if s.Objections > 0 {
		out = append(out, fmt.Sprintf("异议 %d 条（见「公示与异议」）", s.Objections))
	}
	return strings.Join(out, "；")
}

// asAssessmentsPoints prints manual points with their sign: +2, −1.5.
func asAssessmentsPoints(p float64) string {
	if p > 0 {
		return "+" + decimal.Plain(p, 2)
	}
	return decimal.Plain(p, 2)
}

// asWriteComponents writes one sheet per component with the figures its
// values come from.
func asWriteComponents(b *asBook, v *assessments.View) error {
	for i, c := range v.Assessment.Components {
		name := fmt.Sprintf("分项%d-%s", i+1, c.Name())
		var labels []string // the detail labels, in first-seen order
		for _, s := range v.Subjects {
			for _, d := range s.Details[c.Key] {
				if !slices.Contains(labels, d.Label) {
					labels = append(labels, d.Label)
				}
			}
		}
		notes := []string{fmt.Sprintf("来源：%s。权重 %s，指标：%s。", v.Sources[c.Key], decimal.Plain(c.Weight, 2), asMeasureName(c))}
		header := append([]string{"考评对象", "所属组织", "分项得分"}, labels...)
		widths := []float64{18, 16, 10}
		for range labels {
			widths = append(widths, 16)
		}
		r, err := b.sheet(name, notes, header, widths)
		if err != nil {
			return err
		}
		for _, s := range v.Subjects {
			cells := []any{s.Subject.Name, s.Subject.OrgName, asNumCell(s.Components[c.Key])}
			values := map[string]string{}
			for _, d := range s.Details[c.Key] {
				values[d.Label] = d.Value
			}
			for _, l := range labels {
				cells = append(cells, asOrDash(values[l]))
			}
			if err := b.row(name, r, cells, 0); err != nil {
				return err
			}
			r++
		}
	}
	return nil
}

func asMeasureName(c assessments.Component) string {
	if c.Measure == "" {
		return "默认"
	}
	return assessments.MeasureLabel(c.Measure)
}

func asOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// asWriteTrend writes each subject's score and rank across the periods.
func asWriteTrend(b *asBook, t *assessments.Trend) error {
	const name = "趋势"
	header := []string{"考评对象", "所属组织"}
	widths := []float64{18, 16}
	for _, p := range t.Periods {
		header = append(header, p.Title+"\n得分", "名次")
		widths = append(widths, 14, 7)
	}
	r, err := b.sheet(name, []string{"各期考评的综合得分与名次，从早到晚。"}, header, widths)
	if err != nil {
		return err
	}
	for _, s := range t.Subjects {
		cells := []any{s.Subject.Name, s.Subject.OrgName}
		for _, p := range s.Points {
			cells = append(cells, asNumCell(p.Score), asRankText(p.Rank))
		}
		if err := b.row(name, r, cells, 0); err != nil {
			return err
		}
		r++
	}
	return nil
}

func asWriteObjections(b *asBook, v *assessments.View, loc *time.Location) error {
	const name = "公示与异议"
	a := v.Assessment
	note := "尚未公示。"
	if a.PublishedAt != nil {
		note = fmt.Sprintf("公示时间：%s 至 %s。", a.PublishedAt.In(loc).Format("2006-01-02 15:04"), a.PublicUntil.In(loc).Format("2006-01-02 15:04"))
		if a.ClosedAt != nil {
			note += "公示已于 " + a.ClosedAt.In(loc).Format("2006-01-02 15:04") + " 结束。"
		}
	}
	header := []string{"序号", "考评对象", "异议内容", "提出人", "提出时间", "答复", "答复人", "答复时间"}
	r, err := b.sheet(name, []string{note, fmt.Sprintf("共 %d 条异议。", len(a.Objections))}, header, []float64{6, 16, 36, 10, 16, 36, 10, 16})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range v.Subjects {
		names[s.Subject.ID] = s.Subject.Name
	}
	for i, o := range a.Objections {
		answered := "—"
		if o.AnsweredAt != nil {
			answered = o.AnsweredAt.In(loc).Format("2006-01-02 15:04")
		}
		cells := []any{i + 1, names[o.SubjectID], o.Text, o.By, o.At.In(loc).Format("2006-01-02 15:04"), asOrDash(o.Answer), asOrDash(o.AnsweredBy), answered}
		if err := b.row(name, r, cells, b.wrap); err != nil {
			return err
		}
		longer := o.Text
		if textWidth(o.Answer) > textWidth(longer) {
			longer = o.Answer
		}
		if err := b.fitRow(name, r, longer, 36); err != nil {
			return err
		}
		r++
	}
	return nil
}

func asWriteMethod(b *asBook, v *assessments.View) error {
	const name = "说明"
	r, err := b.sheet(name, nil, []string{"考评办法"}, []float64{120})
	if err != nil {
		return err
	}
	lines := v.Method
	for _, c := range v.Assessment.Components {
		lines = append(lines, fmt.Sprintf("「%s」的数据来源：%s。", c.Name(), v.Sources[c.Key]))
	}
	for _, l := range lines {
		if err := b.set(name, 1, r, l, b.wrap); err != nil {
			return err
		}
		if err := b.fitRow(name, r, l, 120); err != nil {
			return err
		}
		r++
	}
	return nil
}
