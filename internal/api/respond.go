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

// keyPage is what a keyset page is read with: at most Limit items after
// the item the cursor names (ID 0: from the start; Key its place in the
// list's order, as keyOf wrote it), and Total to receive the count of the
// whole list.
type keyPage struct {
	Limit int
	Key   string
	ID    int64
	Total *int
}

// writeKeyPage answers one page of a list read in keyset order: fetch
// reads the page (asked for one more item than the page holds, to know
// whether another follows), keyOf tells an item's place for the cursor,
// conv converts it. The cursor names the page's last item, so items added
// or leaving the list between two pages are neither skipped nor repeated.
func writeKeyPage[T, J any](s *API, w http.ResponseWriter, r *http.Request, fetch func(keyPage) ([]T, error),
	keyOf func(T) (string, int64), conv func(T) J) {
	limit, key, id, err := keyPaging(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	total := 0
	list, err := fetch(keyPage{Limit: limit + 1, Key: key, ID: id, Total: &total})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, keyPageOf(list, limit, total, keyOf, conv))
}

// keyPageOf is the page of list, read with one item more than limit: the
// first limit items converted, and the cursor after the last of them when
// the extra one shows that another page follows.
func keyPageOf[T, J any](list []T, limit, total int, keyOf func(T) (string, int64), conv func(T) J) page[J] {
	out := page[J]{Items: make([]J, 0, min(limit, len(list))), Total: total}
	for _, x := range list[:min(limit, len(list))] {
		out.Items = append(out.Items, conv(x))
	}
	if len(list) > limit {
		out.NextCursor = keyCursor(keyOf(list[limit-1]))
	}
	return out
}

// cursorDate reads the date of a cursor's key ("" for none); a malformed
// one is a cursor field error.
func cursorDate(key string) (calendar.Date, error) {
	if key == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(key)
	if err != nil {
		var v apperr.Validation
		v.Add("cursor", "field.cursor", nil)
		return d, v.Err()
	}
	return d, nil
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
