package exports

import (
	"fmt"
	"strconv"
	"strings"

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
	add("维度得分", "同综合得分，只计该维度的题目。")
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
	add("满意率", rate)
	add("排名", "按综合得分从高到低；得分相差不超过 0.000000001 的并列同一名次（如 1、2、2、4）；没有得分的对象不排名、不评等次。")
	if len(s.Scoring.Grades) > 0 {
		var gs []string
		for _, g := range s.Scoring.Grades {
			x := fmt.Sprintf("%s：得分 ≥ %s", g.Label, fmtNum(g.MinScore))
			if g.MaxShare > 0 {
				x += fmt.Sprintf("，且人数不超过参评对象的 %s%%（向下取整）", fmtNum(g.MaxShare*100))
			}
			gs = append(gs, x)
		}
		add("推荐等次", "按名次依次评定，取第一个达到分数线且名额未满的等次："+strings.Join(gs, "；")+
			"。同一名次的对象放不进同一等次的剩余名额时，都不评该等次。推荐等次由党组织确定最终等次。")
	}
	add("显示", "得分保留两位小数（四舍五入），满意率保留一位小数的百分数；计算时使用完整精度。")
	return out
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
