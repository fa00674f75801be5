package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"

	"minyi/accounts"
	"minyi/surveys"
)

func f64p(v float64) *float64 { return &v }
func intp(v int) *int         { return &v }

// surveyDef is the body of POST /surveys.
type surveyDef struct {
	Title       string               `json:"title"`
	Kind        string               `json:"kind"`
	Description string               `json:"description,omitempty"`
	OrgID       string               `json:"org_id,omitempty"`
	Subjects    []map[string]string  `json:"subjects"`
	RaterGroups []surveys.RaterGroup `json:"rater_groups"`
	Access      surveys.Access       `json:"access"`
	Questions   []surveys.Question   `json:"questions"`
	Rules       surveys.Rules        `json:"rules"`
	Scoring     surveys.Scoring      `json:"scoring"`
}

// validDef is a complete satisfaction survey of the given subjects:
// questions[0] a per-subject scored single with an abstain option,
// [1] a multiple, [2] a scale, [3] a text question.
func validDef(subjects ...map[string]string) surveyDef {
	return surveyDef{
		Title: "2026年度党支部满意度测评", Kind: "satisfaction",
		Subjects: subjects,
		RaterGroups: []surveys.RaterGroup{
			{Key: "masses", Name: "群众", Weight: 0.6}, {Key: "members", Name: "党员", Weight: 0.4},
		},
		Access: surveys.Access{Mode: "public"},
		Questions: []surveys.Question{
			{Key: "q1", Type: "single", Title: "服务群众", Required: true, PerSubject: true, Dimension: "服务群众", Options: []surveys.Option{
				{Key: "a", Label: "满意", Score: f64p(100), Satisfied: true},
				{Key: "b", Label: "基本满意", Score: f64p(80), Satisfied: true},
				{Key: "c", Label: "不满意", Score: f64p(0)},
				{Key: "d", Label: "不了解", Abstain: true},
			}},
			{Key: "q2", Type: "multiple", Title: "最需改进", Min: intp(1), Max: intp(2), Options: []surveys.Option{
				{Key: "a", Label: "环境"}, {Key: "b", Label: "治安"}, {Key: "c", Label: "停车"},
			}},
			{Key: "q3", Type: "scale", Title: "推荐程度", Min: intp(0), Max: intp(10)},
			{Key: "q4", Type: "text", Title: "意见建议", MaxLength: 500},
		},
		Rules: surveys.Rules{Quotas: []surveys.Quota{{Question: "q1", Option: "a", MaxShare: 0.5}}},
		Scoring: surveys.Scoring{
			Trim: &surveys.Trim{MinAnswers: 6, DropHighest: 1, DropLowest: 1}, SatisfactionDenominator: "non_abstain",
			Grades: []surveys.Grade{{Key: "good", Label: "好", MinScore: 90, MaxShare: 0.3}, {Key: "ok", Label: "中", MinScore: 60}, {Key: "bad", Label: "差", MinScore: 0}},
		},
	}
}

func orgSubject(id string) map[string]string { return map[string]string{"type": "org", "id": id} }

type publishAnswer struct{ Slug, URL, Link string }

