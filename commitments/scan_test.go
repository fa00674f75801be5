package commitments_test

import (
	"context"
	"os"
	"testing"
	"time"

	"minyi"
	"minyi/commitments"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

// TestPathsDoNotScan fails when a commitment path starts sending a query
// the embedded store answers by scanning a collection that grows: it
// enters, reviews and delivers commitments, then records every command of
// the lists, the ledger, the public list, the overdue set and a detail.
// The org tree and the roster are small reference data, read whole.
func TestPathsDoNotScan(t *testing.T) {
	db := storetest.DB(t)
	now := func() time.Time { return time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) }
	orgs := surveys.NewOrgStore(db, now)
	members := surveys.NewMemberStore(db, orgs, now)
	admin := minyi.WithPrincipal(t.Context(), &minyi.Principal{UserID: "u-admin", Login: "admin", Name: "管理员", Role: minyi.RoleAdmin})
	reviewer := minyi.WithPrincipal(t.Context(), &minyi.Principal{UserID: "u-2", Login: "admin2", Name: "审核人", Role: minyi.RoleAdmin})
	root := &surveys.Org{Name: "社区党委", Code: "DW", Kind: surveys.OrgCommittee}
	if err := orgs.Create(admin, root); err != nil {
		t.Fatal(err)
	}
	branch := &surveys.Org{Name: "第一党支部", Code: "ZB1", Kind: surveys.OrgBranch, ParentID: root.ID}
	if err := orgs.Create(admin, branch); err != nil {
		t.Fatal(err)
	}
	m := &surveys.Member{Name: "张三", OrgID: branch.ID}
	if err := members.Create(admin, m); err != nil {
		t.Fatal(err)
	}
	s := commitments.NewService(commitments.NewStore(db, now), orgs, members, nil, nil, minyi.NoAudit{}, now)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	scans := storetest.WatchScans(t, db)
	var ids []string
	for i, due := range []string{"2026-06-30", "2026-10-31", "2026-12-31"} {
		c, err := s.Create(admin, commitments.Input{OwnerType: commitments.OwnerMember, OwnerID: m.ID, Period: "2026",
			Content: commitments.Content{Area: commitments.AreaService, Content: "上门服务", Target: "每月 4 户", Due: due, Responsible: "张三"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		must(s.Submit(admin, c.ID))
		must(s.Review(reviewer, c.ID, commitments.EventApprove, ""))
		if i == 0 {
			must(s.SetOutcome(admin, c.ID, commitments.OutcomeFulfilled, ""))
		}
	}
	must(s.List(admin, commitments.Query{OrgID: branch.ID, Period: "2026"}))
	must(s.Ledger(admin, root.ID, "2026"))
	must(s.Public(context.Background(), branch.ID, "2026"))
	must(s.Get(admin, ids[1]))
	figs, err := s.ByOwner(t.Context(), root.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, surveys.ChinaTime), time.Date(2027, 1, 1, 0, 0, 0, 0, surveys.ChinaTime))
	// Due 2026-06-30 (fulfilled) and 2026-10-31 (overdue): (1 + 0) ÷ 2 = 0.5.
	if err != nil || figs[m.ID].Due != 2 || figs[m.ID].FulfilledRate.Value != 0.5 {
		t.Fatalf("by owner %+v %v", figs, err)
	}
	overdue, err := s.Overdue(admin)
	if err != nil || len(overdue) != 1 || overdue[0].ID != ids[1] {
		t.Fatalf("overdue %+v %v", overdue, err)
	}
	for _, sc := range scans.Scans("orgs", "members") {
		t.Errorf("scan: %s", sc)
	}
}
