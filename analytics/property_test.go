package analytics_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"minyi/analytics"
	"minyi/surveys"
)

// genBallot draws a ballot of the fixture survey: any group and channel,
// sometimes invalid, answering a random part of the questions.
func genBallot(t *rapid.T, id int) surveys.Ballot {
	group := rapid.SampledFrom([]string{"masses", "members"}).Draw(t, "group")
	channel := rapid.SampledFrom([]string{"web", "paper", "hotline"}).Draw(t, "channel")
	valid := rapid.Float64Range(0, 1).Draw(t, "validity") < 0.9
	var answers []string
	for _, s := range []string{"s1", "s2", "s3", "s4", "s5"} {
		if rapid.Bool().Draw(t, "answers q1") {
			answers = append(answers, s+".q1="+rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(t, "q1"))
		}
		if rapid.Bool().Draw(t, "answers q2") {
			answers = append(answers, s+".q2="+rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "q2"))
		}
	}
	if rapid.Bool().Draw(t, "answers q3") {
		answers = append(answers, fmt.Sprintf("q3=%d", rapid.IntRange(0, 10).Draw(t, "q3")))
	}
	if opts := rapid.SliceOfDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), rapid.ID[string]).Draw(t, "q4"); len(opts) > 0 {
		answers = append(answers, "q4="+strings.Join(opts, "+")) // one option: ballot() still makes it a multiple answer
	}
	return ballot(fmt.Sprintf("B%05d", id), group, surveys.Channel(channel), valid, answers...)
}

func genBallots(t *rapid.T, label string) []surveys.Ballot {
	n := rapid.IntRange(0, 40).Draw(t, label)
	out := make([]surveys.Ballot, n)
	for i := range out {
		out[i] = genBallot(t, i)
	}
	return out
}

// tally(A ∪ B) = tally(A) + tally(B).
func TestPropertyMergeIsUnion(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genBallots(t, "a"), genBallots(t, "b")
		sum := analytics.Fold(a)
		sum.Merge(analytics.Fold(b))
		if !sum.Equal(analytics.Fold(append(slices.Clone(a), b...))) {
			t.Fatal("tally(A∪B) != tally(A)+tally(B)")
		}
	})
}

// Folding batch by batch into a running tally equals one fold of all.
func TestPropertyIncrementalEqualsRebuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		all := genBallots(t, "ballots")
		running := analytics.NewTally()
		for rest := all; len(rest) > 0; {
			k := rapid.IntRange(1, len(rest)).Draw(t, "batch")
			running.Merge(analytics.Fold(rest[:k]))
			rest = rest[k:]
		}
		if !running.Equal(analytics.Fold(all)) {
			t.Fatal("incremental tally differs from the full fold")
		}
	})
}

// The scorecard does not depend on the order ballots arrived in.
func TestPropertyOrderIndependent(t *testing.T) {
	s := fixtureSurvey()
	rapid.Check(t, func(t *rapid.T) {
		bs := genBallots(t, "ballots")
		perm := rapid.Permutation(bs).Draw(t, "perm")
		a, _ := json.Marshal(analytics.Compute(s, analytics.Fold(bs), analytics.Filter{}, nil, genAt))
		b, _ := json.Marshal(analytics.Compute(s, analytics.Fold(perm), analytics.Filter{}, nil, genAt))
		if string(a) != string(b) {
			t.Fatalf("results depend on ballot order:\n%s\n%s", a, b)
		}
	})
}

// The trimmed mean from a histogram equals trimming the sorted list.
func TestPropertyTrimmedMeanFromHistogram(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		values := rapid.SliceOf(rapid.SampledFrom([]float64{0, 12.5, 60, 80, 87.5, 100})).Draw(t, "values")
		trim := &surveys.Trim{
			MinAnswers:  rapid.IntRange(0, 8).Draw(t, "min"),
			DropHighest: rapid.IntRange(0, 3).Draw(t, "high"),
			DropLowest:  rapid.IntRange(0, 3).Draw(t, "low"),
		}
		counts := map[float64]int64{}
		for _, v := range values {
			counts[v]++
		}
		var hist []analytics.ValueCount
		for v, n := range counts {
			hist = append(hist, analytics.ValueCount{Value: v, Count: n})
		}
		slices.SortFunc(hist, func(a, b analytics.ValueCount) int { return int(a.Value - b.Value) })
		got, ok := analytics.TrimmedMean(hist, trim)

		// The reference: sort the list, cut the ends, average.
		sorted := slices.Sorted(slices.Values(values))
		if len(sorted) >= trim.MinAnswers && len(sorted)-trim.DropHighest-trim.DropLowest >= 1 {
			sorted = sorted[trim.DropLowest : len(sorted)-trim.DropHighest]
		}
		if len(sorted) == 0 {
			if ok {
				t.Fatalf("mean of nothing: %v", got)
			}
			return
		}
		var sum float64
		for _, v := range sorted {
			sum += v
		}
		want := sum / float64(len(sorted))
		if !ok || math.Abs(got-want) > 1e-9 {
			t.Fatalf("histogram trimmed mean %v (%v), sorted list %v", got, ok, want)
		}
	})
}
