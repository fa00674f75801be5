// Package decimal rounds numbers as a person reads them: half away from
// zero on the printed decimal digit, to the places a page, a workbook or the
// JSON shows (DESIGN.md, Scoring rules). It imports nothing of Minyi, so the
// scoring, the work-order statistics and the workbooks round one way.
package decimal

import (
	"math"
	"strconv"
	"strings"
)

// JSON carries numbers rounded to JSONPlaces decimals; pages and workbooks
// show DisplayPlaces.
const (
	JSONPlaces    = 4
	DisplayPlaces = 2
)

// Round rounds x to places decimals, halves away from zero, as the decimal
// number a person reads: Round(1.005, 2) is 1.01 and Round(-2.5, 0) is -3.
//
// Multiplying by 10^places first would round 1.005 (stored as
// 1.00499999999999989…) down; instead the shortest decimal form of x — the
// one strconv prints and a person sees — is shifted by places digits as
// text, so the digit deciding the rounding is the printed one.
func Round(x float64, places int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || places < 0 {
		return x
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) <= places {
		return x
	}
	// intPart+frac[:places] "." frac[places:] is |x|·10^places exactly as
	// printed; math.Round rounds its half away from zero.
	shifted, err := strconv.ParseFloat(intPart+frac[:places]+"."+frac[places:], 64)
	if err != nil {
		return x
	}
	r := math.Round(shifted) / math.Pow10(places)
	if x < 0 {
		return -r
	}
	return r
}

// Format prints x rounded to places decimals with exactly places digits
// after the point, for pages and workbooks.
func Format(x float64, places int) string {
	return strconv.FormatFloat(Round(x, places), 'f', places, 64)
}

// Plain prints x rounded to at most places decimals without trailing
// zeros (0.4, 95, 33.34; never "-0"): for numbers people read in a
// sentence rather than in a column.
func Plain(x float64, places int) string {
	s := Format(x, places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}
