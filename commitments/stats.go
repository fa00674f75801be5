package commitments

import (
	"context"

	"minyi"
	"minyi/analytics"
	"minyi/surveys"
)

// The statistics of the ledger, GET /commitments/stats and the stats page,
// computed once here (Compute) from the rows, so the three cannot differ.

// OrgRef names an org in the statistics.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// OrgStats are one org's figures of a period (API.md, Commitments).
type OrgStats struct {
	Org               OrgRef           `json:"org"`
	Commitments       int              `json:"commitments"`
	ApprovedFirstTime int              `json:"approved_first_time"`
	Returned          int              `json:"returned"`
	Due               int              `json:"due"`
	Fulfilled         int              `json:"fulfilled"`
	Partly            int              `json:"partly"`
	Unfulfilled       int              `json:"unfulfilled"`
	Overdue           int              `json:"overdue"`
	FulfilledRate     analytics.Number `json:"fulfilled_rate"`
	EvaluationScore   analytics.Number `json:"evaluation_score"`
}

// Row is one commitment with its owner's evaluation score (null before
// the evaluation's ballots).
type Row struct {
	Commitment
	Score analytics.Number `json:"evaluation_score"`
}

// Definitions are the formulas, as 说明 and the stats page state them.
var Definitions = [][2]string{
	{"承诺数", "本组织该时期录入的全部承诺（含草稿、待审核、已退回）"},
	{"一次审核通过", "已审核通过且从未被退回的承诺数"},
	{"被退回", "至少被退回过一次的承诺数（退回后重新承诺的也计入）"},
	{"到期承诺", "已审核通过的承诺中，已评定结果或完成时限已过（早于统计当日）的承诺数"},
	{"兑现率", "（已兑现 + 0.5 × 部分兑现）÷ 到期承诺；没有到期承诺时不计算（空白）。超期未评定的承诺计入分母、不计入分子"},
	{"超期", "已审核通过、完成时限早于统计当日、尚未评定结果的承诺数"},
	{"评诺得分", "评诺测评中承诺人（党员或组织）的得分（0–100，按各评价群体权重加权，计分规则同测评）"},
	{"平均评诺得分", "本组织有评诺得分的承诺人得分的平均数（每名承诺人计一次）；没有得分时空白"},
	{"版本数", "提交审核的次数：每次退回后重新承诺并提交即增加一版"},
}

// Compute returns the figures of each org in orgs from rows (every
// commitment of those orgs), today being the date that decides due and
// overdue. Orgs without commitments are left out.
func Compute(orgs []OrgRef, rows []Row, today string) []OrgStats {
	byOrg := map[string]*OrgStats{}
	scores := map[string]map[string]float64{} // org → owner key → score
	for _, r := range rows {
		st := byOrg[r.OrgID]
		if st == nil {
			st = &OrgStats{}
			byOrg[r.OrgID] = st
			scores[r.OrgID] = map[string]float64{}
		}
		st.Commitments++
		if r.Returns > 0 {
			st.Returned++
		} else if r.Public() {
			st.ApprovedFirstTime++
		}
		if r.IsDue(today) {
			st.Due++
			switch r.Outcome {
			case OutcomeFulfilled:
				st.Fulfilled++
			case OutcomePartly:
				st.Partly++
			case OutcomeUnfulfilled:
				st.Unfulfilled++
			}
		}
		if r.Overdue(today) {
			st.Overdue++
		}
		if r.Score.Valid {
			scores[r.OrgID][r.Owner.Key()] = r.Score.Value
		}
	}
	var out []OrgStats
	for _, o := range orgs {
		st := byOrg[o.ID]
		if st == nil {
			continue
		}
		st.Org = o
		if st.Due > 0 {
			st.FulfilledRate = analytics.Num((float64(st.Fulfilled) + 0.5*float64(st.Partly)) / float64(st.Due))
		}
		if sc := scores[o.ID]; len(sc) > 0 {
			sum := 0.0
			for _, v := range sc {
				sum += v
			}
			st.EvaluationScore = analytics.Num(sum / float64(len(sc)))
		}
		out = append(out, *st)
	}
	return out
}

