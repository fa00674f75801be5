package exports

import (
	"fmt"
	"strconv"
	"strings"

	"minyi/analytics"
	"minyi/decimal"
	"minyi/surveys"
)

// Formulas are the survey's scoring rules written out in Chinese, as
// (name, explanation) pairs: what the 汇总 sheet states and the results
// page repeats.
func Formulas(s *surveys.Survey) [][2]string {
	var out [][2]string
	add := func(name, text string) { out = append(out, [2]string{name, text}) }
	add("答案", "只计有效答卷中非“不了解”的答案，取所选选项的分值（0–100）；“不了解”计入答案数，不计分。")
	mean := "题目得分 m = 该题某群体对某对象全部答案分值之和 ÷ 答案数；没有答案时不计。"
	add("题目得分（平均分）", mean)
	if t := s.Scoring.Trim; t != nil {
		add("去极值平均分", fmt.Sprintf("答案数不少于 %d 个时，先去掉 %d 个最高分和 %d 个最低分，再求平均。", t.MinAnswers, t.DropHighest, t.DropLowest))
	}
	weighted := false
	for _, q := range s.Questions {
		if q.Scored() && q.PerSubject && q.QuestionWeight() != 1 {
			weighted = true
		}
	}
	if weighted {
		var parts []string
		for _, q := range s.Questions {
			if q.Scored() && q.PerSubject {
				parts = append(parts, fmt.Sprintf("%s %s", q.Title, fmtNum(q.QuestionWeight())))
			}
		}
		add("群体得分", "G = Σ(题目权重 × 题目得分) ÷ Σ题目权重，只计有得分的题目。题目权重："+strings.Join(parts, "、")+"。")
	} else {
		add("群体得分", "G = 该群体各计分题目得分的平均数，只计有得分的题目。")
	}
	var gw []string
	for _, g := range s.RaterGroups {
		gw = append(gw, fmt.Sprintf("%s %s", g.Name, fmtNum(g.Weight)))
	}
	groups := "各群体权重相同"
	if len(gw) > 0 {
		groups = "群体权重：" + strings.Join(gw, "、")
	}
	add("综合得分", "S = Σ(群体权重 × 群体得分) ÷ Σ群体权重，只计有得分的群体；"+groups+"。")
	if hasDimensions(s) {
		add("维度得分", "同综合得分，只计该维度的题目。")
	}
	denom := "非“不了解”的答案数"
	if s.Scoring.SatisfactionDenominator == surveys.DenomAll {
		denom = "全部答案数（含“不了解”）"
	}
	var sat []string
	for _, q := range s.Questions {
		if !q.PerSubject || q.Type != surveys.QSingle {
			continue
		}
		var labels []string
		for _, o := range q.Options {
			if o.Satisfied {
				labels = append(labels, o.Label)
			}
		}
		if len(labels) > 0 {
			sat = append(sat, q.Title+"："+strings.Join(labels, "、"))
		}
	}
	rate := "满意率 R = 选择“满意”类选项的答案数 ÷ " + denom + "，合并全部群体和全部题目。"
	if len(sat) > 0 {
		rate += "“满意”类选项——" + strings.Join(sat, "；") + "。"
	}
	if len(sat) > 0 || hasSatisfiedQuestion(s) {
		add("满意率", rate)
	}
	add("排名", "按综合得分从高到低；得分相同的并列同一名次，其后的名次顺延（如 1、2、2、4）；没有得分的对象不排名、不评等次。按组织筛选时，“排名”是在所选组织内的名次，“总排名”是在全部评价对象中的名次。")
	if len(s.Scoring.Grades) > 0 {
		var gs []string
		for _, g := range s.Scoring.Grades {
			x := fmt.Sprintf("%s：得分 ≥ %s", g.Label, fmtNum(g.MinScore))
			if g.MaxShare > 0 {
				x += fmt.Sprintf("，且人数不超过参评对象的%s（不足一人的部分不计）", surveys.ShareWords(g.MaxShare))
			}
			gs = append(gs, x)
		}
		add("推荐等次", "按名次依次评定，取第一个达到分数线且名额未满的等次："+strings.Join(gs, "；")+
			"。同一名次的对象放不进同一等次的剩余名额时，都不评该等次。推荐等次由党组织确定最终等次。")
	}
	out = append(out, voteFormulas(s)...)
	add("显示", "得分保留两位小数（四舍五入），满意率保留一位小数的百分数；计算时使用完整精度。")
	return out
}

// fmtNum prints a weight or a threshold as a person writes it: at most
// four decimals, no trailing zeros (0.6, 90, 0.3334), never float noise.
func fmtNum(x float64) string {
	return strconv.FormatFloat(decimal.Round(x, decimal.JSONPlaces), 'f', -1, 64)
}

// voteLabels are the labels of a grade question's best and worst options
// (优秀, 不合格), whose shares are the 优秀率 and 不合格率.
func voteLabels(q *surveys.Question) (best, worst string) {
	for _, o := range q.Options {
		if o.Abstain {
			continue
		}
		if best == "" {
			best = o.Label
		}
		worst = o.Label
	}
	return best, worst
}

// hasDimensions reports whether a scored per-subject question has a
// dimension.
func hasDimensions(s *surveys.Survey) bool {
	for i := range s.Questions {
		if q := &s.Questions[i]; q.PerSubject && q.Scored() && q.Dimension != "" {
			return true
		}
	}
	return false
}

// hasSatisfiedQuestion reports whether any question has satisfied options.
func hasSatisfiedQuestion(s *surveys.Survey) bool {
	for i := range s.Questions {
		if analytics.HasSatisfied(&s.Questions[i]) {
			return true
		}
	}
	return false
}

// voteFormulas explain an appraisal's votes and a 0–10 scale's NPS.
func voteFormulas(s *surveys.Survey) [][2]string {
	var out [][2]string
	if gq := analytics.GradeQuestion(s); gq != nil {
		best, worst := voteLabels(gq)
		out = append(out, [2]string{"得票情况", fmt.Sprintf("按“%s”一题统计每名对象各选项的票数；%s率 = %s票数 ÷ 该对象的全部票数（含不了解），%s率同理。", gq.Title, best, best, worst)})
	}
	for _, q := range s.Questions {
		if q.Type == surveys.QScale && q.Min != nil && q.Max != nil && *q.Min == 0 && *q.Max == 10 {
			return append(out, [2]string{"净推荐值（NPS）", "0–10 分的题目：推荐者为打 9–10 分的人所占比例，贬损者为打 0–6 分的人所占比例，净推荐值 = (推荐者比例 − 贬损者比例) × 100。"})
		}
	}
	return out
}
