package reports_test

import (
	"os"
	"path/filepath"
	"testing"

	"minyi/reports"
	"minyi/store/storetest"
)

// TestExportDirPrivate: the export directory is made 0700 (export files,
// created 0600, hold personal data), also when it existed world-readable.
func TestExportDirPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := reports.NewRunner(storetest.DB(t), &reports.Source{}, reports.RunnerConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("export directory %v, %v; want 0700", fi.Mode().Perm(), err)
	}
}
