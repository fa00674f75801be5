package surveys_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"minyi"
	"minyi/secret"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestNormalizeAndFormatCode(t *testing.T) {
	for in, want := range map[string]string{
		"abcd-efgh-jk":     "ABCDEFGHJK",
		" ABCD EFGH JK ":   "ABCDEFGHJK",
		"abcd－efgh—jk":     "ABCDEFGHJK",
		"ABCD\u3000EFGHJK": "ABCDEFGHJK",
	} {
		if got := surveys.NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := surveys.FormatCode("ABCDEFGHJK"); got != "ABCD-EFGH-JK" {
		t.Errorf("FormatCode = %q", got)
	}
}

func TestCodeStore(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	if err := store.EnsureIndexes(ctx, db, surveys.CodeIndexes()); err != nil {
		t.Fatal(err)
	}
	keys := secret.New("test-key")
	cs := surveys.NewCodeStore(db, keys, func() time.Time { return t0 })
	sv := &surveys.Survey{ID: "s1", Access: surveys.Access{Mode: surveys.AccessCode}, Status: surveys.StatusPublished,
		RaterGroups: []surveys.RaterGroup{{Key: "members", Name: "党员", Weight: 1}, {Key: "masses", Name: "群众", Weight: 1}}}
	other := &surveys.Survey{ID: "s2", Access: surveys.Access{Mode: surveys.AccessCode}, RaterGroups: sv.RaterGroups}

	masses, err := cs.Issue(ctx, sv, "masses", 300)
	if err != nil {
		t.Fatal(err)
	}
	members, err := cs.Issue(ctx, sv, "members", 2)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := cs.Issue(ctx, other, "masses", 1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range append(append([]string{}, masses...), members...) {
		if len(c) != surveys.CodeLength || strings.Trim(c, surveys.CodeAlphabet) != "" || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
	}

	// Lookup takes the code as a person types it.
	typed := strings.ToLower(surveys.FormatCode(masses[7]))
	c, err := cs.Lookup(ctx, "s1", typed)
	if err != nil {
		t.Fatal(err)
	}
	if c.SurveyID != "s1" || c.RaterGroup != "masses" || c.Used || c.Hash != keys.Hash("ballot-code", masses[7]) {
		t.Fatalf("lookup %+v", c)
	}
	// The database holds neither the code nor anything that reveals it
	// without the key.
	if strings.Contains(c.Sealed, masses[7]) || strings.Contains(c.Hash, masses[7]) {
		t.Fatal("code stored in clear")
	}
	for _, bad := range []string{foreign[0], "ABCDEFGHJ", "0000000000", "", masses[7] + "2"} {
		if _, err := cs.Lookup(ctx, "s1", bad); !errors.Is(err, minyi.ErrNotFound) {
			t.Errorf("Lookup(%q) = %v, want code_unknown", bad, err)
		}
	}

	if err := cs.MarkUsed(ctx, []string{c.Hash, keys.Hash("ballot-code", members[0])}); err != nil {
		t.Fatal(err)
	}
	counts, err := cs.Counts(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]surveys.CodeCount{"masses": {Issued: 300, Used: 1}, "members": {Issued: 2, Used: 1}}
	if len(counts) != 2 || counts["masses"] != want["masses"] || counts["members"] != want["members"] {
		t.Fatalf("counts %+v, want %+v", counts, want)
	}

	// Reprinting opens the sealed copies; used codes are left out.
	unused, err := cs.Reveal(ctx, "s1", "members", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(unused) != 1 || unused[0].Code != members[1] {
		t.Fatalf("reveal %+v, want only %s", unused, members[1])
	}
	all, err := cs.Reveal(ctx, "s1", "", false)
	if err != nil || len(all) != 302 {
		t.Fatalf("reveal all: %d codes, %v", len(all), err)
	}

	for _, tc := range []struct {
		name  string
		sv    *surveys.Survey
		group string
		count int
		kind  error
	}{
		{"public survey", &surveys.Survey{ID: "p", Access: surveys.Access{Mode: surveys.AccessPublic}, RaterGroups: sv.RaterGroups}, "masses", 1, minyi.ErrConflict},
		{"closed survey", &surveys.Survey{ID: "c", Status: surveys.StatusClosed, Access: sv.Access, RaterGroups: sv.RaterGroups}, "masses", 1, minyi.ErrConflict},
		{"unknown group", sv, "cadres", 1, minyi.ErrInvalid},
		{"zero", sv, "masses", 0, minyi.ErrInvalid},
		{"too many", sv, "masses", surveys.MaxCodesBatch + 1, minyi.ErrInvalid},
	} {
		if _, err := cs.Issue(ctx, tc.sv, tc.group, tc.count); !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
		}
	}
}
