package exports

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Printable code pages: an A4 sheet at 300 dpi (210 × 297 mm is
// 2480 × 3508 px) holding a grid of cut-out cards, each with the survey's
// title, the rater group's Chinese name (and a personal code's holder), a
// QR code, the code, two lines of instructions and the link. One group to
// a page, so a pile of cut cards never mixes groups. Codes are drawn in Go
// Mono (BSD licensed), the Chinese in a GB 2312 subset of Noto Sans CJK SC
// (OFL, exports/fonts), both compiled in.
const (
	PageWidth    = 2480
	PageHeight   = 3508
	PageDPI      = 300
	PageColumns  = 3
	PageRows     = 4
	CodesPerPage = PageColumns * PageRows // 12

	pageMargin = 120                                      // 10 mm
	cellWidth  = (PageWidth - 2*pageMargin) / PageColumns // 746 px ≈ 63 mm
	cellHeight = 790                                      // 4 rows: 3160 px, leaving 228 px below for the footer
	titleBase  = 62                                       // baselines and boxes from the cell's top
	groupBase  = 125
	qrBox      = 420 // ≈ 36 mm, quiet zone included
	qrTop      = 140
	codeBase   = qrTop + qrBox + 70
	hintBase   = codeBase + 52
	hint2Base  = hintBase + 40
	linkBase   = hint2Base + 42
	footerBase = pageMargin + PageRows*cellHeight + 90 // baseline of the footer
	dashOn     = 24                                    // cut line dashes, px
	dashOff    = 16
	cutWidth   = 2
)

// The two lines of instructions on every card.
const (
	CardHint1 = "手机扫描二维码，或打开下方链接后输入测评码"
	CardHint2 = "每个测评码只能提交一次，投票不记名，请妥善保管"
)

// cutGray is the cut lines' gray: dark enough to survive the PDF's
// black-and-white threshold (128), light enough not to compete with the QR.
var cutGray = color.Gray{Y: 0x60}

// CodePage is one printed page: at most CodesPerPage cards (their QR
// images must be set), an ASCII footer (the survey's link) and the page's
// number out of count.
type CodePage struct {
	Title         string // the survey's
	Cards         []CodeCard
	Footer        string // the link, on every card and at the foot of the page
	Number, Count int
}

// CodePages is how many pages cards fill (one, empty, for none): a page
// holds CodesPerPage cards of one group (cards come sorted by group).
func CodePages(cards []CodeCard) int { return len(pageRanges(cards)) }

// PageCards is the range [lo, hi) of cards printed on page (1-based).
func PageCards(cards []CodeCard, page int) (lo, hi int) {
	r := pageRanges(cards)
	if page < 1 || page > len(r) {
		return len(cards), len(cards)
	}
	return r[page-1][0], r[page-1][1]
}

// pageRanges splits cards into pages: a new page at CodesPerPage cards and
// wherever the group changes.
func pageRanges(cards []CodeCard) [][2]int {
	var out [][2]int
	lo := 0
	for i := 1; i <= len(cards); i++ {
		if i == len(cards) || i-lo == CodesPerPage || cards[i].GroupKey != cards[lo].GroupKey {
			out = append(out, [2]int{lo, i})
			lo = i
		}
	}
	if len(out) == 0 {
		out = append(out, [2]int{0, 0})
	}
	return out
}

// CodePageCells are the cells of a page, row by row: where the cards go,
// in the order of CodePage.Cards, and what the cut lines surround.
func CodePageCells() []image.Rectangle {
	out := make([]image.Rectangle, 0, CodesPerPage)
	for r := range PageRows {
		for c := range PageColumns {
			x, y := pageMargin+c*cellWidth, pageMargin+r*cellHeight
			out = append(out, image.Rect(x, y, x+cellWidth, y+cellHeight))
		}
	}
	return out
}

// PlaceQR is where a QR image side pixels square lands in cell: scaled by
// the largest whole factor that fits its box (whole, so every module stays
// a sharp square of equal size) and centred in the box.
func PlaceQR(cell image.Rectangle, side int) image.Rectangle {
	k := qrBox / max(side, 1)
	n := k * side
	x := cell.Min.X + (cellWidth-n)/2
	y := cell.Min.Y + qrTop + (qrBox-n)/2
	return image.Rect(x, y, x+n, y+n)
}

// pageFaces are the fonts of a page; Close them after drawing.
type pageFaces struct {
	code, small, cjk, cjkSmall, group font.Face
}

func newPageFaces() (*pageFaces, error) {
	face := func(ttf []byte, points float64) (font.Face, error) {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("font: %w", err)
		}
		return opentype.NewFace(f, &opentype.FaceOptions{Size: points, DPI: PageDPI, Hinting: font.HintingFull})
	}
	// 14 pt at 300 dpi: an em of 58 px, a Go Mono advance of 35 px, so
	// the 12 characters of ABCD-EFGH-JK take 420 px of the cell's 560.
	code, err := face(gomonobold.TTF, 14)
	if err != nil {
		return nil, err
	}
	f := &pageFaces{code: code}
	for _, x := range []struct {
		dst    *font.Face
		ttf    []byte
		points float64
	}{{&f.small, gomono.TTF, 7}, {&f.cjk, cjkFont, 9}, {&f.cjkSmall, cjkFont, 7}, {&f.group, cjkFont, 12}} {
		if *x.dst, err = face(x.ttf, x.points); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

func (f *pageFaces) Close() {
	for _, x := range []font.Face{f.code, f.small, f.cjk, f.cjkSmall, f.group} {
		if x != nil {
			x.Close()
		}
	}
}

// DrawCodePage draws p as a white A4 page in gray.
func DrawCodePage(p CodePage) (*image.Gray, error) {
	faces, err := newPageFaces()
	if err != nil {
		return nil, err
	}
	defer faces.Close()
	return faces.draw(p)
}

func (f *pageFaces) draw(p CodePage) (*image.Gray, error) {
	if len(p.Cards) > CodesPerPage {
		return nil, fmt.Errorf("code page: %d cards, at most %d fit", len(p.Cards), CodesPerPage)
	}
	img := image.NewGray(image.Rect(0, 0, PageWidth, PageHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	cells := CodePageCells()
	for i, card := range p.Cards {
		cell := cells[i]
		if err := drawQR(img, cell, card.QR); err != nil {
			return nil, fmt.Errorf("code %s: %w", card.Code, err)
		}
		mid, top := cell.Min.X+cellWidth/2, cell.Min.Y
		drawText(img, f.cjk, fit(f.cjk, p.Title, cellWidth-40), mid, top+titleBase, 0)
		group := card.Group
		if card.Holder != "" {
			group += " · " + card.Holder
		}
		drawText(img, f.group, fit(f.group, group, cellWidth-40), mid, top+groupBase, 0)
		drawText(img, f.code, ascii(card.Code), mid, top+codeBase, 0)
		drawText(img, f.cjkSmall, CardHint1, mid, top+hintBase, 0)
		drawText(img, f.cjkSmall, CardHint2, mid, top+hint2Base, 0)
		drawText(img, f.small, fit(f.small, ascii(p.Footer), cellWidth-30), mid, top+linkBase, 0)
		drawCutLines(img, cell)
	}
	drawText(img, f.cjkSmall, p.Title+"　"+ascii(p.Footer), pageMargin, footerBase, -1)
	if p.Count > 0 {
		drawText(img, f.small, fmt.Sprintf("%d / %d", p.Number, p.Count), PageWidth-pageMargin, footerBase, 1)
	}
	return img, nil
}

// drawQR scales the QR image (any black-and-white PNG) into the cell by
// whole pixels: each source pixel becomes a k × k block.
func drawQR(img *image.Gray, cell image.Rectangle, qr []byte) error {
	src, err := png.Decode(bytes.NewReader(qr))
	if err != nil {
		return fmt.Errorf("qr image: %w", err)
	}
	b := src.Bounds()
	if b.Dx() != b.Dy() || b.Dx() > qrBox {
		return fmt.Errorf("qr image %dx%d does not fit a %d px box", b.Dx(), b.Dy(), qrBox)
	}
	at := PlaceQR(cell, b.Dx())
	k := at.Dx() / b.Dx()
	for y := range b.Dy() {
		for x := range b.Dx() {
			if color.GrayModel.Convert(src.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y >= 128 {
				continue
			}
			block := image.Rect(at.Min.X+x*k, at.Min.Y+y*k, at.Min.X+(x+1)*k, at.Min.Y+(y+1)*k)
			draw.Draw(img, block, image.Black, image.Point{}, draw.Src)
		}
	}
	return nil
}

// drawText draws s with its baseline at y: starting at x (align < 0),
// centred on x (0) or ending at x (> 0).
func drawText(img *image.Gray, face font.Face, s string, x, y, align int) {
	if s == "" {
		return
	}
	d := &font.Drawer{Dst: img, Src: image.Black, Face: face}
	w := d.MeasureString(s).Round()
	switch {
	case align == 0:
		x -= w / 2
	case align > 0:
		x -= w
	}
	d.Dot = fixed.P(x, y)
	d.DrawString(s)
}

// fit shortens s with an ellipsis until it is at most width px in face.
func fit(face font.Face, s string, width int) string {
	d := &font.Drawer{Face: face}
	if d.MeasureString(s).Round() <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && d.MeasureString(string(r)+"…").Round() > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// ascii keeps the printable ASCII of s: the compiled-in font has no other
// glyphs, and a box per missing one would only confuse.
func ascii(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= ' ' && r <= '~' {
			b = append(b, byte(r))
		}
	}
	return string(b)
}

// drawCutLines dashes the cell's border. Neighbours share a border, so an
// inner line is drawn twice, in the same place.
func drawCutLines(img *image.Gray, cell image.Rectangle) {
	fill := image.NewUniform(cutGray)
	for x := cell.Min.X; x < cell.Max.X; x += dashOn + dashOff {
		end := min(x+dashOn, cell.Max.X)
		draw.Draw(img, image.Rect(x, cell.Min.Y, end, cell.Min.Y+cutWidth), fill, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(x, cell.Max.Y-cutWidth, end, cell.Max.Y), fill, image.Point{}, draw.Src)
	}
	for y := cell.Min.Y; y < cell.Max.Y; y += dashOn + dashOff {
		end := min(y+dashOn, cell.Max.Y)
		draw.Draw(img, image.Rect(cell.Min.X, y, cell.Min.X+cutWidth, end), fill, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(cell.Max.X-cutWidth, y, cell.Max.X, end), fill, image.Point{}, draw.Src)
	}
}

// WriteCodePagePNG draws p and writes it as a PNG with its print
// resolution (pHYs: 300 dpi) so that it prints at A4 size.
func WriteCodePagePNG(w io.Writer, p CodePage) error {
	img, err := DrawCodePage(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode code page: %w", err)
	}
	if _, err := w.Write(withDPI(buf.Bytes(), PageDPI)); err != nil {
		return fmt.Errorf("write code page: %w", err)
	}
	return nil
}
