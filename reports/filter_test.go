package reports_test

import (
	"testing"

	"minyi/reports"
)

// TestFilterText: one filter, told on the page (当前筛选), under the title
// of 汇总 and as 汇总's 统计范围.
func TestFilterText(t *testing.T) {
	for _, tc := range []struct {
		group, org         string
		scoped, raw        bool
		words, line, scope string
	}{
		{"", "", false, false, "", "", "全部评价对象"},
		{"", "", false, true, "", "", "全部评价对象"},
		{"", "", true, false, "", "", "本组织及下级组织的评价对象"},
		{"群众", "", false, false, "评价群体：群众", "当前筛选：评价群体：群众", "全部评价对象；仅群众的评价"},
		{"", "第一党支部", true, false, "组织：第一党支部（含下级）", "当前筛选：组织：第一党支部（含下级）", "第一党支部及下级组织的评价对象"},
		{"群众", "第一党支部", true, false, "评价群体：群众；组织：第一党支部（含下级）", "当前筛选：评价群体：群众；组织：第一党支部（含下级）",
			"第一党支部及下级组织的评价对象；仅群众的评价"},
		{"党员", "", false, true, "评价群体：党员", "当前筛选：评价群体：党员（原始答卷不筛选，列出全部答卷）", "全部评价对象；仅党员的评价"},
	} {
		d := reports.FilterText{Group: tc.group, Org: tc.org, Scoped: tc.scoped}
		if got := d.Words(); got != tc.words {
			t.Errorf("%+v.Words() = %q, want %q", d, got, tc.words)
		}
		if got := d.Line(tc.raw); got != tc.line {
			t.Errorf("%+v.Line(%v) = %q, want %q", d, tc.raw, got, tc.line)
		}
		if got := d.Scope(); got != tc.scope {
			t.Errorf("%+v.Scope() = %q, want %q", d, got, tc.scope)
		}
	}
}
