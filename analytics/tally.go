// Package analytics turns ballots into scorecards. Ballots are folded, at
// write time, into tallies: integer histograms per (subject, question, rater
// group) plus ballot counts. Tallies merge by addition, so a batch is folded
// into the stored tallies with one bulkWrite of $inc upserts and a dashboard
// reads tally documents only, never the ballots. Every published number
// (means, trimmed means, group and subject scores, satisfaction rates, ranks,
// recommended grades) is a pure function of the histograms and the survey's
// scoring rules (DESIGN.md, "Analytics" and "Scoring rules").
//
// No HTTP and no Excel here: api serves Results as JSON, exports writes them
// into workbooks.
package analytics

import (
	"maps"
	"strconv"

	"minyi/surveys"
)

// Cell is one histogram's coordinates. Subject is "" for a question that is
// not asked per subject.
type Cell struct {
	Subject  string
	Question string
	Group    string
}

// Hist counts the answers of one cell: N answers in all, and per key how
// many answers chose it. The key is the option key (single and multiple) or
// the integer value in decimal (scale). For a single or scale question N is
// the sum of the counts; for a multiple question N is the number of
// ballots that answered it, each of which may count several options.
type Hist struct {
	N int64
	C map[string]int64
}

func (h *Hist) add(o *Hist) {
	h.N += o.N
	if h.C == nil {
		h.C = make(map[string]int64, len(o.C))
	}
	for k, v := range o.C {
		h.C[k] += v
	}
}

// BallotKey is one ballot-count bucket.
type BallotKey struct {
	Valid   bool
	Group   string
	Channel string
}

// ReasonKey is one invalid-reason bucket.
type ReasonKey struct {
	Group  string
	Reason string
}

// Tally is a survey's histograms and ballot counts. A Tally of one batch is
// the delta folded into the stored tallies; tallies of disjoint ballot sets
// add up (Merge) to the tally of their union. The zero value is empty and
// ready to use.
type Tally struct {
	Ballots map[BallotKey]int64
	Reasons map[ReasonKey]int64 // invalid ballots per group and reason
	Hists   map[Cell]*Hist      // valid ballots only
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{Ballots: map[BallotKey]int64{}, Reasons: map[ReasonKey]int64{}, Hists: map[Cell]*Hist{}}
}

func (t *Tally) init() {
	if t.Ballots == nil {
		t.Ballots = map[BallotKey]int64{}
	}
	if t.Reasons == nil {
		t.Reasons = map[ReasonKey]int64{}
	}
	if t.Hists == nil {
		t.Hists = map[Cell]*Hist{}
	}
}

// Fold returns the tally of ballots (all of one survey).
//
// The fold reads only the answers' shape, never the survey definition: an
// Option is a single answer, Options a multiple one, Value a scale, Text is
// not tallied. So a change of scoring rules (option scores, weights, trim,
// grades) never invalidates stored tallies; only the computation reads them.
func Fold(ballots []surveys.Ballot) *Tally {
	t := NewTally()
	for i := range ballots {
		t.Add(&ballots[i])
	}
	return t
}

// Add folds one ballot into t. Invalid ballots are only counted (and their
// reason); only valid ballots feed the histograms.
func (t *Tally) Add(b *surveys.Ballot) {
	t.init()
	t.Ballots[BallotKey{Valid: b.Valid, Group: b.RaterGroup, Channel: string(b.Channel)}]++
	if !b.Valid {
		t.Reasons[ReasonKey{Group: b.RaterGroup, Reason: b.Reason}]++
		return
	}
	for _, a := range b.Answers {
		var keys []string
		switch {
		case a.Option != "":
			keys = []string{a.Option}
		case len(a.Options) > 0:
			keys = a.Options
		case a.Value != nil:
			keys = []string{strconv.Itoa(*a.Value)}
		default:
			continue // text, or empty: not tallied
		}
		c := Cell{Subject: a.Subject, Question: a.Question, Group: b.RaterGroup}
		h := t.Hists[c]
		if h == nil {
			h = &Hist{C: map[string]int64{}}
			t.Hists[c] = h
		}
		h.N++
		for _, k := range keys {
			h.C[k]++
		}
	}
}

// Merge adds d into t.
func (t *Tally) Merge(d *Tally) {
	t.init()
	for k, v := range d.Ballots {
		t.Ballots[k] += v
	}
	for k, v := range d.Reasons {
		t.Reasons[k] += v
	}
	for c, h := range d.Hists {
		mine := t.Hists[c]
		if mine == nil {
			mine = &Hist{C: map[string]int64{}}
			t.Hists[c] = mine
		}
		mine.add(h)
	}
}

// Clone returns a deep copy of t.
func (t *Tally) Clone() *Tally {
	c := NewTally()
	c.Merge(t)
	return c
}

// Total is the number of ballots counted, valid and invalid: the figure the
// reconciliation compares with the ballots stored.
func (t *Tally) Total() int64 {
	var n int64
	for _, v := range t.Ballots {
		n += v
	}
	return n
}

// Equal reports whether two tallies count the same, treating absent and
// zero counts alike.
func (t *Tally) Equal(o *Tally) bool {
	a, b := t.normal(), o.normal()
	if !maps.Equal(a.Ballots, b.Ballots) || !maps.Equal(a.Reasons, b.Reasons) || len(a.Hists) != len(b.Hists) {
		return false
	}
	for c, h := range a.Hists {
		g, ok := b.Hists[c]
		if !ok || g.N != h.N || !maps.Equal(g.C, h.C) {
			return false
		}
	}
	return true
}

// normal drops zero counts and empty histograms.
func (t *Tally) normal() *Tally {
	n := NewTally()
	for k, v := range t.Ballots {
		if v != 0 {
			n.Ballots[k] = v
		}
	}
	for k, v := range t.Reasons {
		if v != 0 {
			n.Reasons[k] = v
		}
	}
	for c, h := range t.Hists {
		m := &Hist{N: h.N, C: map[string]int64{}}
		for k, v := range h.C {
			if v != 0 {
				m.C[k] = v
			}
		}
		if m.N != 0 || len(m.C) > 0 {
			n.Hists[c] = m
		}
	}
	return n
}

// OnlyGroup returns the part of t that group's raters gave: the ?group=
// filter of the results.
func (t *Tally) OnlyGroup(group string) *Tally {
	n := NewTally()
	for k, v := range t.Ballots {
		if k.Group == group {
			n.Ballots[k] = v
		}
	}
	for c, h := range t.Hists {
		if c.Group == group {
			n.Hists[c] = &Hist{N: h.N, C: maps.Clone(h.C)}
		}
	}
	for k, v := range t.Reasons {
		if k.Group == group {
			n.Reasons[k] = v
		}
	}
	return n
}
