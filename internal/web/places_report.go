package web

import (
	"net/http"
	"strconv"
	"time"

	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/i18n"
	"telework/internal/places"
)

// placesReportRoutes are the usage report and the forecast page (issue 14).
func (s *Server) placesReportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/places/report", Rule: placesManagers, Handler: s.placesReport},
	}
}

// placesBar is one bar of a chart: X, Y and H in viewBox units (height
// 100), Title its value in words.
type placesBar struct {
	X, Y, H int
	Fill    string
	Day     calendar.Date // the bar's day or week, shown by the page in the reader's form
	Title   string        // what follows the day in the bar's title
}

type placesUsageRow struct {
	places.Usage
	Percent int
}

type placesUsageChart struct {
	Type, Name string
	ID         int64
	Rows       []placesUsageRow
	Bars       []placesBar
	Width      int
}

type placesForecastChart struct {
	places.ResourceForecast
	Bars  []placesBar
	Caps  []placesBar // the capacity mark of each week
	Width int
	Warn  bool
}

type placesReportView struct {
	From, To string
	Weeks    int
	Usage    []*placesUsageChart
	Forecast []placesForecastChart
	Warnings []placesForecastChart
	// Sent are the shortage warnings the daily job told the IT admins of
	// (this week on).
	Sent   []*places.ShortageWarning
	Export string
}

const placesBarW = 14

// placesLevelFill colours a forecast bar by its level (dark enough for
// contrast; the level is also written in the table).
var placesLevelFill = map[string]string{"ok": "#1d5fa8", "warning": "#8a5a00", "shortage": "#b00020"}

func placesPercent(x float64) int { return int(x*100 + 0.5) }

func (s *Server) placesReport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q := r.URL.Query()
	to := calendar.DateOf(time.Now())
	if d, err := calendar.ParseDate(q.Get("to")); err == nil {
		to = d
	}
	from := to.AddDays(-13)
	if d, err := calendar.ParseDate(q.Get("from")); err == nil {
		from = d
	}
	weeks := 4
	if n, err := strconv.Atoi(q.Get("weeks")); err == nil && n >= 1 && n <= 12 {
		weeks = n
	}
	pools, err := s.svc.Devices.Pools(r.Context(), p.TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	caps := devices.Capacities(pools)
	rows, err := s.svc.Places.UsageReport(r.Context(), p.TenantID, p, caps, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fc, err := s.svc.Places.ForecastReport(r.Context(), p.TenantID, p, caps, weeks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sent, err := s.svc.Places.ShortageWarnings(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &placesReportView{From: from.String(), To: to.String(), Weeks: weeks, Sent: sent,
		Export: "/api/v1/places/usage/export?from=" + from.String() + "&to=" + to.String()}
	byKey := map[string]*placesUsageChart{}
	for _, u := range rows {
		k := u.Type + "/" + strconv.FormatInt(u.ID, 10)
		c := byKey[k]
		if c == nil {
			c = &placesUsageChart{Type: u.Type, Name: u.Name, ID: u.ID}
			byKey[k] = c
			v.Usage = append(v.Usage, c)
		}
		c.Rows = append(c.Rows, placesUsageRow{u, placesPercent(u.Occupancy)})
		h := min(placesPercent(u.Occupancy), 100)
		c.Bars = append(c.Bars, placesBar{X: (len(c.Rows) - 1) * placesBarW, Y: 100 - h, H: h, Fill: "#1d5fa8",
			Day: u.Day, Title: " " + strconv.Itoa(placesPercent(u.Occupancy)) + "% (" + strconv.Itoa(u.Count) + ")"})
		c.Width = len(c.Rows) * placesBarW
	}
	for _, f := range fc {
		c := placesForecastChart{ResourceForecast: f, Width: max(len(f.Weeks), 1) * placesBarW * 2}
		top := 1
		for _, wk := range f.Weeks {
			top = max(top, wk.Peak, wk.Capacity)
		}
		for i, wk := range f.Weeks {
			h := wk.Peak * 100 / top
			capText := i18n.T(lang(r), "places.no_cap", nil) // an hourly office: no seat cap (-1)
			if wk.Capacity >= 0 {
				capText = strconv.Itoa(wk.Capacity)
			}
			c.Bars = append(c.Bars, placesBar{X: i * placesBarW * 2, Y: 100 - h, H: h, Fill: placesLevelFill[wk.Level],
				Day: wk.WeekOf, Title: ": " + strconv.Itoa(wk.Peak) + " / " + capText})
			if wk.Capacity >= 0 {
				ch := wk.Capacity * 100 / top
				c.Caps = append(c.Caps, placesBar{X: i * placesBarW * 2, Y: max(100-ch-1, 0), H: 2, Fill: "#222"})
			}
			if wk.Level != "ok" {
				c.Warn = true
			}
		}
		if c.WhatIfLevel != "ok" && c.Type == "pool" {
			c.Warn = true
		}
		v.Forecast = append(v.Forecast, c)
		if c.Warn {
			v.Warnings = append(v.Warnings, c)
		}
	}
	s.render(w, r, http.StatusOK, "places_report", "places.report_title", v, nil)
}
