package exports

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // decode the QR images' size
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the ballot-code workbook.
const (
	SheetCodeCards = "测评码"
	SheetCodeList  = "清单"
)

// CodeCard is one ballot code to print: the code grouped for reading
// aloud, its rater group's name, the link it opens and that link's QR code.
type CodeCard struct {
	Code  string // e.g. ABCD-EFGH-JK
	Group string // e.g. 群众
	// GroupKey is the rater group's key (e.g. masses), printed on the PNG
	// and PDF pages, whose font has no Chinese.
	GroupKey string
	Holder   string // a personal code's member, e.g. 本人：张三
	URL      string
	QR       []byte // PNG
}

// CodeSheet is a printable sheet of ballot codes for one survey.
type CodeSheet struct {
	Title string // the survey's title
	Cards []CodeCard
}

// Card block geometry: three cards across an A4 page, three rows of cards
// per page, each card a column with a dashed border to cut along.
const (
	cardsAcross   = 3
	cardRowsPage  = 3
	cardRows      = 5 // title, QR, code, group with hint and link, gap
	cardColWidth  = 28.0
	gapColWidth   = 2.0
	qrPixels      = 150.0 // printed QR size
	cardColPixels = 201.0 // a 28-character column is about 201 px wide
)

var cardRowHeights = [cardRows]float64{30, 118, 26, 62, 12}

// WriteCodeSheet writes the workbook: a sheet of cut-out cards (one cell
// block per code with its QR image) and a plain list of the same codes.
func WriteCodeSheet(w io.Writer, cs CodeSheet) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetCodeCards); err != nil {
		return err
	}
	if err := writeCards(f, cs); err != nil {
		return fmt.Errorf("code cards: %w", err)
	}
	if err := writeCodeList(f, cs); err != nil {
		return fmt.Errorf("code list: %w", err)
	}
	f.SetActiveSheet(0)
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("write code sheet: %w", err)
	}
	return nil
}

type cardStyles [cardRows - 1]int

func newCardStyles(f *excelize.File) (cardStyles, error) {
	var st cardStyles
	dashed := func(sides ...string) []excelize.Border {
		var b []excelize.Border
		for _, s := range sides {
			b = append(b, excelize.Border{Type: s, Color: "808080", Style: 3})
		}
		return b
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	specs := []excelize.Style{
		{Border: dashed("left", "right", "top"), Alignment: center, Font: &excelize.Font{Size: 10, Bold: true}},
		{Border: dashed("left", "right"), Alignment: center},
		{Border: dashed("left", "right"), Alignment: center, Font: &excelize.Font{Size: 16, Bold: true, Family: "Consolas"}, NumFmt: 49},
		{Border: dashed("left", "right", "bottom"), Alignment: center, Font: &excelize.Font{Size: 9}},
	}
	for i := range specs {
		id, err := f.NewStyle(&specs[i])
		if err != nil {
			return st, err
		}
		st[i] = id
	}
	return st, nil
}

func writeCards(f *excelize.File, cs CodeSheet) error {
	sh := SheetCodeCards
	st, err := newCardStyles(f)
	if err != nil {
		return err
	}
	for c := range cardsAcross {
		col, _ := excelize.ColumnNumberToName(2*c + 1)
		if err := f.SetColWidth(sh, col, col, cardColWidth); err != nil {
			return err
		}
		if c+1 < cardsAcross {
			gap, _ := excelize.ColumnNumberToName(2*c + 2)
			if err := f.SetColWidth(sh, gap, gap, gapColWidth); err != nil {
				return err
			}
		}
	}
	// Fitted to one page wide: the three card columns print side by side
	// on A4 (unfitted, the third fell on a page of its own).
	portrait, a4, wide, tall, fit := "portrait", 9, 1, 0, true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &a4, Orientation: &portrait, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	margin := 0.4
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: &margin, Right: &margin, Top: &margin, Bottom: &margin, Horizontally: new(true)}); err != nil {
		return err
	}
	blockRows := (len(cs.Cards) + cardsAcross - 1) / cardsAcross
	for b := range blockRows {
		top := b*cardRows + 1
		for r, h := range cardRowHeights {
			if err := f.SetRowHeight(sh, top+r, h); err != nil {
				return err
			}
		}
		if b > 0 && b%cardRowsPage == 0 {
			if err := f.InsertPageBreak(sh, fmt.Sprintf("A%d", top)); err != nil {
				return err
			}
		}
	}
	for i, card := range cs.Cards {
		col, _ := excelize.ColumnNumberToName(2*(i%cardsAcross) + 1)
		top := (i/cardsAcross)*cardRows + 1
		if err := writeCard(f, sh, col, top, cs.Title, card, st); err != nil {
			return err
		}
	}
	return nil
}

func writeCard(f *excelize.File, sh, col string, top int, title string, card CodeCard, st cardStyles) error {
	group := "评价群体：" + card.Group
	if card.Holder != "" {
		group += "（" + card.Holder + "）"
	}
	values := []string{title, "", card.Code, group + "\n扫描二维码或打开链接，输入测评码\n" + card.URL}
	for r, v := range values {
		cell := fmt.Sprintf("%s%d", col, top+r)
		if err := f.SetCellStr(sh, cell, v); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell, cell, st[r]); err != nil {
			return err
		}
	}
	if len(card.QR) == 0 {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(card.QR))
	if err != nil {
		return fmt.Errorf("qr image: %w", err)
	}
	scale := qrPixels / float64(cfg.Height)
	return f.AddPictureFromBytes(sh, fmt.Sprintf("%s%d", col, top+1), &excelize.Picture{
		Extension: ".png", File: card.QR,
		Format: &excelize.GraphicOptions{
			ScaleX: scale, ScaleY: scale, OffsetX: int(cardColPixels-qrPixels) / 2, OffsetY: 4,
			AltText: card.Code, Positioning: "oneCell",
		},
	})
}

// writeCodeList lists the codes as text (number format @), for mail merge
// or checking a code against the cards.
func writeCodeList(f *excelize.File, cs CodeSheet) error {
	sh := SheetCodeList
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	for i, h := range []string{"序号", "测评码", "评价群体", "参与链接"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sh, cell, h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "D1", head); err != nil {
		return err
	}
	for i, c := range cs.Cards {
		row := i + 2
		if err := f.SetCellInt(sh, fmt.Sprintf("A%d", row), int64(i+1)); err != nil {
			return err
		}
		for j, v := range []string{c.Code, c.Group, c.URL} {
			cell, _ := excelize.CoordinatesToCellName(j+2, row)
			if err := f.SetCellStr(sh, cell, v); err != nil {
				return err
			}
		}
	}
	if len(cs.Cards) > 0 {
		if err := f.SetCellStyle(sh, "B2", fmt.Sprintf("D%d", len(cs.Cards)+1), text); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 8, "B": 18, "C": 12, "D": 60} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	// Printed A4 portrait, one page wide (the link column fell on a page of
	// its own), the header repeated on every page.
	if err := setupSheet(f, sh, pageSetup{title: cs.Title + " · 测评码清单", cols: 4, headRows: 1}); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
