package commitments

import (
	"context"
	"strconv"
	"time"

	"minyi/analytics"
	"minyi/surveys"
)

// OwnerFigures are one owner's commitments due in a window, for other
// domains that weigh them (the periodic assessment's "commitments"
// component: measures fulfilled_rate and evaluation_score).
type OwnerFigures struct {
	Owner           Owner
	OrgID           string
	Due             int // approved commitments due in the window and due by today (IsDue)
	Fulfilled       int
	Partly          int
	Unfulfilled     int
	Overdue         int
	FulfilledRate   analytics.Number // (fulfilled + 0.5 × partly) ÷ due; undefined when nothing is due
	EvaluationScore analytics.Number // the owner's score in its org's evaluation, when it has one
}

// ByOwner gives, keyed by owner id (a member's or an org's), the figures of
// the commitments under org root whose due date lies in [from, to), read
// from the index documents of each org and of each period those years
// have. It checks no principal: it serves other domains' operations, which
// authorise their own callers.
func (s *Service) ByOwner(ctx context.Context, root string, from, to time.Time) (map[string]OwnerFigures, error) {
	orgs, err := s.subtree(ctx, root)
	if err != nil {
		return nil, err
	}
	lo, hi := from.In(surveys.ChinaTime).Format(time.DateOnly), to.In(surveys.ChinaTime).Format(time.DateOnly)
	var rows []Row
	for _, o := range orgs {
		for y := from.In(surveys.ChinaTime).Year(); y <= to.In(surveys.ChinaTime).Year(); y++ {
			rs, err := s.rowsOf(ctx, o.ID, strconv.Itoa(y))
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if r.Due >= lo && r.Due < hi {
					rows = append(rows, r)
				}
			}
		}
	}
	return ownerFigures(rows, s.Today()), nil
}

// ownerFigures folds rows into each owner's figures as of today.
func ownerFigures(rows []Row, today string) map[string]OwnerFigures {
	out := map[string]OwnerFigures{}
	for _, r := range rows {
		f, ok := out[r.Owner.ID]
		if !ok {
			f = OwnerFigures{Owner: r.Owner, OrgID: r.OrgID}
		}
		if r.IsDue(today) {
			f.Due++
			switch r.Outcome {
			case OutcomeFulfilled:
				f.Fulfilled++
			case OutcomePartly:
				f.Partly++
			case OutcomeUnfulfilled:
				f.Unfulfilled++
			}
		}
		if r.Overdue(today) {
			f.Overdue++
		}
		if r.Score.Valid {
			f.EvaluationScore = r.Score
		}
		out[r.Owner.ID] = f
	}
	for id, f := range out {
		if f.Due > 0 {
			f.FulfilledRate = analytics.Num((float64(f.Fulfilled) + 0.5*float64(f.Partly)) / float64(f.Due))
			out[id] = f
		}
	}
	return out
}
