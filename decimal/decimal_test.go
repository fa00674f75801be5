package decimal_test

import (
	"testing"

	"minyi/decimal"
)

func TestRound(t *testing.T) {
	tests := []struct {
		x      float64
		places int
		want   float64
		text   string
	}{
		{1.005, 2, 1.01, "1.01"}, // half away from zero on the printed digit
		{2.675, 2, 2.68, "2.68"},
		{-2.5, 0, -3, "-3"},
		{-1.005, 2, -1.01, "-1.01"},
		{250.0 / 3, 4, 83.3333, "83.3333"},
		{2.0 / 3, 4, 0.6667, "0.6667"},
		{0.125, 2, 0.13, "0.13"},
		{82, 2, 82, "82.00"},
		{1e-7, 4, 0, "0.0000"},
	}
	for _, tt := range tests {
		if got := decimal.Round(tt.x, tt.places); got != tt.want {
			t.Errorf("Round(%v, %d) = %v, want %v", tt.x, tt.places, got, tt.want)
		}
		if got := decimal.Format(tt.x, tt.places); got != tt.text {
			t.Errorf("Format(%v, %d) = %q, want %q", tt.x, tt.places, got, tt.text)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, c := range []struct {
		x      float64
		places int
		want   string
	}{{0.4, 2, "0.4"}, {95, 2, "95"}, {100, 0, "100"}, {33.335, 2, "33.34"}, {-0.001, 2, "0"}, {1.50, 2, "1.5"}} {
		if got := decimal.Plain(c.x, c.places); got != c.want {
			t.Errorf("Plain(%v, %d) = %q, want %q", c.x, c.places, got, c.want)
		}
	}
}
