package surveys_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"minyi"
	"minyi/accounts"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// opsFixture is the surveys domain's services over one test database, with
// the real audit log (accounts) behind them.
type opsFixture struct {
	orgs    *surveys.OrgStore
	members *surveys.MemberStore
	surveys *surveys.SurveyStore
	codes   *surveys.CodeStore
	acc     *accounts.Store
	orgOps  *surveys.OrgService
	svOps   *surveys.SurveyService
}

func newOpsFixture(t *testing.T) *opsFixture {
	t.Helper()
	db := storetest.DB(t)
	var idx []store.Index
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, surveys.MemberIndexes()...)
	idx = append(idx, surveys.SurveyIndexes()...)
	idx = append(idx, surveys.CodeIndexes()...)
	idx = append(idx, accounts.Indexes()...)
	if err := store.EnsureIndexes(t.Context(), db, idx); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	keys := secret.New("test")
	f := &opsFixture{orgs: surveys.NewOrgStore(db, now), acc: accounts.NewStore(db, keys, now)}
	f.members = surveys.NewMemberStore(db, f.orgs, now)
	f.surveys = surveys.NewSurveyStore(db, f.orgs, f.members, now)
	f.codes = surveys.NewCodeStore(db, keys, now)
	audit := accounts.NewAuditor(f.acc, nil)
	f.orgOps = surveys.NewOrgService(f.orgs, f.members, audit)
	f.svOps = surveys.NewSurveyService(f.surveys, f.codes, audit)
	return f
}

// as is ctx acting as a principal of role (a secretary of orgID), within
// request "req-<login>".
func as(ctx context.Context, role minyi.Role, orgID string) context.Context {
	p := &minyi.Principal{UserID: "u-" + string(role), Login: string(role) + "1", Role: role, OrgID: orgID, Via: "token"}
	return minyi.WithRequestID(minyi.WithPrincipal(ctx, p), "req-"+p.Login)
}

