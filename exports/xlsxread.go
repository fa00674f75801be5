package exports

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// A minimal streaming reader of .xlsx sheets (SpreadsheetML), enough for
// imports: the sheet list, shared strings, and every row's cell values as
// stored (text as written, numbers as their stored digits, booleans TRUE
// and FALSE). Number formats are not applied: an import reads text columns.

type sheetRef struct{ name, part string }

const (
	relWorksheet     = "/worksheet"
	relSharedStrings = "/sharedStrings"
)

// readSheetList reads the sheets' names and parts from xl/workbook.xml and
// its relationships.
func (w *Workbook) readSheetList() error {
	type rel struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
		Type   string `xml:"Type,attr"`
	}
	var rels struct {
		Rels []rel `xml:"Relationship"`
	}
	var book struct {
		Sheets []struct {
			Name string     `xml:"name,attr"`
			Attr []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := w.decodePart("xl/workbook.xml", &book); err != nil {
		return err
	}
	if err := w.decodePart("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return err
	}
	targets := map[string]rel{}
	for _, r := range rels.Rels {
		targets[r.ID] = r
	}
	for _, s := range book.Sheets {
		var id string
		for _, a := range s.Attr {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		r, ok := targets[id]
		if !ok || !strings.HasSuffix(r.Type, relWorksheet) {
			continue // a chart sheet or a dangling entry: nothing to read
		}
		w.sheets = append(w.sheets, sheetRef{name: s.Name, part: partPath(r.Target)})
	}
	return nil
}

// partPath resolves a relationship target of xl/workbook.xml.
func partPath(target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.ToLower(strings.TrimPrefix(path.Clean(target), "/"))
	}
	return strings.ToLower(path.Clean("xl/" + target))
}

// decodePart unmarshals a small part (bounded by MaxOtherPart).
func (w *Workbook) decodePart(name string, v any) error {
	zf, ok := w.parts[name]
	if !ok {
		return errNotWorkbook
	}
	rc, err := zf.Open()
	if err != nil {
		return errNotWorkbook
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return errNotWorkbook
	}
	return nil
}

// Sheets lists the workbook's worksheets in order.
func (w *Workbook) Sheets() []string {
	out := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		out[i] = s.name
	}
	return out
}

// Close releases the workbook. Nothing is written to disk while reading,
// so there is nothing to remove; Close is kept for callers' symmetry.
func (w *Workbook) Close() error { return nil }

