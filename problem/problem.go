// Package problem is the user-safe error every feature returns when a request cannot be
// carried out: an HTTP status, a stable machine code, a message key for the catalogues and,
// for forms, the message key of each field at fault.
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
}

func (e *Error) Error() string { return e.Code }

// New makes an error with a status, a code and a message key.
func New(status int, code, key string, args ...any) *Error {
	return &Error{Status: status, Code: code, Key: key, Args: args}
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