func TestSurveyLifecycle(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	zhang := e.member("张建国", o.zb1.ID)
	e.member("李秀英", o.zb1.ID)
	e.member("陈明", o.zb2.ID)

	def := validDef(orgSubject(o.zb1.ID), orgSubject(o.zb2.ID))
	def.Subjects = append(def.Subjects,
		map[string]string{"type": "member", "id": zhang.ID},
		map[string]string{"type": "org_members", "id": o.general.ID})
	sv := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", def), http.StatusCreated)
	if sv.Status != surveys.StatusDraft || sv.Version != 0 || sv.Slug != "" || sv.ID == "" || !sv.CreatedAt.Equal(fixedNow) {
		t.Fatalf("created %+v", sv)
	}
	if sv.Subjects[0].Name != "第一党支部" || sv.Subjects[2].Name != "张建国" || sv.Subjects[2].OrgName != "第一党支部" || sv.Subjects[3].Name != "幸福社区党总支全体党员" {
		t.Fatalf("subjects not named: %+v", sv.Subjects)
	}
	// Server-owned fields cannot be set.
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{"title": "x", "kind": "satisfaction", "status": "published"}),
		http.StatusUnprocessableEntity, "validation_failed", "status")

	// A draft may change anything.
	got := decode[surveys.Survey](t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{
		"description": "请如实评价", "rater_groups": []map[string]any{{"key": "masses", "name": "群众", "weight": 1}},
		"access": map[string]any{"closes_at": "2026-12-31T16:00:00Z"},
	}), http.StatusOK)
	if got.Description != "请如实评价" || len(got.RaterGroups) != 1 || got.Access.ClosesAt == nil || got.Access.Mode != "public" || len(got.Questions) != 4 {
		t.Fatalf("patched %+v", got)
	}
	wantError(t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{"rater_groups": []map[string]any{{"key": "masses", "name": "群众", "weight": -1}}}),
		http.StatusUnprocessableEntity, "validation_failed", "rater_groups[0].weight")

	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	if !regexp.MustCompile(`^[a-z2-7]{10}$`).MatchString(pub.Slug) || pub.URL != "/s/"+pub.Slug || pub.Link != testBaseURL+"/s/"+pub.Slug {
		t.Fatalf("publish answer %+v", pub)
	}
	sv = decode[surveys.Survey](t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID, nil), http.StatusOK)
	if sv.Status != surveys.StatusPublished || sv.Version != 1 || sv.Slug != pub.Slug || sv.PublishedAt == nil || !sv.PublishedAt.Equal(fixedNow) {
		t.Fatalf("published %+v", sv)
	}
	// Subjects: the two branches, 张建国, then the general branch's other
	// members (张建国 only once).
	var subj []string
	for _, s := range sv.Subjects {
		subj = append(subj, string(s.Type)+":"+s.Name+"@"+s.OrgName)
	}
	want := []string{"org:第一党支部@第一党支部", "org:第二党支部@第二党支部", "member:张建国@第一党支部", "member:李秀英@第一党支部", "member:陈明@第二党支部"}
	if !reflect.DeepEqual(subj, want) {
		t.Fatalf("expanded subjects %v, want %v", subj, want)
	}
	if s, ok := sv.Subject(zhang.ID); !ok || s.OrgID != o.zb1.ID {
		t.Fatalf("Subject(%s) = %+v, %v", zhang.ID, s, ok)
	}

	// Published: only title, description and closes_at may change.
	got = decode[surveys.Survey](t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{
		"title": "2026年度党支部满意度测评（延期）", "access": map[string]any{"closes_at": "2027-01-15T16:00:00Z"},
	}), http.StatusOK)
	if got.Title != "2026年度党支部满意度测评（延期）" || !got.Access.ClosesAt.Equal(time.Date(2027, 1, 15, 16, 0, 0, 0, time.UTC)) || got.Version != 1 {
		t.Fatalf("patched published %+v", got)
	}
	for _, body := range []map[string]any{
		{"questions": []any{}},
		{"title": "新标题", "rater_groups": []any{}},
		{"access": map[string]any{"mode": "code"}},
		{"access": map[string]any{"opens_at": nil}},
		{"subjects": []any{}},
	} {
		wantError(t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, body), http.StatusConflict, "survey_frozen")
	}
	wantError(t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{"access": map[string]any{"closes_at": "2020-01-01T00:00:00Z"}}),
		http.StatusUnprocessableEntity, "validation_failed", "access.closes_at") // in the past
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusConflict, "survey_not_draft")

	closed := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/close", nil), http.StatusOK)
	if closed.Status != surveys.StatusClosed || closed.ClosedAt == nil {
		t.Fatalf("closed %+v", closed)
	}
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/close", nil), http.StatusConflict, "survey_not_published")
	wantError(t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{"access": map[string]any{"closes_at": nil}}), http.StatusConflict, "survey_frozen")
	if got := decode[surveys.Survey](t, e.do(http.MethodPatch, "/api/v1/surveys/"+sv.ID, map[string]any{"description": "已结束"}), http.StatusOK); got.Description != "已结束" {
		t.Fatalf("closed survey description %q", got.Description)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/nope", nil), http.StatusNotFound, "survey_not_found")
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/nope/publish", nil), http.StatusNotFound, "survey_not_found")

	// Each change is in the audit log.
	audit := decode[struct {
		Items []struct{ Action, ObjectID, Summary string }
	}](t, e.do(http.MethodGet, "/api/v1/audit?object_id="+sv.ID, nil), http.StatusOK)
	var actions []string
	for _, a := range audit.Items {
		actions = append(actions, a.Action)
	}
	// Newest first: create, 2 updates, publish, 2 updates, close, update.
	wantActions := []string{"survey.update", "survey.close", "survey.update", "survey.publish", "survey.update", "survey.create"}
	if !reflect.DeepEqual(actions, wantActions) {
		t.Errorf("audit %v, want %v", actions, wantActions)
	}
}

