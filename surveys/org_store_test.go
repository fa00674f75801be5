package surveys_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"minyi"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// orgFixture is a small tree over a fresh database:
//
//	JD 党委 ─ SQ 党总支 ─ ZB1 党支部 (member 张建国)
//	        │          └ ZB2 党支部
//	        └ SQ2 党总支
//	JD2 党委
type orgFixture struct {
	orgs    *surveys.OrgStore
	members *surveys.MemberStore
	ids     map[string]string // code → id
}

func newOrgFixture(t *testing.T) *orgFixture {
	t.Helper()
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, append(surveys.OrgIndexes(), surveys.MemberIndexes()...)); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	f := &orgFixture{orgs: surveys.NewOrgStore(db, now), ids: map[string]string{}}
	f.members = surveys.NewMemberStore(db, f.orgs, now)
	for _, o := range []struct{ code, name, kind, parent string }{
		{"JD", "某街道党工委", "committee", ""},
		{"SQ", "幸福社区党总支", "general_branch", "JD"},
		{"ZB1", "第一党支部", "branch", "SQ"},
		{"ZB2", "第二党支部", "branch", "SQ"},
		{"SQ2", "和平社区党总支", "general_branch", "JD"},
		{"JD2", "另一街道党工委", "committee", ""},
	} {
		org := surveys.Org{Name: o.name, Code: o.code, Kind: surveys.OrgKind(o.kind), ParentID: f.ids[o.parent]}
		if err := f.orgs.Create(ctx, &org); err != nil {
			t.Fatal(err)
		}
		f.ids[o.code] = org.ID
	}
	if err := f.members.Create(ctx, &surveys.Member{Name: "张建国", OrgID: f.ids["ZB1"]}); err != nil {
		t.Fatal(err)
	}
	return f
}

// shape is the stored tree as "code: parent code / path codes", so a test
// reads like the tree it expects.
func (f *orgFixture) shape(t *testing.T) map[string]string {
	t.Helper()
	all, err := f.orgs.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, o := range all {
		codes[o.ID] = o.Code
	}
	out := map[string]string{}
	for _, o := range all {
		var path []string
		for _, id := range o.Path {
			path = append(path, codes[id])
		}
		out[o.Code] = codes[o.ParentID] + " / " + strings.Join(path, ",")
	}
	return out
}

// initialShape is newOrgFixture's tree.
var initialShape = map[string]string{
	"JD": " / ", "SQ": "JD / JD", "ZB1": "SQ / JD,SQ", "ZB2": "SQ / JD,SQ", "SQ2": "JD / JD", "JD2": " / ",
}

