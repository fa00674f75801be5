package reports_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
	"minyi/reports"
	"minyi/store"
	"minyi/store/storetest"
	"minyi/surveys"
)

func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }

// clock is a settable now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestJanitorAndLifecycle: jobs left running by a previous process fail at
// Start; a job that is not done answers 409; the janitor removes jobs and
// files older than a day (and orphan files), nothing younger.
func TestJanitorAndLifecycle(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, reports.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	r, err := reports.NewRunner(db, &reports.Source{}, reports.RunnerConfig{Dir: dir, Now: clk.now, Sweep: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	coll := db.Collection("exports")
	insert := func(id, status string, created time.Time) {
		t.Helper()
		if _, err := coll.InsertOne(t.Context(), reports.Job{ID: id, Kind: reports.KindSurveyReport, Status: status, CreatedAt: created}); err != nil {
			t.Fatal(err)
		}
		if status == reports.StatusDone {
			if err := os.WriteFile(filepath.Join(dir, id+".xlsx"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert("stale", reports.StatusRunning, clk.t.Add(-time.Hour))
	insert("old", reports.StatusDone, clk.t.Add(-25*time.Hour))
	insert("young", reports.StatusDone, clk.t.Add(-23*time.Hour))
	orphan := filepath.Join(dir, "gone.xlsx")
	if err := os.WriteFile(orphan, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	past := clk.t.Add(-48 * time.Hour)
	if err := os.Chtimes(orphan, past, past); err != nil {
		t.Fatal(err)
	}

	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	stale, err := r.Get(t.Context(), "stale")
	if err != nil || stale.Status != reports.StatusFailed || !strings.Contains(stale.Error, "服务重启") {
		t.Fatalf("stale job %+v (%v), want failed by the restart", stale, err)
	}
	if _, err := r.Open(stale); !errors.Is(err, minyi.ErrConflict) {
		t.Errorf("open a failed job: %v, want a conflict", err)
	}
	if _, err := r.Open(&reports.Job{ID: "x", Status: reports.StatusRunning}); !errors.Is(err, minyi.ErrConflict) {
		t.Errorf("open a running job: %v, want 409 export_not_ready", err)
	}

	n, err := r.Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("swept %d jobs, want 1 (old)", n)
	}
	if _, err := r.Get(t.Context(), "old"); !errors.Is(err, minyi.ErrNotFound) {
		t.Errorf("old job still there: %v", err)
	}
	for _, f := range []string{"old.xlsx", "gone.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s not removed: %v", f, err)
		}
	}
	young, err := r.Get(t.Context(), "young")
	if err != nil {
		t.Fatal(err)
	}
	if f, err := r.Open(young); err != nil {
		t.Errorf("young job's file: %v", err)
	} else {
		f.Close()
	}
	// A day later the young job goes too; its file with it.
	clk.t = clk.t.Add(2 * time.Hour)
	if n, err := r.Sweep(t.Context()); err != nil || n != 1 {
		t.Errorf("second sweep: %d %v, want 1 (young)", n, err)
	}
	left, err := coll.CountDocuments(t.Context(), bson.D{})
	if err != nil || left != 1 { // the stale job, failed an hour before the first sweep
		t.Errorf("%d jobs left (%v), want 1", left, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left: %v", ents)
	}
}

// TestFileName: the Chinese name carries title, content and date; the
// ASCII fallback is plain; filename* is RFC 5987 percent-encoding.
func TestFileName(t *testing.T) {
	sv := &surveys.Survey{ID: "sv_01", Title: `2026年"党员"评议/第1批`}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	name, ascii := reports.FileName(sv, reports.KindSurveyReport, at)
	if name != "2026年_党员_评议_第1批-测评结果-20261125.xlsx" || ascii != "survey-sv_01-survey-report-20261125.xlsx" {
		t.Errorf("names %q %q", name, ascii)
	}
	cd := reports.ContentDisposition("测评 (1)'.xlsx", ascii)
	want := `attachment; filename="survey-sv_01-survey-report-20261125.xlsx"; filename*=UTF-8''%E6%B5%8B%E8%AF%84%20%281%29%27.xlsx`
	if cd != want {
		t.Errorf("disposition %s\nwant        %s", cd, want)
	}
	if got, err := reports.DecodeDisposition(cd); err != nil || got != "测评 (1)'.xlsx" {
		t.Errorf("decoded %q %v", got, err)
	}
}
