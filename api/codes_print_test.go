package api_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"minyi/exports"
	"minyi/surveys"
)

// printedCodes sets up a published appraisal (answered with codes) with
// members codes and masses codes, and returns the survey and the links
// every code's QR must hold, in print order (group key, then code: masses
// before members).
func printedCodes(t *testing.T, e *env, members, masses int) (surveys.Survey, []string) {
	t.Helper()
	o := e.orgTree()
	e.member("张建国", o.zb1.ID)
	sv := decode[surveys.Survey](t, e.do(http.MethodPost, "/api/v1/surveys/templates/"+surveys.TemplateAppraisal, map[string]any{"org_id": o.zb1.ID}), http.StatusCreated)
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.png", nil), http.StatusConflict, "survey_not_published")
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.pdf", nil), http.StatusConflict, "survey_not_published")
	pub := decode[publishAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/publish", nil), http.StatusOK)
	var codes []string
	for _, g := range []struct {
		key string
		n   int
	}{{"masses", masses}, {"members", members}} {
		got := decode[codesAnswer](t, e.do(http.MethodPost, "/api/v1/surveys/"+sv.ID+"/codes", map[string]any{"count": g.n, "rater_group": g.key}), http.StatusCreated)
		batch := make([]string, len(got.Codes))
		for i, c := range got.Codes {
			batch[i] = surveys.NormalizeCode(c)
		}
		slices.Sort(batch)
		codes = append(codes, batch...)
	}
	links := make([]string, len(codes))
	for i, c := range codes {
		links[i] = testBaseURL + "/s/" + pub.Slug + "?code=" + c
	}
	return sv, links
}

// checkCodePage checks a printed page: the first len(links) cells each hold
// exactly the QR code of their link (every module, sampled at its centre,
// has the colour the encoder gives it) with ink below it (the code), and
// the other cells are blank paper.
func checkCodePage(t *testing.T, page image.Image, links []string) {
	t.Helper()
	if b := page.Bounds(); b.Dx() != exports.PageWidth || b.Dy() != exports.PageHeight {
		t.Fatalf("page is %dx%d, want %dx%d (A4 at 300 dpi)", b.Dx(), b.Dy(), exports.PageWidth, exports.PageHeight)
	}
	dark := func(x, y int) bool { return color.GrayModel.Convert(page.At(x, y)).(color.Gray).Y < 128 }
	ink := func(r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if dark(x, y) {
					n++
				}
			}
		}
		return n
	}
	cells := exports.CodePageCells()
	if len(cells) != exports.CodesPerPage {
		t.Fatalf("%d cells, want %d", len(cells), exports.CodesPerPage)
	}
	for i, cell := range cells {
		if i >= len(links) {
			if n := ink(cell); n != 0 {
				t.Errorf("cell %d should be blank, has %d dark pixels", i, n)
			}
			continue
		}
		// The encoder breaks ties between equally good mask patterns by
		// goroutine order, so one text has more than one valid QR code: the
		// cell must match one of them, module by module. A few dozen
		// encodings meet every tied mask with near certainty.
		var at image.Rectangle
		wrong, side := -1, 0
		for try := 0; try < 40 && wrong != 0; try++ {
			want, err := exports.QRPNG(links[i], 1)
			if err != nil {
				t.Fatal(err)
			}
			qr, err := png.Decode(bytes.NewReader(want))
			if err != nil {
				t.Fatal(err)
			}
			side = qr.Bounds().Dx()
			at = exports.PlaceQR(cell, side)
			if k := at.Dx() / side; k < 4 {
				t.Fatalf("cell %d: %d px a module, too small to print", i, k)
			}
			wrong = moduleDiff(qr, at, side, dark)
		}
		if wrong > 0 {
			t.Errorf("cell %d: %d of %d modules differ from the QR code of %s", i, wrong, side*side, links[i])
		}
		// The code text is printed below the QR, inside the cut lines.
		below := image.Rect(cell.Min.X+10, at.Max.Y+10, cell.Max.X-10, cell.Max.Y-10)
		if ink(below) < 500 {
			t.Errorf("cell %d: no code printed under the QR", i)
		}
		// Cut lines: the cell's top edge is dashed.
		if n := ink(image.Rect(cell.Min.X, cell.Min.Y, cell.Max.X, cell.Min.Y+2)); n < cell.Dx() {
			t.Errorf("cell %d: top cut line has %d dark pixels", i, n)
		}
	}
}

