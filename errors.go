// Package minyi holds the vocabulary every layer shares: the error kinds that
// the domain packages return and the HTTP edge maps to status codes, and the
// field-error list that validation builds up.
package minyi

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Domain code wraps one of these (directly or via *Error); the
// api package maps each to one HTTP status in one table.
var (
	ErrBadRequest       = errors.New("bad request")            // 400
	ErrUnauthorized     = errors.New("unauthorized")           // 401
	ErrForbidden        = errors.New("forbidden")              // 403
	ErrNotFound         = errors.New("not found")              // 404
	ErrMethodNotAllowed = errors.New("method not allowed")     // 405
	ErrConflict         = errors.New("conflict")               // 409
	ErrGone             = errors.New("gone")                   // 410
	ErrTooLarge         = errors.New("too large")              // 413
	ErrUnsupportedMedia = errors.New("unsupported media type") // 415
	ErrInvalid          = errors.New("invalid")                // 422
	ErrRateLimited      = errors.New("rate limited")           // 429
	ErrUnavailable      = errors.New("unavailable")            // 503
)

// Error is a domain error meant for the client: a stable machine code, a
// Chinese message for people, and optionally the offending fields.
type Error struct {
	Kind    error        // one of the Err* kinds above
	Code    string       // stable, e.g. "code_used"
	Message string       // Simplified Chinese, shown to people
	Fields  []FieldError // for validation errors
	Details map[string]any
}

// E builds an *Error of the given kind.
func E(kind error, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// At returns a copy of e that names the input field it is about, so that a
// conflict such as a taken code is shown next to that field by every
// client, the pages included.
func (e *Error) At(field string) *Error {
	c := *e
	c.Fields = []FieldError{{Field: field, Code: e.Code, Message: e.Message}}
	return &c
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.Kind)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %s", f.Field, f.Code)
		if i == len(e.Fields)-1 {
			b.WriteString("]")
		}
	}
	return b.String()
}

// Unwrap lets errors.Is(err, minyi.ErrNotFound) work through an *Error.
func (e *Error) Unwrap() error { return e.Kind }

// FieldError names one bad input field by its JSON path, e.g. "answers[3].option".
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// FieldErrors collects every problem of one input so that a client sees them
// all at once rather than one per round trip.
type FieldErrors []FieldError

// Add records a problem with field.
func (fe *FieldErrors) Add(field, code, message string) {
	*fe = append(*fe, FieldError{Field: field, Code: code, Message: message})
}

// Addf is Add with a formatted message.
func (fe *FieldErrors) Addf(field, code, format string, args ...any) {
	fe.Add(field, code, fmt.Sprintf(format, args...))
}

// Err returns nil when nothing was recorded, otherwise a 422 *Error.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return &Error{
		Kind:    ErrInvalid,
		Code:    "validation_failed",
		Message: "提交的内容有误，请检查标出的项目",
		Fields:  fe,
	}
}

// NotFound is the common "no such thing" error; what is a Chinese noun such as "测评".
func NotFound(code, what string) *Error {
	return E(ErrNotFound, code, what+"不存在")
}
