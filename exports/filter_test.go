package exports_test

import (
	"testing"

	"minyi/exports"
)

// TestFilterText: the line under 汇总's title that says what a filtered
// workbook holds.
func TestFilterText(t *testing.T) {
	for _, tc := range []struct {
		group, org string
		raw        bool
		want       string
	}{
		{"", "", false, ""},
		{"", "", true, ""},
		{"群众", "", false, "筛选：评议人类别 群众"},
		{"", "第一党支部", false, "筛选：组织 第一党支部及下级"},
		{"群众", "第一党支部", false, "筛选：评议人类别 群众；组织 第一党支部及下级"},
		{"党员", "", true, "筛选：评议人类别 党员（原始答卷不筛选，列出全部答卷）"},
	} {
		if got := exports.FilterText(tc.group, tc.org, tc.raw); got != tc.want {
			t.Errorf("FilterText(%q, %q, %v) = %q, want %q", tc.group, tc.org, tc.raw, got, tc.want)
		}
	}
}
