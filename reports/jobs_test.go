package reports_test

import (
	"errors"
	"fmt"
	"io"
	"os"
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

// TestJanitorAndLifecycle: a restart fails only the unfinished jobs whose
// heartbeat stopped (another live instance's jobs run on); a job that is
// not done answers 409; the janitor removes jobs older than a day with
// their chunks, nothing younger.
func TestJanitorAndLifecycle(t *testing.T) {
	db := storetest.DB(t)
	if err := store.EnsureIndexes(t.Context(), db, reports.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	r, err := reports.NewRunner(db, &reports.Source{}, reports.RunnerConfig{Now: clk.now, Sweep: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	coll, chunks := db.Collection("exports"), db.Collection("export_chunks")
	insert := func(id, status string, created, beat time.Time, nchunks int) {
		t.Helper()
		j := reports.Job{ID: id, Kind: reports.KindSurveyReport, Status: status, CreatedAt: created, UpdatedAt: beat, Chunks: nchunks}
		if _, err := coll.InsertOne(t.Context(), j); err != nil {
			t.Fatal(err)
		}
		for n := range nchunks {
			if _, err := chunks.InsertOne(t.Context(), bson.D{{Key: "_id", Value: fmt.Sprintf("%s:%d", id, n)}, {Key: "job", Value: id}, {Key: "data", Value: []byte("xy")}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	chunksOf := func(id string) int64 {
		t.Helper()
		n, err := chunks.CountDocuments(t.Context(), bson.D{{Key: "job", Value: id}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert("stale", reports.StatusRunning, clk.t.Add(-time.Hour), clk.t.Add(-10*time.Minute), 2) // its instance died mid-write
	insert("legacy", reports.StatusQueued, clk.t.Add(-time.Hour), time.Time{}, 0)                // from before heartbeats
	insert("live", reports.StatusRunning, clk.t.Add(-time.Hour), clk.t.Add(-30*time.Second), 1)  // another instance's, running
	insert("old", reports.StatusDone, clk.t.Add(-25*time.Hour), clk.t.Add(-25*time.Hour), 3)
	insert("young", reports.StatusDone, clk.t.Add(-23*time.Hour), clk.t.Add(-23*time.Hour), 2)

	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"stale", "legacy"} {
		j, err := r.Get(t.Context(), id)
		if err != nil || j.Status != reports.StatusFailed || !strings.Contains(j.Error, "服务重启") {
			t.Fatalf("%s job %+v (%v), want failed by the restart", id, j, err)
		}
		if _, err := r.Reader(t.Context(), j); !errors.Is(err, minyi.ErrConflict) {
			t.Errorf("open a failed job: %v, want a conflict", err)
		}
	}
	if n := chunksOf("stale"); n != 0 {
		t.Errorf("stale job kept %d chunks", n)
	}
	live, err := r.Get(t.Context(), "live")
	if err != nil || live.Status != reports.StatusRunning || chunksOf("live") != 1 {
		t.Fatalf("live instance's job %+v (%v): want it left running with its chunk", live, err)
	}
	if _, err := r.Reader(t.Context(), live); !errors.Is(err, minyi.ErrConflict) {
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
	if n := chunksOf("old"); n != 0 {
		t.Errorf("old job's %d chunks left", n)
	}
	young, err := r.Get(t.Context(), "young")
	if err != nil {
		t.Fatal(err)
	}
	if f, err := r.Reader(t.Context(), young); err != nil {
		t.Errorf("young job's file: %v", err)
	} else if b, err := io.ReadAll(f); err != nil || string(b) != "xyxy" {
		t.Errorf("young job's file %q %v, want its two chunks", b, err)
	}
	// A chunk gone under a job that claims it: 410, not a short file.
	if _, err := r.Reader(t.Context(), &reports.Job{ID: "old", Status: reports.StatusDone, Chunks: 3}); !errors.Is(err, minyi.ErrGone) {
		t.Errorf("open a swept job: %v, want 410 export_expired", err)
	}
	// A day later the young job goes too, with its chunks; the live job,
	// whose instance stopped beating meanwhile, is failed.
	clk.t = clk.t.Add(2 * time.Hour)
	if n, err := r.Sweep(t.Context()); err != nil || n != 1 {
		t.Errorf("second sweep: %d %v, want 1 (young)", n, err)
	}
	if n := chunksOf("young") + chunksOf("live"); n != 0 {
		t.Errorf("%d chunks left", n)
	}
	if j, err := r.Get(t.Context(), "live"); err != nil || j.Status != reports.StatusFailed {
		t.Errorf("live job after its instance stopped: %+v %v, want failed", j, err)
	}
	left, err := coll.CountDocuments(t.Context(), bson.D{})
	if err != nil || left != 3 { // stale, legacy and live, failed within the day
		t.Errorf("%d jobs left (%v), want 3", left, err)
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
