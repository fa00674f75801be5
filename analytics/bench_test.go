package analytics_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"minyi/analytics"
	"minyi/surveys"
)

// benchSurvey: 20 member subjects × 5 per-subject single questions
// (a 100 / b 80 / c 60 / d 0 / e abstain), two rater groups.
func benchSurvey() *surveys.Survey {
	s := &surveys.Survey{ID: "bench", Version: 1,
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Weight: 0.7}, {Key: "members", Weight: 0.3}},
		Scoring: surveys.Scoring{Trim: &surveys.Trim{MinAnswers: 10, DropHighest: 1, DropLowest: 1}, Grades: []surveys.Grade{
			{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: 0.3}, {Key: "qualified", Label: "合格", MinScore: 60}, {Key: "unqualified", Label: "不合格"}}},
	}
	for i := range 20 {
		s.Subjects = append(s.Subjects, surveys.Subject{Type: "member", ID: fmt.Sprintf("m%02d", i), Name: fmt.Sprintf("党员%02d", i)})
	}
	for i := range 5 {
		s.Questions = append(s.Questions, surveys.Question{Key: fmt.Sprintf("q%d", i+1), Type: surveys.QSingle, PerSubject: true,
			Options: []surveys.Option{
				{Key: "a", Score: ptr(100.0), Satisfied: true}, {Key: "b", Score: ptr(80.0), Satisfied: true},
				{Key: "c", Score: ptr(60.0)}, {Key: "d", Score: ptr(0.0)}, {Key: "e", Abstain: true}}})
	}
	return s
}

// benchBallots makes ballots [from, from+n): each rates every subject on
// every question (100 answers), deterministically varied.
func benchBallots(s *surveys.Survey, from, n int) []surveys.Ballot {
	opts := []string{"a", "b", "a", "c", "b", "d", "e", "a", "b"}
	out := make([]surveys.Ballot, n)
	for i := range out {
		k := from + i
		group := "masses"
		if k%4 == 0 {
			group = "members"
		}
		b := surveys.Ballot{ID: fmt.Sprintf("b%08d", k), SurveyID: s.ID, SurveyVersion: 1, SubmissionID: strconv.Itoa(k),
			Channel: "web", RaterGroup: group, Valid: k%50 != 0, CreatedAt: genAt}
		if !b.Valid {
			b.Reason = "all_same"
		}
		for si, sub := range s.Subjects {
			for qi, q := range s.Questions {
				b.Answers = append(b.Answers, surveys.Answer{Question: q.Key, Subject: sub.ID, Option: opts[(k*7+si*3+qi)%len(opts)]})
			}
		}
		out[i] = b
	}
	return out
}

// BenchmarkResults compares, on the embedded store, for a survey of
// MINYI_BENCH_BALLOTS ballots (default 2,000; the figure is
// 100,000):
//
//	results_after_1000  fold 1,000 new ballots (AfterCommit), Load, Compute
//	rebuild             a full rebuild (stream every ballot, recount, swap)
//	scan                plainly reading every ballot, in any order
//	stream_sorted       plainly streaming every ballot in _id order
//
// Run it once each: MINYI_BENCH_BALLOTS=100000 go test ./analytics
// -run '^$' -bench BenchmarkResults -benchtime 1x -timeout 60m
func BenchmarkResults(b *testing.B) {
	size := 2000
	if v, err := strconv.Atoi(os.Getenv("MINYI_BENCH_BALLOTS")); err == nil && v > 0 {
		size = v
	}
	e := newStoreEnv(b)
	s := benchSurvey()
	ctx := context.Background()
	start := time.Now()
	for from := 0; from < size; from += 1000 {
		e.commit(b, s, benchBallots(s, from, min(1000, size-from)))
	}
	b.Logf("stored and folded %d ballots in %v", size, time.Since(start))
	next := size

	b.Run("results_after_1000", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			batch := benchBallots(s, next, 1000)
			next += 1000
			e.insert(b, batch)
			b.StartTimer()
			if err := e.tallies.AfterCommit(ctx, committed(s, batch)); err != nil {
				b.Fatal(err)
			}
			t, err := e.tallies.Load(ctx, s.ID)
			if err != nil {
				b.Fatal(err)
			}
			r := analytics.Compute(s, t, analytics.Filter{}, nil, genAt)
			if r.Ballots.Valid+r.Ballots.Invalid != int64(next) {
				b.Fatalf("results count %d ballots, want %d", r.Ballots.Valid+r.Ballots.Invalid, next)
			}
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		for range b.N {
			n, err := e.tallies.Rebuild(ctx, s.ID)
			if err != nil || n != int64(next) {
				b.Fatalf("rebuild: %d, %v", n, err)
			}
		}
	})
	// Plain streaming, both ways: Scan (any order, what a rebuild reads)
	// and Stream (in _id order, what exports read).
	b.Run("scan", func(b *testing.B) {
		for range b.N {
			var n int
			if err := e.ballots.Scan(ctx, s.ID, func(*surveys.Ballot) error { n++; return nil }); err != nil || n != next {
				b.Fatalf("scan: %d, %v", n, err)
			}
		}
	})
	b.Run("stream_sorted", func(b *testing.B) {
		for range b.N {
			var n int
			if err := e.ballots.Stream(ctx, s.ID, func(*surveys.Ballot) error { n++; return nil }); err != nil || n != next {
				b.Fatalf("stream: %d, %v", n, err)
			}
		}
	})
}
