package exports

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"minyi/feedback"
)

var assessLostHeader = []string{"名次", "单位", "失分指标", "失分", "涉及工单数", "涉及工单"}

// lost fills 失分明细: per unit, per rate that cost points, the orders.
func (nb *notice) lost() error {
	const name = SheetAssessLost
	if err := nb.sheet(name, nb.n.Title+" · 失分明细", assessLostHeader, []float64{8, 26, 12, 9, 11, 70}); err != nil {
		return err
	}
	row := 3
	for _, u := range nb.a.Units {
		for _, l := range u.Lost {
			rank := nb.none()
			if u.Rank != nil {
				rank = nb.count(*u.Rank)
			}
			cells := []any{rank, nb.st.text(u.Org.Name), nb.st.text(l.Label),
				excelize.Cell{StyleID: nb.st.dec2, Value: l.Points}, nb.count(len(l.Orders)),
				excelize.Cell{StyleID: nb.st.wrap, Value: strings.Join(l.Orders, "、")}}
			if err := nb.put(name, row, cells); err != nil {
				return err
			}
			row++
		}
	}
	if row == 3 {
		return nb.put(name, row, []any{nb.st.text(""), nb.st.text("本期各单位均未失分")})
	}
	return nil
}

var assessTopicsHeader = []string{"范围", "序号", "问题类别", "本期件数", "上期件数", "增减", "每月一题候选"}

// topicsPerUnit is how many topics 高频问题 lists per unit.
const topicsPerUnit = 3

// candidates is how many of the overall top topics are 每月一题 candidates.
const candidates = 3

// topics fills 高频问题: the topics over all units first (the leading ones
// are the 每月一题 candidates), then each unit's top topics, with the
// change against the previous period.
func (nb *notice) topics() error {
	const name = SheetAssessTopics
	if err := nb.sheet(name, nb.n.Title+" · 高频问题", assessTopicsHeader, []float64{26, 7, 16, 10, 10, 8, 14}); err != nil {
		return err
	}
	row := 3
	add := func(scope string, list []feedback.TopicCount, limit int, mark bool) error {
		for i, t := range list {
			if i == limit || t.Orders == 0 {
				break
			}
			cand := ""
			if mark && i < candidates {
				cand = "是"
			}
			change := strconv.Itoa(t.Change)
			if t.Change > 0 {
				change = "+" + change
			}
			cells := []any{nb.st.text(scope), nb.count(i + 1), nb.st.text(t.Label), nb.count(t.Orders), nb.count(t.Previous),
				nb.st.text(change), excelize.Cell{StyleID: nb.st.redTxt, Value: cand}}
			if err := nb.put(name, row, cells); err != nil {
				return err
			}
			row++
		}
		return nil
	}
	if err := add("全部单位", nb.a.Topics, len(nb.a.Topics), true); err != nil {
		return err
	}
	for _, u := range nb.a.Units {
		if err := add(u.Org.Name, u.Topics, topicsPerUnit, false); err != nil {
			return err
		}
	}
	return nil
}

// notes fills 说明: the period, every formula and every setting used.
func (nb *notice) notes() error {
	const name = SheetAssessNotes
	if err := nb.sheet(name, nb.n.Title+" · 说明", []string{"项目", "内容"}, []float64{18, 110}); err != nil {
		return err
	}
	a := nb.a
	d, s := a.Definitions, a.Settings
	g := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	lines := [][2]string{
		{"统计期间", a.Period.From + " 至 " + a.Period.To},
		{"上期", a.Previous.From + " 至 " + a.Previous.To},
		{"生成时间", nb.n.Now.In(nb.n.Location).Format("2006-01-02 15:04")},
		{"统计范围", d.Orders},
		{"响应率", d.ResponseRate},
		{"解决率", d.ResolutionRate},
		{"满意率", d.SatisfactionRate},
		{"综合得分", d.Score},
		{"排名", d.Ranking},
		{"失分", d.Lost},
		{"红榜、黑榜", "各列 k 个单位，k = " + strconv.Itoa(HonourSize) + " 与参与排名单位数的一半（向下取整）中较小者；" +
			"红榜：名次不低于第 k 名的单位（并列者同列）；黑榜：排在最后的 k 个单位（已列入红榜的除外）"},
		{"高频问题", "按工单类别统计件数，增减 = 本期件数 − 上期件数；全部单位件数最多的前 " + strconv.Itoa(candidates) + " 类列为“每月一题”候选"},
		{"权重", "响应率 " + g(s.Weights.Response) + "，解决率 " + g(s.Weights.Resolution) + "，满意率 " + g(s.Weights.Satisfaction)},
		{"签收时限", "派单后 " + g(s.AcceptWithin.Hours) + " 个工作小时"},
		{"部分解决折算", g(s.PartlyResolved)},
		{"参与排名的最少回访数", strconv.Itoa(s.MinRated) + " 件"},
		{"数值", "比率显示两位小数的百分数，得分保留两位小数（四舍五入）；无数据显示“—”"},
	}
	for i, l := range lines {
		if err := nb.put(name, i+3, []any{excelize.Cell{StyleID: nb.st.label, Value: l[0]}, excelize.Cell{StyleID: nb.st.wrap, Value: l[1]}}); err != nil {
			return err
		}
	}
	return nil
}
