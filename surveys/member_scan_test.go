package surveys_test

import (
	"fmt"
	"testing"
	"time"

	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

// TestMemberListsDoNotScan: once the roster is loaded, lists by subtree
// and name, InOrgs and ByIDs send no query the embedded store answers by
// scanning; a change (here a new member) is seen by the next list.
func TestMemberListsDoNotScan(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, append(surveys.OrgIndexes(), surveys.MemberIndexes()...)); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	orgs := surveys.NewOrgStore(db, now)
	members := surveys.NewMemberStore(db, orgs, now)
	var branches []string
	for i := range 3 {
		o := surveys.Org{Name: fmt.Sprintf("第%d党支部", i+1), Code: fmt.Sprintf("ZB%d", i+1), Kind: surveys.OrgBranch}
		if err := orgs.Create(ctx, &o); err != nil {
			t.Fatal(err)
		}
		branches = append(branches, o.ID)
	}
	for i := range 30 {
		if err := members.Create(ctx, &surveys.Member{Name: fmt.Sprintf("党员%02d", i), OrgID: branches[i%3]}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := members.List(ctx, surveys.MemberFilter{}, "", 1); err != nil { // loads the roster
		t.Fatal(err)
	}
	scans := storetest.WatchScans(t, db)
	page, next, err := members.List(ctx, surveys.MemberFilter{OrgIDs: branches[:1]}, "", 4)
	if err != nil || len(page) != 4 || next == "" {
		t.Fatalf("page %d, next %q, %v", len(page), next, err)
	}
	rest, next, err := members.List(ctx, surveys.MemberFilter{OrgIDs: branches[:1]}, next, 100)
	if err != nil || len(rest) != 6 || next != "" {
		t.Fatalf("rest %d, next %q, %v", len(rest), next, err)
	}
	if got, _, _ := members.List(ctx, surveys.MemberFilter{Query: "员1"}, "", 100); len(got) != 10 {
		t.Fatalf("name search: %d, want 10", len(got))
	}
	if in, _ := members.InOrgs(ctx, branches[1:]); len(in) != 20 {
		t.Fatalf("InOrgs: %d", len(in))
	}
	if by, _ := members.ByIDs(ctx, []string{page[0].ID, "nope"}); len(by) != 1 {
		t.Fatalf("ByIDs: %v", by)
	}
	for _, sc := range scans.Scans() {
		t.Errorf("scan: %s", sc)
	}
	if err := members.Create(ctx, &surveys.Member{Name: "新党员", OrgID: branches[0]}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := members.List(ctx, surveys.MemberFilter{Query: "新党员"}, "", 10); len(got) != 1 {
		t.Fatalf("the new member is not listed: %v", got)
	}
}
