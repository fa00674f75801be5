package surveys

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"minyi"
)

// DefaultTextLimit caps a text answer when the question sets no max_length.
const DefaultTextLimit = 2000

// Problem is one thing wrong with a ballot. Question and Subject locate it
// for the page (to show the message next to the field); Field is its JSON
// path for the API.
type Problem struct {
	Field    string
	Code     string
	Message  string
	Question string
	Subject  string
}

// Problems is every problem of one ballot.
type Problems []Problem

func (ps *Problems) add(p Problem) { *ps = append(*ps, p) }

// Err is nil without problems, else a 422 with every field.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	var fe minyi.FieldErrors
	for _, p := range ps {
		fe.Add(p.Field, p.Code, p.Message)
	}
	return fe.Err()
}

// CheckAnswers validates answers against the survey: known questions,
// subjects and options, values in range, no duplicates, every required
// question answered (per subject for matrix questions). It returns the
// answers cleaned (text trimmed, zero-width characters removed; control and bidi characters refused) in survey order.
func (s *Survey) CheckAnswers(answers []Answer) ([]Answer, Problems) {
	var ps Problems
	seen := map[string]int{}
	// Each answer's place in survey order is computed once, not in every
	// comparison of the sort: a ballot may hold hundreds of answers.
	type ranked struct {
		rank int
		a    Answer
	}
	checked := make([]ranked, 0, len(answers))
	for i, a := range answers {
		f := fmt.Sprintf("answers[%d]", i)
		q, ok := s.Question(a.Question)
		if !ok {
			ps.add(Problem{Field: f + ".question", Code: "unknown_question", Message: "没有这道题目"})
			continue
		}
		if q.PerSubject {
			if a.Subject == "" {
				ps.add(Problem{Field: f + ".subject", Code: "required", Message: "请指明评价对象", Question: q.Key})
				continue
			}
			if _, ok := s.Subject(a.Subject); !ok {
				ps.add(Problem{Field: f + ".subject", Code: "unknown_subject", Message: "没有这个评价对象", Question: q.Key})
				continue
			}
		} else if a.Subject != "" {
			ps.add(Problem{Field: f + ".subject", Code: "not_per_subject", Message: "这道题目不针对具体对象", Question: q.Key})
			continue
		}
		key := q.Key + "\x00" + a.Subject
		if j, dup := seen[key]; dup {
			ps.add(Problem{Field: f, Code: "duplicate_answer", Message: fmt.Sprintf("与第%d个答案重复", j+1), Question: q.Key, Subject: a.Subject})
			continue
		}
		seen[key] = i
		c, p := q.checkAnswer(f, a)
		if p != nil {
			p.Question, p.Subject = q.Key, a.Subject
			ps.add(*p)
			continue
		}
		checked = append(checked, ranked{s.order(c), c})
	}
	ps = append(ps, s.missing(seen)...)
	slices.SortStableFunc(checked, func(a, b ranked) int { return a.rank - b.rank })
	clean := make([]Answer, len(checked))
	for i, r := range checked {
		clean[i] = r.a
	}
	return clean, ps
}

// order sorts answers by question, then by subject, as the survey lists them.
func (s *Survey) order(a Answer) int {
	qi := slices.IndexFunc(s.Questions, func(q Question) bool { return q.Key == a.Question })
	si := slices.IndexFunc(s.Subjects, func(x Subject) bool { return x.ID == a.Subject })
	return qi*(len(s.Subjects)+1) + si + 1
}

func (s *Survey) missing(seen map[string]int) Problems {
	var ps Problems
	for _, q := range s.Questions {
		if !q.Required {
			continue
		}
		if !q.PerSubject {
			if _, ok := seen[q.Key+"\x00"]; !ok {
				ps.add(Problem{Field: "answers", Code: "missing_answer", Message: fmt.Sprintf("请回答「%s」", q.Title), Question: q.Key})
			}
			continue
		}
		for _, sub := range s.Subjects {
			if _, ok := seen[q.Key+"\x00"+sub.ID]; !ok {
				ps.add(Problem{Field: "answers", Code: "missing_answer",
					Message: fmt.Sprintf("请为「%s」回答「%s」", sub.Name, q.Title), Question: q.Key, Subject: sub.ID})
			}
		}
	}
	return ps
}

