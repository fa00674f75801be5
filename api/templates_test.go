package api_test

import (
	"net/http"
	"testing"

	"minyi/surveys"
)

// TestTemplates: every template instantiates into a valid draft and
// publishes unchanged (with subjects derived from an org, or given).
func TestTemplates(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	zhang := e.member("张建国", o.zb1.ID)
	e.member("李秀英", o.zb1.ID)
	e.member("王志强", o.zb1.ID)
	e.member("陈明", o.zb2.ID)

	list := decode[struct{ Items []surveys.TemplateInfo }](t, e.do(http.MethodGet, "/api/v1/surveys/templates", nil), http.StatusOK)
	titles := map[string]string{}
	for _, ti := range list.Items {
		titles[ti.Key] = ti.Title
		if ti.Description == "" || ti.Kind == "" {
			t.Errorf("template %+v incomplete", ti)
		}
	}
	if len(list.Items) != 3 || titles[surveys.TemplateAppraisal] != "民主评议党员" || titles[surveys.TemplateSatisfaction] != "党支部满意度测评" || titles[surveys.TemplateQuestionnaire] != "群众满意度问卷" {
		t.Fatalf("templates %+v", list.Items)
	}

	for _, tc := range []struct {
		key          string
		body         any
		wantSubjects []string // names after publishing
	}{
		{surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID, "title": "第一党支部2026年度民主评议党员"}, []string{"张建国", "李秀英", "王志强"}},
		{surveys.TemplateAppraisal, map[string]any{"subjects": []map[string]string{{"type": "member", "id": zhang.ID}, {"type": "org_members", "id": o.zb2.ID}}}, []string{"张建国", "陈明"}},
		{surveys.TemplateSatisfaction, map[string]any{"org_id": o.general.ID}, []string{"第一党支部", "第二党支部"}},
		{surveys.TemplateQuestionnaire, nil, nil},
	} {
		draft := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+tc.key, tc.body), http.StatusCreated)
		tpl, _ := surveys.FromTemplate(tc.key)
		if draft.Status != surveys.StatusDraft || draft.Template != tc.key || draft.Kind != tpl.Kind {
			t.Fatalf("%s: draft %+v", tc.key, draft)
		}
		decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+draft.ID+"/publish", nil), http.StatusOK)
		pub := decode[surveys.Survey](t, e.do(http.MethodGet, "/api/v1/surveys/"+draft.ID, nil), http.StatusOK)
		if !jsonEqual(t, pub.Questions, tpl.Questions) || !jsonEqual(t, pub.RaterGroups, tpl.RaterGroups) ||
			!jsonEqual(t, pub.Rules, tpl.Rules) || !jsonEqual(t, pub.Scoring, tpl.Scoring) || pub.Access.Mode != tpl.Access.Mode {
			t.Errorf("%s: published definition differs from the template", tc.key)
		}
		var got []string
		for _, s := range pub.Subjects {
			got = append(got, s.Name)
		}
		if !jsonEqual(t, got, tc.wantSubjects) {
			t.Errorf("%s: subjects %v, want %v", tc.key, got, tc.wantSubjects)
		}
	}

	// The appraisal template's rules, as the forms have them.
	a, _ := surveys.FromTemplate(surveys.TemplateAppraisal)
	if q := a.Rules.Quotas[0]; q.Question != "grade" || q.Option != "excellent" || q.MaxShare != 1.0/3 {
		t.Errorf("appraisal quota %+v", q)
	}
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/templates/nope", nil), http.StatusNotFound, "template_not_found")
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": "nope"}), http.StatusUnprocessableEntity, "validation_failed", "org_id")
	wantError(t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"kind": "x"}), http.StatusUnprocessableEntity, "validation_failed", "kind")
}
