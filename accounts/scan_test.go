package accounts_test

import (
	"fmt"
	"testing"
	"time"

	"minyi/accounts"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
)

// TestAuditDoesNotScan fails when writing or listing the audit log (newest
// first, each filter, the next page) sends a query the embedded store
// answers by scanning the log; the list is also checked against the log.
func TestAuditDoesNotScan(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, accounts.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	s := accounts.NewStore(db, secret.New("k"), clk.now).WithArgon2(cheap)
	scans := storetest.WatchScans(t, db)
	var all []string
	for i := range 40 {
		clk.t = clk.t.Add(7 * time.Hour)
		e := &accounts.AuditEntry{Actor: fmt.Sprintf("u%d", i%3), Action: []string{"a.x", "a.y"}[i%2], ObjectID: fmt.Sprintf("o%d", i%4)}
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
		all = append(all, e.ID)
	}
	var got []string
	after := ""
	for {
		page, next, err := s.ListAudit(ctx, accounts.AuditFilter{After: after, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			got = append(got, e.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	if len(got) != len(all) {
		t.Fatalf("listed %d of %d entries", len(got), len(all))
	}
	for i := range got {
		if got[i] != all[len(all)-1-i] {
			t.Fatalf("entry %d: %s, want %s (newest first)", i, got[i], all[len(all)-1-i])
		}
	}
	for _, f := range []accounts.AuditFilter{{Actor: "u1", Limit: 5}, {Action: "a.y", Limit: 5}, {ObjectID: "o2", Limit: 50}} {
		page, _, err := s.ListAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			if f.Actor != "" && e.Actor != f.Actor || f.Action != "" && e.Action != f.Action || f.ObjectID != "" && e.ObjectID != f.ObjectID {
				t.Fatalf("filter %+v listed %+v", f, e)
			}
		}
		if f.ObjectID == "o2" && len(page) != 10 {
			t.Fatalf("object o2: %d entries, want 10", len(page))
		}
	}
	for _, sc := range scans.Scans() {
		t.Errorf("scan: %s", sc)
	}
}
