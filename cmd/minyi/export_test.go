package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestExportCommand: a survey answered through a running server is
// exported in the background into the store (nothing under the data
// directory's exports), and, with the
// server stopped, by `minyi export` into a file LibreOffice-grade readers
// can open; no progress bar is drawn on a pipe.
func TestExportCommand(t *testing.T) {
	dir, err := os.MkdirTemp("", "minyi-export-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := start(t, dir)
	call := func(method, path string, body any, want int) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
		var v map[string]any
		_ = json.Unmarshal(data, &v)
		return v
	}
	org := call("POST", "/api/v1/orgs", map[string]any{"name": "第一党支部", "code": "ZB1", "kind": "branch"}, 201)["id"].(string)
	sv := call("POST", "/api/v1/surveys", map[string]any{
		"title": "2026年度满意度测评", "kind": "satisfaction",
		"subjects":     []map[string]string{{"type": "org", "id": org}},
		"rater_groups": []map[string]any{{"key": "masses", "name": "群众", "weight": 1}},
		"access":       map[string]any{"mode": "public"},
		"questions": []map[string]any{{"key": "q1", "type": "single", "title": "服务群众", "required": true, "per_subject": true,
			"options": []map[string]any{{"key": "a", "label": "满意", "score": 100, "satisfied": true}, {"key": "b", "label": "不满意", "score": 0}}}},
		"rules": map[string]any{"quotas": []any{}}, "scoring": map[string]any{},
	}, 201)["id"].(string)
	slug := call("POST", "/api/v1/surveys/"+sv+"/publish", nil, 200)["slug"].(string)
	for i, o := range []string{"a", "a", "b"} {
		req, _ := http.NewRequest("POST", s.base+"/api/v1/public/surveys/"+slug+"/ballots", strings.NewReader(fmt.Sprintf(
			`{"submission_id": "cli-%04d", "rater_group": "masses", "answers": [{"question": "q1", "subject": %q, "option": %q}]}`, i, org, o)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("ballot %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	job := call("POST", "/api/v1/exports", map[string]any{"kind": "ballots", "survey_id": sv}, 202)["id"].(string)
	deadline := time.Now().Add(time.Minute)
	for call("GET", "/api/v1/exports/"+job, nil, 200)["status"] != "done" {
		if time.Now().After(deadline) {
			t.Fatal("background export never finished")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The file is kept in the store, not on the instance's disk.
	req, _ := http.NewRequest("GET", s.base+"/api/v1/exports/"+job+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	file, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export file: %d %v", resp.StatusCode, err)
	}
	if bf, err := excelize.OpenReader(bytes.NewReader(file)); err != nil {
		t.Errorf("export file is no workbook: %v", err)
	} else {
		bf.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, "exports")); !os.IsNotExist(err) {
		t.Errorf("<data-dir>/exports exists (%v): export files belong in the store", err)
	}
	s.stop(t)

	out := filepath.Join(dir, "测评结果.xlsx")
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"export", "-data-dir", dir, "-log-level", "error", "--survey", sv, "-o", out},
		func(string) string { return "" }, &stdout, &stderr)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote "+out) || strings.Contains(stdout.String(), "[#") {
		t.Errorf("stdout %q: want the summary line and no progress bar on a pipe", stdout.String())
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "汇总,支部排名,题目分布,意见建议,原始答卷" {
		t.Errorf("sheets %s", got)
	}
	// One branch, three masses ballots a a b: (100 + 100 + 0) ÷ 3 = 66.67.
	if v, _ := f.GetCellValue("支部排名", "C3"); v != "66.67" {
		t.Errorf("score %q, want 66.67", v)
	}
	if _, err := os.Stat(out + ".part"); !os.IsNotExist(err) {
		t.Errorf("partial file left behind: %v", err)
	}
	if err := run(context.Background(), []string{"export", "-data-dir", dir, "--survey", "nope", "-o", out}, func(string) string { return "" }, &stdout, &stderr); err == nil {
		t.Error("export of an unknown survey succeeded")
	}
}

// TestProgressBar draws on a terminal-like writer only.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := &progressBar{w: &buf, tty: true}
	p.update(50, 200)
	p.update(200, 200)
	p.finish()
	if !strings.Contains(buf.String(), "[#######.......................]  25%  50/200 份") || !strings.Contains(buf.String(), " 100%  200/200 份\n") {
		t.Errorf("bar %q", buf.String())
	}
	if isTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}