// audited returns the audit log, newest first.
func (f *opsFixture) audited(t *testing.T) []accounts.AuditEntry {
	t.Helper()
	items, _, err := f.acc.ListAudit(t.Context(), accounts.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestOrgOpsAuthoriseAndAudit: an org change is refused to a secretary and
// to nobody, stores nothing and audits nothing then; an admin's change is
// stored and audited with the actor and the request id of the context.
func TestOrgOpsAuthoriseAndAudit(t *testing.T) {
	f := newOpsFixture(t)
	ctx := t.Context()
	admin := as(ctx, minyi.RoleAdmin, "")
	root, err := f.orgOps.CreateOrg(admin, surveys.OrgInput{Name: "机关党委", Code: "JG", Kind: surveys.OrgCommittee})
	if err != nil {
		t.Fatal(err)
	}
	in := surveys.OrgInput{Name: "第一党支部", Code: "ZB1", Kind: surveys.OrgBranch, ParentID: root.ID}
	for _, tc := range []struct {
		ctx  context.Context
		kind error
	}{
		{as(ctx, minyi.RoleSecretary, root.ID), minyi.ErrForbidden},
		{as(ctx, minyi.RoleLeader, ""), minyi.ErrForbidden},
		{ctx, minyi.ErrUnauthorized},
	} {
		if _, err := f.orgOps.CreateOrg(tc.ctx, in); !errors.Is(err, tc.kind) {
			t.Errorf("CreateOrg as %+v: %v, want %v", minyi.PrincipalFrom(tc.ctx), err, tc.kind)
		}
		if _, err := f.orgOps.DeleteOrg(tc.ctx, root.ID); !errors.Is(err, tc.kind) {
			t.Errorf("DeleteOrg as %+v: %v, want %v", minyi.PrincipalFrom(tc.ctx), err, tc.kind)
		}
		if _, err := f.orgOps.CreateMember(tc.ctx, surveys.MemberInput{Name: "张三", OrgID: root.ID}); !errors.Is(err, tc.kind) {
			t.Errorf("CreateMember: %v, want %v", err, tc.kind)
		}
	}
	if all, _ := f.orgs.All(ctx); len(all) != 1 {
		t.Fatalf("a refused change stored something: %+v", all)
	}
	if log := f.audited(t); len(log) != 1 {
		t.Fatalf("audit after refusals: %+v", log)
	}

	o, err := f.orgOps.CreateOrg(admin, in)
	if err != nil {
		t.Fatal(err)
	}
	name := "第一支部"
	if _, err := f.orgOps.UpdateOrg(admin, o.ID, surveys.OrgPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	log := f.audited(t)
	if len(log) != 3 {
		t.Fatalf("audit: %+v", log)
	}
	got := log[1] // newest first: update, create, create root
	if got.Action != "org.create" || got.ObjectID != o.ID || got.Actor != "admin1" || got.ActorID != "u-admin" ||
		got.Role != minyi.RoleAdmin || got.RequestID != "req-admin1" || got.Summary != "创建组织第一党支部（ZB1）" {
		t.Errorf("create entry: %+v", got)
	}
	if log[0].Action != "org.update" || log[0].Summary != "修改组织第一党支部：名称改为第一支部" {
		t.Errorf("update entry: %+v", log[0])
	}
}

// TestSurveyOpsAuthoriseAuditAndForget: publishing and closing are refused
// to a secretary of the survey's own org; an admin's are audited, and the
// store's cache sees the close at once (the store that changed the survey
// forgets it there).
func TestSurveyOpsAuthoriseAuditAndForget(t *testing.T) {
	f := newOpsFixture(t)
	ctx := t.Context()
	admin := as(ctx, minyi.RoleAdmin, "")
	branch, err := f.orgOps.CreateOrg(admin, surveys.OrgInput{Name: "第一党支部", Code: "ZB1", Kind: surveys.OrgBranch})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"张建国", "李秀英"} {
		if _, err := f.orgOps.CreateMember(admin, surveys.MemberInput{Name: name, OrgID: branch.ID}); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := f.svOps.CreateFromTemplate(admin, surveys.TemplateAppraisal, surveys.TemplateOptions{OrgID: branch.ID})
	if err != nil {
		t.Fatal(err)
	}
	secretary := as(ctx, minyi.RoleSecretary, branch.ID)
	if _, err := f.svOps.PublishSurvey(secretary, draft.ID); !errors.Is(err, minyi.ErrForbidden) {
		t.Fatalf("a secretary published: %v", err)
	}
	pub, err := f.svOps.PublishSurvey(admin, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	cache := f.surveys.Cache(time.Hour)
	if got, err := cache.Get(ctx, pub.ID); err != nil || got.Status != surveys.StatusPublished {
		t.Fatalf("cached: %+v %v", got, err)
	}
	if _, err := cache.GetBySlug(ctx, pub.Slug); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svOps.CloseSurvey(secretary, pub.ID); !errors.Is(err, minyi.ErrForbidden) {
		t.Fatalf("a secretary closed: %v", err)
	}
	if got, _ := cache.Get(ctx, pub.ID); got.Status != surveys.StatusPublished {
		t.Fatalf("a refused close changed the survey: %s", got.Status)
	}
	if _, err := f.svOps.CloseSurvey(admin, pub.ID); err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() (*surveys.Survey, error){
		func() (*surveys.Survey, error) { return cache.Get(ctx, pub.ID) },
		func() (*surveys.Survey, error) { return cache.GetBySlug(ctx, pub.Slug) },
	} {
		if got, err := get(); err != nil || got.Status != surveys.StatusClosed {
			t.Errorf("the cache still has the open survey: %+v %v", got, err)
		}
	}
	log := f.audited(t)
	if log[0].Action != "survey.close" || log[0].ObjectID != pub.ID || log[0].Actor != "admin1" || log[0].RequestID != "req-admin1" {
		t.Errorf("close entry: %+v", log[0])
	}
	if log[1].Action != "survey.publish" {
		t.Errorf("publish entry: %+v", log[1])
	}
	for _, e := range log {
		if e.Actor == "secretary1" {
			t.Errorf("a refused change was audited: %+v", e)
		}
	}
}
