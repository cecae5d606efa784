// Package problem is the user-safe error every feature returns when a request cannot be
// carried out: an HTTP status, a stable machine code, a message key for the catalogues and,
// for forms, the message key of each field at fault. It may keep the internal error behind
// it (Cause) for the log.
//
// A problem is the user's to fix, or at least theirs to know about: a failing database is
// not. Features return such failures as plain (wrapped) errors, which web answers with 500
// and a request id; only "no such row" becomes a problem such as NotFound or a field error.
package problem

import (
	"errors"
	"net/http"
)

// Error is a failure the user may be told about in their language.
type Error struct {
	Status int               // HTTP status
	Code   string            // stable machine code, e.g. "validation", "capacity_full"
	Key    string            // catalogue key of the message
	Args   []any             // placeholder name/value pairs for the message
	Fields map[string]string // field name → catalogue key of that field's message
	// Cause is the internal error behind the problem, if any, for the log: it is never
	// shown to the user. errors.Is and errors.As see through to it.
	Cause error

	from *Error // the problem that WithCause copied, which errors.Is still matches
}

func (e *Error) Error() string { return e.Code }

// Unwrap returns the Cause.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is the problem that e was copied from by WithCause, so that
// errors.Is(err, ErrSomething) holds whether or not a cause was attached.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && e.from != nil && t == e.from
}

// WithCause returns a copy of e that keeps cause for the log. e itself, often a shared
// value such as NotFound, is left as it is.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.Cause = cause
	if c.from == nil {
		c.from = e
	}
	return &c
}

// New makes an error with a status, a code and a message key.
func New(status int, code, key string, args ...any) *Error {
	return &Error{Status: status, Code: code, Key: key, Args: args}
}

// Wrap is New for a problem that has an internal cause worth logging, for instance the
// parser's message behind "this is not an Excel file".
func Wrap(cause error, status int, code, key string, args ...any) *Error {
	return &Error{Status: status, Code: code, Key: key, Args: args, Cause: cause}
}

// Fields is a set of field errors, filled during validation.
type Fields map[string]string

// Add records the first problem found for a field.
func (f Fields) Add(field, key string) {
	if _, ok := f[field]; !ok {
		f[field] = key
	}
}

// Err returns a 422 validation error carrying the fields, or nil when there are none.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "error.validation", Fields: f}
}

// Common errors.
var (
	NotFound  = New(http.StatusNotFound, "not_found", "error.not_found")
	Forbidden = New(http.StatusForbidden, "forbidden", "error.forbidden")
)

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}
