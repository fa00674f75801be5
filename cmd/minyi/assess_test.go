package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"minyi/feedback"
)

// TestAssessSettings: the 三率 settings come from the environment (or
// flags), a bad one stops the start naming its variable, and -h lists them.
func TestAssessSettings(t *testing.T) {
	var out bytes.Buffer
	for _, bad := range []map[string]string{
		{"MINYI_ASSESS_WEIGHTS": "0.5,0.5"},
		{"MINYI_ASSESS_ACCEPT_HOURS": "soon"},
		{"MINYI_ASSESS_PARTLY": "2"},
		{"MINYI_ASSESS_MIN_RATED": "-1"},
	} {
		bad["MINYI_DATA_DIR"] = t.TempDir()
		err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, func(k string) string { return bad[k] }, &out, &out)
		for k := range bad {
			if k != "MINYI_DATA_DIR" && (err == nil || !strings.Contains(err.Error(), k)) {
				t.Errorf("%v: %v", bad, err)
			}
		}
	}
	env := map[string]string{"MINYI_ASSESS_WEIGHTS": "1,1,2", "MINYI_ASSESS_ACCEPT_HOURS": "4", "MINYI_ASSESS_MIN_RATED": "3"}
	cfg, err := parseServe(nil, func(k string) string { return env[k] }, &out)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cfg.assessSettings()
	want := feedback.AssessSettings{Weights: feedback.AssessWeights{Response: 1, Resolution: 1, Satisfaction: 2},
		AcceptWithin: feedback.AcceptWithin{Hours: 4}, PartlyResolved: 0.5, MinRated: 3}
	if err != nil || st != want {
		t.Fatalf("settings %+v (%v), want %+v", st, err, want)
	}
	out.Reset()
	_, _ = parseServe([]string{"-h"}, func(string) string { return "" }, &out)
	for _, s := range []string{"$MINYI_ASSESS_WEIGHTS", "$MINYI_ASSESS_ACCEPT_HOURS", "$MINYI_ASSESS_PARTLY", "$MINYI_ASSESS_MIN_RATED"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("usage lacks %s", s)
		}
	}
}
