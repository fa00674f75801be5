package analytics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/analytics"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func as(ctx context.Context, role minyi.Role, orgID string) context.Context {
	p := &minyi.Principal{UserID: "u-" + string(role), Login: string(role) + "1", Role: role, OrgID: orgID, Via: "token"}
	return minyi.WithRequestID(minyi.WithPrincipal(ctx, p), "req-"+p.Login)
}

// TestRecordFinalGradeScopeAndAudit: a secretary grades the members of its
// own branch and is refused another branch's, a leader is refused, and only
// the recorded grade is audited, with its actor.
func TestRecordFinalGradeScopeAndAudit(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	var idx []store.Index
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, surveys.MemberIndexes()...)
	idx = append(idx, surveys.SurveyIndexes()...)
	idx = append(idx, accounts.Indexes()...)
	idx = append(idx, analytics.FinalGradeIndexes()...)
	if err := store.EnsureIndexes(ctx, db, idx); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }
	orgs := surveys.NewOrgStore(db, now)
	members := surveys.NewMemberStore(db, orgs, now)
	svs := surveys.NewSurveyStore(db, orgs, members, now)
	acc := accounts.NewStore(db, secret.New("test"), now)
	finals := analytics.NewFinalGradeStore(db, now)
	grades := analytics.NewGradeService(finals, svs, orgs, accounts.NewAuditor(acc, nil))

	committee := surveys.Org{Name: "机关党委", Code: "JG", Kind: surveys.OrgCommittee}
	if err := orgs.Create(ctx, &committee); err != nil {
		t.Fatal(err)
	}
	branch := map[string]*surveys.Org{}
	for _, code := range []string{"ZB1", "ZB2"} {
		o := &surveys.Org{Name: code + "支部", Code: code, Kind: surveys.OrgBranch, ParentID: committee.ID}
		if err := orgs.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		branch[code] = o
		if err := members.Create(ctx, &surveys.Member{Name: code + "党员", OrgID: o.ID}); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := svs.CreateFromTemplate(ctx, surveys.TemplateAppraisal, surveys.TemplateOptions{OrgID: committee.ID})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := svs.Publish(ctx, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	subjectOf := map[string]string{}
	for _, sub := range sv.Subjects {
		for code, o := range branch {
			if sub.OrgID == o.ID {
				subjectOf[code] = sub.ID
			}
		}
	}
	in := analytics.FinalGradeInput{Grade: "qualified", Reason: "支部会议讨论决定"}
	sec1 := as(ctx, minyi.RoleSecretary, branch["ZB1"].ID)
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		subject string
		want    error
	}{
		{"another branch's member", sec1, subjectOf["ZB2"], minyi.ErrOutOfScope},
		{"a leader", as(ctx, minyi.RoleLeader, ""), subjectOf["ZB1"], minyi.ErrWrongRole},
		{"nobody", ctx, subjectOf["ZB1"], minyi.ErrNoPrincipal},
	} {
		if _, err := grades.RecordFinalGrade(tc.ctx, sv.ID, tc.subject, in); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if h, _ := finals.History(ctx, sv.ID); len(h) != 0 {
		t.Fatalf("a refused grade was recorded: %+v", h)
	}
	r, err := grades.RecordFinalGrade(sec1, sv.ID, subjectOf["ZB1"], in)
	if err != nil {
		t.Fatal(err)
	}
	if r.SetBy != "secretary1" || r.Label != "合格" {
		t.Errorf("record: %+v", r)
	}
	log, _, err := acc.ListAudit(ctx, accounts.AuditFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "survey.final_grade" || log[0].ObjectID != sv.ID || log[0].Actor != "secretary1" ||
		log[0].Role != minyi.RoleSecretary || log[0].RequestID != "req-secretary1" {
		t.Fatalf("audit: %+v", log)
	}
}
