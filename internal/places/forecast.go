package places

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// DayCount is how many bookings (or reservations, or application days)
// one office or pool has on a day. Key is the office or pool id; Name is
// used where the source names the office instead (an application's place
// name), Kinds where it names device kinds (an application's devices).
type DayCount struct {
	Key   int64
	Name  string
	Kinds []string
	Day   calendar.Date
	Count int
}

// DemandInputs are what the forecast and the reports read.
type DemandInputs struct {
	Bookings     []DayCount // live bookings per office and day
	Reservations []DayCount // live reservations per pool and day
	// SatelliteDays are approved and submitted application days at a
	// satellite office (by the application's place name) without a booking.
	SatelliteDays []DayCount
	// DeviceDays are approved and submitted application days naming devices
	// (Kinds: the application's device kinds, e.g. loan_pc) without a
	// reservation.
	DeviceDays []DayCount
	// Eligible is the number of active staff eligible to telework under
	// the policy in force (the emergency what-if); set by the service.
	Eligible int
}

// Capacity is one office or pool the forecast rates.
type Capacity struct {
	Type     string // "office" | "pool"
	ID       int64
	Name     string
	Kind     string // pool kind, office kind
	Capacity int    // -1: no cap
}

// DemandReader reads the forecast's inputs for days from..to, and who is
// eligible for the what-if.
type DemandReader interface {
	FindDemandInputs(ctx context.Context, tenantID int64, from, to calendar.Date) (*DemandInputs, error)
	EligibilityReader
}

// WeekForecast is one resource's expected peak for one week.
type WeekForecast struct {
	WeekOf   calendar.Date // Monday
	Peak     int           // the largest expected day
	PeakDay  calendar.Date
	Known    int // of the peak day: bookings/reservations already made
	Pending  int // of the peak day: applications without a booking
	Trend    int // the same weekday's average of the last four weeks
	Capacity int
	Level    string // ok | warning (≥ 90 %) | shortage
}

// ResourceForecast is the forecast of one office or pool.
type ResourceForecast struct {
	Capacity
	Weeks []WeekForecast
	// WhatIf is the demand if everyone eligible teleworked on one day (an
	// emergency): every active staff member eligible under the policy in
	// force (Eligible) needs one unit of a pool; an office is not counted
	// (people work from home).
	WhatIf      int
	WhatIfLevel string
}

// Level rates demand against capacity.
func Level(demand, capacity int) string {
	switch {
	case capacity < 0:
		return "ok"
	case demand > capacity:
		return "shortage"
	case demand*10 >= capacity*9 && demand > 0:
		return "warning"
	}
	return "ok"
}

func key(id int64, d calendar.Date) string { return strconv.FormatInt(id, 10) + "/" + d.String() }

// Forecast expects, for each resource and each of the coming weeks from
// today, the peak day's demand: max(known + pending, trend) where known are
// the bookings or reservations made, pending the approved and submitted
// application days without one, and trend the average of the same weekday
// over the four weeks before today. Deterministic and pure.
func Forecast(res []Capacity, in *DemandInputs, today calendar.Date, weeks int) []ResourceForecast {
	known := map[string]int{}
	pending := map[string]int{}
	officeByName := map[string]int64{}
	poolByKind := map[string]int64{}
	for _, r := range res {
		if r.Type == "office" {
			officeByName[strings.TrimSpace(r.Name)] = r.ID
		} else if _, ok := poolByKind[r.Kind]; !ok {
			poolByKind[r.Kind] = r.ID
		}
	}
	for _, c := range in.Bookings {
		known["o"+key(c.Key, c.Day)] += c.Count
	}
	for _, c := range in.Reservations {
		known["p"+key(c.Key, c.Day)] += c.Count
	}
	for _, c := range in.SatelliteDays {
		if id, ok := officeByName[strings.TrimSpace(c.Name)]; ok {
			pending["o"+key(id, c.Day)] += c.Count
		}
	}
	for _, c := range in.DeviceDays {
		for _, k := range c.Kinds {
			if id, ok := poolByKind[k]; ok {
				pending["p"+key(id, c.Day)] += c.Count
			}
		}
	}
	monday := MondayOf(today)
	out := make([]ResourceForecast, 0, len(res))
	for _, r := range res {
		prefix := "o"
		if r.Type == "pool" {
			prefix = "p"
		}
		f := ResourceForecast{Capacity: r, WhatIf: -1, WhatIfLevel: "ok"}
		if r.Type == "pool" {
			f.WhatIf = in.Eligible
			f.WhatIfLevel = Level(f.WhatIf, r.Capacity)
		}
		for w := range weeks {
			wk := WeekForecast{WeekOf: monday.AddDays(7 * w), Capacity: r.Capacity}
			for d := range 7 {
				day := wk.WeekOf.AddDays(d)
				if day.Before(today) {
					continue
				}
				// The same weekday in the four weeks before today.
				last := day.AddDays(-7)
				for !last.Before(today) {
					last = last.AddDays(-7)
				}
				trend := 0
				for back := range 4 {
					trend += known[prefix+key(r.ID, last.AddDays(-7*back))]
				}
				trend = (trend + 2) / 4
				k, p := known[prefix+key(r.ID, day)], pending[prefix+key(r.ID, day)]
				demand := max(k+p, trend)
				if demand > wk.Peak || wk.PeakDay.IsZero() {
					wk.Peak, wk.PeakDay, wk.Known, wk.Pending, wk.Trend = demand, day, k, p, trend
				}
			}
			wk.Level = Level(wk.Peak, r.Capacity)
			f.Weeks = append(f.Weeks, wk)
		}
		out = append(out, f)
	}
	return out
}

