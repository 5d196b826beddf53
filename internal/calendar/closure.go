package calendar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"telework/internal/apperr"
)

// MaxClosureName bounds the name of a closure day.
const MaxClosureName = 40

// ValidateClosure checks a closure day a tenant adds: a real date in the
// range of the national data (1955–2100) and a name of 1–40 characters.
// The name is trimmed in place. Fields: closure_date, closure_name.
func ValidateClosure(h *Holiday) error {
	var v apperr.Validation
	h.Name = strings.TrimFunc(h.Name, unicode.IsSpace)
	switch {
	case h.Date.IsZero():
		v.Add("closure_date", "field.required", nil)
	case !h.Date.Valid() || h.Date.Year < MinImportYear || h.Date.Year > MaxImportYear:
		v.Add("closure_date", "field.date", nil)
	}
	switch {
	case h.Name == "":
		v.Add("closure_name", "field.required", nil)
	case utf8.RuneCountInString(h.Name) > MaxClosureName:
		v.Add("closure_name", "field.too_long", map[string]any{"Max": MaxClosureName})
	case strings.ContainsFunc(h.Name, unicode.IsControl):
		v.Add("closure_name", "field.closure_name_chars", nil)
	}
	return v.Err()
}
