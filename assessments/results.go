package assessments

import (
	"context"
	"slices"

	"minyi/surveys"
)

// Subject is whom a row is about: a branch (type org) or a member.
type Subject struct {
	Type    string `bson:"type" json:"type"`
	ID      string `bson:"id" json:"id"`
	Name    string `bson:"name" json:"name"`
	OrgID   string `bson:"org_id,omitempty" json:"org_id,omitempty"`
	OrgName string `bson:"org_name,omitempty" json:"org_name,omitempty"`
}

// Row is one subject's result, as computed or as frozen at publication.
type Row struct {
	Subject    Subject             `bson:"subject"`
	Values     map[string]*float64 `bson:"values"`
	Details    map[string][]Detail `bson:"details,omitempty"` // per component: where its value came from
	Missing    []string            `bson:"missing,omitempty"`
	Score      *float64            `bson:"score,omitempty"`
	Rank       *int                `bson:"rank,omitempty"`
	Tier       string              `bson:"tier,omitempty"` // recommended tier key
	Vetoes     []AppliedVeto       `bson:"vetoes,omitempty"`
	Change     *float64            `bson:"change,omitempty"`
	RankChange *int                `bson:"rank_change,omitempty"`
}

// memo holds, for one request, the rows of each draft assessment computed
// without their previous period (scores and ranks; what comparisons and
// trends read), so that a page showing results and a trend reads every
// source once.
type memo map[string][]Row

// rows computes a's results now. With m, it compares them with the
// previous assessment (whose own previous is not followed), and
// remembers them there.
func (s *Service) rows(ctx context.Context, a *Assessment, m memo) ([]Row, map[string]string, error) {
	subjects, err := s.subjects(ctx, a.Subjects)
	if err != nil {
		return nil, nil, err
	}
	from, to := a.Bounds(s.loc)
	figures := map[string]map[string]Figures{} // component key → subject id → figures
	sources := map[string]string{}             // component key → where it came from
	for _, c := range a.Components {
		figs, src, err := s.sources.of(ctx, c, a.Subjects.OrgID, from, to)
		if err != nil {
			return nil, nil, err
		}
		if c.Kind == KindManual {
			figs = map[string]Figures{}
			for sid, m := range a.Manual {
				figs[sid] = Figures{Measures: map[string]float64{MeasurePoints: m.Points},
					Details: []Detail{{Label: "理由", Value: m.Reason}, {Label: "录入人", Value: m.By}}}
			}
			src = "管理员逐项录入的加减分（附理由）"
		}
		figures[c.Key], sources[c.Key] = figs, src
	}
	in := make([]Input, len(subjects))
	for i, sub := range subjects {
		in[i] = Input{SubjectID: sub.ID, Measures: map[string]map[string]float64{}}
		for key, figs := range figures {
			if f, ok := figs[sub.ID]; ok {
				in[i].Measures[key] = f.Measures
			}
		}
	}
	var before map[string]Previous
	if m != nil && a.PreviousID != "" {
		if before, err = s.previous(ctx, a.PreviousID, m); err != nil {
			return nil, nil, err
		}
	}
	results := Compute(a.Rules(), in, before)
	out := make([]Row, len(subjects))
	for i, r := range results {
		row := Row{Subject: subjects[i], Values: r.Values, Details: map[string][]Detail{}, Missing: r.Missing,
			Score: r.Score, Rank: r.Rank, Vetoes: r.Vetoes, Change: r.Change, RankChange: r.RankChange}
		if r.Tier >= 0 {
			row.Tier = a.Tiers[r.Tier].Key
		}
		for key, figs := range figures {
			if f, ok := figs[subjects[i].ID]; ok && len(f.Details) > 0 {
				row.Details[key] = f.Details
			}
		}
		out[i] = row
	}
	sortRows(out)
	if m != nil {
		m[a.ID] = out // Change and RankChange aside, the same as without the comparison
	}
	return out, sources, nil
}

// plainRows are a's rows as a comparison or a trend reads them: frozen once
// published, else computed once per request (m).
func (s *Service) plainRows(ctx context.Context, a *Assessment, m memo) ([]Row, error) {
	if a.Status != StatusDraft {
		return a.Frozen, nil
	}
	if rows, ok := m[a.ID]; ok {
		return rows, nil
	}
	rows, _, err := s.rows(ctx, a, nil)
	if err != nil {
		return nil, err
	}
	m[a.ID] = rows
	return rows, nil
}

// sortRows puts ranked rows in rank order (ties by name), then the rest by
// name.
func sortRows(rows []Row) {
	slices.SortStableFunc(rows, func(x, y Row) int {
		switch {
		case x.Rank != nil && y.Rank != nil && *x.Rank != *y.Rank:
			return *x.Rank - *y.Rank
		case x.Rank != nil && y.Rank == nil:
			return -1
		case x.Rank == nil && y.Rank != nil:
			return 1
		}
		return 0
	})
}

// previous is each subject's score and rank in assessment id: as frozen
// when published, computed now otherwise.
func (s *Service) previous(ctx context.Context, id string, m memo) (map[string]Previous, error) {
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.plainRows(ctx, p, m)
	if err != nil {
		return nil, err
	}
	out := map[string]Previous{}
	for _, r := range rows {
		if r.Score != nil && r.Rank != nil {
			out[r.Subject.ID] = Previous{Score: *r.Score, Rank: *r.Rank}
		}
	}
	return out, nil
}

// subjects lists whom scope judges: the branches under its root, or the
// members of its subtree, with their orgs' names.
func (s *Service) subjects(ctx context.Context, scope Scope) ([]Subject, error) {
	orgs, err := s.orgs.All(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var inTree []string
	for _, o := range orgs {
		names[o.ID] = o.Name
		if o.ID == scope.OrgID || slices.Contains(o.Path, scope.OrgID) {
			inTree = append(inTree, o.ID)
		}
	}
	var out []Subject
	if scope.Kind == SubjectBranches {
		for _, o := range orgs {
			if o.Kind == surveys.OrgBranch && slices.Contains(inTree, o.ID) {
				out = append(out, Subject{Type: "org", ID: o.ID, Name: o.Name, OrgID: o.ParentID, OrgName: names[o.ParentID]})
			}
		}
		return out, nil
	}
	members, err := s.members.InOrgs(ctx, inTree)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		out = append(out, Subject{Type: "member", ID: m.ID, Name: m.Name, OrgID: m.OrgID, OrgName: names[m.OrgID]})
	}
	return out, nil
}
