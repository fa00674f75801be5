package feedback

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AssessSettings are the rules of the 三率 assessment (API.md "Second
// round › Work orders"); the response states the ones it used.
type AssessSettings struct {
	Weights        AssessWeights `json:"weights"`
	AcceptWithin   AcceptWithin  `json:"accept_within"`
	PartlyResolved float64       `json:"partly_resolved"` // what a 部分解决 counts for in the resolution rate
	MinRated       int           `json:"min_rated"`       // rated orders a unit needs to be ranked
}

// AssessWeights weigh the three rates in the score.
type AssessWeights struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// AcceptWithin is the acceptance limit, in working hours after the
// assignment (the calendar's working time).
type AcceptWithin struct {
	Hours float64 `json:"hours"`
}

// DefaultAssessSettings are the defaults of issue 14: weights 0.30 / 0.35
// / 0.35, acceptance within 2 working hours, 部分解决 counted half, 5 rated
// orders to be ranked.
func DefaultAssessSettings() AssessSettings {
	return AssessSettings{
		Weights:      AssessWeights{Response: 0.30, Resolution: 0.35, Satisfaction: 0.35},
		AcceptWithin: AcceptWithin{Hours: 2}, PartlyResolved: PartlyResolved, MinRated: 5,
	}
}

// ParseAssessSettings reads the settings as the configuration gives them
// (MINYI_ASSESS_WEIGHTS "0.30,0.35,0.35" in the order response, resolution,
// satisfaction; MINYI_ASSESS_ACCEPT_HOURS; MINYI_ASSESS_PARTLY;
// MINYI_ASSESS_MIN_RATED); an empty value keeps the default.
func ParseAssessSettings(weights, acceptHours, partly, minRated string) (AssessSettings, error) {
	st := DefaultAssessSettings()
	num := func(name, v string, lo, hi float64) (float64, error) {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || x < lo || x > hi {
			return 0, fmt.Errorf("%s %q: want a number from %g to %g", name, v, lo, hi)
		}
		return x, nil
	}
	if weights != "" {
		parts := strings.Split(weights, ",")
		if len(parts) != 3 {
			return st, fmt.Errorf("MINYI_ASSESS_WEIGHTS %q: want three weights, response,resolution,satisfaction", weights)
		}
		var w [3]float64
		for i, p := range parts {
			x, err := num("MINYI_ASSESS_WEIGHTS", p, 0, 100)
			if err != nil {
				return st, err
			}
			w[i] = x
		}
		if w[0]+w[1]+w[2] <= 0 {
			return st, fmt.Errorf("MINYI_ASSESS_WEIGHTS %q: at least one weight above zero", weights)
		}
		st.Weights = AssessWeights{Response: w[0], Resolution: w[1], Satisfaction: w[2]}
	}
	if acceptHours != "" {
		x, err := num("MINYI_ASSESS_ACCEPT_HOURS", acceptHours, 0.25, 240)
		if err != nil {
			return st, err
		}
		st.AcceptWithin.Hours = x
	}
	if partly != "" {
		x, err := num("MINYI_ASSESS_PARTLY", partly, 0, 1)
		if err != nil {
			return st, err
		}
		st.PartlyResolved = x
	}
	if minRated != "" {
		n, err := strconv.Atoi(strings.TrimSpace(minRated))
		if err != nil || n < 0 || n > 10000 {
			return st, fmt.Errorf("MINYI_ASSESS_MIN_RATED %q: want a whole number from 0 to 10000", minRated)
		}
		st.MinRated = n
	}
	return st, nil
}

// AssessDefinitions say in words how each figure is computed, with the
// settings filled in; the response, the page and the notice show them.
type AssessDefinitions struct {
	Orders           string `json:"orders"`
	ResponseRate     string `json:"response_rate"`
	ResolutionRate   string `json:"resolution_rate"`
	SatisfactionRate string `json:"satisfaction_rate"`
	Score            string `json:"score"`
	Ranking          string `json:"ranking"`
	Lost             string `json:"lost"`
}

// Definitions are st's formulas in Chinese.
func (st AssessSettings) Definitions() AssessDefinitions {
	g := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	w := st.Weights
	return AssessDefinitions{
		Orders:           "统计期内受理（按受理时间，北京时间）且最近一次派单给该单位的工单；被回退、待重新派单的不计",
		ResponseRate:     "响应率 = 派单后 " + g(st.AcceptWithin.Hours) + " 个工作小时内签收的工单数 ÷（已签收的工单数 + 超过签收时限仍未签收的工单数）；重办视为重新派单",
		ResolutionRate:   "解决率 =（已解决 + " + g(st.PartlyResolved) + " × 部分解决）÷ 回访时给出解决情况的工单数；以最近一次回访为准，重办后待再次回访的不计",
		SatisfactionRate: "满意率 =（满意 + 基本满意）÷ 已回访的工单数；以最近一次回访为准，重办后待再次回访的不计",
		Score: "综合得分 = 100 ×（" + g(w.Response) + " × 响应率 + " + g(w.Resolution) + " × 解决率 + " + g(w.Satisfaction) +
			" × 满意率）÷ 参与计算的权重之和；某率无数据（分母为 0）时不计该率，也不计其权重",
		Ranking: "已回访工单不少于 " + strconv.Itoa(st.MinRated) + " 件的单位按综合得分排名，得分相同名次并列（如 1、2、2、4）；" +
			"不足的单位单列、不排名；较上期 = 本期得分 − 上期得分",
		Lost: "失分 = 100 × 该率权重 ×（1 − 该率）÷ 参与计算的权重之和，各项失分之和 = 100 − 综合得分",
	}
}
