package exports_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"minyi"
	"minyi/exports"
)

const sheetPart = "xl/worksheets/sheet1.xml"

var rosterHead = [][]string{{"姓名", "所在支部", "职务", "预备党员"}, {"张三", "DZB01", "党员", "否"}}

// rezip copies a workbook, letting part(name, w) write entries in place of
// a part (returning false keeps the original) and adding extra at the end.
func rezip(t *testing.T, src []byte, part func(w *zip.Writer, f *zip.File) bool, extra func(w *zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if part != nil && part(zw, f) {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(t *testing.T, write func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	write(fw)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawPart writes a part whose central directory declares size bytes, whatever
// the compressed data really holds.
func rawPart(t *testing.T, w *zip.Writer, name string, size uint64, crc uint32, comp []byte) {
	t.Helper()
	fw, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: size, CompressedSize64: uint64(len(comp)), CRC32: crc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(comp); err != nil {
		t.Fatal(err)
	}
}

// sheetXML is a worksheet of inline-string rows given as row number → cells.
func sheetXML(w io.Writer, rows func(row func(n int, cells ...string))) {
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	rows(func(n int, cells ...string) {
		fmt.Fprintf(w, `<row r="%d">`, n)
		for i, c := range cells {
			fmt.Fprintf(w, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, n, c)
		}
		io.WriteString(w, `</row>`)
	})
	io.WriteString(w, `</sheetData></worksheet>`)
}

func withSheet(t *testing.T, rows func(row func(n int, cells ...string))) []byte {
	t.Helper()
	return rezip(t, writeWorkbook(t, rosterHead), func(w *zip.Writer, f *zip.File) bool {
		if f.Name != sheetPart {
			return false
		}
		fw, err := w.Create(sheetPart)
		if err != nil {
			t.Fatal(err)
		}
		sheetXML(fw, rows)
		return true
	}, nil)
}

func header(row func(n int, cells ...string)) { row(1, rosterHead[0]...) }

// TestRosterBombs: hostile workbooks generated here are refused with 422 on
// "file" and a Chinese message, within seconds and without the memory
// their declared or real sizes would take; those that only hurt a reader
// that pads rows or copies shared strings (excelize's row iterator) are
// read at once.
func TestRosterBombs(t *testing.T) {
	base := writeWorkbook(t, rosterHead)
	zeros := func(n int) func(w io.Writer) {
		return func(w io.Writer) {
			b := make([]byte, 1<<20)
			for range n {
				w.Write(b)
			}
		}
	}
	cases := []struct {
		name, code string
		file       func() []byte
	}{
		{"a part declaring 4 GiB", "unsafe_file", func() []byte {
			return rezip(t, base, func(w *zip.Writer, f *zip.File) bool {
				if f.Name != sheetPart {
					return false
				}
				rc, _ := f.Open()
				xml, _ := io.ReadAll(rc)
				rc.Close()
				rawPart(t, w, sheetPart, 4<<30, crc32.ChecksumIEEE(xml), deflate(t, func(w io.Writer) { w.Write(xml) }))
				return true
			}, nil)
		}},
		{"a part declaring less than it holds", "unsafe_file", func() []byte {
			comp := deflate(t, zeros(40))
			return rezip(t, base, nil, func(w *zip.Writer) { rawPart(t, w, "xl/media/image1.png", 1<<10, 0, comp) })
		}},
		{"a deflate bomb of 256 MiB", "unsafe_file", func() []byte {
			comp := deflate(t, zeros(256))
			return rezip(t, base, nil, func(w *zip.Writer) {
				rawPart(t, w, "xl/media/image1.png", 256<<20, 0, comp)
			})
		}},
		{"a compression ratio of 1000", "unsafe_file", func() []byte {
			return rezip(t, base, nil, func(w *zip.Writer) {
				fw, _ := w.Create("xl/media/image1.png")
				zeros(3)(fw)
			})
		}},
		{"too many parts", "unsafe_file", func() []byte {
			return rezip(t, base, nil, func(w *zip.Writer) {
				for i := range 500 {
					w.Create(fmt.Sprintf("xl/media/p%d.bin", i))
				}
			})
		}},
		{"100,000 blank rows", "too_many_rows", func() []byte {
			return withSheet(t, func(row func(int, ...string)) {
				header(row)
				for n := 2; n <= 100_001; n++ {
					row(n, " ")
				}
			})
		}},
		{"a jump to row 1,000,000", "too_many_rows", func() []byte {
			return withSheet(t, func(row func(int, ...string)) {
				header(row)
				row(1_000_000, "李四", "DZB01")
			})
		}},
		{"rows as wide as a sheet", "", func() []byte {
			return rezip(t, base, func(w *zip.Writer, f *zip.File) bool {
				if f.Name != sheetPart {
					return false
				}
				fw, _ := w.Create(sheetPart)
				sheetXML(fw, func(row func(int, ...string)) {
					header(row)
					for n := 2; n <= 40_000; n++ {
						fmt.Fprintf(fw, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, n, n)
					}
				})
				return true
			}, nil)
		}},
		{"a long shared string in 200,000 cells", "", func() []byte {
			long := make([]byte, 4<<20)
			for i := range long {
				long[i] = 'a' + byte(rand.IntN(26))
			}
			return rezip(t, base, func(w *zip.Writer, f *zip.File) bool {
				switch f.Name {
				case "xl/sharedStrings.xml":
					fw, _ := w.Create(f.Name)
					fmt.Fprintf(fw, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>姓名</t></si><si><t>所在支部</t></si><si><t>%s</t></si></sst>`, long)
				case sheetPart:
					fw, _ := w.Create(f.Name)
					io.WriteString(fw, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
					for n := 2; n <= 20_001; n++ {
						fmt.Fprintf(fw, `<row r="%d">`, n)
						for c := range 10 {
							fmt.Fprintf(fw, `<c r="%c%d" t="s"><v>2</v></c>`, 'A'+c, n)
						}
						io.WriteString(fw, `</row>`)
					}
					io.WriteString(fw, `</sheetData></worksheet>`)
				default:
					return false
				}
				return true
			}, nil)
		}},
		{"not a zip", "invalid_file", func() []byte { return []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls") }},
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file()
			start := time.Now()
			rows, err := exports.ReadRoster(t.Context(), bytes.NewReader(file))
			t.Logf("%d bytes read in %v: %d rows, %v", len(file), time.Since(start), len(rows), err)
			if tc.code == "" { // harmless once read as it is here
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var de *minyi.Error
			if !errors.As(err, &de) || !errors.Is(err, minyi.ErrInvalid) || len(de.Fields) != 1 ||
				de.Fields[0].Field != "file" || de.Fields[0].Code != tc.code || !hasHan(de.Fields[0].Message) {
				t.Fatalf("got %d rows, %v; want 422 file/%s with a Chinese message", len(rows), err, tc.code)
			}
		})
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.Sys) - int64(before.Sys); grown > 100<<20 {
		t.Errorf("memory obtained from the OS grew by %d MB reading the bombs", grown>>20)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestRosterTempFilesAndContext: a large roster reads fine and leaves no
// temporary file (excelize would spill its sheet into one), nor does a
// refused one; a cancelled context stops the read.
func TestRosterTempFilesAndContext(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	big := withSheet(t, func(row func(int, ...string)) {
		header(row)
		for n := 2; n <= 20_001; n++ {
			row(n, fmt.Sprintf("党员%05d号同志", n), "DZB01", "党员（普通党员，无其他职务）", "否")
		}
	})
	rows, err := exports.ReadRoster(t.Context(), bytes.NewReader(big))
	if err != nil || len(rows) != 20_000 || rows[19_999].Row != 20_001 {
		t.Fatalf("big roster: %d rows, %v", len(rows), err)
	}
	tooMany := withSheet(t, func(row func(int, ...string)) {
		header(row)
		for n := 2; n <= 20_002; n++ {
			row(n, fmt.Sprintf("党员%05d号同志", n), "DZB01", "党员（普通党员，无其他职务）", "否")
		}
	})
	if _, err := exports.ReadRoster(t.Context(), bytes.NewReader(tooMany)); !errors.Is(err, minyi.ErrInvalid) {
		t.Fatalf("20,001 members: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := exports.ReadRoster(ctx, bytes.NewReader(big)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	left, err := os.ReadDir(tmp)
	if err != nil || len(left) != 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Fatalf("temporary files left: %s (%v)", strings.Join(names, ", "), err)
	}
}

// TestWorkbookCellLimit: MaxCells counts every cell read; columns past
// MaxColumns are not kept.
func TestWorkbookCellLimit(t *testing.T) {
	file := writeWorkbook(t, [][]string{{"a", "b", "c"}, {"d", "e", "f"}})
	lim := exports.RosterLimits()
	lim.MaxColumns = 2
	wb, err := exports.OpenWorkbook(t.Context(), bytes.NewReader(file), lim)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	if err := wb.EachRow(t.Context(), wb.Sheets()[0], func(_ int, cells []string) error { got = append(got, cells); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[[a b] [d e]]" {
		t.Fatalf("rows %v, want two columns kept", got)
	}
	lim.MaxCells = 5
	wb, err = exports.OpenWorkbook(t.Context(), bytes.NewReader(file), lim)
	if err != nil {
		t.Fatal(err)
	}
	err = wb.EachRow(t.Context(), wb.Sheets()[0], func(int, []string) error { return nil })
	var de *minyi.Error
	if !errors.As(err, &de) || de.Fields[0].Code != "too_many_cells" {
		t.Fatalf("6 cells with MaxCells 5: %v", err)
	}
}
