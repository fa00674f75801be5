package exports

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Reading an uploaded workbook is reading an attacker's zip: a few KB can
// declare gigabytes (excelize allocates what a part declares), deflate can
// expand a thousandfold, and a sheet can hold a billion blank rows. So every
// workbook read goes through OpenWorkbook, which checks the zip's central
// directory (number of parts, declared sizes, compression ratio) and then
// inflates every part once to count what it really holds. The rows are then
// streamed straight from the sheet's XML (xlsxread.go), not through excelize:
// its row iterator pads every row with blanks up to the last cell's column
// (one cell in column XFD costs 16,384 strings) and copies a shared string
// for every cell that refers to it (one long string referred to by every
// cell costs gigabytes), and it spills large parts into temporary files.
// Here each shared string is decoded once, only the first MaxColumns
// columns are kept, blank and skipped rows count, every cell counts, the
// context is checked as it goes, and nothing touches the disk.

// WorkbookLimits bound what reading one uploaded workbook may cost.
type WorkbookLimits struct {
	MaxFileSize  int64 // bytes of the file as uploaded
	MaxParts     int   // entries of the zip
	MaxSheetPart int64 // uncompressed bytes of a worksheet
	MaxStrings   int64 // uncompressed bytes of the shared strings table
	MaxOtherPart int64 // uncompressed bytes of any other part (styles, workbook, media…)
	MaxTotal     int64 // uncompressed bytes of all parts together
	MaxRatio     int64 // uncompressed/compressed of a part larger than 1 MiB
	MaxRows      int   // rows of a sheet read, blank rows and skipped row numbers included
	MaxCells     int   // cells of a sheet read
	MaxColumns   int   // columns kept of each row; cells further right are ignored
}

// RosterLimits are the limits of a roster upload: a roster of 20,000
// members is a sheet of about 6 MB, so these leave room for real files and
// none for bombs; memory stays within a few tens of MB.
func RosterLimits() WorkbookLimits {
	return WorkbookLimits{
		MaxFileSize:  10 << 20,
		MaxParts:     200,
		MaxSheetPart: 32 << 20,
		MaxStrings:   8 << 20,
		MaxOtherPart: 4 << 20,
		MaxTotal:     64 << 20,
		MaxRatio:     100,
		MaxRows:      2 * 20000,
		MaxCells:     2 * 20000 * 50,
		MaxColumns:   64,
	}
}

// Workbook is an uploaded workbook opened within limits.
type Workbook struct {
	lim    WorkbookLimits
	parts  map[string]*zip.File // by lower-case name
	sheets []sheetRef
	sst    []string // shared strings, read on first use
	sstOK  bool
}

// OpenWorkbook reads r (at most lim.MaxFileSize bytes) and opens it as a
// workbook after checking it against lim. A file that is not a workbook or
// exceeds a limit is a 422 on the field "file" with a Chinese message.
func OpenWorkbook(ctx context.Context, r io.Reader, lim WorkbookLimits) (*Workbook, error) {
	b, err := io.ReadAll(io.LimitReader(r, lim.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if int64(len(b)) > lim.MaxFileSize {
		return nil, fileError("file_too_large", fmt.Sprintf("文件过大：不能超过%dMB", lim.MaxFileSize>>20))
	}
	// An .xlsx is a zip; anything else (an encrypted or old .xls, which
	// excelize would decrypt or reject after reading it whole) is refused.
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return nil, errNotWorkbook
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errNotWorkbook
	}
	if err := checkZip(ctx, zr, lim); err != nil {
		return nil, err
	}
	w := &Workbook{lim: lim, parts: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		w.parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(zf.Name, "\\", "/"), "/"))] = zf
	}
	if err := w.readSheetList(); err != nil {
		return nil, err
	}
	return w, nil
}

var errNotWorkbook = fileError("invalid_file", "无法读取文件，请上传 Excel（.xlsx）格式的文件")

func errUnsafe(msg string) error { return fileError("unsafe_file", msg) }

// checkZip checks the central directory, then inflates every part to count
// its real size: a part may declare less than it holds (archive/zip stops
// at the declared size, excelize would silently keep a truncated part).
func checkZip(ctx context.Context, zr *zip.Reader, lim WorkbookLimits) error {
	if len(zr.File) > lim.MaxParts {
		return errUnsafe(fmt.Sprintf("文件包含的部件过多（超过%d个），不是正常的 Excel 文件，已拒绝", lim.MaxParts))
	}
	var total uint64
	for _, zf := range zr.File {
		size, limit := zf.UncompressedSize64, uint64(partLimit(zf.Name, lim))
		if size > limit {
			return errUnsafe(fmt.Sprintf("文件解压后过大（部件 %s 超过%dMB），已拒绝；请删去无关的内容或分批导入", shortName(zf.Name), limit>>20))
		}
		if total += size; total > uint64(lim.MaxTotal) {
			return errUnsafe(fmt.Sprintf("文件解压后过大（超过%dMB），已拒绝；请删去无关的内容或分批导入", lim.MaxTotal>>20))
		}
		if size > 1<<20 && size > uint64(lim.MaxRatio)*max(zf.CompressedSize64, 1) {
			return errUnsafe("文件的压缩比异常（疑似压缩炸弹），已拒绝")
		}
	}
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := inflate(ctx, zf, buf); err != nil {
			return err
		}
	}
	return nil
}

// inflate reads a part to its end, refusing it when it holds more (or
// other) bytes than its entry declares.
func inflate(ctx context.Context, zf *zip.File, buf []byte) error {
	rc, err := zf.Open()
	if err != nil {
		return errNotWorkbook
	}
	defer rc.Close()
	var n uint64
	for i := 0; ; i++ {
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k, err := rc.Read(buf)
		n += uint64(k)
		if n > zf.UncompressedSize64 {
			return errUnsafe("文件内容与其声明的大小不符（疑似压缩炸弹），已拒绝")
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			return errUnsafe("文件内容与其声明的大小不符或已损坏，已拒绝")
		}
		if err != nil {
			return errNotWorkbook
		}
	}
}

func partLimit(name string, lim WorkbookLimits) int64 {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case strings.HasPrefix(n, "xl/worksheets/") && strings.HasSuffix(n, ".xml"):
		return lim.MaxSheetPart
	case n == "xl/sharedstrings.xml":
		return lim.MaxStrings
	}
	return lim.MaxOtherPart
}

// shortName keeps a part's name printable in a message.
func shortName(name string) string {
	if len(name) > 60 {
		return name[:60] + "…"
	}
	return name
}
