package surveys_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }
func n(v int) *int         { return &v }

// appraisal is a published survey: three members graded 优秀/合格/基本合格/
// 不合格 with at most floor(0.3334×3) = 1 优秀 per ballot, a multiple, a
// scale and a text question.
func appraisal() *surveys.Survey {
	return &surveys.Survey{
		ID: "s1", Title: "民主评议", Kind: surveys.KindAppraisal, Status: surveys.StatusPublished, Slug: "abc", Version: 1,
		Subjects:    []surveys.Subject{{Type: "member", ID: "m1", Name: "张三"}, {Type: "member", ID: "m2", Name: "李四"}, {Type: "member", ID: "m3", Name: "王五"}},
		RaterGroups: []surveys.RaterGroup{{Key: "members", Name: "党员", Weight: 0.6}, {Key: "masses", Name: "群众", Weight: 0.4}},
		Access:      surveys.Access{Mode: surveys.AccessPublic},
		Questions: []surveys.Question{
			{Key: "grade", Type: surveys.QSingle, Title: "评议等次", Required: true, PerSubject: true, Options: []surveys.Option{
				{Key: "excellent", Label: "优秀", Score: f(95)}, {Key: "qualified", Label: "合格", Score: f(80)},
				{Key: "basic", Label: "基本合格", Score: f(65)}, {Key: "unqualified", Label: "不合格", Score: f(40)}}},
			{Key: "topics", Type: surveys.QMultiple, Title: "关注方面", Min: n(1), Max: n(2), Options: []surveys.Option{{Key: "a", Label: "甲"}, {Key: "b", Label: "乙"}, {Key: "c", Label: "丙"}}},
			{Key: "nps", Type: surveys.QScale, Title: "推荐程度", Min: n(0), Max: n(10)},
			{Key: "note", Type: surveys.QText, Title: "意见建议", MaxLength: 10},
		},
		Rules: surveys.Rules{Quotas: []surveys.Quota{{Question: "grade", Option: "excellent", MaxShare: 0.3334}}, InvalidIfAllSame: true},
	}
}

// source serves fixed surveys: the survey store itself is tested elsewhere.
type source map[string]*surveys.Survey

func (s source) Get(_ context.Context, id string) (*surveys.Survey, error) {
	if v, ok := s[id]; ok {
		return v, nil
	}
	return nil, minyi.NotFound("survey_not_found", "测评")
}

func (s source) GetBySlug(_ context.Context, slug string) (*surveys.Survey, error) {
	for _, v := range s {
		if v.Slug == slug {
			return v, nil
		}
	}
	return nil, minyi.NotFound("survey_not_found", "测评")
}

// codes hands out one fixed code "GOOD" of the masses group, never marked
// used, so only the spend can stop a second use; spends keep the claims in
// memory as the store's unique _id would.
type codes struct{ spends *sync.Map }

func (codes) Claim(surveyID, sid string) string { return surveyID + ":" + sid }

func (c codes) Spend(_ context.Context, code *surveys.Code, claim string) (bool, error) {
	prior, loaded := c.spends.LoadOrStore(code.Hash, claim)
	return !loaded || prior == claim, nil
}

func (codes) Lookup(_ context.Context, surveyID, code string) (*surveys.Code, error) {
	if code == "GOOD" {
		return &surveys.Code{Hash: "hash-good", SurveyID: surveyID, RaterGroup: "masses"}, nil
	}
	return nil, minyi.NotFound("code_unknown", "测评码")
}

type recorder struct {
	mu  sync.Mutex
	got []surveys.CommittedBallot
}

func (r *recorder) AfterCommit(_ context.Context, bs []surveys.CommittedBallot) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, bs...)
	return nil
}

type fixture struct {
	db      *mongo.Database
	sub     *surveys.Submitter
	ballots *surveys.BallotStore
	hook    *recorder
	survey  *surveys.Survey
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, surveys.BallotIndexes()); err != nil {
		t.Fatal(err)
	}
	hook := &recorder{}
	bt := surveys.NewBatcher(db, surveys.BatcherConfig{AfterCommit: hook})
	t.Cleanup(bt.Close)
	sv := appraisal()
	fx := &fixture{db: db, ballots: surveys.NewBallotStore(db), hook: hook, survey: sv}
	fx.sub = &surveys.Submitter{Surveys: source{sv.ID: sv}, Codes: codes{spends: &sync.Map{}}, Ballots: fx.ballots, Writer: bt, Now: func() time.Time { return t0 }}
	return fx
}

