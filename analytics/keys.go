package analytics

import (
	"strconv"
	"strings"
)

// Tally documents use subject ids, question keys, rater groups, channels,
// option keys, scale values and invalid reasons as field names. Definition
// validation limits keys to [A-Za-z0-9_-], but ids, channels and reasons
// come from elsewhere and a field name that contains '.' (a path separator),
// starts with '$' (an operator) or is empty is refused or misread by the
// store. So every such name goes through escapeKey, without relying on
// validation: '%', '.', '$', '/' and NUL become %XX, and the empty string
// becomes a lone "%" (which no escaped non-empty string can be, since an
// escape is always three characters). '/' is escaped because document ids
// join parts with it. Plain keys are unchanged, so the stored paths read as
// h.q1.masses.c.a.
func escapeKey(k string) string {
	if k == "" {
		return "%"
	}
	if !strings.ContainsAny(k, "%.$/\x00") {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		switch c := k[i]; c {
		case '%', '.', '$', '/', 0:
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeKey reverses escapeKey. A malformed escape is kept as it is: the
// names were written by escapeKey, so it only guards against hand edits.
func unescapeKey(k string) string {
	if k == "%" {
		return ""
	}
	if !strings.Contains(k, "%") {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if k[i] == '%' && i+2 < len(k) {
			if v, err := strconv.ParseUint(k[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(k[i])
	}
	return b.String()
}
