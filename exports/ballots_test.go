package exports_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/surveys"
)

// TestRawBallotsSplit: with a limit of 10 rows a sheet (title, header and
// 8 ballots), 25 ballots fill 原始答卷, 原始答卷(2), (3) and 1 row of (4),
// each with its own title and header, in order.
func TestRawBallotsSplit(t *testing.T) {
	s := scoreSurvey("分表测试")
	var bs []surveys.Ballot
	for i := range 25 {
		bs = append(bs, surveys.Ballot{ID: fmt.Sprintf("B%02d", i), Channel: "web", RaterGroup: "masses", Valid: true,
			CreatedAt: genAt, Answers: []surveys.Answer{single("m1", "q1", "a")}})
	}
	var buf bytes.Buffer
	var progress []int64
	err := exports.WriteBallots(t.Context(), &buf, exports.BallotsWorkbook{
		Survey: s, Ballots: each(bs), MaxRows: 10, Progress: func(n int64) { progress = append(progress, n) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"原始答卷", "原始答卷(2)", "原始答卷(3)", "原始答卷(4)"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	next := 0
	for i, sheet := range want {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		wantRows := 10
		if i == 3 {
			wantRows = 3
		}
		if len(rows) != wantRows {
			t.Errorf("%s: %d rows, want %d", sheet, len(rows), wantRows)
		}
		if rows[1][0] != "答卷编号" || !strings.HasPrefix(rows[0][0], "分表测试") {
			t.Errorf("%s: title %q header %q", sheet, rows[0][0], rows[1][0])
		}
		for _, rr := range rows[2:] {
			if rr[0] != fmt.Sprintf("B%02d", next) {
				t.Errorf("%s: ballot %s, want B%02d", sheet, rr[0], next)
			}
			next++
		}
	}
	if next != 25 {
		t.Errorf("%d ballots written, want 25", next)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 25 {
		t.Errorf("progress %v, want it to end at 25", progress)
	}
}

// bigBallots yields n ballots with a 20,000-character comment each: past
// excelize's 16 MiB in-memory chunk the streamed sheets go to temp files.
// at is called before each ballot; fail, when set, is returned instead of
// the last ballot.
func bigBallots(n int, fail error, at func(i int)) func(func(*surveys.Ballot) error) error {
	text := strings.Repeat("意见", 10000)
	return func(fn func(*surveys.Ballot) error) error {
		for i := range n {
			at(i)
			if fail != nil && i == n-1 {
				return fail
			}
			b := surveys.Ballot{ID: fmt.Sprintf("B%05d", i), Channel: "web", RaterGroup: "masses", Valid: true, CreatedAt: genAt,
				Answers: []surveys.Answer{single("m1", "q1", "a"), {Question: "q4", Text: text}}}
			if err := fn(&b); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestTempFilesRemoved: the streamed sheets' temporary files are gone
// after a success, a failing ballot source and a cancelled export.
func TestTempFilesRemoved(t *testing.T) {
	s, _, r, _ := fixture("临时文件")
	boom := errors.New("cursor broke")
	for _, tc := range []struct {
		name   string
		fail   error
		cancel bool
		want   error
	}{
		{"ok", nil, false, nil},
		{"source fails", boom, false, boom},
		{"cancelled", nil, true, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			sawTemp := false
			const n = 500
			at := func(i int) {
				if i == n-2 {
					ents, _ := os.ReadDir(dir)
					sawTemp = len(ents) > 0
					if tc.cancel {
						cancel()
					}
				}
			}
			var w countingWriter
			err := exports.WriteScorecard(ctx, &w, exports.Scorecard{
				Survey: s, Results: r, Now: genAt, Ballots: bigBallots(n, tc.fail, at), RawBallots: true, TmpDir: dir,
			})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if !sawTemp {
				t.Fatalf("no temporary file was made: the test does not test anything")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("left %d temporary files behind", len(ents))
			}
			if tc.want != nil && w.n > 0 {
				t.Errorf("wrote %d bytes of a failed workbook", w.n)
			}
		})
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