// checkAnswer validates one answer against its question's type.
func (q *Question) checkAnswer(f string, a Answer) (Answer, *Problem) {
	out := Answer{Question: a.Question, Subject: a.Subject}
	var p *Problem
	switch q.Type {
	case QSingle:
		p = q.checkSingle(f, a, &out)
	case QMultiple:
		p = q.checkMultiple(f, a, &out)
	case QScale:
		p = q.checkScale(f, a, &out)
	case QText:
		p = q.checkText(f, a, &out)
	default:
		p = &Problem{Field: f + ".question", Code: "unknown_question", Message: "没有这道题目"}
	}
	return out, p
}

// notAllowed is the problem of a field the question's type does not take.
func notAllowed(f, name string) *Problem {
	return &Problem{Field: f + "." + name, Code: "not_allowed", Message: "此类题目不接受该字段"}
}

func (q *Question) checkSingle(f string, a Answer, out *Answer) *Problem {
	switch {
	case len(a.Options) > 0:
		return notAllowed(f, "options")
	case a.Value != nil:
		return notAllowed(f, "value")
	case a.Text != "" && !q.takesOther([]string{a.Option}):
		return notAllowed(f, "text")
	case a.Option == "":
		return &Problem{Field: f + ".option", Code: "required", Message: "请选择一项"}
	}
	if _, ok := q.Option(a.Option); !ok {
		return &Problem{Field: f + ".option", Code: "unknown_option", Message: "没有这个选项"}
	}
	out.Option = a.Option
	return q.otherText(f, a, out)
}

func (q *Question) checkMultiple(f string, a Answer, out *Answer) *Problem {
	switch {
	case a.Option != "":
		return notAllowed(f, "option")
	case a.Value != nil:
		return notAllowed(f, "value")
	case a.Text != "" && !q.takesOther(a.Options):
		return notAllowed(f, "text")
	}
	set := map[string]bool{}
	for j, o := range a.Options {
		if _, ok := q.Option(o); !ok {
			return &Problem{Field: fmt.Sprintf("%s.options[%d]", f, j), Code: "unknown_option", Message: "没有这个选项"}
		}
		if set[o] {
			return &Problem{Field: fmt.Sprintf("%s.options[%d]", f, j), Code: "duplicate_option", Message: "选项重复"}
		}
		set[o] = true
	}
	lo, hi := 1, len(q.Options)
	if q.Min != nil {
		lo = *q.Min
	}
	if q.Max != nil {
		hi = *q.Max
	}
	if n := len(a.Options); n < lo || n > hi {
		return &Problem{Field: f + ".options", Code: "choice_count", Message: choiceCountMessage(lo, hi)}
	}
	out.Options = q.sortedOptions(a.Options)
	return q.otherText(f, a, out)
}

func (q *Question) checkScale(f string, a Answer, out *Answer) *Problem {
	if a.Option != "" || len(a.Options) > 0 || a.Text != "" {
		return notAllowed(f, "option")
	}
	if a.Value == nil {
		return &Problem{Field: f + ".value", Code: "required", Message: "请打分"}
	}
	lo, hi := 0, 10
	if q.Min != nil {
		lo = *q.Min
	}
	if q.Max != nil {
		hi = *q.Max
	}
	if *a.Value < lo || *a.Value > hi {
		return &Problem{Field: f + ".value", Code: "out_of_range", Message: fmt.Sprintf("分值应在 %d 到 %d 之间", lo, hi)}
	}
	v := *a.Value
	out.Value = &v
	return nil
}

