package assessments

import (
	"fmt"
	"strings"

	"minyi/decimal"
)

// Method states, in the words the results page and the 说明 sheet print,
// how Compute turns the components into scores and tiers under r.
func Method(r Rules) []string {
	var weighted, bonus []string
	for _, c := range r.Components {
		if c.bonus() {
			bonus = append(bonus, "「"+c.Name()+"」")
			continue
		}
		weighted = append(weighted, fmt.Sprintf("「%s」（%s，权重 %s）", c.Name(), MeasureLabel(measureOf(c)), trim(c.Weight)))
	}
	lines := []string{
		"综合得分 = Σ（权重 × 分项得分）÷ Σ 权重，只计该对象有数据的分项（缺项时其余分项的权重按比例放大）；分项得分均为 0–100 分，比率 × 100 计。",
		"参与加权的分项：" + strings.Join(weighted, "、") + "。",
	}
	if len(bonus) > 0 {
		lines = append(lines, "加减分："+strings.Join(bonus, "、")+"的分值在加权后直接加到综合得分上。")
	}
	lines = append(lines,
		"没有任何加权分项数据的对象不计综合得分，不参与排名，单独列出。",
		"综合得分相同的对象并列（不计浮点运算的微小误差），并列者名次相同，其后名次顺延（1、2、2、4）。")
	for _, t := range r.Tiers {
		line := fmt.Sprintf("「%s」：综合得分不低于 %s 分", t.Label, trim(t.MinScore))
		if t.MaxShare > 0 {
			line += fmt.Sprintf("，名额不超过参与排名对象数的%s（向下取整）", Share(t.MaxShare))
		}
		lines = append(lines, line+"。")
	}
	lines = append(lines, "按名次从高到低评定等次：每个对象取其达到分数线、名额尚有空余且未被否决限制的最高等次；并列的对象若不能全部容纳于剩余名额，则都不取该等次，依次评定下一等次。")
	for _, v := range r.Vetoes {
		lines = append(lines, "否决项："+vetoRule(r, v)+"。")
	}
	return lines
}

// measureOf is the measure component c takes.
func measureOf(c Component) string {
	if c.Measure != "" {
		return c.Measure
	}
	return defaultMeasure(c.Kind)
}

// vetoRule is a veto as a sentence without a subject's value.
func vetoRule(r Rules, v Veto) string {
	label := v.MaxTier
	if t := tierIndex(r.Tiers, v.MaxTier); t >= 0 {
		label = r.Tiers[t].Label
	}
	return fmt.Sprintf("%s的%s低于 %s 的，至多评为「%s」", componentName(r, v.Component), MeasureLabel(v.Measure), measureText(v.Measure, v.Below), label)
}

// vetoReason is why veto v capped a subject whose measure is x.
func vetoReason(r Rules, v Veto, x float64, tier string) string {
	return fmt.Sprintf("%s的%s为 %s，低于 %s，至多评为「%s」", componentName(r, v.Component), MeasureLabel(v.Measure),
		measureText(v.Measure, x), measureText(v.Measure, v.Below), tier)
}

func componentName(r Rules, key string) string {
	for _, c := range r.Components {
		if c.Key == key {
			return "「" + c.Name() + "」"
		}
	}
	return "「" + key + "」"
}

// measureText prints a measure's value: a rate as a percentage.
func measureText(m string, x float64) string {
	if isRate(m) {
		return trim(x*100) + "%"
	}
	return trim(x)
}

// Share prints a quota share the way people write it: 三分之一 for 1/3,
// otherwise a percentage with at most two decimals.
func Share(s float64) string {
	for _, f := range []struct {
		v    float64
		text string
	}{{1.0 / 2, "二分之一"}, {1.0 / 3, "三分之一"}, {2.0 / 3, "三分之二"}, {1.0 / 4, "四分之一"}, {1.0 / 5, "五分之一"}} {
		if d := s - f.v; d > -1e-4 && d < 1e-4 && s != decimal.Round(s, 2) {
			return f.text
		}
	}
	return trim(s*100) + "%"
}

// trim prints x with at most two decimals and no trailing zeros.
func trim(x float64) string { return decimal.Plain(x, 2) }
