package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"telework/internal/apply"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/policy"
)

// reserveRow is one upcoming day of an application with the links that
// open the booking page and the device reservation form prefilled for it
// (issue 14: a seat, and a device, per day linked to the application).
type reserveRow struct {
	Label     string
	SeatLink  string
	PoolLinks []poolLink
}

type poolLink struct {
	Name, Link string
}

// applyReserveRows are the applicant's links to book a seat (a
// satellite-office application: the office it names when that is one of
// the tenant's offices, the half of its time unit) and to reserve the
// devices it names (the first pool of each device's kind), for each day
// submitted or approved from today on. The booking and reservation
// services check the application again (places.CheckApplication).
func (s *Server) applyReserveRows(r *http.Request, l string, a *apply.Application) ([]reserveRow, error) {
	p := principal(r)
	today := s.svc.Apply.Today()
	var days []apply.Day
	for _, d := range a.Days {
		if (d.Status == apply.Approved || d.Status == apply.Submitted) && !d.Date.Before(today) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return nil, nil
	}
	// The satellite office of the day, or of its first satellite segment.
	seat, name, half := false, "", places.HalfFor(a.TimeUnit, a.Start, a.End)
	if a.Place == policy.PlaceSatellite || a.Mode == policy.Satellite {
		seat, name = true, a.PlaceName
	} else if i := slices.IndexFunc(a.Segments, func(sg apply.Segment) bool { return sg.Mode == policy.Satellite }); i >= 0 {
		sg := a.Segments[i]
		seat, name, half = true, sg.PlaceName, places.HalfFor(policy.Hourly, sg.Start, sg.End)
	}
	var officeID int64
	if seat && strings.TrimSpace(name) != "" {
		offices, err := s.svc.Places.Offices(r.Context(), p.TenantID)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(offices, func(o *places.Office) bool { return o.Name == strings.TrimSpace(name) }); i >= 0 {
			officeID = offices[i].ID
		}
	}
	var pools []*devices.Pool
	if len(a.Devices) > 0 {
		all, err := s.svc.Devices.Pools(r.Context(), p.TenantID)
		if err != nil {
			return nil, err
		}
		for _, dv := range a.Devices {
			if i := slices.IndexFunc(all, func(pl *devices.Pool) bool { return string(pl.Kind) == dv }); i >= 0 && !slices.Contains(pools, all[i]) {
				pools = append(pools, all[i])
			}
		}
	}
	if !seat && len(pools) == 0 {
		return nil, nil
	}
	var rows []reserveRow
	for _, d := range days {
		row := reserveRow{Label: dayLabel(l, d.Date)}
		if seat {
			q := url.Values{"date": {d.Date.String()}, "half": {string(half)}, "application_id": {itoa(a.ID)}}
			if officeID != 0 {
				q.Set("office_id", itoa(officeID))
			}
			row.SeatLink = "/places?" + q.Encode()
		}
		for _, pl := range pools {
			q := url.Values{"pool_id": {itoa(pl.ID)}, "date": {d.Date.String()}, "application_id": {itoa(a.ID)}}
			row.PoolLinks = append(row.PoolLinks, poolLink{Name: pl.Name, Link: "/devices/reservations?" + q.Encode()})
		}
		rows = append(rows, row)
	}
	return rows, nil
}
