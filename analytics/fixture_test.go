package analytics_test

import (
	"strings"
	"time"

	"minyi/surveys"
)

func ptr[T any](v T) *T { return &v }

var genAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// fixtureSurvey is the survey of the hand-computed fixture:
//
//	groups  masses (群众) weight 0.6, members (党员) weight 0.4
//	q1  single, per subject, dimension 服务, weight 1:
//	    a 100 satisfied · b 80 satisfied · c 0 · d abstain
//	q2  single, per subject, dimension 作风, weight 2:
//	    a 100 satisfied · b 60 · c abstain
//	q3  scale 0–10, not per subject
//	q4  multiple a/b/c, not per subject
//	q5  text
//	trim: at least 4 answers → drop 1 highest and 1 lowest
//	grades: excellent ≥ 90 (max_share 0.25), good ≥ 80 (max_share 0.25),
//	        qualified ≥ 60, unqualified ≥ 0
//	subjects s1 s2 s4 s5 in org b1, s3 in org b2
func fixtureSurvey() *surveys.Survey {
	return &surveys.Survey{
		ID: "sv1", Title: "测评", Kind: surveys.KindSatisfaction, Status: surveys.StatusPublished, Version: 1,
		Subjects: []surveys.Subject{
			{Type: "member", ID: "s1", Name: "张一", OrgID: "b1"},
			{Type: "member", ID: "s2", Name: "张二", OrgID: "b1"},
			{Type: "member", ID: "s3", Name: "张三", OrgID: "b2"},
			{Type: "member", ID: "s4", Name: "张四", OrgID: "b1"},
			{Type: "member", ID: "s5", Name: "张五", OrgID: "b1"},
		},
		RaterGroups: []surveys.RaterGroup{{Key: "masses", Name: "群众", Weight: 0.6}, {Key: "members", Name: "党员", Weight: 0.4}},
		Questions: []surveys.Question{
			{Key: "q1", Type: surveys.QSingle, Title: "服务", PerSubject: true, Dimension: "服务", Options: []surveys.Option{
				{Key: "a", Label: "满意", Score: ptr(100.0), Satisfied: true},
				{Key: "b", Label: "基本满意", Score: ptr(80.0), Satisfied: true},
				{Key: "c", Label: "不满意", Score: ptr(0.0)},
				{Key: "d", Label: "不了解", Abstain: true},
			}},
			{Key: "q2", Type: surveys.QSingle, Title: "作风", PerSubject: true, Dimension: "作风", Weight: ptr(2.0), Options: []surveys.Option{
				{Key: "a", Label: "好", Score: ptr(100.0), Satisfied: true},
				{Key: "b", Label: "一般", Score: ptr(60.0)},
				{Key: "c", Label: "不了解", Abstain: true},
			}},
			{Key: "q3", Type: surveys.QScale, Title: "打分", Min: ptr(0), Max: ptr(10)},
			{Key: "q4", Type: surveys.QMultiple, Title: "多选", Options: []surveys.Option{{Key: "a", Label: "甲"}, {Key: "b", Label: "乙"}, {Key: "c", Label: "丙"}}},
			{Key: "q5", Type: surveys.QText, Title: "意见建议"},
		},
		Scoring: surveys.Scoring{
			// The fixture's groups are tiny on purpose; small_groups_test.go
			// checks the default of not reporting them.
			MinGroupBallots: ptr(0),
			Trim:            &surveys.Trim{MinAnswers: 4, DropHighest: 1, DropLowest: 1},
			Grades: []surveys.Grade{
				{Key: "excellent", Label: "优秀", MinScore: 90, MaxShare: 0.25},
				{Key: "good", Label: "良好", MinScore: 80, MaxShare: 0.25},
				{Key: "qualified", Label: "合格", MinScore: 60},
				{Key: "unqualified", Label: "不合格", MinScore: 0},
			},
		},
	}
}

// ballot builds a ballot from compact answers: "s1.q1=a" (per subject),
// "q3=9" (scale: a number), "q4=a+b" (multiple), "q5:text" (text).
func ballot(id, group string, channel surveys.Channel, valid bool, answers ...string) surveys.Ballot {
	b := surveys.Ballot{ID: id, SurveyID: "sv1", SurveyVersion: 1, SubmissionID: "sub-" + id, Channel: channel,
		RaterGroup: group, Valid: valid, CreatedAt: genAt}
	if !valid {
		b.Reason = "all_same"
	}
	for _, a := range answers {
		if q, text, ok := strings.Cut(a, ":"); ok {
			b.Answers = append(b.Answers, surveys.Answer{Question: q, Text: text})
			continue
		}
		lhs, rhs, _ := strings.Cut(a, "=")
		ans := surveys.Answer{Question: lhs}
		if s, q, ok := strings.Cut(lhs, "."); ok {
			ans.Subject, ans.Question = s, q
		}
		switch {
		case strings.Contains(rhs, "+"):
			ans.Options = strings.Split(rhs, "+")
		case rhs[0] >= '0' && rhs[0] <= '9' || rhs[0] == '-':
			v := 0
			neg := rhs[0] == '-'
			for _, c := range strings.TrimPrefix(rhs, "-") {
				v = v*10 + int(c-'0')
			}
			if neg {
				v = -v
			}
			ans.Value = &v
		case ans.Question == "q4":
			ans.Options = []string{rhs}
		default:
			ans.Option = rhs
		}
		b.Answers = append(b.Answers, ans)
	}
	return b
}

// fixtureBallots are the fixture's ballots. The histograms they make:
//
//	masses   s1.q1 a a b c d   s1.q2 a b
//	         s2.q1 a a         s2.q2 a
//	         s3.q1 a a b c d   s3.q2 a b      (the same as s1: a tie)
//	         s4.q1 c
//	         s5.q1 d                          (abstention only)
//	members  s1.q1 b b   s3.q1 b b   s4.q1 b
//	q3 (scale): 9 7 10 (masses), 5 (members);  q4 (multiple): a+b, a
//	I1 is invalid (masses, web): counted, never scored.
func fixtureBallots() []surveys.Ballot {
	return []surveys.Ballot{
		ballot("M1", "masses", "web", true, "s1.q1=a", "s1.q2=a", "s2.q1=a", "s2.q2=a", "s3.q1=a", "s3.q2=a", "s4.q1=c", "s5.q1=d", "q3=9", "q4=a+b", "q5:服务很好"),
		ballot("M2", "masses", "web", true, "s1.q1=a", "s1.q2=b", "s2.q1=a", "s3.q1=a", "s3.q2=b", "q3=7", "q4=a"),
		ballot("M3", "masses", "web", true, "s1.q1=b", "s3.q1=b", "q3=10"),
		ballot("M4", "masses", "paper", true, "s1.q1=c", "s3.q1=c"),
		ballot("M5", "masses", "hotline", true, "s1.q1=d", "s3.q1=d"),
		ballot("E1", "members", "web", true, "s1.q1=b", "s3.q1=b", "s4.q1=b", "q3=5"),
		ballot("E2", "members", "web", true, "s1.q1=b", "s3.q1=b"),
		ballot("I1", "masses", "web", false, "s1.q1=a", "s2.q1=a", "s3.q1=a", "s4.q1=a", "s5.q1=a"),
	}
}
