package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/accounts"
)

type assessLostJSON struct {
	Metric string   `json:"metric"`
	Points float64  `json:"points"`
	Orders []string `json:"orders"`
}

type assessUnitJSON struct {
	Org struct {
		ID, Name string
	} `json:"org"`
	Orders           int              `json:"orders"`
	AcceptedInTime   int              `json:"accepted_in_time"`
	ResponseBase     int              `json:"response_base"`
	AwaitingAccept   int              `json:"awaiting_acceptance"`
	Rated            int              `json:"rated"`
	ResolutionBase   int              `json:"resolution_base"`
	Resolved         int              `json:"resolved"`
	Partly           int              `json:"partly"`
	Unresolved       int              `json:"unresolved"`
	Satisfied        int              `json:"satisfied"`
	Basic            int              `json:"basic"`
	Unsatisfied      int              `json:"unsatisfied"`
	ResponseRate     *float64         `json:"response_rate"`
	ResolutionRate   *float64         `json:"resolution_rate"`
	SatisfactionRate *float64         `json:"satisfaction_rate"`
	Score            *float64         `json:"score"`
	Rank             *int             `json:"rank"`
	Ranked           bool             `json:"ranked"`
	Change           *float64         `json:"change"`
	Lost             []assessLostJSON `json:"lost"`
}

type assessJSON struct {
	Period   struct{ From, To string } `json:"period"`
	Previous struct{ From, To string } `json:"previous_period"`
	Settings struct {
		Weights struct {
			Response, Resolution, Satisfaction float64
		} `json:"weights"`
		AcceptWithin struct {
			Hours float64 `json:"hours"`
		} `json:"accept_within"`
		PartlyResolved float64 `json:"partly_resolved"`
		MinRated       int     `json:"min_rated"`
	} `json:"settings"`
	Definitions map[string]string `json:"definitions"`
	Units       []assessUnitJSON  `json:"units"`
	Total       assessUnitJSON    `json:"total"`
}

func fp(x float64) *float64 { return &x }
func ip(n int) *int         { return &n }

