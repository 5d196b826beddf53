package api

import (
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

type holidayJSON struct {
	Date string        `json:"date"`
	Name string        `json:"name"`
	Kind calendar.Kind `json:"kind"`
}

// holidaySchema is the OpenAPI schema "Holiday" (listed in schemas()).
func holidaySchema() map[string]any {
	return obj([]string{"date", "name", "kind"}, map[string]any{
		"date": map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD"},
		"name": str("名称: the Cabinet Office's name of a national holiday (振替休日 and 国民の休日 are both 「休日」), 「年末年始」, or the closure day's name"),
		"kind": enum(calendar.Kinds, "national = 国民の祝日; special = one-off day off by its own law (大喪の礼, 即位礼正殿の儀 …); "+
			"substitute = 振替休日; citizens = 国民の休日; year_end = 年末年始; closure = the tenant's closure day (閉庁日)"),
	})
}

// apiHolidays lists a year's days off for the caller's tenant.
func (s *API) apiHolidays(w http.ResponseWriter, r *http.Request) {
	year := s.svc.Calendar.Today().Year
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || y < calendar.MinImportYear || y > calendar.MaxImportYear {
			var v apperr.Validation
			v.Add("year", "field.range", map[string]any{"Min": calendar.MinImportYear, "Max": calendar.MaxImportYear})
			s.apiFail(w, r, v.Err())
			return
		}
		year = y
	}
	cal, err := s.svc.Calendar.Load(r.Context(), principal(r).TenantID, year, year)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	hs := cal.Holidays(year)
	out := page[holidayJSON]{Items: make([]holidayJSON, 0, len(hs)), Total: len(hs)}
	for _, h := range hs {
		out.Items = append(out.Items, holidayJSON{h.Date.String(), h.Name, h.Kind})
	}
	writeJSON(w, http.StatusOK, out)
}
