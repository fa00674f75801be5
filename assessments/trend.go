package assessments

import (
	"context"
	"slices"

	"minyi/analytics"
)

// maxTrend is how many periods a trend follows back.
const maxTrend = 24

// Trend is each subject's score and rank across the periods of a scheme:
// the assessment and its previous ones, oldest first.
type Trend struct {
	Periods  []TrendPeriod `json:"periods"`
	Subjects []TrendLine   `json:"subjects"`
}

// TrendPeriod is one assessment of the chain.
type TrendPeriod struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Period Period `json:"period"`
}

// TrendLine is one subject's points, one per period (a null score where it
// was not assessed or had no data).
type TrendLine struct {
	Subject Subject      `json:"subject"`
	Points  []TrendPoint `json:"points"`
}

// TrendPoint is a subject's standing in one period.
type TrendPoint struct {
	Score analytics.Number `json:"score"`
	Rank  *int             `json:"rank"`
}

// Trend follows assessment id back through its previous ones.
func (s *Service) Trend(ctx context.Context, id string) (*Trend, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.trend(ctx, a, memo{})
}

func (s *Service) trend(ctx context.Context, a *Assessment, m memo) (*Trend, error) {
	var chain []*Assessment
	var err error
	seen := map[string]bool{}
	for cur := a; cur != nil && !seen[cur.ID] && len(chain) < maxTrend; {
		seen[cur.ID] = true
		chain = append([]*Assessment{cur}, chain...)
		if cur.PreviousID == "" {
			break
		}
		if cur, err = s.store.Get(ctx, cur.PreviousID); err != nil {
			return nil, err
		}
	}
	t := &Trend{}
	lines := map[string]int{}
	for pi, p := range chain {
		t.Periods = append(t.Periods, TrendPeriod{ID: p.ID, Title: p.Title, Period: p.Period})
		rows, err := s.plainRows(ctx, p, m)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			li, ok := lines[r.Subject.ID]
			if !ok {
				li = len(t.Subjects)
				lines[r.Subject.ID] = li
				t.Subjects = append(t.Subjects, TrendLine{Subject: r.Subject, Points: make([]TrendPoint, len(chain))})
			}
			t.Subjects[li].Points[pi] = TrendPoint{Score: num(r.Score), Rank: r.Rank}
		}
	}
	// Lines in the latest ranking's order, the unranked last.
	last := len(chain) - 1
	slices.SortStableFunc(t.Subjects, func(x, y TrendLine) int {
		rx, ry := x.Points[last].Rank, y.Points[last].Rank
		switch {
		case rx != nil && ry != nil:
			return *rx - *ry
		case rx != nil:
			return -1
		case ry != nil:
			return 1
		}
		return 0
	})
	return t, nil
}
