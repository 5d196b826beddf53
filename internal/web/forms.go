package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/route"
)

// form reads typed values from a parsed form, collecting what is malformed
// as field errors so the page can say which field and why.
type form struct {
	r *http.Request
	v apperr.Validation
}

func newForm(r *http.Request) *form { return &form{r: r} }

func (f *form) str(name string) string { return strings.TrimSpace(f.r.PostForm.Get(name)) }

func (f *form) bool(name string) bool {
	v := f.r.PostForm.Get(name)
	return v == "1" || v == "on" || v == "true"
}

// int reads an integer field; empty gives def. 全角 digits are accepted
// because Japanese IMEs type them.
func (f *form) int(name string, def int) int { return f.intAs(name, name, def) }

// intAs reads the integer input name and names field in its error: the
// field the domain's own check names (a form's "weekly_max_days" is a
// declaration's "rules.weekly_max_days"), so each field has one error.
func (f *form) intAs(name, field string, def int) int {
	s := toHalfWidthDigits(f.str(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.v.Add(field, "field.integer", nil)
		return def
	}
	return n
}

func (f *form) id(name string) int64 {
	s := toHalfWidthDigits(f.str(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f.v.Add(name, "field.choice", nil)
		return 0
	}
	return n
}

// date reads YYYY-MM-DD (an <input type=date>); empty gives the zero date.
func (f *form) date(name string) calendar.Date {
	s := f.str(name)
	if s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(toHalfWidthDigits(s))
	if err != nil {
		f.v.Add(name, "field.date", nil)
	}
	return d
}

// merge adds a domain validation error's fields to the form's own.
func (f *form) merge(err error) error {
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		for _, fe := range e.Fields {
			if !f.v.Has(fe.Field) {
				f.v.Add(fe.Field, fe.Key, fe.Args)
			}
		}
		return f.v.Err()
	}
	if err != nil {
		return err
	}
	return f.v.Err()
}

func toHalfWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == '－' {
			return '-'
		}
		return r
	}, s)
}

// pathID reads the {id} path value; a malformed id is simply not found.
func pathID(r *http.Request) (int64, bool) { return route.PathID(r) }

func encodeQuery(v map[string][]string) string { return url.Values(v).Encode() }

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// found loads the object named by the {id} path value in the caller's
// tenant with find. It answers 404 itself for a malformed id or an object
// that is not there (another tenant's included) and returns false.
func found[T any](s *Server, w http.ResponseWriter, r *http.Request, find func(context.Context, int64, int64) (T, error)) (T, int64, bool) {
	var zero T
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return zero, 0, false
	}
	v, err := find(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return zero, 0, false
	}
	return v, id, true
}
