package assessments

import (
	"context"
	"fmt"
	"time"

	"minyi/analytics"
	"minyi/decimal"
)

// View is an assessment's results as every reader gets them: the JSON of
// GET /assessments/{id}/results, the results page and the workbook all
// show it, so nothing downstream recomputes a number.
type View struct {
	Assessment  *Assessment       `json:"assessment"`
	GeneratedAt time.Time         `json:"generated_at"`
	Frozen      bool              `json:"frozen"` // as published, not computed now
	Method      []string          `json:"method"`
	Sources     map[string]string `json:"sources"` // component key → where its values come from
	Subjects    []SubjectView     `json:"subjects"`
	Tiers       []TierCount       `json:"tiers"`
	Red         []string          `json:"red"`      // subject ids of the top five ranked (红榜)
	Black       []string          `json:"black"`    // of the bottom five ranked (黑榜), worst last
	Unranked    []string          `json:"unranked"` // too little data: no weighted component
}

// SubjectView is one subject's result.
type SubjectView struct {
	Subject    Subject                     `json:"subject"`
	Components map[string]analytics.Number `json:"components"`
	Details    map[string][]Detail         `json:"details,omitempty"`
	Missing    []string                    `json:"missing"`
	Score      analytics.Number            `json:"score"`
	Rank       *int                        `json:"rank"`
	Change     analytics.Number            `json:"change"`
	RankChange *int                        `json:"rank_change"`
	Tier       *TierRef                    `json:"tier"`
	Vetoes     []AppliedVeto               `json:"vetoes"`
	Manual     *Mark                       `json:"manual,omitempty"`
	FinalTier  *Mark                       `json:"final_tier"`
	Objections int                         `json:"objections"`
}

// TierRef names a tier.
type TierRef struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// TierCount is how many subjects were recommended for a tier and how many
// were given it as their final tier.
type TierCount struct {
	Tier        Tier `json:"tier"`
	Recommended int  `json:"recommended"`
	Final       int  `json:"final"`
}

// listSize is how many subjects 红榜 and 黑榜 name.
const listSize = 5

// Results returns assessment id's results to a reader who may see it: as
// frozen once published, computed now for a draft.
func (s *Service) Results(ctx context.Context, id string) (*View, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a, memo{})
}

// Report is Results and Trend of assessment id together, for the pages
// and the workbook that show both: each source is read once.
func (s *Service) Report(ctx context.Context, id string) (*View, *Trend, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	m := memo{}
	v, err := s.view(ctx, a, m)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.trend(ctx, a, m)
	if err != nil {
		return nil, nil, err
	}
	return v, t, nil
}

func (s *Service) view(ctx context.Context, a *Assessment, m memo) (*View, error) {
	v := &View{Assessment: a, GeneratedAt: s.now().UTC(), Method: Method(a.Rules()), Sources: map[string]string{}}
	rows := a.Frozen
	if a.Status == StatusDraft {
		var err error
		if rows, v.Sources, err = s.rows(ctx, a, m); err != nil {
			return nil, err
		}
	} else {
		v.Frozen = true
		v.Sources = a.FrozenSources
	}
	objections := map[string]int{}
	for _, o := range a.Objections {
		objections[o.SubjectID]++
	}
	var ranked []string
	for _, r := range rows {
		sv := SubjectView{Subject: r.Subject, Components: map[string]analytics.Number{}, Details: r.Details,
			Missing: nonNil(r.Missing), Score: num(r.Score), Rank: r.Rank, Change: num(r.Change), RankChange: r.RankChange,
			Vetoes: nonNilVetoes(r.Vetoes), Objections: objections[r.Subject.ID]}
		for _, c := range a.Components {
			sv.Components[c.Key] = num(r.Values[c.Key])
		}
		if t := tierIndex(a.Tiers, r.Tier); t >= 0 {
			sv.Tier = &TierRef{Key: a.Tiers[t].Key, Label: a.Tiers[t].Label}
		}
		if m, ok := a.Manual[r.Subject.ID]; ok {
			sv.Manual = &m
		}
		if m, ok := a.Finals[r.Subject.ID]; ok {
			sv.FinalTier = &m
		}
		if r.Rank != nil {
			ranked = append(ranked, r.Subject.ID)
		} else {
			v.Unranked = append(v.Unranked, r.Subject.ID)
		}
		v.Subjects = append(v.Subjects, sv)
	}
	v.Red, v.Black = lists(ranked)
	v.Tiers = tierCounts(a, v.Subjects)
	return v, nil
}

// lists are 红榜 (the first five ranked) and 黑榜 (the last five not on
// 红榜).
func lists(ranked []string) (red, black []string) {
	red = ranked[:min(listSize, len(ranked))]
	rest := ranked[len(red):]
	black = rest[max(0, len(rest)-listSize):]
	return append([]string{}, red...), append([]string{}, black...)
}

func tierCounts(a *Assessment, subjects []SubjectView) []TierCount {
	out := make([]TierCount, len(a.Tiers))
	for i, t := range a.Tiers {
		out[i].Tier = t
		for _, s := range subjects {
			if s.Tier != nil && s.Tier.Key == t.Key {
				out[i].Recommended++
			}
			if s.FinalTier != nil && s.FinalTier.Tier == t.Key {
				out[i].Final++
			}
		}
	}
	return out
}

func num(p *float64) analytics.Number {
	if p == nil {
		return analytics.Number{}
	}
	return analytics.Num(*p)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilVetoes(s []AppliedVeto) []AppliedVeto {
	if s == nil {
		return []AppliedVeto{}
	}
	return s
}

// ChangeText prints a change of score with its sign (+2.10, -1.00), "—"
// when there is no previous score: the page and the workbook print it so.
func ChangeText(n analytics.Number) string {
	if !n.Valid {
		return "—"
	}
	s := decimal.Format(n.Value, 2)
	if n.Value > 0 {
		return "+" + s
	}
	return s
}

// MovedText prints a rank movement: ↑3, ↓2, 持平, "—" without a previous rank.
func MovedText(p *int) string {
	switch {
	case p == nil:
		return "—"
	case *p > 0:
		return fmt.Sprintf("↑%d", *p)
	case *p < 0:
		return fmt.Sprintf("↓%d", -*p)
	}
	return "持平"
}