func good(id string) surveys.Submission {
	return surveys.Submission{Slug: "abc", Channel: surveys.ChannelWeb, SubmissionID: id, RaterGroup: "members", Answers: []surveys.Answer{
		{Question: "grade", Subject: "m1", Option: "excellent"}, {Question: "grade", Subject: "m2", Option: "qualified"},
		{Question: "grade", Subject: "m3", Option: "basic"}, {Question: "topics", Options: []string{"c", "a"}},
		{Question: "nps", Value: n(9)}, {Question: "note", Text: " 很好\u200b "},
	}}
}

func (fx *fixture) count(t *testing.T) int64 {
	t.Helper()
	c, err := fx.ballots.Count(t.Context(), fx.survey.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSubmitStoresAndReplays(t *testing.T) {
	fx := newFixture(t)
	r, err := fx.sub.Submit(t.Context(), good("sub-0001"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid || r.Replayed || r.ID != surveys.BallotID("s1", "sub-0001") {
		t.Fatalf("receipt %+v", r)
	}
	b, err := fx.ballots.Get(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.RaterGroup != "members" || b.Channel != "web" || b.SurveyVersion != 1 || !b.CreatedAt.Equal(t0) {
		t.Fatalf("stored %+v", b)
	}
	// Answers are cleaned and in survey order: options sorted as listed, text trimmed of control characters.
	if got := b.Answers[3].Options; len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Fatalf("options %v", got)
	}
	if b.Answers[5].Text != "很好" {
		t.Fatalf("text %q", b.Answers[5].Text)
	}
	again, err := fx.sub.Submit(t.Context(), good("sub-0001"))
	if err != nil || !again.Replayed || again.ID != r.ID {
		t.Fatalf("replay: %+v, %v", again, err)
	}
	if c := fx.count(t); c != 1 {
		t.Fatalf("%d ballots after a replay, want 1", c)
	}
	if len(fx.hook.got) != 1 || fx.hook.got[0].Ballot.ID != r.ID {
		t.Fatalf("after-commit saw %d ballots, want the one stored", len(fx.hook.got))
	}
}

func TestSubmitRejectsEveryBadField(t *testing.T) {
	fx := newFixture(t)
	s := good("x") // too short a submission id
	s.RaterGroup = "aliens"
	s.Answers = []surveys.Answer{
		{Question: "nope", Option: "a"},                                  // answers[0].question
		{Question: "grade", Subject: "m9", Option: "excellent"},          // answers[1].subject
		{Question: "grade", Subject: "m1", Option: "zzz"},                // answers[2].option
		{Question: "grade", Subject: "m2", Option: "qualified"},          //
		{Question: "grade", Subject: "m2", Option: "basic"},              // answers[4] duplicate
		{Question: "topics", Options: []string{"a", "b", "c"}},           // answers[5].options: at most 2
		{Question: "nps", Value: n(11)},                                  // answers[6].value
		{Question: "note", Text: "一二三四五六七八九十十一"},                         // answers[7].text: 11 > 10
		{Question: "grade", Option: "excellent"},                         // answers[8].subject required
		{Question: "nps", Subject: "m1", Value: n(1)},                    // answers[9].subject not per subject
		{Question: "grade", Subject: "m3", Option: "basic", Value: n(1)}, // answers[10].value not allowed
	}
	_, err := fx.sub.Submit(t.Context(), s)
	var ce *surveys.CheckError
	if !errors.As(err, &ce) || !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("err = %v, want a 422 CheckError", err)
	}
	want := map[string]string{
		"submission_id": "invalid", "rater_group": "unknown_group",
		"answers[0].question": "unknown_question", "answers[1].subject": "unknown_subject",
		"answers[2].option": "unknown_option", "answers[4]": "duplicate_answer",
		"answers[5].options": "choice_count", "answers[6].value": "out_of_range",
		"answers[7].text": "too_long", "answers[8].subject": "required",
		"answers[9].subject": "not_per_subject", "answers[10].value": "not_allowed",
	}
	got := map[string]string{}
	for _, p := range ce.Problems {
		got[p.Field] = p.Code
		if p.Message == "" {
			t.Errorf("%s without a message", p.Field)
		}
	}
	for field, code := range want {
		if got[field] != code {
			t.Errorf("%s: code %q, want %q", field, got[field], code)
		}
	}
	if c := fx.count(t); c != 0 {
		t.Fatalf("%d ballots stored after a refusal", c)
	}
}

func TestSubmitMissingRequired(t *testing.T) {
	fx := newFixture(t)
	s := good("sub-missing")
	s.Answers = s.Answers[1:] // no grade for m1
	_, err := fx.sub.Submit(t.Context(), s)
	var ce *surveys.CheckError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 {
		t.Fatalf("err = %v", err)
	}
	p := ce.Problems[0]
	if p.Field != "answers" || p.Code != "missing_answer" || p.Question != "grade" || p.Subject != "m1" || p.Message != "请为「张三」回答「评议等次」" {
		t.Fatalf("problem %+v", p)
	}
}

func TestBallotRules(t *testing.T) {
	fx := newFixture(t)
	two := good("sub-quota")
	two.Answers[1].Option = "excellent" // 2 优秀 > floor(0.3334×3) = 1
	_, err := fx.sub.Submit(t.Context(), two)
	var ce *surveys.CheckError
	if !errors.As(err, &ce) || len(ce.Violations) != 1 || ce.Violations[0].Rule != "quota" {
		t.Fatalf("quota: err = %v", err)
	}
	var me *minyi.Error
	if !errors.As(err, &me) || me.Code != "rule_violated" {
		t.Fatalf("quota: want rule_violated, got %v", err)
	}

	same := good("sub-same")
	for i := range 3 {
		same.Answers[i].Option = "qualified"
	}
	_, err = fx.sub.Submit(t.Context(), same)
	if !errors.As(err, &ce) || len(ce.Violations) != 1 || ce.Violations[0].Rule != "all_same" {
		t.Fatalf("all same: err = %v", err)
	}
	if c := fx.count(t); c != 0 {
		t.Fatalf("%d ballots stored after rule refusals", c)
	}

	// A survey that keeps rule-breaking ballots stores them as invalid.
	fx.survey.Rules.OnViolation = "invalid"
	r, err := fx.sub.Submit(t.Context(), two)
	if err != nil || r.Valid || r.Reason == "" {
		t.Fatalf("kept invalid: %+v, %v", r, err)
	}
	b, _ := fx.ballots.Get(t.Context(), r.ID)
	if b.Valid || b.Reason != r.Reason {
		t.Fatalf("stored %+v", b)
	}
}

func TestQuotaLimit(t *testing.T) {
	for _, tc := range []struct {
		share float64
		n     int
		want  int
	}{{0.3334, 3, 1}, {1.0 / 3, 3, 1}, {1.0 / 3, 9, 3}, {0.3334, 10, 3}, {0.3, 3, 0}, {1, 5, 5}, {0.5, 5, 2}} {
		if got := surveys.QuotaLimit(tc.share, tc.n); got != tc.want {
			t.Errorf("QuotaLimit(%v, %d) = %d, want %d", tc.share, tc.n, got, tc.want)
		}
	}
}

func TestSurveyWindow(t *testing.T) {
	fx := newFixture(t)
	later, earlier := t0.Add(time.Hour), t0.Add(-time.Hour)
	for _, tc := range []struct {
		name   string
		set    func(*surveys.Survey)
		code   string
		public bool
	}{
		{"not open", func(s *surveys.Survey) { s.Access.OpensAt = &later }, "survey_not_open", true},
		{"past closes_at", func(s *surveys.Survey) { s.Access.ClosesAt = &earlier }, "survey_closed", true},
		{"closed", func(s *surveys.Survey) { s.Status = surveys.StatusClosed }, "survey_closed", false},
		{"draft", func(s *surveys.Survey) { s.Status = surveys.StatusDraft }, "survey_not_found", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sv := appraisal()
			tc.set(sv)
			fx.sub.Surveys = source{sv.ID: sv}
			sub := good("sub-window")
			if !tc.public {
				sub.Slug, sub.SurveyID, sub.Channel = "", sv.ID, surveys.ChannelPaper
			}
			_, err := fx.sub.Submit(t.Context(), sub)
			var me *minyi.Error
			if !errors.As(err, &me) || me.Code != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
	// An operator may type in paper ballots after closes_at, until closed.
	sv := appraisal()
	sv.Access.ClosesAt = &earlier
	fx.sub.Surveys = source{sv.ID: sv}
	sub := good("sub-paper")
	sub.Slug, sub.SurveyID, sub.Channel = "", sv.ID, surveys.ChannelPaper
	if _, err := fx.sub.Submit(t.Context(), sub); err != nil {
		t.Fatalf("paper after closes_at: %v", err)
	}
}

// TestExactlyOnceUnderRace fires many concurrent submissions: one
// submission id yields one ballot (the rest get the original), and one code
// yields one ballot (the rest are refused as used).
func TestExactlyOnceUnderRace(t *testing.T) {
	fx := newFixture(t)
	const workers = 40
	var wg sync.WaitGroup
	ids := make([]string, workers)
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			r, err := fx.sub.Submit(context.Background(), good("same-submission"))
			errs[i] = err
			if r != nil {
				ids[i] = r.ID
			}
		})
	}
	wg.Wait()
	for i := range workers {
		if errs[i] != nil || ids[i] != surveys.BallotID("s1", "same-submission") {
			t.Fatalf("worker %d: %v, %q", i, errs[i], ids[i])
		}
	}

	stored, used := 0, 0
	var mu sync.Mutex
	for i := range workers {
		wg.Go(func() {
			s := good(fmt.Sprintf("code-sub-%04d", i))
			s.Code, s.RaterGroup = "GOOD", ""
			_, err := fx.sub.Submit(context.Background(), s)
			mu.Lock()
			defer mu.Unlock()
			var me *minyi.Error
			switch {
			case err == nil:
				stored++
			case errors.As(err, &me) && me.Code == "code_used":
				used++
			default:
				t.Errorf("worker %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if stored != 1 || used != workers-1 {
		t.Fatalf("one code: %d stored, %d refused as used; want 1 and %d", stored, used, workers-1)
	}
	if c := fx.count(t); c != 2 {
		t.Fatalf("%d ballots stored, want 2", c)
	}
}

// TestBatcherClose: queued ballots are written at Close, and a write after
// Close is refused rather than left waiting.
func TestBatcherClose(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, surveys.BallotIndexes()); err != nil {
		t.Fatal(err)
	}
	bt := surveys.NewBatcher(db, surveys.BatcherConfig{MaxWait: time.Second, MaxBatch: 1000})
	sv := appraisal()
	var wg sync.WaitGroup
	outcomes := make([]error, 5)
	for i := range outcomes {
		wg.Go(func() {
			_, outcomes[i] = bt.Write(context.Background(), sv, &surveys.Ballot{ID: fmt.Sprintf("close-%d", i), SurveyID: sv.ID})
		})
	}
	// Close once all five wait behind the 1 s batch wait: what was queued
	// before Close is written and acknowledged, none is lost.
	for deadline := time.Now().Add(10 * time.Second); bt.Pending() < len(outcomes); {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writes queued", bt.Pending(), len(outcomes))
		}
		runtime.Gosched()
	}
	bt.Close()
	wg.Wait()
	for i, err := range outcomes {
		if err != nil {
			t.Fatalf("write %d queued before Close: %v", i, err)
		}
	}
	n, err := surveys.NewBallotStore(db).Count(t.Context(), sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != len(outcomes) {
		t.Fatalf("%d ballots stored, %d queued and acknowledged", n, len(outcomes))
	}
	if _, err := bt.Write(context.Background(), sv, &surveys.Ballot{ID: "late", SurveyID: sv.ID}); !errors.Is(err, surveys.ErrShuttingDown) {
		t.Fatalf("write after close: %v", err)
	}
}

// TestCheckAnswersSurveyOrder: answers sent in any order are stored in
// survey order, question by question and within a matrix question subject
// by subject, so exports and tallies read them alike.
func TestCheckAnswersSurveyOrder(t *testing.T) {
	sv := appraisal()
	in := good("sub-0001").Answers
	shuffled := []surveys.Answer{in[5], in[2], in[4], in[0], in[3], in[1]} // note, grade/m3, nps, grade/m1, topics, grade/m2
	got, ps := sv.CheckAnswers(shuffled)
	if len(ps) > 0 {
		t.Fatalf("problems %+v", ps)
	}
	var order []string
	for _, a := range got {
		order = append(order, a.Question+"/"+a.Subject)
	}
	want := []string{"grade/m1", "grade/m2", "grade/m3", "topics/", "nps/", "note/"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}
