package surveys_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// newRosterStores is an org and member store over a fresh database with
// one branch (ZB1, 第一党支部) holding 张建国 (支部书记).
func newRosterStores(t *testing.T) (*surveys.OrgStore, *surveys.MemberStore, surveys.Org) {
	t.Helper()
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, append(surveys.OrgIndexes(), surveys.MemberIndexes()...)); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	orgs := surveys.NewOrgStore(db, now)
	members := surveys.NewMemberStore(db, orgs, now)
	zb1 := surveys.Org{Name: "第一党支部", Code: "ZB1", Kind: surveys.OrgBranch}
	if err := orgs.Create(ctx, &zb1); err != nil {
		t.Fatal(err)
	}
	if err := members.Create(ctx, &surveys.Member{Name: "张建国", OrgID: zb1.ID, Title: "支部书记"}); err != nil {
		t.Fatal(err)
	}
	return orgs, members, zb1
}

// roster lists every stored member, for before/after comparisons.
func roster(t *testing.T, members *surveys.MemberStore) []surveys.Member {
	t.Helper()
	ms, _, err := members.List(t.Context(), surveys.MemberFilter{}, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestImportDryRun: a dry run answers what the import would do — the same
// counts and bad rows — and leaves the roster exactly as it was; the real
// import afterwards does what the dry run said.
func TestImportDryRun(t *testing.T) {
	rows := []surveys.RosterRow{
		{Row: 2, Name: "张建国", Org: "ZB1", Title: "支部书记"},       // unchanged
		{Row: 3, Name: "李秀英", Org: "第一党支部", Probationary: "是"}, // new
		{Row: 4, Name: "王志强", Org: "ZB1"},                      // new
	}
	bad := append(append([]surveys.RosterRow{}, rows...),
		surveys.RosterRow{Row: 5, Name: "", Org: "ZB1"},
		surveys.RosterRow{Row: 6, Name: "钱进", Org: "ZB9"},
		surveys.RosterRow{Row: 7, Name: "孙伟", Org: "ZB1", Probationary: "不是"},
		surveys.RosterRow{Row: 8, Name: "赵\u202e六", Org: "ZB1"},
		surveys.RosterRow{Row: 9, Name: "周七", Org: "ZB1", Title: "委员\x00"},
	)
	changed := []surveys.RosterRow{{Row: 2, Name: "张建国", Org: "ZB1", Title: "组织委员"}}
	for _, tc := range []struct {
		name    string
		rows    []surveys.RosterRow
		partial bool
		want    surveys.ImportResult
	}{
		{"clean", rows, false, surveys.ImportResult{Created: 2, Unchanged: 1, DryRun: true}},
		{"a change", changed, false, surveys.ImportResult{Updated: 1, DryRun: true}},
		{"bad rows, all or nothing", bad, false, surveys.ImportResult{Created: 2, Unchanged: 1, DryRun: true, Rejected: true,
			Errors: []surveys.RowError{{Row: 5, Message: "姓名为空"}, {Row: 6, Message: "所在支部“ZB9”不存在（请填写组织编码或全称）"},
				{Row: 7, Message: "预备党员一栏应填“是”或“否”，而不是“不是”"},
				{Row: 8, Message: "姓名含有不可见或控制字符，请删除后重试"}, {Row: 9, Message: "职务含有不可见或控制字符，请删除后重试"}}}},
		{"bad rows, partial", bad, true, surveys.ImportResult{Created: 2, Unchanged: 1, DryRun: true,
			Errors: []surveys.RowError{{Row: 5, Message: "姓名为空"}, {Row: 6, Message: "所在支部“ZB9”不存在（请填写组织编码或全称）"},
				{Row: 7, Message: "预备党员一栏应填“是”或“否”，而不是“不是”"},
				{Row: 8, Message: "姓名含有不可见或控制字符，请删除后重试"}, {Row: 9, Message: "职务含有不可见或控制字符，请删除后重试"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, members, _ := newRosterStores(t)
			ctx := t.Context()
			before := roster(t, members)
			got, err := members.ImportWith(ctx, tc.rows, surveys.ImportOptions{Partial: tc.partial, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want.Errors == nil {
				want.Errors = []surveys.RowError{}
			}
			if d := cmp.Diff(want, *got); d != "" {
				t.Errorf("dry run (-want +got):\n%s", d)
			}
			if d := cmp.Diff(before, roster(t, members)); d != "" {
				t.Fatalf("a dry run changed the roster (-before +after):\n%s", d)
			}
			// The import itself does what the dry run announced.
			real, err := members.ImportWith(ctx, tc.rows, surveys.ImportOptions{Partial: tc.partial})
			if tc.want.Rejected {
				if err == nil {
					t.Fatalf("the import the dry run called rejected stored %+v", real)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			real.DryRun = true
			if d := cmp.Diff(*got, *real); d != "" {
				t.Errorf("the import differs from its dry run (-dry +real):\n%s", d)
			}
			if n := len(roster(t, members)); n != len(before)+tc.want.Created {
				t.Errorf("%d members after the import, want %d", n, len(before)+tc.want.Created)
			}
		})
	}
}

// TestImportDryRunNothingToDo: an empty roster is refused on a dry run as
// on an import (a file-level error, not a result).
func TestImportDryRunNothingToDo(t *testing.T) {
	_, members, _ := newRosterStores(t)
	if _, err := members.ImportWith(t.Context(), nil, surveys.ImportOptions{DryRun: true}); err == nil || fmt.Sprint(err) == "" {
		t.Fatalf("an empty dry run: %v", err)
	}
}