func TestCodesPNG(t *testing.T) {
	e := newEnv(t)
	// 2 masses' codes and 23 members': one group a page, 12 a page → the
	// masses on page 1, the members on pages 2 (12) and 3 (23 − 12 = 11).
	sv, links := printedCodes(t, e, 23, 2)
	base := "/api/v1/surveys/" + sv.ID + "/codes.png"

	for _, tc := range []struct {
		query string
		pages int
		links []string
	}{
		{"", 3, links[:2]},
		{"?page=1", 3, links[:2]},
		{"?page=2", 3, links[2:14]},
		{"?page=3", 3, links[14:]},
		{"?rater_group=masses", 1, links[:2]},
		{"?rater_group=members&page=2", 2, links[14:]},
		{"?all=true&page=2", 3, links[2:14]},
	} {
		t.Run(tc.query, func(t *testing.T) {
			w := e.do(http.MethodGet, base+tc.query, nil)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
				t.Fatalf("%d %s %s", w.Code, w.Header(), w.Body)
			}
			if got := w.Header().Get("X-Page-Count"); got != strconv.Itoa(tc.pages) {
				t.Errorf("X-Page-Count %q, want %d", got, tc.pages)
			}
			// The print resolution: 300 dpi = 11811 px a metre, in pHYs.
			phys := append([]byte("pHYs"), binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 11811), 11811)...)
			if !bytes.Contains(w.Body.Bytes(), append(phys, 1)) {
				t.Error("no 300 dpi pHYs chunk")
			}
			img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			checkCodePage(t, img, tc.links)
		})
	}
	for _, q := range []string{"?page=4", "?page=0", "?page=x"} {
		wantError(t, e.do(http.MethodGet, base+q, nil), http.StatusUnprocessableEntity, "validation_failed", "page")
	}
	wantError(t, e.do(http.MethodGet, base+"?rater_group=cadres", nil), http.StatusUnprocessableEntity, "validation_failed", "rater_group")
	wantError(t, e.do(http.MethodGet, "/api/v1/surveys/nope/codes.png", nil), http.StatusNotFound, "survey_not_found")
}

// moduleDiff counts the modules of qr (one pixel a module) whose colour
// differs from the page's, sampled at each module's centre inside at.
func moduleDiff(qr image.Image, at image.Rectangle, side int, dark func(x, y int) bool) int {
	k := at.Dx() / side
	wrong := 0
	for y := range side {
		for x := range side {
			w := color.GrayModel.Convert(qr.At(x, y)).(color.Gray).Y < 128
			if dark(at.Min.X+x*k+k/2, at.Min.Y+y*k+k/2) != w {
				wrong++
			}
		}
	}
	return wrong
}

// pdfImage is one page image of a code PDF, inflated.
type pdfImage struct {
	width, height int
	bits          []byte
}

func (p pdfImage) gray() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, p.width, p.height))
	stride := (p.width + 7) / 8
	for y := range p.height {
		for x := range p.width {
			if p.bits[y*stride+x/8]&(0x80>>(x%8)) != 0 {
				img.Pix[y*img.Stride+x] = 0xff
			}
		}
	}
	return img
}

