package api

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/i18n"
	"telework/internal/places"
	"telework/internal/route"
	"telework/internal/tabular"
)

// placesReportRoutes are the utilisation report and the forecast (issue 14).
func (s *API) placesReportRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/places/usage", Rule: hrOrIT, Handler: s.apiPlacesUsage,
			API: &route.Op{ID: "placesUsage", Summary: "Use per day of each office (延べ利用回数, hours, occupancy) and pool (reservations, occupancy) (HR, IT)", Tag: "places", Resp: "PlacesUsage", List: true,
				Query: []route.Param{{Name: "from", Type: "string", Desc: "first day (default 4 weeks ago)"}, {Name: "to", Type: "string", Desc: "last day (default today)"}}}},
		{Method: "GET", Pattern: "/api/v1/places/usage/export", Rule: hrOrIT, Handler: s.apiPlacesUsage,
			API: &route.Op{ID: "exportPlacesUsage", Summary: "The same use as a file (HR, IT)", Tag: "places", RespTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{{Name: "from", Type: "string", Desc: "first day (default 4 weeks ago)"}, {Name: "to", Type: "string", Desc: "last day (default today)"},
					{Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis"}}}},
		{Method: "GET", Pattern: "/api/v1/places/forecast", Rule: hrOrIT, Handler: s.apiPlacesForecast,
			API: &route.Op{ID: "placesForecast", Summary: "Expected peak demand versus capacity per office and pool for the coming weeks, with warnings and the emergency what-if (HR, IT); method in docs/places.md", Tag: "places", Resp: "PlacesForecast", List: true,
				Query: []route.Param{{Name: "weeks", Type: "integer", Desc: "weeks ahead (1–12, default 4)"}}}},
		{Method: "GET", Pattern: "/api/v1/places/shortage-warnings", Rule: hrOrIT, Handler: s.apiShortageWarnings,
			API: &route.Op{ID: "placesShortageWarnings", Summary: "Shortages the daily job told the IT admins of (once per office or pool and week), this week on (HR, IT)", Tag: "places", Resp: "ShortageWarning", List: true}},
	}
}

func (s *API) placesPools(r *http.Request) ([]places.Capacity, error) {
	pools, err := s.svc.Devices.Pools(r.Context(), principal(r).TenantID)
	if err != nil {
		return nil, err
	}
	return devices.Capacities(pools), nil
}

type usageJSON struct {
	Type      string  `json:"type"`
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Date      string  `json:"date"`
	Count     int     `json:"count"`
	Hours     float64 `json:"hours"`
	Occupancy float64 `json:"occupancy"`
}

func (s *API) apiPlacesUsage(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	from, to := queryPeriod(r, &v)
	format, file := tabular.XLSX, strings.HasSuffix(r.URL.Path, "/export")
	if q := r.URL.Query().Get("format"); q != "" && file {
		var ok bool
		if format, ok = tabular.ParseFormat(q); !ok {
			v.Add("format", "field.choice", nil)
		}
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if to.IsZero() {
		to = calendar.DateOf(time.Now())
	}
	if from.IsZero() {
		from = to.AddDays(-27)
	}
	pools, err := s.placesPools(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	rows, err := s.svc.Places.UsageReport(r.Context(), p.TenantID, p, pools, from, to)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !file {
		writeList(w, mapList(rows, func(u places.Usage) usageJSON {
			return usageJSON{u.Type, u.ID, u.Name, u.Day.String(), u.Count, u.Hours, u.Occupancy}
		}))
		return
	}
	// Counts, hours and occupancy are numbers (numeric cells in xlsx, so
	// SUM works); occupancy is rounded to 0.1 %.
	// Headed in the reader's language (人事 open it in Excel), as the
	// other exports are (a review found English headers).
	lang := apiLang(r)
	head := []any{}
	for _, c := range []string{"date", "type", "id", "name", "count", "hours", "occupancy"} {
		head = append(head, i18n.T(lang, "places.usage_col."+c, nil))
	}
	table := [][]any{head}
	for _, u := range rows {
		table = append(table, []any{u.Day.String(), i18n.T(lang, "places.usage_type."+u.Type, nil), u.ID, u.Name, u.Count, u.Hours,
			math.Round(u.Occupancy*1000) / 1000})
	}
	var buf bytes.Buffer
	subs, err := tabular.WriteValues(&buf, format, "usage", table)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, format, format.FileName(fmt.Sprintf("places-usage-%s-%s", from, to)), buf.Bytes(), subs)
}

type weekJSON struct {
	WeekOf   string `json:"week_of"`
	Peak     int    `json:"peak"`
	PeakDay  string `json:"peak_day"`
	Known    int    `json:"known"`
	Pending  int    `json:"pending"`
	Trend    int    `json:"trend"`
	Capacity int    `json:"capacity"`
	Level    string `json:"level"`
}

type forecastJSON struct {
	Type        string     `json:"type"`
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Kind        string     `json:"kind"`
	Capacity    int        `json:"capacity"`
	Weeks       []weekJSON `json:"weeks"`
	WhatIf      int        `json:"what_if"`
	WhatIfLevel string     `json:"what_if_level"`
}

func (s *API) apiPlacesForecast(w http.ResponseWriter, r *http.Request) {
	weeks := 4
	if q := r.URL.Query().Get("weeks"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil {
			n = -1 // not a number: refused with the range, as one out of it
		}
		weeks = n
	}
	pools, err := s.placesPools(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	list, err := s.svc.Places.ForecastReport(r.Context(), p.TenantID, p, pools, weeks)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeList(w, mapList(list, func(f places.ResourceForecast) forecastJSON {
		ws := mapList(f.Weeks, func(x places.WeekForecast) weekJSON {
			return weekJSON{x.WeekOf.String(), x.Peak, x.PeakDay.String(), x.Known, x.Pending, x.Trend, x.Capacity, x.Level}
		})
		return forecastJSON{f.Type, f.ID, f.Name, f.Kind, f.Capacity.Capacity, ws, f.WhatIf, f.WhatIfLevel}
	}))
}

type shortageJSON struct {
	Type     string    `json:"type"`
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	WeekOf   string    `json:"week_of"`
	PeakDay  string    `json:"peak_day"`
	Peak     int       `json:"peak"`
	Capacity int       `json:"capacity"`
	WarnedAt time.Time `json:"warned_at"`
}

func (s *API) apiShortageWarnings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.svc.Places.ShortageWarnings(r.Context(), p.TenantID, p)
	writeAll(s, w, r, list, err, func(x *places.ShortageWarning) shortageJSON {
		return shortageJSON{x.Type, x.ID, x.Name, x.WeekOf.String(), x.PeakDay.String(), x.Peak, x.Capacity, x.WarnedAt}
	})
}
