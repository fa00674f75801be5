package surveys_test

import (
	"errors"
	"testing"
	"time"

	"minyi"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// TestPublishFreezesAVersion: the ballot path reads a published survey by
// id or slug, and the frozen definition of version 1 by id and version.
func TestPublishFreezesAVersion(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	var idx []store.Index
	idx = append(idx, surveys.OrgIndexes()...)
	idx = append(idx, surveys.MemberIndexes()...)
	idx = append(idx, surveys.SurveyIndexes()...)
	if err := store.EnsureIndexes(ctx, db, idx); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	orgs := surveys.NewOrgStore(db, now)
	members := surveys.NewMemberStore(db, orgs, now)
	ss := surveys.NewSurveyStore(db, orgs, members, now)
	branch := surveys.Org{Name: "第一党支部", Code: "ZB1", Kind: surveys.OrgBranch}
	if err := orgs.Create(ctx, &branch); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"张建国", "李秀英"} {
		if err := members.Create(ctx, &surveys.Member{Name: name, OrgID: branch.ID}); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := ss.CreateFromTemplate(ctx, surveys.TemplateAppraisal, surveys.TemplateOptions{OrgID: branch.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ss.GetBySlug(ctx, ""); !errors.Is(err, minyi.ErrNotFound) {
		t.Fatalf("a draft has no slug to be found by: %v", err)
	}
	pub, err := ss.Publish(ctx, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	bySlug, err := ss.GetBySlug(ctx, pub.Slug)
	if err != nil || bySlug.ID != draft.ID || bySlug.Version != 1 || len(bySlug.Subjects) != 2 {
		t.Fatalf("GetBySlug: %+v, %v", bySlug, err)
	}
	if s, ok := bySlug.Subject(bySlug.Subjects[1].ID); !ok || s.Name != "李秀英" || s.OrgName != "第一党支部" {
		t.Fatalf("Subject: %+v %v", s, ok)
	}
	v1, err := ss.GetVersion(ctx, draft.ID, 1)
	if err != nil || v1.Version != 1 || len(v1.Subjects) != 2 || v1.Subjects[0].Name != "张建国" {
		t.Fatalf("GetVersion: %+v, %v", v1, err)
	}
	// A title change after publishing leaves the frozen version alone.
	title := "新标题"
	if _, err := ss.Update(ctx, draft.ID, surveys.SurveyPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if v1, _ = ss.GetVersion(ctx, draft.ID, 1); v1.Title == title {
		t.Error("the frozen version changed with the title")
	}
	for _, err := range []error{
		func() error { _, err := ss.Get(ctx, "nope"); return err }(),
		func() error { _, err := ss.GetBySlug(ctx, "nope"); return err }(),
		func() error { _, err := ss.GetVersion(ctx, draft.ID, 2); return err }(),
	} {
		if !errors.Is(err, minyi.ErrNotFound) {
			t.Errorf("want not found, got %v", err)
		}
	}
}

// TestTemplatesValidate: every template is a valid draft as it stands.
func TestTemplatesValidate(t *testing.T) {
	for _, ti := range surveys.Templates() {
		sv, ok := surveys.FromTemplate(ti.Key)
		if !ok {
			t.Fatalf("template %s not found", ti.Key)
		}
		sv.Normalize()
		if err := sv.Validate(surveys.StageDraft); err != nil {
			t.Errorf("%s: %v", ti.Key, err)
		}
	}
}
