package minyi

import (
	"strings"
	"unicode/utf8"
)

// The field error of a text that CleanText refuses.
const (
	CodeBadCharacters    = "bad_characters"
	MessageBadCharacters = "含有不可见或控制字符，请删除后重试"
)

// CleanText checks a name or text typed by a person, whatever path it came
// in by. It refuses (ok false) invalid UTF-8, C0 and C1 control characters
// and DEL, and the bidi embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), which make a name read differently from what it is in a
// ranking, a workbook or an audit line. Zero-width characters (U+200B–U+200D,
// U+2060, U+FEFF) are removed from a multiline free text, where they are
// pasted along unseen, and refused in a single-line name or title, where
// they would make two names look alike. A multiline text may hold newlines
// (CR LF and CR become LF, as a browser's textarea sends CR LF) and tabs.
func CleanText(s string, multiline bool) (string, bool) {
	if !utf8.ValidString(s) {
		return s, false
	}
	clean := true
	for _, r := range s {
		switch kind(r, multiline) {
		case runeRefused:
			return s, false
		case runeDropped:
			clean = false
		}
	}
	if clean {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch kind(r, multiline) {
		case runeDropped:
			if r == '\r' && strings.HasPrefix(s[i+1:], "\n") {
				continue // CR LF: the LF follows
			}
			if r == '\r' {
				b.WriteByte('\n')
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

type runeKind int

const (
	runeKept runeKind = iota
	runeDropped
	runeRefused
)

func kind(r rune, multiline bool) runeKind {
	switch {
	case r == '\n' || r == '\t':
		if multiline {
			return runeKept
		}
		return runeRefused
	case r == '\r':
		if multiline {
			return runeDropped // rewritten as LF
		}
		return runeRefused
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return runeRefused
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return runeRefused
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff:
		if multiline {
			return runeDropped
		}
		return runeRefused
	}
	return runeKept
}

// Text runs CleanText over *s: the cleaned text replaces it, or a refusal
// is recorded as field's bad_characters error.
func (fe *FieldErrors) Text(field string, s *string, multiline bool) {
	c, ok := CleanText(*s, multiline)
	if !ok {
		fe.Add(field, CodeBadCharacters, MessageBadCharacters)
		return
	}
	*s = c
}
