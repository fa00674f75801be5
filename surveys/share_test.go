package surveys_test

import (
	"testing"

	"minyi/surveys"
)

func TestShareWords(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{1.0 / 3, "三分之一"}, {2.0 / 3, "三分之二"}, {0.5, "二分之一"}, {0.25, "四分之一"}, {0.3, "30%"}, {0.2, "20%"},
		{0.3334, "33.34%"}, {0.15, "15%"}, {0.33339999, "33.34%"}, {0.125, "12.5%"}, {1, "全部"},
	} {
		if got := surveys.ShareWords(tc.x); got != tc.want {
			t.Errorf("ShareWords(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

// TestParseShare: what a person types becomes a share, and 三分之一 is
// exact enough that a third of 9 members is 3 (floor(9 × 1/3 + 1e-9) = 3)
// and of 10 members 3 (floor(3.333…) = 3).
func TestParseShare(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"三分之一", 1.0 / 3, true}, {"3分之1", 1.0 / 3, true}, {"1/3", 1.0 / 3, true}, {"十分之三", 0.3, true},
		{"33.34%", 0.3334, true}, {"30％", 0.3, true}, {"0.25", 0.25, true}, {"二十分之三", 0.15, true},
		{"", 0, false}, {"三分之四", 0, false}, {"abc", 0, false}, {"120%", 0, false}, {"1/0", 0, false},
	} {
		got, ok := surveys.ParseShare(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("ParseShare(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	third, _ := surveys.ParseShare("三分之一")
	for n, want := range map[int]int{9: 3, 10: 3, 3: 1, 5: 1, 6: 2} {
		if got := surveys.QuotaLimit(third, n); got != want {
			t.Errorf("a third of %d is %d, want %d", n, got, want)
		}
	}
}
