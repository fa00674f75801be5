package exports

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"unicode/utf16"
)

// A4 in PDF points (1/72 inch): 210 × 297 mm.
const (
	a4WidthPt  = 595.28
	a4HeightPt = 841.89
)

// WriteCodeSheetPDF writes every code of cs as printable pages (the same
// pages as the PNG, CodesPerPage a page) in one PDF. The PDF is written by
// hand rather than with a library: each page is a single black-and-white
// image (1 bit a pixel, Flate-compressed) scaled to A4, which needs only
// the catalog, the page tree, and per page a page, a content stream and an
// image, with the words laid over it as invisible text (codes_pdf_text.go).
// footer (the link) is printed on every card and page.
func WriteCodeSheetPDF(w io.Writer, cs CodeSheet, footer string) error {
	faces, err := newPageFaces()
	if err != nil {
		return err
	}
	defer faces.Close()
	pages := CodePages(cs.Cards)
	pw := &pdfWriter{w: bufio.NewWriter(w)}
	// Objects: 1 catalog, 2 page tree, 3 info, then per page i (from 0)
	// 4+3i the page, 5+3i its content, 6+3i its image.
	page := func(i int) int { return 4 + 3*i }
	pw.printf("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n")
	pw.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids bytes.Buffer
	for i := range pages {
		fmt.Fprintf(&kids, "%d 0 R ", page(i))
	}
	pw.object(2, fmt.Sprintf("<< /Type /Pages /Kids [ %s] /Count %d >>", kids.String(), pages))
	pw.object(3, fmt.Sprintf("<< /Title %s /Producer (minyi) >>", pdfText(cs.Title)))
	picture := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", a4WidthPt, a4HeightPt)
	var text pdfTextLayer
	font := page(pages) // the text layer's font objects follow the pages
	for i := range pages {
		lo, hi := PageCards(cs.Cards, i+1)
		cp := CodePage{Title: cs.Title, Cards: cs.Cards[lo:hi], Footer: footer, Number: i + 1, Count: pages}
		img, err := faces.draw(cp)
		if err != nil {
			return err
		}
		content := picture + text.pageText(cp)
		bits, err := flateBits(img)
		if err != nil {
			return err
		}
		n := page(i)
		pw.object(n, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> /Font << /T0 %d 0 R >> >> /Contents %d 0 R >>",
			a4WidthPt, a4HeightPt, n+2, font, n+1))
		pw.stream(n+1, "", []byte(content))
		pw.stream(n+2, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode",
			PageWidth, PageHeight), bits)
	}
	text.writeFont(pw, font)
	pw.trailer(font+4, 1, 3)
	if pw.err != nil {
		return fmt.Errorf("write code pdf: %w", pw.err)
	}
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("write code pdf: %w", err)
	}
	return nil
}

// flateBits packs a gray page into rows of 1-bit pixels (most significant
// bit first, 1 = white in DeviceGray; gray 128 and above is white) and
// compresses them. Printing is black and white anyway, and 1 bit makes a
// page 1 MiB before compression instead of 8.7.
func flateBits(img *image.Gray) ([]byte, error) {
	b := img.Bounds()
	stride := (b.Dx() + 7) / 8
	row := make([]byte, stride)
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		clear(row)
		px := img.Pix[(y-b.Min.Y)*img.Stride:]
		for x := range b.Dx() {
			if px[x] >= 128 {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		if _, err := zw.Write(row); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pdfText is a PDF text string: UTF-16BE with a byte-order mark, in hex,
// so a Chinese title shows in the viewer's title bar.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfWriter writes numbered objects and remembers their offsets for the
// cross-reference table; the first error sticks.
type pdfWriter struct {
	w       *bufio.Writer
	n       int64
	offsets map[int]int64
	err     error
}

func (p *pdfWriter) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	n, err := fmt.Fprintf(p.w, format, args...)
	p.n += int64(n)
	p.err = err
}

func (p *pdfWriter) write(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.w.Write(b)
	p.n += int64(n)
	p.err = err
}

func (p *pdfWriter) begin(num int) {
	if p.offsets == nil {
		p.offsets = map[int]int64{}
	}
	p.offsets[num] = p.n
	p.printf("%d 0 obj\n", num)
}

func (p *pdfWriter) object(num int, body string) {
	p.begin(num)
	p.printf("%s\nendobj\n", body)
}

// stream writes a stream object; dict holds its entries besides /Length.
func (p *pdfWriter) stream(num int, dict string, data []byte) {
	p.begin(num)
	p.printf("<< %s /Length %d >>\nstream\n", dict, len(data))
	p.write(data)
	p.printf("\nendstream\nendobj\n")
}

// trailer writes the cross-reference table of objects 1..size-1 and the
// trailer naming the catalog and the info dictionary.
func (p *pdfWriter) trailer(size, root, info int) {
	xref := p.n
	p.printf("xref\n0 %d\n0000000000 65535 f \n", size)
	for i := 1; i < size; i++ {
		p.printf("%010d 00000 n \n", p.offsets[i])
	}
	p.printf("trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, root, info, xref)
}

// withDPI inserts a pHYs chunk (pixels per metre) after a PNG's header
// chunk, so that viewers and printers know the page is A4 at dpi, not a
// 2480-pixel-wide screen image. image/png does not write one.
func withDPI(pngData []byte, dpi int) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4 // signature, IHDR length, type, data, CRC
	if len(pngData) < afterIHDR {
		return pngData
	}
	ppm := uint32(float64(dpi)/0.0254 + 0.5) // 300 dpi = 11811 px/m
	chunk := make([]byte, 0, 4+4+9+4)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(pngData)+len(chunk))
	out = append(out, pngData[:afterIHDR]...)
	out = append(out, chunk...)
	return append(out, pngData[afterIHDR:]...)
}
