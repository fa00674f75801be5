package surveys

import (
	"math"
	"strconv"
	"strings"

	"minyi/decimal"
)

// Shares (a quota's max_share, a grade's) as people write them: 三分之一,
// 二分之一, 30%, 33.34%. A fraction is stored as the nearest float64 (1/3
// is 0.333…), which is exact enough for the floor a person computes: every
// quota adds 1e-9 before flooring, so 1/3 of 9 members is 3.

// chineseDigits are the numerals of small fractions, 1 to 10.
var chineseDigits = [...]string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// shareEpsilon: a share this close to n/d is that fraction.
const shareEpsilon = 1e-9

// ShareWords is how a person reads share x (0–1): a simple fraction in
// words when x is one (三分之一, 三分之二, 四分之一, see fractionDenominators), else
// a percentage with at most two decimals and no trailing zeros (30%,
// 33.34%).
func ShareWords(x float64) string {
	if n, d, ok := simpleFraction(x); ok {
		if n == d {
			return "全部"
		}
		return chineseDigits[d] + "分之" + chineseDigits[n]
	}
	return Percent(x)
}

// Percent prints share x as a percentage with at most two decimals, halves
// away from zero, without trailing zeros: 0.3 → "30%", 0.3334 → "33.34%".
func Percent(x float64) string {
	return decimal.Plain(x*100, 2) + "%"
}

// fractionDenominators are the fractions said in words: halves and
// quarters, and those whose percentage never ends (thirds, sixths,
// sevenths, ninths); a fifth or a tenth reads better as 20% or 10%.
var fractionDenominators = []int{2, 3, 4, 6, 7, 9}

// simpleFraction finds n/d (lowest terms, d one of fractionDenominators)
// equal to x.
func simpleFraction(x float64) (n, d int, ok bool) {
	for _, d = range fractionDenominators {
		for n = 1; n <= d; n++ {
			if gcd(n, d) == 1 && math.Abs(x-float64(n)/float64(d)) < shareEpsilon {
				return n, d, true
			}
		}
	}
	if math.Abs(x-1) < shareEpsilon {
		return 1, 1, true
	}
	return 0, 0, false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ParseShare reads a share as a person writes it: 三分之一 (or 3分之1),
// 1/3, 33.34%, 30％, or a ratio 0.3; false when s is none of these or not
// within 0–1.
func ParseShare(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	var x float64
	switch {
	case s == "":
		return 0, false
	case strings.Contains(s, "分之"):
		den, num, _ := strings.Cut(s, "分之")
		d, ok1 := smallNumber(den)
		n, ok2 := smallNumber(num)
		if !ok1 || !ok2 || d == 0 {
			return 0, false
		}
		x = float64(n) / float64(d)
	case strings.Contains(s, "/"):
		num, den, _ := strings.Cut(s, "/")
		n, err1 := strconv.ParseFloat(num, 64)
		d, err2 := strconv.ParseFloat(den, 64)
		if err1 != nil || err2 != nil || d == 0 {
			return 0, false
		}
		x = n / d
	case strings.HasSuffix(s, "%") || strings.HasSuffix(s, "％"):
		// "33.34e-2" parses to the float nearest 0.3334; dividing by 100
		// would not.
		v, err := strconv.ParseFloat(strings.TrimRight(s, "%％")+"e-2", 64)
		if err != nil {
			return 0, false
		}
		x = v
	default:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		x = v
	}
	if math.IsNaN(x) || x < 0 || x > 1 {
		return 0, false
	}
	return x, true
}

// smallNumber reads 1–99 in Arabic or Chinese numerals (一 … 十, 十二, 二十).
func smallNumber(s string) (int, bool) {
	if v, err := strconv.Atoi(s); err == nil {
		return v, v > 0
	}
	digit := func(r string) int {
		for i, d := range chineseDigits[1:10] {
			if d == r {
				return i + 1
			}
		}
		return 0
	}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && s == "十":
		return 10, true
	case len(rs) == 1:
		v := digit(s)
		return v, v > 0
	case len(rs) == 2 && rs[0] == '十':
		v := digit(string(rs[1]))
		return 10 + v, v > 0
	case len(rs) == 2 && rs[1] == '十':
		v := digit(string(rs[0]))
		return v * 10, v > 0
	case len(rs) == 3 && rs[1] == '十':
		a, b := digit(string(rs[0])), digit(string(rs[2]))
		return a*10 + b, a > 0 && b > 0
	}
	return 0, false
}
