package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/places"
)

// queryApplicationID is the application a booking or reservation link
// names (?application_id=, from the application's page; 0: none). The
// service checks it when the form is sent (places.CheckApplication).
func queryApplicationID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get("application_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// placesRoutes are the satellite-office pages (issue 14): the offices with
// their free seats for the coming week, a booking form (for yourself, or
// from an application: /places?office_id=…&date=…&half=…&application_id=…), and
// 「わたしの予約」 with cancellation.
func (s *Server) placesRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/places", Rule: directory, Handler: s.placesIndex},
		{Method: "POST", Pattern: "/places/bookings", Rule: directory, Handler: s.placesBook},
		{Method: "POST", Pattern: "/places/bookings/{id}/cancel", Rule: directory, Object: "booking", Handler: s.placesCancel},
	}, append(s.placesAdminRoutes(), s.devicesReserveRoutes()...)...)
}

type placesOffice struct {
	*places.Office
	Days []places.DayUse
}

// NoPC: the office lends no PC with a seat, so a booking with one is
// refused (places.Service.Book); the form says so before it is sent.
func (o placesOffice) NoPC() bool { return o.PCs == 0 }

// PCOffices is whether any office takes a booking with a PC: without one
// the form does not offer the choice at all.
func (v *placesView) PCOffices() bool {
	return slices.ContainsFunc(v.Offices, func(o placesOffice) bool { return !o.NoPC() })
}

// NoPCOffices names the offices whose seats come without a PC, for the
// hint at the choice.
func (v *placesView) NoPCOffices() []string {
	var names []string
	for _, o := range v.Offices {
		if o.NoPC() {
			names = append(names, o.Name)
		}
	}
	return names
}

type placesView struct {
	Offices []placesOffice
	Mine    []*places.Booking
	Halves  []places.Half
	ForWhom *placesForWhom
	// Manages: IT or HR (links to the office pages and the report); IT:
	// the lending desk and the personal-device review.
	Manages, IT bool
	// The form's values (prefilled from an application's link).
	OfficeID      int64
	Date          string
	Half          string
	PC            bool
	ApplicationID int64
}

func (s *Server) placesView(r *http.Request) (*placesView, error) {
	p := principal(r)
	today := calendar.DateOf(time.Now())
	list, err := s.svc.Places.Offices(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	v := &placesView{Halves: places.Halves, Date: today.AddDays(1).String(), Half: string(places.FullDay),
		Manages: places.Manages(p), IT: p.Has(auth.ITAdmin)}
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("office_id"), 10, 64); err == nil {
		v.OfficeID = id
	}
	if d, err := calendar.ParseDate(q.Get("date")); err == nil {
		v.Date = d.String()
	} else if o := defaultOffice(list, v.OfficeID); o != nil {
		// The first day from tomorrow the office chosen first is open (a
		// Saturday default was refused as soon as it was sent).
		d, err := s.svc.Places.NextOpenDay(r.Context(), p.TenantID, o, today.AddDays(1))
		if err != nil {
			return nil, err
		}
		v.Date = d.String()
	}
	if h := places.Half(q.Get("half")); slices.Contains(places.Halves, h) {
		v.Half = string(h)
	}
	v.ApplicationID = queryApplicationID(r)
	for _, o := range list {
		_, use, err := s.svc.Places.Availability(r.Context(), p.TenantID, o.ID, today, today.AddDays(6))
		if err != nil {
			return nil, err
		}
		v.Offices = append(v.Offices, placesOffice{o, use})
	}
	if v.Mine, err = s.svc.Places.Bookings(r.Context(), p.TenantID, p, places.Filter{From: today}); err != nil {
		return nil, err
	}
	if v.ForWhom, err = s.placesForWhomOf(r); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) placesIndex(w http.ResponseWriter, r *http.Request) {
	v, err := s.placesView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "places", "places.title", v, nil)
}

// placesBook books a seat from the booking page or, for HR and IT, from
// an office's day view (back=day): for the caller or on someone's behalf
// (placesForWhom).
func (s *Server) placesBook(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	p := principal(r)
	req := places.Request{OfficeID: f.id("office_id"), Day: f.date("date"), Half: places.Half(f.str("half")), PC: f.bool("pc"),
		ApplicationID: f.id("application_id")}
	staffID, err := s.placesTarget(r, f)
	if err == nil {
		req.StaffID = staffID
		_, err = s.svc.Places.Book(r.Context(), p.TenantID, p, req)
	}
	fromDay := f.str("back") == "day" && places.Manages(p)
	if err != nil {
		if fromDay {
			s.placesDayRender(w, r, req.OfficeID, req.Day, statusOf(err), err)
			return
		}
		v, verr := s.placesView(r)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.OfficeID, v.Date, v.Half, v.PC, v.ApplicationID = req.OfficeID, f.str("date"), string(req.Half), req.PC, req.ApplicationID
		s.render(w, r, statusOf(err), "places", "places.title", v, err)
		return
	}
	if fromDay {
		s.flashRedirect(w, r, "/places/offices/"+itoa(req.OfficeID)+"/day?date="+req.Day.String(), "flash.places_booked")
		return
	}
	s.flashRedirect(w, r, "/places", "flash.places_booked")
}

func (s *Server) placesCancel(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if err := s.svc.Places.Cancel(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/places", "flash.places_cancelled")
}

// defaultOffice is the office the booking form starts on: the one asked
// for, else the first listed.
func defaultOffice(list []*places.Office, id int64) *places.Office {
	for _, o := range list {
		if o.ID == id {
			return o
		}
	}
	if len(list) > 0 {
		return list[0]
	}
	return nil
}