// TestAssessmentFormulas checks every unit of the fixture (see
// newAssessFixture) against figures worked out by hand, with the default
// settings: weights 0.30 / 0.35 / 0.35, 2 working hours, 部分解决 0.5,
// 5 rated orders to be ranked.
//
//	A: response 5/5 = 1; resolution 5/5 = 1; satisfaction 5/5 = 1
//	   score 100 × (0.30 + 0.35 + 0.35) / 1 = 100; rank 1
//	   November: 1 order, response 1, resolution 0.5/1 = 0.5, satisfaction 1
//	   → 100 × (0.30 + 0.175 + 0.35) = 82.5; change 100 − 82.5 = +17.5
//	B: response 4/5 = 0.8; resolution (4 + 0.5 × 1)/5 = 0.9; satisfaction (4 + 1)/5 = 1
//	   score 100 × (0.30 × 0.8 + 0.35 × 0.9 + 0.35 × 1) = 100 × (0.24 + 0.315 + 0.35) = 90.5
//	   lost: response 100 × 0.30 × (1 − 0.8) = 6 (b1); resolution 100 × 0.35 × 0.1 = 3.5 (b5);
//	   6 + 3.5 = 100 − 90.5. November: 5 orders all 1 → 100; change 90.5 − 100 = −9.5
//	C: the same counts → 90.5, tied with B: both rank 2 (listed in the org tree's
//	   order); lost 6 (c2), 3.5 (c3); no November → change null
//	D: 7 orders; response: d1–d5 in time, d6 past the limit, d7 still within it
//	   (not in the base) → 5/6 = 0.8333; rated d1–d5 = 5 (d3's latest callback
//	   stands: 满意 + 已解决); resolution (4 + 0.5)/5 = 0.9; satisfaction (3 + 1)/5 = 0.8
//	   score 100 × (0.30 × 5/6 + 0.35 × 0.9 + 0.35 × 0.8) = 100 × (0.25 + 0.315 + 0.28) = 84.5
//	   → rank 4 (after the tie at 2); lost response 100 × 0.30 × 1/6 = 5 (d6),
//	   resolution 3.5 (d5), satisfaction 100 × 0.35 × 0.2 = 7 (d5); 5 + 3.5 + 7 = 15.5
//	E: 2 rated < 5 → unranked (rank null); response 2/2 = 1; resolution base 1 (e2
//	   had no resolution) → 1/1 = 1; satisfaction 1/2 = 0.5
//	   score 100 × (0.30 + 0.35 + 0.35 × 0.5) = 82.5; lost satisfaction 17.5 (e2)
//	F: f1 (returned by G, then assigned to F): response 1/1; no callback → resolution
//	   and satisfaction null; score over the response alone: 100 × 0.30 × 1 / 0.30 = 100;
//	   rated 0 → unranked
//	G: no orders: every rate and the score null, unranked
//	Total (A–G): 25 orders (n1 never dispatched); response in time 5+4+4+5+2+1 = 21 of
//	   base 5+5+5+6+2+1 = 24 → 0.875; rated 5+5+5+5+2 = 22; resolution base 21:
//	   resolved 5+4+4+4+1 = 18, partly 1+1+1 = 3 → (18 + 1.5)/21 = 0.9286;
//	   satisfaction (satisfied 5+4+4+3+1 = 17, basic 1+1+1 = 3) 20/22 = 0.9091
func TestAssessmentFormulas(t *testing.T) {
	f := newAssessFixture(t)
	a := decode[assessJSON](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/assessment?period=2026-12", nil), http.StatusOK)
	if a.Period.From != "2026-12-01" || a.Period.To != "2026-12-31" || a.Previous.From != "2026-11-01" || a.Previous.To != "2026-11-30" {
		t.Fatalf("periods %+v %+v", a.Period, a.Previous)
	}
	s := a.Settings
	if s.Weights.Response != 0.30 || s.Weights.Resolution != 0.35 || s.Weights.Satisfaction != 0.35 || s.AcceptWithin.Hours != 2 || s.PartlyResolved != 0.5 || s.MinRated != 5 {
		t.Fatalf("settings %+v", s)
	}
	for _, k := range []string{"response_rate", "resolution_rate", "satisfaction_rate", "score"} {
		if a.Definitions[k] == "" {
			t.Fatalf("no definition of %s: %v", k, a.Definitions)
		}
	}
	n := f.num
	lost := func(metric string, points float64, orders ...string) assessLostJSON {
		return assessLostJSON{Metric: metric, Points: points, Orders: orders}
	}
	want := []struct {
		name                      string
		orders, inTime, respBase  int
		rated, resBase, sat, basc int
		resp, res, satis, score   *float64
		rank                      *int
		change                    *float64
		lost                      []assessLostJSON
	}{
		{"第一党支部", 5, 5, 5, 5, 5, 5, 0, fp(1), fp(1), fp(1), fp(100), ip(1), fp(17.5), []assessLostJSON{}},
		{"第二党支部", 5, 4, 5, 5, 5, 4, 1, fp(0.8), fp(0.9), fp(1), fp(90.5), ip(2), fp(-9.5),
			[]assessLostJSON{lost("response_rate", 6, n["b1"]), lost("resolution_rate", 3.5, n["b5"])}},
		{"第三党支部", 5, 4, 5, 5, 5, 4, 1, fp(0.8), fp(0.9), fp(1), fp(90.5), ip(2), nil,
			[]assessLostJSON{lost("response_rate", 6, n["c2"]), lost("resolution_rate", 3.5, n["c3"])}},
		{"第四党支部", 7, 5, 6, 5, 5, 3, 1, fp(0.8333), fp(0.9), fp(0.8), fp(84.5), ip(4), nil,
			[]assessLostJSON{lost("response_rate", 5, n["d6"]), lost("resolution_rate", 3.5, n["d5"]), lost("satisfaction_rate", 7, n["d5"])}},
		{"第五党支部", 2, 2, 2, 2, 1, 1, 0, fp(1), fp(1), fp(0.5), fp(82.5), nil, nil,
			[]assessLostJSON{lost("satisfaction_rate", 17.5, n["e2"])}},
		{"第六党支部", 1, 1, 1, 0, 0, 0, 0, fp(1), nil, nil, fp(100), nil, nil, []assessLostJSON{}},
		{"第七党支部", 0, 0, 0, 0, 0, 0, 0, nil, nil, nil, nil, nil, nil, []assessLostJSON{}},
	}
	if len(a.Units) != len(want) {
		t.Fatalf("%d units, want %d: %+v", len(a.Units), len(want), a.Units)
	}
	for i, w := range want {
		u := a.Units[i]
		got := []any{u.Org.Name, u.Orders, u.AcceptedInTime, u.ResponseBase, u.Rated, u.ResolutionBase, u.Satisfied, u.Basic,
			u.ResponseRate, u.ResolutionRate, u.SatisfactionRate, u.Score, u.Rank, u.Ranked, u.Change, u.Lost}
		exp := []any{w.name, w.orders, w.inTime, w.respBase, w.rated, w.resBase, w.sat, w.basc,
			w.resp, w.res, w.satis, w.score, w.rank, w.rank != nil, w.change, w.lost}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("unit %d:\n got %s\nwant %s", i, show(got), show(exp))
		}
	}
	// The answer conforms to the OpenAPI schema of the route, nulls included.
	doc := decode[map[string]any](t, f.do(http.MethodGet, "/api/v1/openapi.json", nil), http.StatusOK)
	schema, _ := jsonPath(doc, "paths", "/api/v1/work-orders/assessment", "get", "responses", "200", "content", "application/json", "schema").(map[string]any)
	raw := decode[any](t, f.as(f.leader, http.MethodGet, "/api/v1/work-orders/assessment?period=2026-12", nil), http.StatusOK)
	if schema == nil {
		t.Fatal("no schema for the assessment")
	}
	for _, p := range conform(doc, schema, raw, "") {
		t.Errorf("schema: %s", p)
	}
	d := a.Units[3]
	if d.AwaitingAccept != 1 || d.Resolved != 4 || d.Partly != 1 || d.Unsatisfied != 1 {
		t.Errorf("D: awaiting %d resolved %d partly %d unsatisfied %d, want 1 4 1 1", d.AwaitingAccept, d.Resolved, d.Partly, d.Unsatisfied)
	}
	tot := a.Total
	if tot.Orders != 25 || tot.AcceptedInTime != 21 || tot.ResponseBase != 24 || tot.Rated != 22 || tot.ResolutionBase != 21 ||
		!reflect.DeepEqual([]*float64{tot.ResponseRate, tot.ResolutionRate, tot.SatisfactionRate}, []*float64{fp(0.875), fp(0.9286), fp(0.9091)}) {
		t.Errorf("total %s", show([]any{tot.Orders, tot.AcceptedInTime, tot.ResponseBase, tot.Rated, tot.ResolutionBase, tot.ResponseRate, tot.ResolutionRate, tot.SatisfactionRate}))
	}
}

