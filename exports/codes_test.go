package exports_test

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
)

func TestQRPNG(t *testing.T) {
	const module = 4
	b, err := exports.QRPNG("http://localhost:8080/s/abcdefghij", module)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// 34 bytes at level M need version 3: 29 modules, plus a quiet zone of
	// 4 modules each side = 37 modules × 4 px = 148 px.
	size := img.Bounds().Dx()
	if size != img.Bounds().Dy() || size != 37*module {
		t.Fatalf("image %v, want 148×148", img.Bounds())
	}
	dark := func(x, y int) bool {
		r, _, _, _ := img.At(x*module, y*module).RGBA()
		return r == 0
	}
	// The quiet zone is white; the top-left finder pattern starts right
	// after it with a dark module, and its second ring is light.
	if dark(0, 0) || dark(3, 3) {
		t.Error("quiet zone is not white")
	}
	if !dark(4, 4) || !dark(10, 4) || dark(5, 5) || !dark(6, 6) {
		t.Error("no finder pattern at the top left")
	}
}

func TestWriteCodeSheet(t *testing.T) {
	codes := []string{"ABCD-EFGH-JK", "MNPQ-RSTU-VW", "XYZ2-3456-78", "9ABC-DEFG-HJ"}
	sheet := exports.CodeSheet{Title: "2026年度民主评议党员"}
	for _, c := range codes {
		url := "http://localhost:8080/s/abcdefghij?code=" + c
		qr, err := exports.QRPNG(url, 4)
		if err != nil {
			t.Fatal(err)
		}
		sheet.Cards = append(sheet.Cards, exports.CodeCard{Code: c, Group: "党员", URL: url, QR: qr})
	}
	var buf bytes.Buffer
	if err := exports.WriteCodeSheet(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Cards: three across (columns A, C, E), five rows per card: the fourth
	// code starts the second block at A6.
	for i, cell := range []string{"A3", "C3", "E3", "A8"} {
		if v, _ := f.GetCellValue(exports.SheetCodeCards, cell); v != codes[i] {
			t.Errorf("%s = %q, want %q", cell, v, codes[i])
		}
		qrCell := string(cell[0]) + map[byte]string{'3': "2", '8': "7"}[cell[1]]
		pics, err := f.GetPictures(exports.SheetCodeCards, qrCell)
		if err != nil || len(pics) != 1 || !bytes.Equal(pics[0].File, sheet.Cards[i].QR) {
			t.Errorf("%s: %d pictures (%v), want the card's QR code", qrCell, len(pics), err)
		}
	}
	if v, _ := f.GetCellValue(exports.SheetCodeCards, "A1"); v != sheet.Title {
		t.Errorf("card title %q", v)
	}
	// Under the code: the group, two lines of instructions' worth and the link.
	if v, _ := f.GetCellValue(exports.SheetCodeCards, "C4"); v != "评价群体：党员\n扫描二维码或打开链接，输入测评码\n"+sheet.Cards[1].URL {
		t.Errorf("card text %q", v)
	}
	rows, err := f.GetRows(exports.SheetCodeList)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(codes)+1 || rows[0][1] != "测评码" {
		t.Fatalf("list rows %v", rows)
	}
	for i, c := range codes {
		if rows[i+1][1] != c || rows[i+1][2] != "党员" || rows[i+1][3] != sheet.Cards[i].URL {
			t.Errorf("list row %d = %v", i+2, rows[i+1])
		}
	}
}

func TestQRPNGsMatchesQRPNG(t *testing.T) {
	texts := []string{"a", "https://minyi.example.org/s/x?code=ABCDEFGHJK", "第三个"}
	got, err := exports.QRPNGs(texts, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The encoder breaks ties between equally good masks by goroutine
	// order, so a text has a few valid encodings: each must be one of them.
	for i, s := range texts {
		same := false
		for try := 0; try < 40 && !same; try++ {
			want, err := exports.QRPNG(s, 3)
			if err != nil {
				t.Fatal(err)
			}
			same = bytes.Equal(got[i], want)
		}
		if !same {
			t.Errorf("QRPNGs[%d] is no encoding of %q", i, s)
		}
	}
}

// BenchmarkCodeSheet measures a printable sheet of 300 codes (a meeting's
// worth) including their QR codes.
func BenchmarkCodeSheet(b *testing.B) {
	links := make([]string, 300)
	for i := range links {
		links[i] = fmt.Sprintf("https://minyi.example.org/s/abcdefghij?code=ABCDEF%04d", i)
	}
	for b.Loop() {
		pngs, err := exports.QRPNGs(links, 4)
		if err != nil {
			b.Fatal(err)
		}
		cs := exports.CodeSheet{Title: "2026年度民主评议党员"}
		for i, l := range links {
			cs.Cards = append(cs.Cards, exports.CodeCard{Code: l[len(l)-10:], Group: "群众", URL: l, QR: pngs[i]})
		}
		if err := exports.WriteCodeSheet(io.Discard, cs); err != nil {
			b.Fatal(err)
		}
	}
}