func TestSurveyListAndRoles(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	var ids []string
	for i := range 3 {
		d := validDef(orgSubject(o.zb1.ID))
		d.Title = []string{"甲", "乙", "丙"}[i]
		ids = append(ids, decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", d), http.StatusCreated).ID)
	}
	decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+ids[0]+"/publish", nil), http.StatusOK)

	type page struct {
		Items []surveys.Survey
		Next  *string
	}
	p1 := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=2", nil), http.StatusOK)
	if len(p1.Items) != 2 || p1.Items[0].Title != "丙" || p1.Items[1].Title != "乙" || p1.Next == nil {
		t.Fatalf("page 1 %+v", p1)
	}
	p2 := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=2&after="+*p1.Next, nil), http.StatusOK)
	if len(p2.Items) != 1 || p2.Items[0].Title != "甲" || p2.Next != nil {
		t.Fatalf("page 2 %+v", p2)
	}
	pubs := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?status=published", nil), http.StatusOK)
	if len(pubs.Items) != 1 || pubs.Items[0].ID != ids[0] {
		t.Fatalf("published %+v", pubs)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys?status=gone", nil), http.StatusUnprocessableEntity, "validation_failed", "status")

	leader := "Bearer " + e.tokenFor(accounts.RoleLeader, "")
	operator := "Bearer " + e.tokenFor(accounts.RoleOperator, "")
	for _, tok := range []string{leader, operator} {
		if w := e.do(http.MethodGet, "/api/v1/surveys/"+ids[1], nil, "Authorization", tok); w.Code != http.StatusOK {
			t.Fatalf("read as staff: %d %s", w.Code, w.Body)
		}
		if w := e.do(http.MethodGet, "/api/v1/surveys/templates", nil, "Authorization", tok); w.Code != http.StatusOK {
			t.Fatalf("templates as staff: %d", w.Code)
		}
	}
	for _, r := range []struct{ method, path string }{
		{http.MethodPost, "/api/v1/surveys"},
		{http.MethodPatch, "/api/v1/surveys/" + ids[1]},
		{http.MethodPost, "/api/v1/surveys/" + ids[1] + "/publish"},
		{http.MethodPost, "/api/v1/surveys/" + ids[0] + "/close"},
		{http.MethodPost, "/api/v1/surveys/" + ids[0] + "/codes"},
		{http.MethodGet, "/api/v1/surveys/" + ids[0] + "/codes"},
		{http.MethodGet, "/api/v1/surveys/" + ids[0] + "/codes.xlsx"},
		{http.MethodPost, "/api/v1/surveys/templates/" + surveys.TemplateAppraisal},
		{http.MethodPost, "/api/v1/members/import"},
	} {
		wantError(t, e.do(r.method, r.path, map[string]any{}, "Authorization", leader), http.StatusForbidden, "")
	}

	// A secretary sees the surveys that rate its branch, not others.
	d := validDef(orgSubject(o.zb2.ID))
	d.Title = "丁"
	other := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", d), http.StatusCreated)
	sec := "Bearer " + e.tokenFor(accounts.RoleSecretary, o.zb1.ID)
	mine := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys", nil, "Authorization", sec), http.StatusOK)
	if len(mine.Items) != 3 {
		t.Fatalf("secretary sees %d surveys, want 3", len(mine.Items))
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+other.ID, nil, "Authorization", sec), http.StatusForbidden, "out_of_scope")
}

// jsonEqual compares two values by their JSON encoding.
func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