// MondayOf is the Monday of d's week.
func MondayOf(d calendar.Date) calendar.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }

// Usage is one office's or pool's use on one day, for the reports.
type Usage struct {
	Type      string
	ID        int64
	Name      string
	Day       calendar.Date
	Count     int     // 延べ利用回数 (bookings or reservations)
	Hours     float64 // hours (a half-day is 3.875 h of the 7 h 45 min day); pools: 0
	Occupancy float64 // share of the capacity used (0 without a cap)
}

// HalfDayHours is half of the standard 7 h 45 min working day.
const HalfDayHours = 3.875

// MaxForecastWeeks is the furthest a forecast looks ahead (weeks).
const MaxForecastWeeks = 12

// ForecastReport is the forecast for 1 to MaxForecastWeeks coming weeks
// (IT, HR).
func (s *Service) ForecastReport(ctx context.Context, tenantID int64, who *auth.Principal, pools []Capacity, weeks int) ([]ResourceForecast, error) {
	if !Manages(who) {
		return nil, apperr.Forbid()
	}
	if weeks < 1 || weeks > MaxForecastWeeks {
		var v apperr.Validation
		v.Add("weeks", "field.range", map[string]any{"Min": 1, "Max": MaxForecastWeeks, "LabelKey": "fieldname.forecast_weeks"})
		return nil, v.Err()
	}
	return s.forecast(ctx, tenantID, pools, weeks)
}

// forecast is the forecast of the tenant's offices and pools for 1 to 12
// coming weeks.
func (s *Service) forecast(ctx context.Context, tenantID int64, pools []Capacity, weeks int) ([]ResourceForecast, error) {
	dr, ok := s.st.(DemandReader)
	if !ok {
		return nil, apperr.New(apperr.Internal, "error.internal")
	}
	weeks = min(max(weeks, 1), MaxForecastWeeks)
	today := calendar.DateOf(s.now())
	in, err := dr.FindDemandInputs(ctx, tenantID, today.AddDays(-28), today.AddDays(7*weeks+7))
	if err != nil {
		return nil, err
	}
	if in.Eligible, err = eligibleNow(ctx, dr, tenantID, today); err != nil {
		return nil, err
	}
	offices, err := s.st.FindOffices(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var res []Capacity
	for _, o := range offices {
		res = append(res, Capacity{Type: "office", ID: o.ID, Name: o.Name, Kind: string(o.Kind), Capacity: o.Capacity(Seat)})
	}
	return Forecast(append(res, pools...), in, today, weeks), nil
}

// UsageReport is each office's and pool's use per day over from..to (IT,
// HR): bookings with hours and occupancy, reservations with occupancy.
func (s *Service) UsageReport(ctx context.Context, tenantID int64, who *auth.Principal, pools []Capacity, from, to calendar.Date) ([]Usage, error) {
	if !Manages(who) {
		return nil, apperr.Forbid()
	}
	if to.Before(from) || from.AddDays(366).Before(to) {
		var v apperr.Validation
		v.Add("to", "places.error.range", nil)
		return nil, v.Err()
	}
	dr, ok := s.st.(DemandReader)
	if !ok {
		return nil, apperr.New(apperr.Internal, "error.internal")
	}
	in, err := dr.FindDemandInputs(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	offices, err := s.st.FindOffices(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	list, err := s.st.FindBookings(ctx, tenantID, Filter{From: from, To: to})
	if err != nil {
		return nil, err
	}
	return UsageOf(offices, pools, list, in.Reservations), nil
}

// UsageOf computes the report rows (pure).
func UsageOf(offices []*Office, pools []Capacity, bookings []*Booking, reservations []DayCount) []Usage {
	type k struct {
		id  int64
		day string
	}
	byOffice := map[int64]*Office{}
	for _, o := range offices {
		byOffice[o.ID] = o
	}
	rows := map[k]*Usage{}
	halves := map[k]int{}
	var order []k
	for _, b := range bookings {
		o := byOffice[b.OfficeID]
		if o == nil || b.Status != Booked {
			continue
		}
		kk := k{b.OfficeID, b.Day.String()}
		u := rows[kk]
		if u == nil {
			u = &Usage{Type: "office", ID: o.ID, Name: o.Name, Day: b.Day}
			rows[kk] = u
			order = append(order, kk)
		}
		u.Count++
		halves[kk] += len(HalvesOf(b.Half))
		u.Hours = float64(halves[kk]) * HalfDayHours
		if c := o.Capacity(Seat); c > 0 {
			u.Occupancy = float64(halves[kk]) / float64(2*c)
		}
	}
	out := make([]Usage, 0, len(order)+len(reservations))
	for _, kk := range order {
		out = append(out, *rows[kk])
	}
	poolOf := map[int64]Capacity{}
	for _, p := range pools {
		poolOf[p.ID] = p
	}
	for _, r := range reservations {
		p, ok := poolOf[r.Key]
		if !ok {
			continue
		}
		u := Usage{Type: "pool", ID: p.ID, Name: p.Name, Day: r.Day, Count: r.Count}
		if p.Capacity > 0 {
			u.Occupancy = float64(r.Count) / float64(p.Capacity)
		}
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(a, b Usage) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		if a.Type != b.Type {
			return strings.Compare(b.Type, a.Type)
		}
		return cmpID(a.ID, b.ID)
	})
	return out
}
