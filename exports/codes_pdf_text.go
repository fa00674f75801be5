package exports

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// The PDF's pages are images, so the words on them are laid over each
// card once more as invisible text (render mode 3): a reader's search, a
// screen reader and copy and paste find the survey title, the group, the
// instructions, the code and the link where the picture shows them. The
// text needs no glyphs — nothing is drawn — so its font is a small Type0
// font that embeds nothing: each character gets a code of its own
// (Identity-H) and a ToUnicode map says which character each code is.

// pdfTextLayer numbers the characters of a document's invisible text.
type pdfTextLayer struct {
	codes map[rune]uint16
	runes []rune // runes[i] has code i+1
}

// hex is s as the layer's codes, a PDF hex string.
func (l *pdfTextLayer) hex(s string) string {
	if l.codes == nil {
		l.codes = map[rune]uint16{}
	}
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range s {
		c, ok := l.codes[r]
		if !ok && len(l.runes) < 0xFFFE {
			l.runes = append(l.runes, r)
			c = uint16(len(l.runes))
			l.codes[r] = c
		}
		fmt.Fprintf(&b, "%04X", c)
	}
	b.WriteByte('>')
	return b.String()
}

// pageText is the content stream that lays p's words over its image, at
// the cards' places (page pixels to points, the PDF's y upwards).
func (l *pdfTextLayer) pageText(p CodePage) string {
	sx, sy := a4WidthPt/float64(PageWidth), a4HeightPt/float64(PageHeight)
	var b strings.Builder
	b.WriteString("BT 3 Tr\n")
	line := func(s string, x, y, size int) {
		fmt.Fprintf(&b, "/T0 %d Tf 1 0 0 1 %.2f %.2f Tm %s Tj\n", size, float64(x)*sx, a4HeightPt-float64(y)*sy, l.hex(s))
	}
	cells := CodePageCells()
	for i, card := range p.Cards {
		x, top := cells[i].Min.X+40, cells[i].Min.Y
		line(p.Title, x, top+titleBase, 9)
		group := card.Group
		if card.Holder != "" {
			group += " · " + card.Holder
		}
		line(group, x, top+groupBase, 9)
		line(card.Code, x, top+codeBase, 12)
		line(CardHint1, x, top+hintBase, 7)
		line(CardHint2, x, top+hint2Base, 7)
		line(p.Footer, x, top+linkBase, 6)
	}
	b.WriteString("ET\n")
	return b.String()
}

// writeFont writes the layer's font as objects font … font+3: the Type0
// font, its CID font, the font descriptor and the ToUnicode map, which
// must follow every page (it lists the characters the pages used).
func (l *pdfTextLayer) writeFont(pw *pdfWriter, font int) {
	pw.object(font, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /MinyiText /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", font+1, font+3))
	pw.object(font+1, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /MinyiText /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>", font+2))
	pw.object(font+2, "<< /Type /FontDescriptor /FontName /MinyiText /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
	pw.stream(font+3, "", []byte(l.toUnicode()))
}

// toUnicode is the CMap from the layer's codes to their characters.
func (l *pdfTextLayer) toUnicode() string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
	b.WriteString("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Minyi-UCS def\n/CMapType 2 def\n")
	b.WriteString("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for chunk := range slices.Chunk(l.runes, 100) { // at most 100 entries a block
		start := int(l.codes[chunk[0]])
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for i, r := range chunk {
			fmt.Fprintf(&b, "<%04X> <", start+i)
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}
