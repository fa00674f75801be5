package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestScaleBenchSmall runs the scale bench on a small street, with the
// year's work orders imported: it seeds, measures and reports every page
// and write, and leaves nothing running (TestMain's leak check).
func TestScaleBenchSmall(t *testing.T) {
	var out bytes.Buffer
	args := []string{"-branches", "5", "-members", "60", "-orders", "400", "-ballots", "200", "-small-ballots", "100",
		"-clients", "8", "-samples", "2", "-data-dir", t.TempDir()}
	if err := scaleMain(t.Context(), args, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []string{"400 work orders", "operator queue page", "write: an event", "raw insertMany in batches of 8", "results after 1,000 new ballots"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}
