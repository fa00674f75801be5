package api_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"minyi/accounts"
	"minyi/surveys"
)

func TestDeleteSurvey(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	e.member("张建国", o.zb1.ID)
	fromTemplate := func() surveys.Survey {
		return decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID}), http.StatusCreated)
	}
	issue := func(id string, n int) {
		decode[codesAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+id+"/codes", map[string]any{"count": n, "rater_group": "members"}), http.StatusCreated)
	}
	draft, kept := fromTemplate(), fromTemplate()
	issue(draft.ID, 3)
	issue(kept.ID, 2)

	// Only an admin deletes.
	leader := "Bearer " + e.tokenFor(accounts.RoleLeader, "")
	wantError(t, e.do(http.MethodDelete, "/api/v1/surveys/"+draft.ID, nil, "Authorization", leader), http.StatusForbidden, "forbidden")

	w := e.do(http.MethodDelete, "/api/v1/surveys/"+draft.ID, nil)
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Fatalf("delete draft: %d %s", w.Code, w.Body)
	}
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+draft.ID, nil), http.StatusNotFound, "survey_not_found")
	wantError(t, e.do(http.MethodDelete, "/api/v1/surveys/"+draft.ID, nil), http.StatusNotFound, "survey_not_found")
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+draft.ID+"/codes", nil), http.StatusNotFound, "survey_not_found")
	// The other survey's codes are untouched.
	counts := decode[countsAnswer](t, e.do(http.MethodGet, "/api/v1/surveys/"+kept.ID+"/codes", nil), http.StatusOK)
	if counts.Total != (surveys.CodeCount{Issued: 2}) {
		t.Fatalf("other survey's codes %+v, want 2 issued", counts.Total)
	}
	// The audit names the survey and the codes deleted with it (3: the
	// store's count of deleted documents, so the codes really went).
	audit := decode[struct {
		Items []struct {
			Action   string `json:"action"`
			ObjectID string `json:"object_id"`
			Summary  string `json:"summary"`
		}
	}](t, e.do(http.MethodGet, "/api/v1/audit?action=survey.delete", nil), http.StatusOK)
	want := "删除测评草稿「" + draft.Title + "」（及其测评码 3 个）"
	if len(audit.Items) != 1 || audit.Items[0].ObjectID != draft.ID || audit.Items[0].Summary != want {
		t.Fatalf("audit %+v, want one survey.delete %q", audit.Items, want)
	}

	// Published and closed surveys are history.
	decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+kept.ID+"/publish", nil), http.StatusOK)
	wantError(t, e.do(http.MethodDelete, "/api/v1/surveys/"+kept.ID, nil), http.StatusConflict, "survey_not_draft")
	decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/"+kept.ID+"/close", nil), http.StatusOK)
	wantError(t, e.do(http.MethodDelete, "/api/v1/surveys/"+kept.ID, nil), http.StatusConflict, "survey_not_draft")
	if sv := decode[surveys.Survey](t, e.do(http.MethodGet, "/api/v1/surveys/"+kept.ID, nil), http.StatusOK); sv.Status != surveys.StatusClosed {
		t.Fatalf("closed survey now %s", sv.Status)
	}
	counts = decode[countsAnswer](t, e.do(http.MethodGet, "/api/v1/surveys/"+kept.ID+"/codes", nil), http.StatusOK)
	if counts.Total.Issued != 2 {
		t.Fatalf("refused delete touched the codes: %+v", counts.Total)
	}
}

