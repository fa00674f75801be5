package api_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRosterImportBomb: a roster whose zip declares a 4 GiB sheet is
// refused with 422 and a Chinese message naming the file, before anything
// is allocated for it.
func TestRosterImportBomb(t *testing.T) {
	e := newEnv(t)
	src := workbook(t, [][]string{{"姓名", "所在支部"}, {"张三", "DZB01"}})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			h := f.FileHeader
			h.UncompressedSize64 = 4 << 30
			raw, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			w, err := zw.CreateRaw(&h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(w, raw); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/members/import", "/api/v1/members/import?dry_run=true"} {
		got := wantError(t, e.upload(path, buf.Bytes()), http.StatusUnprocessableEntity, "validation_failed", "file")
		if f := got.Error.Fields[0]; f.Code != "unsafe_file" || !strings.Contains(f.Message, "文件解压后过大") {
			t.Fatalf("%s: %+v", path, got.Error.Fields)
		}
	}
}