// Ledger is an org subtree's commitments of a period with their statistics.
type Ledger struct {
	Org         OrgRef
	Period      string
	PeriodLabel string
	Today       string
	Rows        []Row
	Stats       []OrgStats
	// Total is the figures of the whole subtree as one (nil without commitments).
	Total *OrgStats
}

// Ledger reads the commitments of org orgID's subtree of a period (one
// index document per org and period) and the evaluation scores, and
// computes the statistics. Readers within scope; a secretary's own org by default.
func (s *Service) Ledger(ctx context.Context, orgID, period string) (*Ledger, error) {
	p, err := minyi.Require(ctx, minyi.RoleLeader, minyi.RoleSecretary)
	if err != nil {
		return nil, err
	}
	if orgID == "" && p.Role == minyi.RoleSecretary {
		orgID = p.OrgID
	}
	if err := s.checkQuery(ctx, Query{OrgID: orgID, Period: period}); err != nil {
		return nil, err
	}
	if err := s.orgs.RequireOrg(ctx, orgID); err != nil {
		return nil, err
	}
	orgs, err := s.subtree(ctx, orgID)
	if err != nil {
		return nil, err
	}
	l := &Ledger{Period: period, PeriodLabel: PeriodLabel(period), Today: s.Today()}
	for _, o := range orgs {
		if o.ID == orgID {
			l.Org = o
		}
		rows, err := s.rowsOf(ctx, o.ID, period)
		if err != nil {
			return nil, err
		}
		l.Rows = append(l.Rows, rows...)
	}
	l.Stats = Compute(orgs, l.Rows, l.Today)
	if l.Stats == nil {
		l.Stats = []OrgStats{}
	}
	all := make([]Row, len(l.Rows))
	for i, r := range l.Rows {
		all[i] = r
		all[i].OrgID = l.Org.ID
	}
	if t := Compute([]OrgRef{{ID: l.Org.ID, Name: "合计"}}, all, l.Today); len(t) == 1 {
		l.Total = &t[0]
	}
	return l, nil
}

// subtree is org id and every org below it, parents before children.
func (s *Service) subtree(ctx context.Context, id string) ([]OrgRef, error) {
	all, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	children := map[string][]surveys.Org{}
	var root *surveys.Org
	for i, o := range all {
		children[o.ParentID] = append(children[o.ParentID], o)
		if o.ID == id {
			root = &all[i]
		}
	}
	if root == nil {
		return nil, minyi.NotFound("org_not_found", "组织")
	}
	var out []OrgRef
	var walk func(o surveys.Org)
	walk = func(o surveys.Org) {
		out = append(out, OrgRef{ID: o.ID, Name: o.Name})
		for _, c := range children[o.ID] {
			walk(c)
		}
	}
	walk(*root)
	return out, nil
}

// rowsOf are an org's commitments of period with their owners' evaluation
// scores (the org's evaluation survey of each period, when there is one).
func (s *Service) rowsOf(ctx context.Context, orgID, period string) ([]Row, error) {
	cs, err := s.read(ctx, orgID, period)
	if err != nil {
		return nil, err
	}
	scores := map[string]map[string]float64{} // period → owner → score
	rows := make([]Row, 0, len(cs))
	for _, c := range cs {
		sc, ok := scores[c.Period]
		if !ok {
			if sc, err = s.evaluationScores(ctx, orgID, c.Period); err != nil {
				return nil, err
			}
			scores[c.Period] = sc
		}
		r := Row{Commitment: c}
		if v, ok := sc[c.Owner.Key()]; ok {
			r.Score = analytics.Num(v)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// evaluationScores reads the scores of the org's evaluation of period, or
// of its year when a half-year has none of its own (a year's evaluation
// rates the owners of its half-years' commitments too).
func (s *Service) evaluationScores(ctx context.Context, orgID, period string) (map[string]float64, error) {
	if s.scores == nil {
		return nil, nil
	}
	id, err := s.store.EvaluationOf(ctx, orgID, period)
	if err == nil && id == "" && len(period) > 4 {
		id, err = s.store.EvaluationOf(ctx, orgID, period[:4])
	}
	if err != nil || id == "" {
		return nil, err
	}
	return s.scores.Scores(ctx, id)
}
