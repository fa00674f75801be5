package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"minyi/reports"
)

// exportDir is where background exports are written: -export-dir, or
// "exports" under the data directory.
func (c *config) exportDir() string {
	if c.ExportDir != "" {
		return c.ExportDir
	}
	return filepath.Join(c.DataDir, "exports")
}

// exportMain runs `minyi export --survey ID -o file.xlsx`: the scorecard
// (or, with -kind ballots, the raw ballots) written straight from the
// store, with a progress bar when stdout is a terminal. The workbook is
// written to file.xlsx.part and renamed when complete, so a cut-off run
// never leaves a file that looks finished.
func exportMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("minyi export", getenv, stderr, &cfg)
	surveyID := fs.String("survey", "", "survey id (required)")
	out := fs.String("o", "", "output file, e.g. 测评结果.xlsx (required)")
	kind := fs.String("kind", reports.KindSurveyReport, "survey_report (the scorecard) or ballots (原始答卷 only)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *surveyID == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: minyi export --survey ID -o file.xlsx [-kind survey_report|ballots] [store flags]")
		return errUsage
	}
	if err := reports.CheckKind(*kind); err != nil {
		fmt.Fprintf(stderr, "minyi export: -kind %q: want survey_report or ballots\n", *kind)
		return errUsage
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	a, closeApp, err := openCommand(ctx, cfg, log, "first, or use the 后台导出 of the results page")
	if err != nil {
		return err
	}
	defer closeApp()
	src := a.app.Exports.Source()
	sv, err := src.Surveys.Get(ctx, *surveyID)
	if err != nil {
		return describe(err)
	}
	// The command line is the operator of the machine: it sees everything.
	req := reports.Request{Kind: *kind, SurveyID: sv.ID, Texts: true, Raw: true}
	part := *out + ".part"
	f, err := os.Create(part)
	if err != nil {
		return err
	}
	bar := newProgressBar(stdout)
	err = src.Write(ctx, f, sv, req, bar.update)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, *out)
	}
	if err != nil {
		_ = os.Remove(part)
		bar.abort()
		return describe(err)
	}
	bar.finish()
	fmt.Fprintf(stdout, "wrote %s (%s, %d ballots)\n", *out, sv.Title, bar.done)
	return nil
}

// progressBar draws "[#####.....]  50%  12000/24000 份" on one terminal
// line; on anything else (a pipe, a log file) it stays silent.
type progressBar struct {
	w     io.Writer
	tty   bool
	done  int64
	last  string
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

const barWidth = 30

func (p *progressBar) update(done, total int64) {
	p.done = done
	if !p.tty {
		return
	}
	pct := int64(100)
	if total > 0 {
		pct = min(done*100/total, 100)
	}
	fill := int(pct) * barWidth / 100
	line := fmt.Sprintf("\r[%s%s] %3d%%  %d/%d 份", strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), pct, done, total)
	if line == p.last {
		return
	}
	p.last, p.drawn = line, true
	fmt.Fprint(p.w, line)
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func (p *progressBar) abort() { p.finish() }
