package exports

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"sync"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// qrQuietZone is the white margin around a QR code, in modules; scanners
// need 4.
const qrQuietZone = 4

// QRPNG encodes text as a QR code (error correction M: 15%, enough for a
// printed sheet that gets folded) and draws it as a black-and-white PNG
// with module pixels per module.
func QRPNG(text string, module int) ([]byte, error) {
	if module < 1 {
		module = 1
	}
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	w := &pngWriter{module: module}
	if err := q.Save(w); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return w.buf.Bytes(), nil
}

// QRPNGs is QRPNG for many texts, spread over the CPUs: a QR code takes a
// few milliseconds (mostly choosing its mask), and a sheet may hold
// thousands.
func QRPNGs(texts []string, module int) ([][]byte, error) {
	out := make([][]byte, len(texts))
	errs := make([]error, len(texts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(texts), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = QRPNG(texts[i], module)
			}
		})
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pngWriter is a qrcode.Writer that draws the matrix itself, so no image
// library beyond the standard one is needed.
type pngWriter struct {
	module int
	buf    bytes.Buffer
}

func (w *pngWriter) Write(mat qrcode.Matrix) error {
	bits := mat.Bitmap()
	n := len(bits)
	size := (n + 2*qrQuietZone) * w.module
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+qrQuietZone)*w.module, (y+qrQuietZone)*w.module
			for dy := range w.module {
				for dx := range w.module {
					img.SetColorIndex(x0+dx, y0+dy, 1)
				}
			}
		}
	}
	return png.Encode(&w.buf, img)
}

func (w *pngWriter) Close() error { return nil }