func (q *Question) checkText(f string, a Answer, out *Answer) *Problem {
	if a.Option != "" || len(a.Options) > 0 || a.Value != nil {
		return notAllowed(f, "option")
	}
	t, ok := minyi.CleanText(a.Text, true)
	if !ok {
		return &Problem{Field: f + ".text", Code: minyi.CodeBadCharacters, Message: minyi.MessageBadCharacters}
	}
	t = strings.TrimSpace(t)
	limit := q.MaxLength
	if limit <= 0 {
		limit = DefaultTextLimit
	}
	if n := utf8.RuneCountInString(t); n > limit {
		return &Problem{Field: f + ".text", Code: "too_long", Message: fmt.Sprintf("不能超过%d个字（现有%d个字）", limit, n)}
	}
	if t == "" && q.Required {
		return &Problem{Field: f + ".text", Code: "required", Message: "请填写"}
	}
	out.Text = t
	return nil
}

func choiceCountMessage(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("请选择 %d 项", lo)
	case lo <= 1:
		return fmt.Sprintf("最多选择 %d 项", hi)
	}
	return fmt.Sprintf("请选择 %d 到 %d 项", lo, hi)
}

// sortedOptions orders chosen option keys as the question lists them.
func (q *Question) sortedOptions(keys []string) []string {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b string) int {
		return slices.IndexFunc(q.Options, func(o Option) bool { return o.Key == a }) -
			slices.IndexFunc(q.Options, func(o Option) bool { return o.Key == b })
	})
	return out
}

// Subject returns the survey's subject with id, if any.
func (s *Survey) Subject(id string) (*Subject, bool) {
	for i := range s.Subjects {
		if s.Subjects[i].ID == id {
			return &s.Subjects[i], true
		}
	}
	return nil, false
}

// RuleViolation is a ballot rule broken by otherwise well-formed answers.
type RuleViolation struct {
	Rule     string // "quota" or "all_same"
	Question string
	Option   string
	Message  string // Chinese, for the rater
}

// QuotaLimit is how many subjects one ballot may give the quota's option:
// floor(max_share × subjects). A tiny epsilon keeps 0.3334 × 3 = 1.0002 → 1
// and 1/3 × 3 (stored as 0.333…) from falling to 0 through rounding.
func QuotaLimit(maxShare float64, subjects int) int {
	return int(math.Floor(maxShare*float64(subjects) + 1e-9))
}

// CheckRules applies the survey's ballot rules to checked answers.
func (s *Survey) CheckRules(answers []Answer) []RuleViolation {
	var out []RuleViolation
	for _, quota := range s.Rules.Quotas {
		q, ok := s.Question(quota.Question)
		if !ok {
			continue
		}
		opt, _ := q.Option(quota.Option)
		n := 0
		for _, a := range answers {
			if a.Question == quota.Question && a.Option == quota.Option {
				n++
			}
		}
		limit := QuotaLimit(quota.MaxShare, len(s.Subjects))
		if n > limit {
			label := quota.Option
			if opt != nil {
				label = opt.Label
			}
			out = append(out, RuleViolation{Rule: "quota", Question: quota.Question, Option: quota.Option,
				Message: fmt.Sprintf("「%s」一题中「%s」最多可选 %d 个，您选了 %d 个", q.Title, label, limit, n)})
		}
	}
	if s.Rules.InvalidIfAllSame && len(s.Subjects) >= 2 {
		for _, q := range s.Questions {
			if !q.PerSubject || q.Type != QSingle {
				continue
			}
			var first string
			n, same := 0, true
			for _, a := range answers {
				if a.Question != q.Key {
					continue
				}
				if n == 0 {
					first = a.Option
				}
				same = same && a.Option == first
				n++
			}
			if n == len(s.Subjects) && same {
				opt, _ := q.Option(first)
				label := first
				if opt != nil {
					label = opt.Label
				}
				out = append(out, RuleViolation{Rule: "all_same", Question: q.Key, Option: first,
					Message: fmt.Sprintf("「%s」一题对所有对象都选择了「%s」，请区分评价", q.Title, label)})
			}
		}
	}
	return out
}
