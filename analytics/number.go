package analytics

import (
	"math"
	"strconv"

	"minyi/decimal"
)

// Number is a published number: undefined (null in JSON) when there was
// nothing to compute it from, otherwise rounded to decimal.JSONPlaces in JSON. The
// full-precision value stays in Value for further computation.
type Number struct {
	Value float64
	Valid bool
}

// Num is a defined Number.
func Num(v float64) Number { return Number{Value: v, Valid: true} }

// MarshalJSON writes null or the number rounded to decimal.JSONPlaces decimals.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Valid || math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, decimal.Round(n.Value, decimal.JSONPlaces), 'f', -1, 64), nil
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
