package surveys

import (
	"slices"
	"unicode/utf8"

	"minyi"
)

// An 「其他」 option (Option.Other) takes the rater's own words: the answer
// that chooses it may carry Text, cleaned like any text answer and at most
// OtherTextLimit characters. Without such a choice a choice answer takes no
// text.

// OtherTextLimit caps the words written next to 「其他」.
const OtherTextLimit = 200

// takesOther reports whether the chosen options include an 其他 option.
func (q *Question) takesOther(chosen []string) bool {
	return slices.ContainsFunc(q.Options, func(o Option) bool { return o.Other && slices.Contains(chosen, o.Key) })
}

// otherText puts the 其他 text of a on out, or says what is wrong with it.
func (q *Question) otherText(f string, a Answer, out *Answer) *Problem {
	if a.Text == "" {
		return nil
	}
	t, ok := minyi.CleanText(a.Text, false)
	if !ok {
		return &Problem{Field: f + ".text", Code: "invalid_text", Message: "内容含有不可见或控制字符，请删除后重试", Question: q.Key, Subject: a.Subject}
	}
	if utf8.RuneCountInString(t) > OtherTextLimit {
		return &Problem{Field: f + ".text", Code: "too_long", Message: "「其他」说明不能超过200个字", Question: q.Key, Subject: a.Subject}
	}
	out.Text = t
	return nil
}
