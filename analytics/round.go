package analytics

import (
	"math"
	"strconv"
	"strings"
)

// JSON carries numbers rounded to JSONPlaces decimals; pages and workbooks
// show DisplayPlaces (DESIGN.md, Scoring rules).
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

// Number is a published number: undefined (null in JSON) when there was
// nothing to compute it from, otherwise rounded to JSONPlaces in JSON. The
// full-precision value stays in Value for further computation.
type Number struct {
	Value float64
	Valid bool
}

// Num is a defined Number.
func Num(v float64) Number { return Number{Value: v, Valid: true} }

// MarshalJSON writes null or the number rounded to JSONPlaces decimals.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Valid || math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, Round(n.Value, JSONPlaces), 'f', -1, 64), nil
}

// UnmarshalJSON reads null or a number (for clients and tests).
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number{}
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = Num(v)
	return nil
}