func withShape(changes map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range initialShape {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

func ptr(s string) *string { return &s }

// TestOrgUpdateMove: renaming, recoding and moving orgs. A move re-checks
// the kind rules, refuses the org's own subtree, rewrites the paths of the
// org and everything below it, and members follow their org; a refused
// update changes nothing.
func TestOrgUpdateMove(t *testing.T) {
	for _, tc := range []struct {
		name   string
		org    string
		patch  func(ids map[string]string) surveys.OrgPatch
		shape  map[string]string
		fields []string // refused with these field errors, "field:code"
		code   string   // refused with this error code
	}{
		{name: "rename and recode", org: "SQ",
			patch: func(map[string]string) surveys.OrgPatch {
				return surveys.OrgPatch{Name: ptr("幸福社区党委"), Code: ptr("SQX")}
			},
			shape: func() map[string]string {
				s := withShape(map[string]string{"ZB1": "SQX / JD,SQX", "ZB2": "SQX / JD,SQX", "SQX": "JD / JD"})
				delete(s, "SQ")
				return s
			}()},
		{name: "same parent is no move", org: "SQ",
			patch: func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["JD"])} },
			shape: initialShape},
		{name: "a general branch to another committee, with its branches", org: "SQ",
			patch: func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["JD2"])} },
			shape: withShape(map[string]string{"SQ": "JD2 / JD2", "ZB1": "SQ / JD2,SQ", "ZB2": "SQ / JD2,SQ"})},
		{name: "a branch to another general branch", org: "ZB1",
			patch: func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["SQ2"])} },
			shape: withShape(map[string]string{"ZB1": "SQ2 / JD,SQ2"})},
		{name: "a branch straight under a committee", org: "ZB2",
			patch: func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["JD2"])} },
			shape: withShape(map[string]string{"ZB2": "JD2 / JD2"})},
		{name: "made a root", org: "SQ",
			patch: func(map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr("")} },
			shape: withShape(map[string]string{"SQ": " / ", "ZB1": "SQ / SQ", "ZB2": "SQ / SQ"})},
		{name: "a committee with its subtree under nothing new", org: "JD",
			patch: func(map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr("")} },
			shape: initialShape},
		{name: "under itself", org: "SQ",
			patch:  func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["SQ"])} },
			fields: []string{"parent_id:cycle"}},
		{name: "under its own descendant", org: "JD",
			patch:  func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["ZB1"])} },
			fields: []string{"parent_id:cycle"}},
		{name: "under its own child", org: "SQ",
			patch:  func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["ZB2"])} },
			fields: []string{"parent_id:cycle"}},
		{name: "a general branch under a general branch", org: "SQ",
			patch:  func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["SQ2"])} },
			fields: []string{"parent_id:invalid_parent"}},
		{name: "a committee under a committee", org: "JD2",
			patch:  func(ids map[string]string) surveys.OrgPatch { return surveys.OrgPatch{ParentID: ptr(ids["JD"])} },
			fields: []string{"parent_id:invalid_parent"}},
		{name: "under an unknown org", org: "ZB1",
			patch: func(map[string]string) surveys.OrgPatch {
				return surveys.OrgPatch{ParentID: ptr("0123456789abcdef01234567")}
			},
			fields: []string{"parent_id:unknown_org"}},
		{name: "a bad name and a bad parent, both reported", org: "SQ",
			patch: func(ids map[string]string) surveys.OrgPatch {
				return surveys.OrgPatch{Name: ptr(" "), ParentID: ptr(ids["ZB1"])}
			},
			fields: []string{"name:required", "parent_id:cycle"}},
		{name: "a taken code stops the move", org: "SQ",
			patch: func(ids map[string]string) surveys.OrgPatch {
				return surveys.OrgPatch{Code: ptr("SQ2"), ParentID: ptr(ids["JD2"])}
			},
			code: "org_code_taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newOrgFixture(t)
			ctx := t.Context()
			got, err := f.orgs.Update(ctx, f.ids[tc.org], tc.patch(f.ids))
			if tc.fields != nil || tc.code != "" {
				var me *minyi.Error
				if !errors.As(err, &me) {
					t.Fatalf("Update: %v, want a refusal", err)
				}
				if tc.code != "" && me.Code != tc.code {
					t.Errorf("error code %q, want %q", me.Code, tc.code)
				}
				var fields []string
				for _, fe := range me.Fields {
					fields = append(fields, fe.Field+":"+fe.Code)
				}
				if tc.fields != nil && !slices.Equal(fields, tc.fields) {
					t.Errorf("fields %v, want %v (%v)", fields, tc.fields, err)
				}
				if d := cmp.Diff(initialShape, f.shape(t)); d != "" {
					t.Errorf("a refused update changed the tree (-want +got):\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.shape, f.shape(t)); d != "" {
				t.Errorf("tree (-want +got):\n%s", d)
			}
			stored, err := f.orgs.Get(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(stored, got); d != "" {
				t.Errorf("Update's answer differs from the store (-stored +answer):\n%s", d)
			}
		})
	}
}

// TestOrgMoveSubtrees: after a move, subtrees (a secretary's scope,
// "every member of org X") follow the new paths: the branch's member is
// found under the new ancestors and no longer under the old ones.
func TestOrgMoveSubtrees(t *testing.T) {
	f := newOrgFixture(t)
	ctx := t.Context()
	if _, err := f.orgs.Update(ctx, f.ids["SQ"], surveys.OrgPatch{ParentID: ptr(f.ids["JD2"])}); err != nil {
		t.Fatal(err)
	}
	membersUnder := func(code string) []string {
		ids, err := f.orgs.Subtree(ctx, f.ids[code])
		if err != nil {
			t.Fatal(err)
		}
		ms, err := f.members.InOrgs(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if got := membersUnder("JD2"); !slices.Equal(got, []string{"张建国"}) {
		t.Errorf("members under the new committee: %v", got)
	}
	if got := membersUnder("JD"); len(got) != 0 {
		t.Errorf("members under the old committee: %v", got)
	}
	sub, err := f.orgs.Subtree(ctx, f.ids["JD"])
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) != 2 { // JD and SQ2
		t.Errorf("the old committee's subtree has %d orgs, want 2", len(sub))
	}
	// And back: the tree is as it was.
	if _, err := f.orgs.Update(ctx, f.ids["SQ"], surveys.OrgPatch{ParentID: ptr(f.ids["JD"])}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(initialShape, f.shape(t)); d != "" {
		t.Errorf("after moving back (-want +got):\n%s", d)
	}
}
