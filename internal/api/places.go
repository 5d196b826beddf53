package api

import (
	"net/http"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/route"
	"telework/internal/tasks"
)

// placesRoutes are the satellite offices, seat bookings, device pools and
// reservations (issue 14).
func (s *API) placesRoutes() []route.Route {
	it := route.ITOnly
	return append(s.placesReportRoutes(), []route.Route{
		{Method: "GET", Pattern: "/api/v1/offices", Rule: route.Directory, Handler: s.apiListOffices,
			API: &route.Op{ID: "listOffices", Summary: "Satellite offices with every SPEC §5 attribute (each is also a place the feasibility engine rates)", Tag: "places", Resp: "Office", List: true}},
		{Method: "POST", Pattern: "/api/v1/offices", Rule: hrOrIT, Handler: s.officeRes().create(s),
			API: &route.Op{ID: "createOffice", Summary: "Register a satellite office (IT, HR)", Tag: "places", Body: "OfficeInput", Resp: "Office", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/offices/{id}", Rule: route.Directory, Object: "office", Handler: s.officeRes().get(s),
			API: &route.Op{ID: "getOffice", Summary: "Get a satellite office", Tag: "places", Resp: "Office"}},
		{Method: "PATCH", Pattern: "/api/v1/offices/{id}", Rule: hrOrIT, Object: "office", Handler: s.officeRes().update(s),
			API: &route.Op{ID: "updateOffice", Summary: "Change an office (IT, HR); a capacity below current bookings deletes none: affected_bookings lists them and their people are notified", Tag: "places", Body: "OfficeInput", Resp: "Office", IfMatch: true}},
		{Method: "GET", Pattern: "/api/v1/offices/{id}/availability", Rule: route.Directory, Object: "office", Handler: s.apiOfficeAvailability,
			API: &route.Op{ID: "officeAvailability", Summary: "Seats and PCs used and free per day and half-day (counts, no names)", Tag: "places", Resp: "OfficeDayUse", List: true,
				Query: []route.Param{{Name: "from", Type: "string", Desc: "first day YYYY-MM-DD (default today)"}, {Name: "to", Type: "string", Desc: "last day (default from + 13 days, at most 62)"}}}},
		{Method: "POST", Pattern: "/api/v1/offices/{id}/registrations", Rule: hrOrIT, Object: "office", Handler: s.apiRegisterOffice,
			API: &route.Op{ID: "registerAtOffice", Summary: "Record a person's pre-registration with an office that requires it (IT, HR)", Tag: "places", Body: "OfficeRegistration", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/bookings", Rule: route.Directory, Handler: s.apiListBookings,
			API: &route.Op{ID: "listBookings", Summary: "Bookings: your own by default (わたしの予約); a person's for their supervisor, HR, IT; an office's day view for HR and IT", Tag: "places", Resp: "Booking", List: true,
				Query: append([]route.Param{{Name: "office_id", Type: "integer", Desc: "one office"}, {Name: "staff_id", Type: "integer", Desc: "one person"},
					{Name: "from", Type: "string", Desc: "first day YYYY-MM-DD"}, {Name: "to", Type: "string", Desc: "last day YYYY-MM-DD"}, {Name: "include_cancelled", Type: "boolean", Desc: "with cancelled bookings"}}, pagingParams...)}},
		{Method: "POST", Pattern: "/api/v1/bookings", Rule: route.Directory, Handler: s.apiBook,
			API: &route.Op{ID: "createBooking", Summary: "Book a seat (and a PC) for a day and half (午前/午後/終日), for yourself or on someone's behalf; 409 with a Japanese problem when full", Tag: "places", Body: "BookingInput", Resp: "Booking", Status: 201, Idempotent: true,
				Conflict: "the office has no seat (or PC) left for that day and half, or the person already holds a booking then"}},
		{Method: "GET", Pattern: "/api/v1/bookings/{id}", Rule: route.Directory, Object: "booking", Handler: s.apiGetBooking,
			API: &route.Op{ID: "getBooking", Summary: "Get a booking", Tag: "places", Resp: "Booking"}},
		{Method: "POST", Pattern: "/api/v1/bookings/{id}/check-in", Rule: route.Directory, Object: "booking", Handler: s.apiCheckIn,
			API: &route.Op{ID: "checkInBooking", Summary: "Check in on the booking's day; a second check-in is a 409 and keeps the first time", Tag: "places", Resp: "Booking", Idempotent: true}},
		{Method: "DELETE", Pattern: "/api/v1/bookings/{id}", Rule: route.Directory, Object: "booking", Handler: s.apiCancelBooking,
			API: &route.Op{ID: "cancelBooking", Summary: "Cancel a booking; the seat is free at once", Tag: "places", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/device-pools", Rule: route.Directory, Handler: s.apiListPools,
			API: &route.Op{ID: "listDevicePools", Summary: "Device and licence pools with their capacity", Tag: "devices", Resp: "DevicePool", List: true}},
		{Method: "POST", Pattern: "/api/v1/device-pools", Rule: it, Handler: s.poolRes().create(s),
			API: &route.Op{ID: "createDevicePool", Summary: "Register a pool (IT)", Tag: "devices", Body: "DevicePoolInput", Resp: "DevicePool", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/device-pools/{id}", Rule: route.Directory, Object: "device_pool", Handler: s.poolRes().get(s),
			API: &route.Op{ID: "getDevicePool", Summary: "Get a pool", Tag: "devices", Resp: "DevicePool"}},
		{Method: "PATCH", Pattern: "/api/v1/device-pools/{id}", Rule: it, Object: "device_pool", Handler: s.poolRes().update(s),
			API: &route.Op{ID: "updateDevicePool", Summary: "Change a pool (IT); a capacity below current reservations (or, for a remote-ID pool, the IDs issued for today) deletes and revokes none: affected_reservations and affected_credentials list them and their people are notified", Tag: "devices", Body: "DevicePoolInput", Resp: "DevicePool", IfMatch: true}},
		{Method: "GET", Pattern: "/api/v1/device-reservations", Rule: route.Directory, Handler: s.apiListReservations,
			API: &route.Op{ID: "listDeviceReservations", Summary: "Reservations: your own by default; a pool's or the overdue list for IT and HR", Tag: "devices", Resp: "DeviceReservation", List: true,
				Query: append([]route.Param{{Name: "pool_id", Type: "integer", Desc: "one pool"}, {Name: "staff_id", Type: "integer", Desc: "one person"},
					{Name: "from", Type: "string", Desc: "first day"}, {Name: "to", Type: "string", Desc: "last day"}, {Name: "overdue", Type: "boolean", Desc: "lent and not returned after the due day"}}, pagingParams...)}},
		{Method: "POST", Pattern: "/api/v1/device-reservations", Rule: route.Directory, Handler: s.apiReserve,
			API: &route.Op{ID: "createDeviceReservation", Summary: "Reserve one unit of a pool for a day; 409 with a Japanese problem when none is left", Tag: "devices", Body: "DeviceReservationInput", Resp: "DeviceReservation", Status: 201, Idempotent: true,
				Conflict: "no unit of the pool is left for that day (or for the whole loan period), or the person already holds one then"}},
		{Method: "GET", Pattern: "/api/v1/device-reservations/{id}", Rule: route.Directory, Object: "device_reservation", Handler: s.apiGetReservation,
			API: &route.Op{ID: "getDeviceReservation", Summary: "Get a reservation", Tag: "devices", Resp: "DeviceReservation"}},
		{Method: "POST", Pattern: "/api/v1/device-reservations/{id}/lend", Rule: it, Object: "device_reservation", Handler: s.apiLend,
			API: &route.Op{ID: "lendDevice", Summary: "Hand out the device with this asset number (IT)", Tag: "devices", Body: "DeviceLendInput", Resp: "DeviceReservation"}},
		{Method: "POST", Pattern: "/api/v1/device-reservations/{id}/return", Rule: it, Object: "device_reservation", Handler: s.apiReturn,
			API: &route.Op{ID: "returnDevice", Summary: "Record the device back (IT)", Tag: "devices", Resp: "DeviceReservation"}},
		{Method: "DELETE", Pattern: "/api/v1/device-reservations/{id}", Rule: route.Directory, Object: "device_reservation", Handler: s.apiCancelReservation,
			API: &route.Op{ID: "cancelDeviceReservation", Summary: "Cancel a reservation not yet lent; the unit is free at once", Tag: "devices", Status: 204}},
		{Method: "GET", Pattern: "/api/v1/personal-devices", Rule: route.Directory, Handler: s.apiListPersonal,
			API: &route.Op{ID: "listPersonalDevices", Summary: "Your personal devices (私用端末), or everyone's for IT (all=true)", Tag: "devices", Resp: "PersonalDevice", List: true,
				Query: []route.Param{{Name: "all", Type: "boolean", Desc: "every person's (IT)"}}}},
		{Method: "POST", Pattern: "/api/v1/personal-devices", Rule: route.Directory, Handler: s.apiRequestPersonal,
			API: &route.Op{ID: "requestPersonalDevice", Summary: "Register your own device for IT's approval before use", Tag: "devices", Body: "PersonalDeviceInput", Resp: "PersonalDevice", Status: 201, Idempotent: true}},
		{Method: "POST", Pattern: "/api/v1/personal-devices/{id}/decision", Rule: it, Object: "personal_device", Handler: s.apiDecidePersonal,
			API: &route.Op{ID: "decidePersonalDevice", Summary: "Approve (with an expiry), reject or revoke a personal device (IT)", Tag: "devices", Body: "PersonalDeviceDecision", Resp: "PersonalDevice"}},
		{Method: "POST", Pattern: "/api/v1/remote-credentials", Rule: route.Directory, Handler: s.apiIssueCredential,
			API: &route.Op{ID: "issueRemoteCredential", Summary: "Issue your one-time remote-access ID for today, when you telework today (an approved application day or a start of work in a telework mode); it takes one unit of the remote-ID pool, once per person and day (409 when none is left or already issued). The password is shown once and expires at the day's end", Tag: "devices", Body: "RemoteCredentialInput", Resp: "RemoteCredential", Status: 201}},
	}...)
}

type officeJSON struct {
	ID               int64           `json:"id"`
	Name             string          `json:"name"`
	Kind             tasks.PlaceKind `json:"kind"`
	Network          tasks.Network   `json:"network"`
	PhysicalSecurity bool            `json:"physical_security"`
	Seats            int             `json:"seats"`
	PCs              int             `json:"pcs"`
	Phone            bool            `json:"phone"`
	Printer          bool            `json:"printer"`
	Opens            string          `json:"opens"`
	Closes           string          `json:"closes"`
	ClosedDays       []string        `json:"closed_days"`
	PreRegistration  bool            `json:"pre_registration"`
	HorizonDays      int             `json:"horizon_days"`
	Hourly           bool            `json:"hourly"`
	Outsiders        bool            `json:"outsiders"`
	Address          string          `json:"address"`
	Note             string          `json:"note"`
	Affected         []bookingJSON   `json:"affected_bookings,omitempty"`
	Version          int64           `json:"version"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

func toOfficeJSON(o *places.Office) officeJSON {
	cd := o.ClosedDays
	if cd == nil {
		cd = []string{}
	}
	j := officeJSON{o.ID, o.Name, o.Kind, o.Network, o.PhysicalSecurity, o.Seats, o.PCs, o.Phone, o.Printer, o.Opens, o.Closes, cd,
		o.PreRegistration, o.HorizonDays, o.Hourly, o.Outsiders, o.Address, o.Note, nil, o.Version, o.UpdatedAt}
	if len(o.Affected) > 0 {
		j.Affected = mapList(o.Affected, toBookingJSON)
	}
	return j
}

type officeInput struct {
	Name             *string          `json:"name"`
	Kind             *tasks.PlaceKind `json:"kind"`
	Network          *tasks.Network   `json:"network"`
	PhysicalSecurity *bool            `json:"physical_security"`
	Seats            *int             `json:"seats"`
	PCs              *int             `json:"pcs"`
	Phone            *bool            `json:"phone"`
	Printer          *bool            `json:"printer"`
	Opens            *string          `json:"opens"`
	Closes           *string          `json:"closes"`
	ClosedDays       *[]string        `json:"closed_days"`
	PreRegistration  *bool            `json:"pre_registration"`
	HorizonDays      *int             `json:"horizon_days"`
	Hourly           *bool            `json:"hourly"`
	Outsiders        *bool            `json:"outsiders"`
	Address          *string          `json:"address"`
	Note             *string          `json:"note"`
}

func (in *officeInput) apply(o *places.Office) {
	set(&o.Name, in.Name)
	set(&o.Kind, in.Kind)
	set(&o.Network, in.Network)
	set(&o.PhysicalSecurity, in.PhysicalSecurity)
	set(&o.Seats, in.Seats)
	set(&o.PCs, in.PCs)
	set(&o.Phone, in.Phone)
	set(&o.Printer, in.Printer)
	set(&o.Opens, in.Opens)
	set(&o.Closes, in.Closes)
	set(&o.ClosedDays, in.ClosedDays)
	set(&o.PreRegistration, in.PreRegistration)
	set(&o.HorizonDays, in.HorizonDays)
	set(&o.Hourly, in.Hourly)
	set(&o.Outsiders, in.Outsiders)
	set(&o.Address, in.Address)
	set(&o.Note, in.Note)
}

func (s *API) officeRes() resource[*places.Office, officeInput, officeJSON] {
	p := s.svc.Places
	return resource[*places.Office, officeInput, officeJSON]{etag: "place", path: "/api/v1/offices/",
		find: anyone(p.Office), insert: p.SaveOffice, save: p.SaveOffice,
		fresh: places.NewOffice, apply: (*officeInput).apply, toJSON: toOfficeJSON,
		meta:       func(x *places.Office) (int64, int64) { return x.ID, x.Version },
		setVersion: func(x *places.Office, v int64) { x.Version = v }}
}

func (s *API) apiListOffices(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Places.Offices(r.Context(), principal(r).TenantID)
	writeAll(s, w, r, list, err, toOfficeJSON)
}

type dayUseJSON struct {
	Date           string      `json:"date"`
	Half           places.Half `json:"half"`
	Seats          int         `json:"seats"`
	PCs            int         `json:"pcs"`
	UsedSeats      int         `json:"used_seats"`
	UsedPCs        int         `json:"used_pcs"`
	FreeSeats      int         `json:"free_seats"`
	FreePCs        int         `json:"free_pcs"`
	Closed         bool        `json:"closed"`
	BeyondCapacity bool        `json:"beyond_capacity"`
}

func (s *API) apiOfficeAvailability(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	var v apperr.Validation
	from, to := queryPeriod(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if from.IsZero() {
		from = calendar.DateOf(time.Now())
	}
	if to.IsZero() {
		to = from.AddDays(13)
	}
	_, use, err := s.svc.Places.Availability(r.Context(), p.TenantID, id, from, to)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeList(w, mapList(use, func(u places.DayUse) dayUseJSON {
		return dayUseJSON{u.Day.String(), u.Half, u.Seats, u.PCs, u.UsedSeats, u.UsedPCs, u.FreeSeats, u.FreePCs, u.Closed, u.BeyondCapacity}
	}))
}

func (s *API) apiRegisterOffice(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Places.Office(r.Context(), p.TenantID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		StaffID int64 `json:"staff_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.noContent(w, r, s.svc.Places.Register(r.Context(), p.TenantID, p, id, in.StaffID))
}

type bookingJSON struct {
	ID            int64         `json:"id"`
	OfficeID      int64         `json:"office_id"`
	OfficeName    string        `json:"office_name"`
	StaffID       int64         `json:"staff_id"`
	StaffName     string        `json:"staff_name"`
	Date          string        `json:"date"`
	Half          places.Half   `json:"half"`
	PC            bool          `json:"pc"`
	ApplicationID int64         `json:"application_id"`
	Status        places.Status `json:"status"`
	CheckedIn     bool          `json:"checked_in"`
	CreatedAt     time.Time     `json:"created_at"`
}

func toBookingJSON(b *places.Booking) bookingJSON {
	return bookingJSON{b.ID, b.OfficeID, b.OfficeName, b.StaffID, b.StaffName, b.Day.String(), b.Half, b.PC, b.ApplicationID, b.Status,
		!b.CheckedInAt.IsZero(), b.CreatedAt}
}

func (s *API) apiListBookings(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	f := places.Filter{OfficeID: queryInt(r, "office_id", &v), StaffID: queryInt(r, "staff_id", &v),
		IncludeCancelled: queryBool(r, "include_cancelled", &v)}
	f.From, f.To = queryPeriod(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	writeKeyPage(s, w, r, func(pg keyPage) ([]*places.Booking, error) {
		if pg.ID != 0 {
			day, half, _ := strings.Cut(pg.Key, "|")
			d, err := cursorDate(day)
			if err != nil {
				return nil, err
			}
			f.After = &places.Booking{Day: d, Half: places.Half(half), ID: pg.ID}
		}
		f.Limit, f.Total = pg.Limit, pg.Total
		return s.svc.Places.Bookings(r.Context(), p.TenantID, p, f)
	}, func(b *places.Booking) (string, int64) { return b.Day.String() + "|" + string(b.Half), b.ID }, toBookingJSON)
}

func (s *API) apiBook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OfficeID      int64       `json:"office_id"`
		Date          string      `json:"date"`
		Half          places.Half `json:"half"`
		PC            bool        `json:"pc"`
		StaffID       int64       `json:"staff_id"`
		ApplicationID int64       `json:"application_id"`
	}
	day, ok := s.placesDecodeDay(w, r, &in, &in.Date)
	if !ok {
		return
	}
	p := principal(r)
	b, err := s.svc.Places.Book(r.Context(), p.TenantID, p, places.Request{OfficeID: in.OfficeID, Day: day, Half: in.Half, PC: in.PC,
		StaffID: in.StaffID, ApplicationID: in.ApplicationID})
	writeOne(s, w, r, http.StatusCreated, b, err, toBookingJSON, func(b *places.Booking) string { return "/api/v1/bookings/" + itoa(b.ID) })
}

func (s *API) apiGetBooking(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	b, err := s.svc.Places.Booking(r.Context(), p.TenantID, p, id)
	writeOne(s, w, r, http.StatusOK, b, err, toBookingJSON, nil)
}

func (s *API) apiCheckIn(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	b, err := s.svc.Places.CheckIn(r.Context(), p.TenantID, p, id)
	writeOne(s, w, r, http.StatusOK, b, err, toBookingJSON, nil)
}

func (s *API) apiCancelBooking(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	s.noContent(w, r, s.svc.Places.Cancel(r.Context(), p.TenantID, p, id))
}

// --- device pools ---

type poolJSON struct {
	ID       int64        `json:"id"`
	Name     string       `json:"name"`
	Kind     devices.Kind `json:"kind"`
	Capacity int          `json:"capacity"`
	LoanDays int          `json:"loan_days"`
	Note     string       `json:"note"`
	// Affected: after a change, the reservations beyond a reduced
	// capacity (kept, their people notified).
	Affected []reservationJSON `json:"affected_reservations,omitempty"`
	// AffectedCredentials: likewise, the remote-access IDs issued beyond
	// a remote-ID pool's reduced capacity (still valid, holders notified).
	AffectedCredentials []affectedCredentialJSON `json:"affected_credentials,omitempty"`
	Version             int64                    `json:"version"`
	UpdatedAt           time.Time                `json:"updated_at"`
}

// affectedCredentialJSON is an issued remote-access ID as a capacity cut
// lists it: who holds it and its login, never its password (only a hash
// of it is stored).
type affectedCredentialJSON struct {
	ID        int64  `json:"id"`
	StaffID   int64  `json:"staff_id"`
	StaffName string `json:"staff_name"`
	Date      string `json:"date"`
	Login     string `json:"login"`
}

func toPoolJSON(p *devices.Pool) poolJSON {
	j := poolJSON{ID: p.ID, Name: p.Name, Kind: p.Kind, Capacity: p.Capacity, LoanDays: p.LoanDays, Note: p.Note, Version: p.Version, UpdatedAt: p.UpdatedAt}
	if len(p.Affected) > 0 {
		j.Affected = mapList(p.Affected, toReservationJSON)
	}
	if len(p.AffectedCredentials) > 0 {
		j.AffectedCredentials = mapList(p.AffectedCredentials, func(c *devices.Credential) affectedCredentialJSON {
			return affectedCredentialJSON{c.ID, c.StaffID, c.StaffName, c.Day.String(), c.Login}
		})
	}
	return j
}

type poolInput struct {
	Name     *string       `json:"name"`
	Kind     *devices.Kind `json:"kind"`
	Capacity *int          `json:"capacity"`
	LoanDays *int          `json:"loan_days"`
	Note     *string       `json:"note"`
}

func (in *poolInput) apply(p *devices.Pool) {
	set(&p.Name, in.Name)
	set(&p.Kind, in.Kind)
	set(&p.Capacity, in.Capacity)
	set(&p.LoanDays, in.LoanDays)
	set(&p.Note, in.Note)
}

func (s *API) poolRes() resource[*devices.Pool, poolInput, poolJSON] {
	d := s.svc.Devices
	return resource[*devices.Pool, poolInput, poolJSON]{etag: "device_pool", path: "/api/v1/device-pools/",
		find: anyone(d.Pool), insert: d.SavePool, save: d.SavePool,
		fresh: func() *devices.Pool { return &devices.Pool{LoanDays: 1} }, apply: (*poolInput).apply, toJSON: toPoolJSON,
		meta:       func(x *devices.Pool) (int64, int64) { return x.ID, x.Version },
		setVersion: func(x *devices.Pool, v int64) { x.Version = v }}
}

func (s *API) apiListPools(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Devices.Pools(r.Context(), principal(r).TenantID)
	writeAll(s, w, r, list, err, toPoolJSON)
}

type reservationJSON struct {
	ID            int64          `json:"id"`
	PoolID        int64          `json:"pool_id"`
	PoolName      string         `json:"pool_name"`
	StaffID       int64          `json:"staff_id"`
	StaffName     string         `json:"staff_name"`
	Date          string         `json:"date"`
	ApplicationID int64          `json:"application_id"`
	Status        devices.Status `json:"status"`
	AssetNo       string         `json:"asset_no"`
	DueDate       string         `json:"due_date"`
	CreatedAt     time.Time      `json:"created_at"`
}

func toReservationJSON(x *devices.Reservation) reservationJSON {
	return reservationJSON{x.ID, x.PoolID, x.PoolName, x.StaffID, x.StaffName, x.Day.String(), x.ApplicationID, x.Status, x.AssetNo,
		x.DueDay.String(), x.CreatedAt}
}

func (s *API) apiListReservations(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	f := devices.Filter{PoolID: queryInt(r, "pool_id", &v), StaffID: queryInt(r, "staff_id", &v)}
	f.From, f.To = queryPeriod(r, &v)
	overdue := queryBool(r, "overdue", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	writeKeyPage(s, w, r, func(pg keyPage) ([]*devices.Reservation, error) {
		d, err := cursorDate(pg.Key)
		if err != nil {
			return nil, err
		}
		if pg.ID != 0 {
			f.After = &devices.Reservation{Day: d, ID: pg.ID}
		}
		f.Limit, f.Total = pg.Limit, pg.Total
		if overdue {
			return s.svc.Devices.Overdue(r.Context(), p.TenantID, p, f)
		}
		return s.svc.Devices.Reservations(r.Context(), p.TenantID, p, f)
	}, func(x *devices.Reservation) (string, int64) { return x.Day.String(), x.ID }, toReservationJSON)
}

func (s *API) apiReserve(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PoolID        int64  `json:"pool_id"`
		Date          string `json:"date"`
		StaffID       int64  `json:"staff_id"`
		ApplicationID int64  `json:"application_id"`
	}
	day, ok := s.placesDecodeDay(w, r, &in, &in.Date)
	if !ok {
		return
	}
	p := principal(r)
	x, err := s.svc.Devices.Reserve(r.Context(), p.TenantID, p, devices.Request{PoolID: in.PoolID, Day: day, StaffID: in.StaffID, ApplicationID: in.ApplicationID})
	writeOne(s, w, r, http.StatusCreated, x, err, toReservationJSON, func(x *devices.Reservation) string { return "/api/v1/device-reservations/" + itoa(x.ID) })
}

func (s *API) devicesRespond(w http.ResponseWriter, r *http.Request, call func(*auth.Principal, int64) (*devices.Reservation, error)) {
	p := principal(r)
	id, _ := pathID(r)
	x, err := call(p, id)
	writeOne(s, w, r, http.StatusOK, x, err, toReservationJSON, nil)
}

func (s *API) apiGetReservation(w http.ResponseWriter, r *http.Request) {
	s.devicesRespond(w, r, func(p *auth.Principal, id int64) (*devices.Reservation, error) {
		return s.svc.Devices.Reservation(r.Context(), p.TenantID, p, id)
	})
}

func (s *API) apiLend(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Devices.Reservation(r.Context(), p.TenantID, p, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		AssetNo string `json:"asset_no"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.devicesRespond(w, r, func(p *auth.Principal, id int64) (*devices.Reservation, error) {
		return s.svc.Devices.Lend(r.Context(), p.TenantID, p, id, in.AssetNo)
	})
}

func (s *API) apiReturn(w http.ResponseWriter, r *http.Request) {
	s.devicesRespond(w, r, func(p *auth.Principal, id int64) (*devices.Reservation, error) {
		return s.svc.Devices.Return(r.Context(), p.TenantID, p, id)
	})
}

func (s *API) apiCancelReservation(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	s.noContent(w, r, s.svc.Devices.Cancel(r.Context(), p.TenantID, p, id))
}

// --- personal devices and one-time credentials ---

type personalJSON struct {
	ID          int64                  `json:"id"`
	StaffID     int64                  `json:"staff_id"`
	StaffName   string                 `json:"staff_name"`
	Description string                 `json:"description"`
	OS          string                 `json:"os"`
	Status      devices.PersonalStatus `json:"status"`
	ExpiresOn   string                 `json:"expires_on"`
	RequestedAt time.Time              `json:"requested_at"`
}

func toPersonalJSON(d *devices.PersonalDevice) personalJSON {
	exp := ""
	if !d.ExpiresOn.IsZero() {
		exp = d.ExpiresOn.String()
	}
	return personalJSON{d.ID, d.StaffID, d.StaffName, d.Description, d.OS, d.Status, exp, d.RequestedAt}
}

func (s *API) apiListPersonal(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	all := queryBool(r, "all", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	list, err := s.svc.Devices.PersonalDevices(r.Context(), p.TenantID, p, all)
	writeAll(s, w, r, list, err, toPersonalJSON)
}

func (s *API) apiRequestPersonal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Description string `json:"description"`
		OS          string `json:"os"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	d := &devices.PersonalDevice{Description: in.Description, OS: in.OS}
	writeOne(s, w, r, http.StatusCreated, d, s.svc.Devices.RequestPersonalDevice(r.Context(), p.TenantID, p, d), toPersonalJSON, nil)
}

func (s *API) apiDecidePersonal(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Devices.PersonalDevice(r.Context(), p.TenantID, p, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Status    devices.PersonalStatus `json:"status"`
		ExpiresOn string                 `json:"expires_on"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	exp := civilField(&v, "expires_on", in.ExpiresOn)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	d, err := s.svc.Devices.DecidePersonalDevice(r.Context(), p.TenantID, p, id, in.Status, exp)
	writeOne(s, w, r, http.StatusOK, d, err, toPersonalJSON, nil)
}

func (s *API) apiIssueCredential(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Date string `json:"date"`
	}
	// date is optional (today); the service refuses any day but today.
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	day := civilField(&v, "date", in.Date)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	c, err := s.svc.Devices.IssueCredential(r.Context(), p.TenantID, p, day)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"date": c.Day.String(), "login": c.Login, "password": c.Secret, "expires_at": c.ExpiresAt})
}

// placesDecodeDay decodes a body into in and reads its required date
// member (date points into in); false when it answered the error.
func (s *API) placesDecodeDay(w http.ResponseWriter, r *http.Request, in any, date *string) (calendar.Date, bool) {
	err := decodeJSON(r, in)
	var day calendar.Date
	if err == nil {
		day, err = requiredDate("date", *date)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return day, false
	}
	return day, true
}