// TestSurveyListSecretaryPages: the secretary's scope is part of the query,
// so with more surveys in scope than the limit every page but the last is
// full, the cursor leads on without skipping any, and no page holds a
// survey of another org.
func TestSurveyListSecretaryPages(t *testing.T) {
	e := newEnv(t)
	o := e.orgTree()
	zhang := e.member("张建国", o.zb1.ID) // zb1's member
	chen := e.member("陈明", o.zb2.ID)   // zb2's member
	create := func(title, orgID string, subject map[string]string) string {
		d := validDef(subject)
		d.Title, d.OrgID = title, orgID
		return decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys", d), http.StatusCreated).ID
	}
	member := func(id string) map[string]string { return map[string]string{"type": "member", "id": id} }
	// Created oldest first, in scope of zb1's secretary (in) or not (out),
	// interleaved so an in-memory filter would leave pages short.
	var in, out []string
	add := func(mine bool, id string) {
		if mine {
			in = append(in, id)
		} else {
			out = append(out, id)
		}
	}
	add(true, create("甲", "", orgSubject(o.zb1.ID)))            // rates zb1
	add(false, create("乙", "", orgSubject(o.zb2.ID)))           // rates zb2
	add(false, create("丙", o.zb2.ID, orgSubject(o.zb2.ID)))     // run by and rating zb2
	add(true, create("丁", o.zb1.ID, orgSubject(o.zb2.ID)))      // run by zb1
	add(true, create("戊", "", member(zhang.ID)))                // rates a member of zb1
	add(false, create("己", "", member(chen.ID)))                // rates a member of zb2
	add(false, create("庚", o.general.ID, orgSubject(o.zb2.ID))) // run by the general branch above
	add(true, create("辛", "", orgSubject(o.zb1.ID)))
	add(false, create("壬", "", orgSubject(o.general.ID)))
	add(true, create("癸", "", orgSubject(o.zb1.ID)))
	add(true, create("子", o.zb1.ID, orgSubject(o.zb1.ID)))
	slices.Reverse(in) // newest first, as listed

	type page struct {
		Items []surveys.Survey
		Next  *string
	}
	sec := "Bearer " + e.tokenFor(accounts.RoleSecretary, o.zb1.ID)
	// 6 in scope, 4 a page: 4, then 2 and no cursor.
	var got []string
	var sizes []int
	after := ""
	for range 5 {
		p := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=4&after="+after, nil, "Authorization", sec), http.StatusOK)
		sizes = append(sizes, len(p.Items))
		for _, sv := range p.Items {
			got = append(got, sv.ID)
			if slices.Contains(out, sv.ID) {
				t.Errorf("secretary of zb1 sees %q", sv.Title)
			}
		}
		if p.Next == nil {
			break
		}
		if *p.Next != p.Items[len(p.Items)-1].ID {
			t.Fatalf("next %q is not the page's last id", *p.Next)
		}
		after = *p.Next
	}
	if !reflect.DeepEqual(sizes, []int{4, 2}) || !reflect.DeepEqual(got, in) {
		t.Fatalf("pages of %v holding %v, want pages of [4 2] holding %v", sizes, got, in)
	}
	// Exactly full: limit 3 gives 3, 3 and the cursor of the second page
	// leads to an empty last page.
	p1 := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=3", nil, "Authorization", sec), http.StatusOK)
	if len(p1.Items) != 3 || p1.Next == nil {
		t.Fatalf("limit 3: %d items, next %v", len(p1.Items), p1.Next)
	}
	p2 := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=3&after="+*p1.Next, nil, "Authorization", sec), http.StatusOK)
	if len(p2.Items) != 3 || p2.Next != nil || p2.Items[2].ID != in[5] {
		t.Fatalf("limit 3, page 2: %+v", p2)
	}

	// With a status filter too: one published in scope, one out.
	decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+in[2]+"/publish", nil), http.StatusOK)
	decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+out[0]+"/publish", nil), http.StatusOK)
	pubs := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?status=published&limit=1", nil, "Authorization", sec), http.StatusOK)
	if len(pubs.Items) != 1 || pubs.Items[0].ID != in[2] || pubs.Next != nil {
		t.Fatalf("published, in scope: %+v", pubs)
	}

	// The general branch's secretary covers zb1 and zb2 as well, but not
	// a survey of the committee above; the admin sees everything.
	top := create("丑", o.root.ID, orgSubject(o.root.ID))
	all := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=500", nil), http.StatusOK)
	if len(all.Items) != len(in)+len(out)+1 {
		t.Fatalf("admin sees %d surveys, want %d", len(all.Items), len(in)+len(out)+1)
	}
	gen := "Bearer " + e.tokenFor(accounts.RoleSecretary, o.general.ID)
	p := decode[page](t, e.do(http.MethodGet, "/api/v1/surveys?limit=500", nil, "Authorization", gen), http.StatusOK)
	if len(p.Items) != len(in)+len(out) || slices.ContainsFunc(p.Items, func(sv surveys.Survey) bool { return sv.ID == top }) {
		t.Fatalf("general branch's secretary sees %d surveys, want %d without the committee's", len(p.Items), len(in)+len(out))
	}
}
