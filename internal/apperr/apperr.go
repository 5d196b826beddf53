// Package apperr owns the application's error values: a code that maps to an
// HTTP status in one place, and per-field messages that are shown to people
// in Japanese or English. Internal causes are kept apart from what is safe to show.
package apperr

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Code classifies an error for the edge (HTTP status, exit code).
type Code string

const (
	NotFound     Code = "not_found"
	Invalid      Code = "invalid"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	RateLimited  Code = "rate_limited"
	Internal     Code = "internal"
	// Unavailable: the database cannot be reached now (a restart, an
	// outage); the same request may succeed shortly (503, Retry-After).
	Unavailable Code = "unavailable"
	// MethodNotAllowed: the path exists, but not with this method.
	MethodNotAllowed Code = "method_not_allowed"
)

// FieldError names one field and the rule it broke. Key is an i18n message
// id; Args fill its template (e.g. {"Max": 100}).
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// Error is the one error type users see. Key is the i18n message id of the
// summary; Fields lists per-field problems for forms and imports.
type Error struct {
	Code   Code
	Key    string
	Args   map[string]any
	Fields []FieldError
	Err    error // internal cause; never shown
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and message key.
func New(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// At is a refusal about one input (a booking's day already past): it keeps
// its code and message, and names the field a form shows it at (and an
// API problem lists it under).
func At(code Code, field, key string, args map[string]any) *Error {
	return &Error{Code: code, Key: key, Args: args, Fields: []FieldError{{Field: field, Key: key, Args: args}}}
}

// UnavailableErr is cause as the 503 "the database cannot be reached now;
// nothing was done" error (cause kept for the log).
func UnavailableErr(cause error) *Error {
	return &Error{Code: Unavailable, Key: "error.unavailable", Err: cause}
}

// NotFoundErr is the usual "no such object in this tenant" error.
func NotFoundErr(object string) *Error {
	return &Error{Code: NotFound, Key: "error.not_found", Args: map[string]any{"Object": object}}
}

// ConflictStale is returned when a form was based on an older version.
func ConflictStale() *Error { return &Error{Code: Conflict, Key: "error.stale"} }

// IsStale reports whether err is ConflictStale.
func IsStale(err error) bool {
	e := As(err)
	return e != nil && e.Code == Conflict && e.Key == "error.stale"
}

// Forbid is returned when the caller may not do this.
func Forbid() *Error { return &Error{Code: Forbidden, Key: "error.forbidden"} }

// Validation collects field errors; use Add then Err.
type Validation struct{ fields []FieldError }

// Add records a broken rule for a field.
func (v *Validation) Add(field, key string, args map[string]any) {
	v.fields = append(v.fields, FieldError{Field: field, Key: key, Args: args})
}

// MaxSearchLen bounds the text of a search box, in characters. Nobody
// types more, and SQLite refuses a LIKE pattern over 50,000 bytes: a
// search of 50,001 characters answered 500 there where PostgreSQL answered
// 200.
const MaxSearchLen = 100

// Search refuses search text on field longer than MaxSearchLen; labelKey
// is the message key of the box's label.
func (v *Validation) Search(field, text, labelKey string) {
	if utf8.RuneCountInString(text) > MaxSearchLen {
		v.Add(field, "field.too_long", map[string]any{"Max": MaxSearchLen, "LabelKey": labelKey})
	}
}

// Has reports whether the field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when nothing was added, else an Invalid error.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: v.fields}
}

// CodeOf returns the code of err, Internal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Duplicate is the conflict of a unique constraint (the store returns it;
// services turn it into a field error such as "already in use").
func Duplicate(err error) *Error { return &Error{Code: Conflict, Key: "error.duplicate", Err: err} }

// IsDuplicate reports a unique-constraint violation (not a stale version).
func IsDuplicate(err error) bool {
	e := As(err)
	return e != nil && e.Code == Conflict && e.Key == "error.duplicate"
}

// Merge joins validation errors so that one answer lists every broken
// field; a non-validation error wins as it is.
func Merge(errs ...error) error {
	var v Validation
	for _, err := range errs {
		if err == nil {
			continue
		}
		e := As(err)
		if e == nil || e.Code != Invalid || len(e.Fields) == 0 {
			return err
		}
		for _, f := range e.Fields {
			if !v.Has(f.Field) {
				v.Add(f.Field, f.Key, f.Args)
			}
		}
	}
	return v.Err()
}

// Renamed is err with an Invalid error's fields renamed by names (the
// service's names to those of a form's inputs or an API's members), so
// that an error names the field the caller sent; other errors unchanged.
func Renamed(err error, names map[string]string) error {
	if CodeOf(err) != Invalid {
		return err
	}
	return eachNamed(err, names, func(fe *FieldError, to string) { fe.Field = to })
}

// Labelled is err with the fields named in labels given their label's
// message key (LabelKey): a member whose product-wide label means
// something else here ("ids" are applications elsewhere, notifications
// on the in-app list) is named for what it is; other errors unchanged.
func Labelled(err error, labels map[string]string) error {
	return eachNamed(err, labels, func(fe *FieldError, key string) {
		args := map[string]any{"LabelKey": key}
		for k, v := range fe.Args {
			args[k] = v
		}
		fe.Args = args
	})
}

// eachNamed is a copy of err with fn applied to each field named in m;
// err as it is when it names none (a wrapping error, such as a policy
// refusal with its findings, keeps its type).
func eachNamed(err error, m map[string]string, fn func(fe *FieldError, v string)) error {
	e := As(err)
	if e == nil || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { _, ok := m[f.Field]; return ok }) {
		return err
	}
	out := *e
	out.Fields = make([]FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		if v, ok := m[fe.Field]; ok {
			fn(&fe, v)
		}
		out.Fields[i] = fe
	}
	return &out
}