func show(v []any) string {
	out := "["
	for i, x := range v {
		if i > 0 {
			out += " "
		}
		switch p := x.(type) {
		case *float64:
			if p == nil {
				out += "null"
			} else {
				out += fmtAny(*p)
			}
		case *int:
			if p == nil {
				out += "null"
			} else {
				out += fmtAny(*p)
			}
		default:
			out += fmtAny(x)
		}
	}
	return out + "]"
}

// TestAssessmentScopeAndRefusals: a secretary sees its own unit only
// (ranked within what it sees), an operator is refused, bad periods answer
// 422 naming the field, and from/to give the same figures as the month.
func TestAssessmentScopeAndRefusals(t *testing.T) {
	f := newAssessFixture(t)
	secD := f.tokenFor(accounts.RoleSecretary, f.orgs["D"].ID)
	a := decode[assessJSON](t, f.as(secD, http.MethodGet, "/api/v1/work-orders/assessment?period=2026-12", nil), http.StatusOK)
	if len(a.Units) != 1 || a.Units[0].Org.Name != "第四党支部" || a.Units[0].Score == nil || *a.Units[0].Score != 84.5 || a.Units[0].Rank == nil || *a.Units[0].Rank != 1 {
		t.Fatalf("secretary of D sees %+v", a.Units)
	}
	wantError(t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/assessment?period=2026-12", nil), http.StatusForbidden, "")
	for _, tc := range []struct{ query, field string }{
		{"period=2026-13", "period"},
		{"period=2026-12&from=2026-12-01", "period"},
		{"from=2026-12-31&to=2026-12-01", "to"},
		{"from=2026-01-01&to=2027-06-30", "to"},
		{"from=12/01/2026&to=2026-12-31", "from"},
	} {
		wantError(t, f.do(http.MethodGet, "/api/v1/work-orders/assessment?"+tc.query, nil), http.StatusUnprocessableEntity, "validation_failed", tc.field)
	}
	byDates := decode[assessJSON](t, f.do(http.MethodGet, "/api/v1/work-orders/assessment?from=2026-12-01&to=2026-12-31", nil), http.StatusOK)
	month := decode[assessJSON](t, f.do(http.MethodGet, "/api/v1/work-orders/assessment?period=2026-12", nil), http.StatusOK)
	// The previous period of 31 days from 12-01 is 10-31 to 11-30: the same
	// November orders, so the same changes.
	if !reflect.DeepEqual(byDates.Units, month.Units) || byDates.Previous.From != "2026-10-31" {
		t.Fatalf("from/to %+v\nmonth %+v", byDates, month)
	}
	// Without a period: the current month (the clock says December).
	cur := decode[assessJSON](t, f.do(http.MethodGet, "/api/v1/work-orders/assessment", nil), http.StatusOK)
	if cur.Period.From != "2026-12-01" || !reflect.DeepEqual(cur.Units, month.Units) {
		t.Fatalf("current month %+v", cur.Period)
	}
}

func fmtAny(x any) string { return fmt.Sprint(x) }

// TestHotlineNoticeOverHTTP downloads the notice of the fixture and
// reads it back: the four sheets, the ranking as the JSON ranks it (the
// tie at 2, the 红榜 of k = min(5, 4/2) = 2 ranks: ranks 1 and 2; the 黑榜:
// the last two positions less the 红榜 = 第四党支部), the lost points, and the
// download audited.
func TestHotlineNoticeOverHTTP(t *testing.T) {
	f := newAssessFixture(t)
	w := f.as(f.leader, http.MethodGet, "/api/v1/work-orders/assessment.xlsx?period=2026-12", nil)
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Fatalf("content disposition %q (%d %s)", cd, w.Code, w.Body)
	}
	x, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !reflect.DeepEqual(got, []string{"排名", "失分明细", "高频问题", "说明"}) {
		t.Fatalf("sheets %v", got)
	}
	raw := excelize.Options{RawCellValue: true}
	rows, _ := x.GetRows("排名", raw)
	if rows[0][0] != "2026年12月热线工单“三率”考核通报（2026-12-01 至 2026-12-31）" {
		t.Errorf("title %q", rows[0][0])
	}
	want := [][]string{
		{"1", "第一党支部", "5", "1", "1", "1", "100", "17.5", "5", "红榜"},
		{"2", "第二党支部", "5", "0.8", "0.9", "1", "90.5", "-9.5", "5", "红榜"},
		{"2", "第三党支部", "5", "0.8", "0.9", "1", "90.5", "—", "5", "红榜"},
		{"4", "第四党支部", "7", "0.8333", "0.9", "0.8", "84.5", "—", "5", "黑榜"},
		{"—", "第五党支部", "2", "1", "1", "0.5", "82.5", "—", "2", "不参与排名（回访不足 5 件）"},
	}
	for i, r := range want {
		if !reflect.DeepEqual(rows[i+2], r) {
			t.Errorf("排名 row %d: %q, want %q", i+3, rows[i+2], r)
		}
	}
	lost, _ := x.GetRows("失分明细", raw)
	if r := lost[len(lost)-1]; !reflect.DeepEqual(r, []string{"—", "第五党支部", "满意率", "17.5", "1", f.num["e2"]}) {
		t.Errorf("last lost row %q", r)
	}
	audit := decode[struct {
		Items []struct{ Action, Summary string }
	}](t, f.do(http.MethodGet, "/api/v1/audit?action=export.download", nil), http.StatusOK)
	if len(audit.Items) != 1 || !strings.Contains(audit.Items[0].Summary, "考核通报") {
		t.Errorf("audit %+v", audit.Items)
	}
	wantError(t, f.as(f.operator, http.MethodGet, "/api/v1/work-orders/assessment.xlsx?period=2026-12", nil), http.StatusForbidden, "")
	wantError(t, f.do(http.MethodGet, "/api/v1/work-orders/assessment.xlsx?period=12-2026", nil), http.StatusUnprocessableEntity, "validation_failed", "period")
}
