package minyi_test

import (
	"testing"

	"minyi"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		multiline bool
		want      string
		ok        bool
	}{
		{"plain name", "第一党支部", false, "第一党支部", true},
		{"empty", "", false, "", true},
		{"emoji and ideographic space", "张　三 😀", false, "张　三 😀", true},
		{"NUL", "张\x00三", false, "", false},
		{"NUL in a text", "路灯\x00坏了", true, "", false},
		{"bell", "a\ab", true, "", false},
		{"DEL", "a\x7fb", false, "", false},
		{"C1 NEL", "a\u0085b", true, "", false},
		{"escape", "\x1b[31m红", true, "", false},
		{"newline in a name", "张\n三", false, "", false},
		{"tab in a name", "张\t三", false, "", false},
		{"CR in a name", "张\r三", false, "", false},
		{"newline and tab in a text", "第一行\n\t第二行", true, "第一行\n\t第二行", true},
		{"CR LF in a text", "第一行\r\n第二行\r第三行", true, "第一行\n第二行\n第三行", true},
		{"RLO", "abc\u202Eexe.xlsx", false, "", false},
		{"LRE", "\u202Aabc", true, "", false},
		{"PDF", "abc\u202C", true, "", false},
		{"RLI", "\u2067abc\u2069", false, "", false},
		{"FSI in a text", "说明\u2068", true, "", false},
		{"ZWSP in a name", "张\u200B三", false, "", false},
		{"BOM in a name", "\uFEFF张三", false, "", false},
		{"ZWSP, ZWNJ, ZWJ, WJ, BOM stripped from a text", "\uFEFF路\u200B灯\u200C坏\u200D了\u2060", true, "路灯坏了", true},
		{"invalid UTF-8", "a\xffb", true, "", false},
		{"LRM kept", "a\u200Eb", false, "a\u200Eb", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := minyi.CleanText(tc.in, tc.multiline)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("CleanText(%q, %v) = %q, %v; want %q, %v", tc.in, tc.multiline, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFieldErrorsText(t *testing.T) {
	var fe minyi.FieldErrors
	good, bad := "a\u200Bb", "a\u202Eb"
	fe.Text("note", &good, true)
	fe.Text("name", &bad, false)
	if good != "ab" || bad != "a\u202Eb" {
		t.Errorf("texts %q %q: want the good one cleaned, the bad one left", good, bad)
	}
	if len(fe) != 1 || fe[0].Field != "name" || fe[0].Code != minyi.CodeBadCharacters || fe[0].Message == "" {
		t.Errorf("field errors %+v", fe)
	}
}
