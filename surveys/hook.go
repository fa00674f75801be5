package surveys

import "context"

// CommittedBallot is a stored ballot with the survey version it answers.
type CommittedBallot struct {
	Survey *Survey
	Ballot *Ballot
}

// AfterCommit is told about every batch of ballots right after the batch is
// durably stored and before any of its submitters is answered, so it must
// be quick: analytics implements it by queueing the batch for its
// background fold into the tallies (analytics/tally_fold.go); cmd wires the two, so
// surveys never imports analytics. An error is logged, not returned to the
// submitters: their ballots are stored, and the reconciliation heals the
// tallies.
type AfterCommit interface {
	AfterCommit(ctx context.Context, ballots []CommittedBallot) error
}