func TestCodesPDF(t *testing.T) {
	e := newEnv(t)
	sv, links := printedCodes(t, e, 23, 2)
	w := e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.pdf", nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("%d %s %s", w.Code, w.Header(), w.Body)
	}
	pdf := w.Body.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q…", pdf[:min(len(pdf), 20)])
	}
	// The cross-reference table points at every object.
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	head := regexp.MustCompile(`^xref\n0 (\d+)\n`).FindSubmatch(pdf[xref:])
	if head == nil {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	size, _ := strconv.Atoi(string(head[1]))
	entries := pdf[xref+len(head[0]):]
	for i := 1; i < size; i++ {
		off, _ := strconv.Atoi(string(entries[i*20 : i*20+10]))
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d → offset %d holds %q", i, off, pdf[off:off+12])
		}
	}
	if !bytes.Contains(pdf, []byte("/Type /Pages /Kids [ 4 0 R 7 0 R 10 0 R ] /Count 3 >>")) {
		t.Error("page tree is not 3 pages")
	}
	// Each page is one A4 image; its pixels are the PNG page's.
	re := regexp.MustCompile(`/Subtype /Image /Width (\d+) /Height (\d+) /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Length (\d+) >>\nstream\n`)
	var pages []pdfImage
	for _, loc := range re.FindAllSubmatchIndex(pdf, -1) {
		wd, _ := strconv.Atoi(string(pdf[loc[2]:loc[3]]))
		ht, _ := strconv.Atoi(string(pdf[loc[4]:loc[5]]))
		n, _ := strconv.Atoi(string(pdf[loc[6]:loc[7]]))
		zr, err := zlib.NewReader(bytes.NewReader(pdf[loc[1] : loc[1]+n]))
		if err != nil {
			t.Fatal(err)
		}
		bits, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if want := (wd + 7) / 8 * ht; len(bits) != want {
			t.Fatalf("image of %d bytes, want %d", len(bits), want)
		}
		pages = append(pages, pdfImage{wd, ht, bits})
	}
	if len(pages) != 3 {
		t.Fatalf("%d page images, want 3 (one group a page)", len(pages))
	}
	checkCodePage(t, pages[0].gray(), links[:2])
	checkCodePage(t, pages[1].gray(), links[2:14])
	checkCodePage(t, pages[2].gray(), links[14:])
	code := links[0][len(links[0])-10:] // printed in groups: XXXX-XXXX-XX
	pdfHoldsText(t, pdf, sv.Title, "群众", "党员", exports.CardHint1, code[:4]+"-"+code[4:8]+"-"+code[8:])
}

// pdfHoldsText checks, with poppler's pdftotext, that the words of the
// cards can be found in the PDF as text (the invisible text layer over the
// page images). Skipped without pdftotext outside CI.
func pdfHoldsText(t *testing.T, pdf []byte, words ...string) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is not installed (scripts/test.sh installs poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	cmd := exec.CommandContext(t.Context(), bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, w := range words {
		if !strings.Contains(string(text), w) {
			t.Errorf("the PDF's text lacks %q:\n%s", w, text)
		}
	}
}

// TestCodeCardLooks saves a printed page for a person to look at (set
// MINYI_CARD_PNG to a path) and checks the card's Chinese lines are drawn:
// the band of the title and group above the QR holds ink.
func TestCodeCardLooks(t *testing.T) {
	e := newEnv(t)
	sv, _ := printedCodes(t, e, 3, 2)
	w := e.do(http.MethodGet, "/api/v1/surveys/"+sv.ID+"/codes.png?page=2", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("%d", w.Code)
	}
	if p := os.Getenv("MINYI_CARD_PNG"); p != "" {
		_ = os.WriteFile(p, w.Body.Bytes(), 0o644)
	}
	img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	cell := exports.CodePageCells()[0]
	n := 0
	for y := cell.Min.Y + 20; y < cell.Min.Y+135; y++ {
		for x := cell.Min.X + 10; x < cell.Max.X-10; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				n++
			}
		}
	}
	if n < 2000 {
		t.Fatalf("title and group band has %d dark pixels: no Chinese drawn", n)
	}
}
