package exports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"minyi/exports"
)

// libreOffice converts workbook data (file name base) to CSV with
// LibreOffice headless, every sheet in UTF-8, and returns a reader of one
// sheet's rows: a workbook LibreOffice cannot open fails here. Without
// soffice the test is skipped on a workstation and fails in CI (CI=true).
func libreOffice(t *testing.T, base string, data []byte) func(sheet string) [][]string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice is not installed (apt-get install -y libreoffice-calc-nogui)")
		}
		t.Skip("soffice is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, base+".xlsx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// A private profile: a second soffice (another test, a person) must not
	// make this one hand its work over and exit.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
		"--outdir", out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	return func(sheet string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join(out, base+"-"+sheet+".csv"))
		if err != nil {
			ents, _ := os.ReadDir(out)
			t.Fatalf("LibreOffice did not convert sheet %s (%v); files %v; output %s", sheet, err, ents, msg)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
}

// TestLibreOfficeOpensScorecard checks what LibreOffice reads of a
// generated scorecard.
func TestLibreOfficeOpensScorecard(t *testing.T) {
	_, _, data := writeFixture(t, "2026年民主评议党员", 0)
	read := libreOffice(t, "scorecard", data)
	find := func(rows [][]string, first string) []string {
		for _, r := range rows {
			if len(r) > 1 && r[1] == first {
				return r
			}
		}
		t.Fatalf("no row %q in %q", first, rows)
		return nil
	}
	// The recipe's CSV holds raw values (token 9 false): 94.00 reads 94;
	// a percentage keeps its sign.
	members := read("党员测评")
	for name, want := range map[string]string{"张一": "1|张一|一支部|94|1|优秀", "李二": "2|李二|一支部|40|0.5|不合格"} {
		r := find(members, name)
		got := append([]string{}, r[:6]...)
		if p, ok := strings.CutSuffix(got[4], "%"); ok {
			v, _ := strconv.ParseFloat(p, 64)
			got[4] = strconv.FormatFloat(v/100, 'f', -1, 64)
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("%s reads %q in LibreOffice, want %q", name, g, want)
		}
	}
	comments := read("意见建议")
	texts := map[string]bool{}
	for _, r := range comments {
		if len(r) > 4 {
			texts[r[4]] = true
		}
	}
	// LibreOffice shows the resident's text as typed, not a computed value.
	for _, d := range dangerous[:3] {
		if !texts[d] {
			t.Errorf("comment %q not read back as text; got %q", d, comments)
		}
	}
	for _, sheet := range []string{"汇总", "题目分布", "原始答卷"} {
		if rows := read(sheet); len(rows) < 3 {
			t.Errorf("sheet %s: %d rows", sheet, len(rows))
		}
	}
}

// TestLibreOfficeOpensRosterTemplate: the roster template opens in
// LibreOffice with the importer's header and every org's code.
func TestLibreOfficeOpensRosterTemplate(t *testing.T) {
	var buf bytes.Buffer
	orgs := []exports.RosterOrg{{Code: "JD", Name: "某街道党工委", Kind: "党委"}, {Code: "ZB1", Name: "第一党支部", Kind: "党支部", Parent: "某街道党工委"}}
	if err := exports.WriteRosterTemplate(&buf, orgs); err != nil {
		t.Fatal(err)
	}
	read := libreOffice(t, "roster", buf.Bytes())
	if rows := read(exports.RosterSheet); len(rows) == 0 || strings.Join(rows[0][:4], "|") != "姓名|所在支部|职务|预备党员" {
		t.Errorf("名册 header in LibreOffice: %q", rows)
	}
	codes := map[string]bool{}
	for _, r := range read(exports.RosterOrgsSheet) {
		if len(r) > 0 {
			codes[r[0]] = true
		}
	}
	if !codes["JD"] || !codes["ZB1"] {
		t.Errorf("组织编码 in LibreOffice lacks the codes: %v", codes)
	}
	if rows := read(exports.RosterHelpSheet); len(rows) < 4 {
		t.Errorf("填写说明: %d rows", len(rows))
	}
}
