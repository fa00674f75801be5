package analytics

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Tally documents. Each survey has
//
//   - one head document, _id = survey id: the current epoch and the ballot
//     counts, b.<group>.<channel>.{v,i} (valid, invalid) and
//     r.<group>.<reason> (invalid ballots per reason);
//   - one document per subject, _id = "<survey>/<epoch>/s/<subject>", with
//     the histograms of the per-subject questions,
//     h.<question>.<group>.{n, c.<key>};
//   - one document per question not asked per subject,
//     _id = "<survey>/<epoch>/q/<question>", the same shape.
//
// So a document stays small (questions × groups × options counters) and a
// scorecard is one find on survey_id: O(subjects + questions) documents,
// never O(ballots). Only documents of the head's epoch count; others are
// leftovers of a rebuild (see Rebuild) and are ignored, then deleted.
const (
	kindHead     = "head"
	kindSubject  = "subject"
	kindQuestion = "question"
)

type histCounts struct {
	N int64            `bson:"n"`
	C map[string]int64 `bson:"c"`
}

type validInvalid struct {
	V int64 `bson:"v"`
	I int64 `bson:"i"`
}

// tallyDoc is any tally document, as read back.
type tallyDoc struct {
	ID       string                             `bson:"_id"`
	SurveyID string                             `bson:"survey_id"`
	Kind     string                             `bson:"kind"`
	Epoch    int64                              `bson:"epoch"`
	Subject  string                             `bson:"subject,omitempty"`
	H        map[string]map[string]histCounts   `bson:"h,omitempty"`
	B        map[string]map[string]validInvalid `bson:"b,omitempty"`
	R        map[string]map[string]int64        `bson:"r,omitempty"`
}

// docKey says which document a histogram cell lives in.
func docKey(c Cell) (kind, part string) {
	if c.Subject != "" {
		return kindSubject, c.Subject
	}
	return kindQuestion, c.Question
}

func docID(surveyID string, epoch int64, kind, part string) string {
	k := "s"
	if kind == kindQuestion {
		k = "q"
	}
	return escapeKey(surveyID) + "/" + strconv.FormatInt(epoch, 10) + "/" + k + "/" + escapeKey(part)
}

// histIncs groups a tally's histograms by document: for each document its
// $inc fields (h.<q>.<g>.n and h.<q>.<g>.c.<key>), in a stable order.
func histIncs(t *Tally) map[[2]string]bson.D {
	out := map[[2]string]bson.D{}
	cells := slices.SortedFunc(maps.Keys(t.Hists), func(a, b Cell) int {
		return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Question, b.Question), cmp.Compare(a.Group, b.Group))
	})
	for _, c := range cells {
		h := t.Hists[c]
		kind, part := docKey(c)
		k := [2]string{kind, part}
		prefix := "h." + escapeKey(c.Question) + "." + escapeKey(c.Group) + "."
		inc := append(out[k], bson.E{Key: prefix + "n", Value: h.N})
		for _, key := range sortedKeys(h.C) {
			inc = append(inc, bson.E{Key: prefix + "c." + escapeKey(key), Value: h.C[key]})
		}
		out[k] = inc
	}
	return out
}

// headIncs are the ballot-count $inc fields of a tally.
func headIncs(t *Tally) bson.D {
	var inc bson.D
	keys := slices.SortedFunc(maps.Keys(t.Ballots), func(a, b BallotKey) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Channel, b.Channel), boolCompare(a.Valid, b.Valid))
	})
	for _, k := range keys {
		vi := "i"
		if k.Valid {
			vi = "v"
		}
		inc = append(inc, bson.E{Key: "b." + escapeKey(k.Group) + "." + escapeKey(k.Channel) + "." + vi, Value: t.Ballots[k]})
	}
	reasons := slices.SortedFunc(maps.Keys(t.Reasons), func(a, b ReasonKey) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Reason, b.Reason))
	})
	for _, k := range reasons {
		inc = append(inc, bson.E{Key: "r." + escapeKey(k.Group) + "." + escapeKey(k.Reason), Value: t.Reasons[k]})
	}
	return inc
}

// boolCompare orders false before true.
func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
