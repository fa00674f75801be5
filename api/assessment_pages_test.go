package api_test

import (
	"net/http"
	"strings"
	"testing"

	"minyi/accounts"
)

// TestAssessmentPageAndLeaderHome: the assessment page shows the ranking
// of the fixture (see TestAssessmentFormulas) with its chart, marks, lost
// points and the unranked units apart; a secretary sees its own unit, an
// operator is refused; the leader's home shows this month's figures.
//
// Home, Tue 2026-12-01 15:30: received this month 26 (the fixture) + 1
// urgent order taken at 10:00 and never dispatched (due 12:00: overdue) =
// 27; overdue 1. Rates of all units together (the fixture's total):
// 87.50%, 92.86%, 90.91%. Four ranked units → k = min(5, 4/2) = 2: 红榜 the
// units ranked 2 or better (第一, 第二, 第三党支部: the tie at 2 included), 黑榜
// the last two positions less the 红榜: 第四党支部 alone.
func TestAssessmentPageAndLeaderHome(t *testing.T) {
	f := newAssessFixture(t)
	f.at(12, 1, 10, 0)
	f.create(adminToken, map[string]any{"channel": "hotline", "kind": "help", "urgency": "urgent", "content": "独居老人家中停水",
		"caller": map[string]any{"name": "李女士", "phone": "13912345678"}})
	f.at(12, 1, 15, 30)
	leader := f.sessionFor(accounts.RoleLeader, "")
	body := wantPage(t, f.page(http.MethodGet, "/work-orders/assessment?period=2026-12", nil, leader), http.StatusOK,
		"2026年12月热线工单“三率”考核", `id="assess-chart"`, "<rect class=\"bar\"", "红榜", "黑榜", "响应率 −6.00（"+f.num["b1"]+"）",
		"不参与排名（回访不足 5 件）", "第七党支部", "综合得分 = 100 ×", `href="/api/v1/work-orders/assessment.xlsx?period=2026-12"`,
		`href="/work-orders/assessment?period=2026-11"`)
	ranked := body[strings.Index(body, `id="assess-ranking"`):strings.Index(body, `id="assess-unranked"`)]
	for _, name := range []string{"第一党支部", "第二党支部", "第三党支部", "第四党支部"} {
		if !strings.Contains(ranked, name) {
			t.Errorf("ranking lacks %s", name)
		}
	}
	if strings.Contains(ranked, "第五党支部") {
		t.Error("an unranked unit is in the ranking")
	}
	sec := f.sessionFor(accounts.RoleSecretary, f.orgs["D"].ID)
	own := wantPage(t, f.page(http.MethodGet, "/work-orders/assessment?period=2026-12", nil, sec), http.StatusOK, "第四党支部", "84.50")
	if strings.Contains(own, "第一党支部") {
		t.Error("a secretary sees another unit")
	}
	wantPage(t, f.page(http.MethodGet, "/work-orders/assessment", nil, f.sessionFor(accounts.RoleOperator, "")), http.StatusForbidden)
	wantPage(t, f.page(http.MethodGet, "/work-orders/assessment?period=2026-13", nil, leader), http.StatusUnprocessableEntity, "YYYY-MM")

	home := wantPage(t, f.page(http.MethodGet, "/", nil, leader), http.StatusOK, `id="hotline-figures"`, "2026年12月",
		`<span class="kpi-value" id="kpi-received">27</span>`, `<span class="kpi-value" id="kpi-overdue">1</span>`,
		`id="kpi-response">87.50%`, `id="kpi-resolution">92.86%`, `id="kpi-satisfaction">90.91%`,
		`href="/work-orders/assessment?period=2026-12"`)
	bottom := home[strings.Index(home, `id="bottom-units"`):]
	bottom = bottom[:strings.Index(bottom, "</table>")]
	if strings.Count(bottom, "<tr>") != 2 || !strings.Contains(bottom, "第四党支部") || strings.Contains(bottom, "第三党支部") {
		t.Errorf("bottom units %s", bottom)
	}
	// A secretary's home has no leader's figures.
	if strings.Contains(wantPage(t, f.page(http.MethodGet, "/", nil, sec), http.StatusOK), `id="hotline-figures"`) {
		t.Error("a secretary's home shows the leader's figures")
	}
}
