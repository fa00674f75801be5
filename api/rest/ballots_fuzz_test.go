package rest

import (
	"errors"
	"testing"

	"minyi"
	"minyi/api/httpx"
	"minyi/surveys"
)

func fptr(v float64) *float64 { return &v }
func iptr(v int) *int         { return &v }

// fuzzSurvey has every question type, a matrix and both ballot rules.
func fuzzSurvey() *surveys.Survey {
	return &surveys.Survey{
		ID: "s", Status: surveys.StatusPublished, Slug: "x",
		Subjects:    []surveys.Subject{{Type: "member", ID: "m1", Name: "甲"}, {Type: "member", ID: "m2", Name: "乙"}, {Type: "member", ID: "m3", Name: "丙"}},
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Name: "群众", Weight: 1}},
		Questions: []surveys.Question{
			{Key: "grade", Type: surveys.QSingle, Required: true, PerSubject: true, Options: []surveys.Option{
				{Key: "a", Label: "优秀", Score: fptr(95)}, {Key: "b", Label: "合格", Score: fptr(80)}, {Key: "d", Label: "不了解", Abstain: true}}},
			{Key: "multi", Type: surveys.QMultiple, Min: iptr(1), Max: iptr(2), Options: []surveys.Option{{Key: "a"}, {Key: "b"}, {Key: "c"}}},
			{Key: "nps", Type: surveys.QScale, Min: iptr(0), Max: iptr(10)},
			{Key: "note", Type: surveys.QText, MaxLength: 20},
		},
		Rules: surveys.Rules{Quotas: []surveys.Quota{{Question: "grade", Option: "a", MaxShare: 0.3334}}, InvalidIfAllSame: true},
	}
}

// FuzzBallot feeds arbitrary bytes through the ballot decoder and the
// validator: nothing may panic, and every refusal must be a client error
// (4xx kind), never an internal one. Seeds are in testdata/fuzz/FuzzBallot.
func FuzzBallot(f *testing.F) {
	for _, seed := range []string{
		`{"submission_id":"abcdefgh","rater_group":"masses","answers":[{"question":"grade","subject":"m1","option":"a"}]}`,
		`{"submission_id":{"$gt":""},"answers":[]}`,
		`{"answers":[{"question":"nps","value":1e400}]}`,
		`{"answers":[{"question":"multi","options":["a","a","zz"]}]}`,
		`{"answers":[{"question":"note","text":"\u0000\ud800"}]}`,
		`[]`, `null`, `{"x":1}`, `{"answers":[null]}`,
	} {
		f.Add([]byte(seed))
	}
	sv := fuzzSurvey()
	f.Fuzz(func(t *testing.T, body []byte) {
		var in BallotRequest
		if err := httpx.DecodeBytes(body, &in); err != nil {
			assertClientError(t, err)
			return
		}
		answers, problems := sv.CheckAnswers(in.Answers)
		if err := problems.Err(); err != nil {
			assertClientError(t, err)
			return
		}
		_ = sv.CheckRules(answers)
	})
}

func assertClientError(t *testing.T, err error) {
	t.Helper()
	var me *minyi.Error
	if !errors.As(err, &me) {
		t.Fatalf("not a domain error: %v", err)
	}
	switch me.Kind {
	case minyi.ErrBadRequest, minyi.ErrInvalid, minyi.ErrTooLarge, minyi.ErrUnsupportedMedia:
	default:
		t.Fatalf("unexpected kind %v for %v", me.Kind, err)
	}
}