// sharedStrings reads the shared strings table once; cells refer to its
// strings without copying them.
func (w *Workbook) sharedStrings(ctx context.Context) ([]string, error) {
	if w.sstOK {
		return w.sst, nil
	}
	w.sstOK = true
	name := "xl/sharedstrings.xml"
	var rels struct {
		Rels []struct {
			Target string `xml:"Target,attr"`
			Type   string `xml:"Type,attr"`
		} `xml:"Relationship"`
	}
	if err := w.decodePart("xl/_rels/workbook.xml.rels", &rels); err == nil {
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, relSharedStrings) {
				name = partPath(r.Target)
			}
		}
	}
	zf, ok := w.parts[name]
	if !ok {
		return nil, nil // no shared strings: every text is inline
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, errNotWorkbook
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var (
		b         strings.Builder
		inSI, inT bool
		phonetic  int // depth inside <rPh>, whose text is a reading aid, not the value
	)
	for i := 0; ; i++ {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return w.sst, nil
		}
		if err != nil {
			return nil, fileError("invalid_file", "无法读取文件中的共享字符串表")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si":
				inSI = true
				b.Reset()
			case t.Name.Local == "rPh":
				phonetic++
			case t.Name.Local == "t" && inSI && phonetic == 0:
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				w.sst = append(w.sst, b.String())
				inSI = false
			case "rPh":
				phonetic = max(phonetic-1, 0)
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// EachRow calls fn with every row of sheet (n from 1, blank rows included,
// the values of its first MaxColumns columns) until fn returns an error,
// the sheet ends, the sheet has more than MaxRows rows or MaxCells cells,
// or ctx is done. Row numbers skipped by the file count as blank rows: a
// sheet that jumps to row 1,000,000 is as long as one that spells out the
// blank rows.
func (w *Workbook) EachRow(ctx context.Context, sheet string, fn func(n int, cells []string) error) error {
	var part string
	for _, s := range w.sheets {
		if s.name == sheet {
			part = s.part
		}
	}
	zf, ok := w.parts[part]
	if !ok {
		return fileError("invalid_file", "无法读取工作表")
	}
	sst, err := w.sharedStrings(ctx)
	if err != nil {
		return err
	}
	rc, err := zf.Open()
	if err != nil {
		return fileError("invalid_file", "无法读取工作表")
	}
	defer rc.Close()
	r := &sheetReader{w: w, sst: sst, fn: fn, dec: xml.NewDecoder(rc)}
	return r.run(ctx)
}

// sheetReader is the state of one sheet's stream.
type sheetReader struct {
	w   *Workbook
	sst []string
	fn  func(int, []string) error
	dec *xml.Decoder

	row, cellsRead int      // the current row number; cells seen so far
	cells          []string // the current row's kept cells
	col            int      // the current cell's column (0-based), -1 before the first
	typ            string   // the current cell's t attribute
	text           strings.Builder
	inV, inIS      bool
	inT, phonetic  int
}

func (r *sheetReader) tooManyRows() error {
	return fileError("too_many_rows", fmt.Sprintf("工作表行数过多：连同空行不能超过%d行，请删除多余的空行或分批导入", r.w.lim.MaxRows))
}

func (r *sheetReader) run(ctx context.Context) error {
	for i := 0; ; i++ {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := r.dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fileError("invalid_file", "无法读取工作表：文件内容有误")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.start(ctx, t); err != nil {
				return err
			}
		case xml.EndElement:
			done, err := r.end(t)
			if err != nil || done {
				return err
			}
		case xml.CharData:
			if r.inV || r.inT > 0 && r.phonetic == 0 {
				r.text.Write(t)
			}
		}
	}
}

func (r *sheetReader) start(ctx context.Context, t xml.StartElement) error {
	switch t.Name.Local {
	case "row":
		n := r.row + 1
		if v := attr(t, "r"); v != "" {
			k, err := strconv.Atoi(v)
			if err != nil || k <= r.row {
				return fileError("invalid_file", fmt.Sprintf("无法读取工作表：第%d行之后的行号有误", r.row))
			}
			n = k
		}
		if n > r.w.lim.MaxRows {
			return r.tooManyRows()
		}
		for k := r.row + 1; k < n; k++ { // rows the file skips are blank rows
			if k%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := r.fn(k, nil); err != nil {
				return err
			}
		}
		r.row, r.cells, r.col = n, nil, -1
	case "c":
		if r.cellsRead++; r.cellsRead > r.w.lim.MaxCells {
			return fileError("too_many_cells", fmt.Sprintf("工作表的单元格过多（超过%d个），请只保留需要的几列后再导入", r.w.lim.MaxCells))
		}
		r.col++
		if ref := attr(t, "r"); ref != "" {
			c, ok := column(ref)
			if !ok {
				return fileError("invalid_file", fmt.Sprintf("无法读取第%d行：单元格引用 %.20s 有误", r.row, ref))
			}
			r.col = c
		}
		r.typ = attr(t, "t")
		r.text.Reset()
	case "v":
		r.inV = true
	case "is":
		r.inIS = true
	case "t":
		if r.inIS {
			r.inT++
		}
	case "rPh":
		r.phonetic++
	}
	return nil
}

// end handles an end tag; done is the end of the sheet's data.
func (r *sheetReader) end(t xml.EndElement) (done bool, err error) {
	switch t.Name.Local {
	case "row":
		if r.row > 0 {
			return false, r.fn(r.row, r.cells)
		}
	case "c":
		return false, r.cell()
	case "v":
		r.inV = false
	case "is":
		r.inIS = false
	case "t":
		r.inT = max(r.inT-1, 0)
	case "rPh":
		r.phonetic = max(r.phonetic-1, 0)
	case "sheetData":
		return true, nil
	}
	return false, nil
}

// cell keeps the value of the cell just ended, when its column is kept.
func (r *sheetReader) cell() error {
	if r.col < 0 || r.col >= r.w.lim.MaxColumns || r.row == 0 {
		return nil
	}
	v := r.text.String()
	switch r.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(r.sst) {
			return fileError("invalid_file", fmt.Sprintf("无法读取第%d行：共享字符串引用有误", r.row))
		}
		v = r.sst[i]
	case "b":
		v = map[bool]string{true: "TRUE", false: "FALSE"}[strings.TrimSpace(v) == "1"]
	}
	for len(r.cells) <= r.col {
		r.cells = append(r.cells, "")
	}
	r.cells[r.col] = v
	return nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// column is the 0-based column of a cell reference such as "AB12".
func column(ref string) (int, bool) {
	c, i := 0, 0
	for ; i < len(ref) && i < 3; i++ {
		ch := ref[i] | 0x20 // lower case
		if ch < 'a' || ch > 'z' {
			break
		}
		c = c*26 + int(ch-'a'+1)
	}
	if i == 0 || (i < len(ref) && (ref[i] < '0' || ref[i] > '9')) {
		return 0, false
	}
	return c - 1, true
}
