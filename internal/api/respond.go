package api

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

// The shapes of answer that the trial (issue 9), places and devices (issue
// 14) handlers share, written once.

// civilField reads an optional YYYY-MM-DD member ("" = none).
func civilField(v *apperr.Validation, field, s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		v.Add(field, "field.date", nil)
	}
	return d
}

// queryDate reads an optional YYYY-MM-DD query parameter.
func queryDate(r *http.Request, name string, v *apperr.Validation) calendar.Date {
	return civilField(v, name, r.URL.Query().Get(name))
}

// queryPeriod reads the optional from and to of a list or a report; a to
// before from is refused on to (PeriodOrder), never answered with an empty
// list.
func queryPeriod(r *http.Request, v *apperr.Validation) (from, to calendar.Date) {
	from, to = queryDate(r, "from", v), queryDate(r, "to", v)
	calendar.PeriodOrder(v, "to", from, to)
	return from, to
}

// requiredDate reads a body's required YYYY-MM-DD member.
func requiredDate(field, s string) (calendar.Date, error) {
	var v apperr.Validation
	d := civilField(&v, field, s)
	if s == "" {
		v.Add(field, "field.date", nil)
	}
	return d, v.Err()
}

// writeAll answers a whole list converted with conv (one page holding
// everything), or the error.
func writeAll[T, J any](s *API, w http.ResponseWriter, r *http.Request, list []T, err error, conv func(T) J) {
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[J]{Items: make([]J, 0, len(list)), Total: len(list)}
	for _, x := range list {
		out.Items = append(out.Items, conv(x))
	}
	writeJSON(w, http.StatusOK, out)
}

// writeOne answers one object converted with conv with status (and its
// Location when created), or the error.
func writeOne[T, J any](s *API, w http.ResponseWriter, r *http.Request, status int, x T, err error, conv func(T) J, location func(T) string) {
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if status == http.StatusCreated && location != nil {
		w.Header().Set("Location", location(x))
	}
	writeJSON(w, status, conv(x))
}

// noContent answers 204 after a successful change, or the error.
func (s *API) noContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
