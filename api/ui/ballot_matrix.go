package ui

import (
	"net/url"
	"slices"
	"strings"

	"minyi/surveys"
)

// The phone ballot of an appraisal, as 问卷星 lays it out: each
// per-subject single question (the grade) is one compact matrix, one row a
// member and one column an option, the labels once in the header, instead
// of a card per member repeating them. Rows keep the form's field names
// (a|question|subject), so the no-script POST and ballot.js read them as
// before.

// matrixView is one per-subject single question as a matrix.
type matrixView struct {
	Key, Title, Description string
	Required                bool
	Options                 []optView // the header
	Rows                    []matrixRow
}

// matrixRow is one subject's row: its name and the question's options.
type matrixRow struct {
	Subject surveys.Subject
	Q       qView
}

// inMatrix reports whether q is shown as a matrix: an appraisal's
// per-subject single question.
func inMatrix(sv *surveys.Survey, q surveys.Question) bool {
	return sv.Kind == surveys.KindAppraisal && q.PerSubject && q.Type == surveys.QSingle
}

// matrices lays out the matrix questions of sv over subjects; view makes a
// question's field view for one subject.
func matrices(sv *surveys.Survey, subjects []surveys.Subject, view func(surveys.Question, string) qView) []matrixView {
	var out []matrixView
	for _, q := range sv.Questions {
		if !inMatrix(sv, q) {
			continue
		}
		m := matrixView{Key: q.Key, Title: q.Title, Description: q.Description, Required: q.Required}
		for _, o := range q.Options {
			m.Options = append(m.Options, optView{Value: o.Key, Label: o.Label, Abstain: o.Abstain})
		}
		for _, sub := range subjects {
			m.Rows = append(m.Rows, matrixRow{Subject: sub, Q: view(q, sub.ID)})
		}
		out = append(out, m)
	}
	return out
}

// otherName is the form field of the words written next to 其他.
func otherName(field string) string { return "o" + strings.TrimPrefix(field, "a") }

// otherOf is the 其他 text of a choice answer, when an 其他 option is chosen.
func otherOf(q surveys.Question, chosen []string, form url.Values, field string) string {
	for _, o := range q.Options {
		if o.Other && slices.Contains(chosen, o.Key) {
			return strings.TrimSpace(form.Get(otherName(field)))
		}
	}
	return ""
}
