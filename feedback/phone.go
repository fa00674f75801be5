package feedback

import (
	"strings"

	"minyi"
)

// NormalizePhone reduces what an operator or resident typed to digits, so
// that "138 0013 8000", "138-0013-8000" and "+86 13800138000" hash alike.
// It accepts mainland mobile numbers (11 digits starting with 1) and
// landlines with or without area code (7 to 12 digits).
func NormalizePhone(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	s = strings.TrimPrefix(s, "+86")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", phoneInvalid()
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "86") && len(d) == 13 {
		d = d[2:]
	}
	switch {
	case len(d) == 11 && d[0] == '1':
	case len(d) >= 7 && len(d) <= 12 && d[0] != '1':
	default:
		return "", phoneInvalid()
	}
	return d, nil
}

func phoneInvalid() error {
	var fe minyi.FieldErrors
	fe.Add("caller.phone", "invalid", "电话号码格式有误，请填写11位手机号或带区号的固定电话")
	return fe.Err()
}

// MaskPhone shows enough of a number to recognise it on a call-back list
// and no more: 138****5678 for 11 or more digits, ****5678 for shorter ones.
func MaskPhone(d string) string {
	switch {
	case d == "":
		return ""
	case len(d) >= 11:
		return d[:3] + "****" + d[len(d)-4:]
	case len(d) > 4:
		return "****" + d[len(d)-4:]
	}
	return "****"
}
