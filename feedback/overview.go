package feedback

import (
	"context"
	"time"
)

// Overview is the leader's home figures: orders received in a period and
// orders overdue now, counted from the index documents alone (the period's
// statistics day documents and the working set), never by reading the
// orders.
type Overview struct {
	Received int
	Overdue  int
}

// Overview counts the orders received in [from, to) and those awaiting a
// reply past their deadline at now, within scope (nil: every org).
func (s *Store) Overview(ctx context.Context, from, to, now time.Time, scope []string) (Overview, error) {
	var ov Overview
	err := s.statsEntries(ctx, Filter{From: from, To: to, OrgIDs: scope}, func(statEntry) { ov.Received++ })
	if err != nil {
		return ov, err
	}
	over := Filter{Overdue: true, Now: now, OrgIDs: scope}
	ws, err := s.workingSet(ctx)
	if err != nil {
		return ov, err
	}
	for _, m := range ws {
		if over.matches(m) {
			ov.Overdue++
		}
	}
	return ov, nil
}
