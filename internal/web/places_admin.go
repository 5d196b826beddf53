package web

import (
	"net/http"
	"strings"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/places"
	"telework/internal/route"
	"telework/internal/tasks"
)

// placesManagers are IT admin and HR: they manage the offices and see an
// office's day view (issue 14).
var placesManagers = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.ITAdmin}}

// placesAdminRoutes are the office management pages and the day view.
func (s *Server) placesAdminRoutes() []Route {
	return append([]Route{
		{Method: "GET", Pattern: "/places/offices", Rule: placesManagers, Handler: s.placesOfficeList},
		{Method: "GET", Pattern: "/places/offices/new", Rule: placesManagers, Handler: s.placesOfficeNew},
		{Method: "POST", Pattern: "/places/offices", Rule: placesManagers, Handler: s.placesOfficeSave},
		{Method: "GET", Pattern: "/places/offices/{id}/edit", Rule: placesManagers, Object: "office", Handler: s.placesOfficeEdit},
		{Method: "POST", Pattern: "/places/offices/{id}", Rule: placesManagers, Object: "office", Handler: s.placesOfficeSave},
		{Method: "GET", Pattern: "/places/offices/{id}/day", Rule: placesManagers, Object: "office", Handler: s.placesOfficeDay},
		{Method: "POST", Pattern: "/places/offices/{id}/registrations", Rule: placesManagers, Object: "office", Handler: s.placesRegister},
		{Method: "POST", Pattern: "/places/bookings/{id}/check-in", Rule: directory, Object: "booking", Handler: s.placesCheckIn},
	}, append(append(s.devicesDeskRoutes(), s.devicesPersonalRoutes()...), s.placesReportRoutes()...)...)
}

type placesOfficeForm struct {
	Office     *places.Office
	ClosedDays string
	Kinds      []tasks.PlaceKind
	Networks   []tasks.Network
	Affected   []*places.Booking
	// Registrations: the people registered with an office that requires
	// pre-registration (or still has some), with the form to add one;
	// StaffNo is the number typed, kept on a refusal.
	Registrations     []places.Registration
	ShowRegistrations bool
	StaffNo           string
}

func (s *Server) placesOfficeList(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Places.Offices(r.Context(), principal(r).TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "places_offices", "places.admin_title", map[string]any{"Offices": list,
		"Today": calendar.DateOf(time.Now()).String()}, nil)
}

func (s *Server) placesRenderForm(w http.ResponseWriter, r *http.Request, status int, o *places.Office, affected []*places.Booking, err error) {
	title := "places.office_new"
	if o.ID != 0 {
		title = "places.office_edit"
	}
	v := &placesOfficeForm{Office: o, ClosedDays: closedDaysText(lang(r), o.ClosedDays),
		Kinds: tasks.PlaceKinds, Networks: tasks.Networks, Affected: affected}
	if o.ID != 0 {
		p := principal(r)
		regs, rerr := s.svc.Places.Registrations(r.Context(), p.TenantID, p, o.ID)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		v.Registrations, v.ShowRegistrations = regs, o.PreRegistration || len(regs) > 0
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/registrations") {
			v.StaffNo = newForm(r).str("staff_no")
		}
	}
	s.render(w, r, status, "places_office_form", title, v, err)
}

// closedDaysText shows an office's closed days in the language l (ja:
// 「土、日、2026-12-29」), as the form reads them back.
func closedDaysText(l string, days []string) string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = places.ClosedDayLabel(l, d)
	}
	sep := "、"
	if l == "en" {
		sep = ","
	}
	return strings.Join(out, sep)
}

func (s *Server) placesOfficeNew(w http.ResponseWriter, r *http.Request) {
	s.placesRenderForm(w, r, http.StatusOK, places.NewOffice(), nil, nil)
}

func (s *Server) placesOfficeEdit(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	o, err := s.svc.Places.Office(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.placesRenderForm(w, r, http.StatusOK, o, nil, nil)
}

// placesOfficeSave creates (POST /places/offices) or updates an office;
// after a reduction it shows the bookings beyond the new capacity.
func (s *Server) placesOfficeSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	o := places.NewOffice()
	if id, ok := pathID(r); ok {
		cur, err := s.svc.Places.Office(r.Context(), p.TenantID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		o = cur
	}
	f := newForm(r)
	o.Name, o.Kind, o.Network = f.str("name"), tasks.PlaceKind(f.str("kind")), tasks.Network(f.str("network"))
	o.PhysicalSecurity, o.Phone, o.Printer = f.bool("physical_security"), f.bool("phone"), f.bool("printer")
	o.PreRegistration, o.Hourly, o.Outsiders = f.bool("pre_registration"), f.bool("hourly"), f.bool("outsiders")
	o.Seats, o.PCs, o.HorizonDays = f.int("seats", 0), f.int("pcs", 0), f.int("horizon_days", 30)
	o.Opens, o.Closes, o.Address, o.Note = f.str("opens"), f.str("closes"), f.str("address"), f.str("note")
	o.ClosedDays = places.SplitClosedDays(f.str("closed_days"))
	if v := f.int("version", 0); o.ID != 0 {
		o.Version = int64(v)
	}
	if err := f.v.Err(); err != nil {
		s.placesRenderForm(w, r, http.StatusUnprocessableEntity, o, nil, err)
		return
	}
	if err := s.svc.Places.SaveOffice(r.Context(), p.TenantID, p, o); err != nil {
		s.placesRenderForm(w, r, statusOf(err), o, nil, err)
		return
	}
	if len(o.Affected) > 0 {
		s.placesRenderForm(w, r, http.StatusOK, o, o.Affected, nil)
		return
	}
	s.flashRedirect(w, r, "/places/offices", "flash.places_office_saved")
}

// placesRegister records that the person of a staff number completed the
// office's pre-registration (HR, IT), as POST
// /api/v1/offices/{id}/registrations does, through the same service.
func (s *Server) placesRegister(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	id, _ := pathID(r)
	o, err := s.svc.Places.Office(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	if f.str("staff_no") == "" {
		f.v.Add("staff_no", "field.required", nil)
	}
	err = f.v.Err()
	if err == nil {
		var staffID int64
		if staffID, err = s.placesTarget(r, f); err == nil {
			err = s.svc.Places.Register(r.Context(), p.TenantID, p, id, staffID)
		}
	}
	if err != nil {
		// The person is the staff number typed: a refusal naming the
		// person is told at that input, which the summary links to.
		s.placesRenderForm(w, r, statusOf(err), o, nil, renameFields(err, map[string]string{"staff_id": "staff_no"}))
		return
	}
	s.flashRedirect(w, r, "/places/offices/"+itoa(id)+"/edit", "flash.places_registered")
}

type placesDayView struct {
	Office   *places.Office
	Date     string        // the date input's value (ISO)
	Day      calendar.Date // the same day, as the caption shows it
	Use      []places.DayUse
	Bookings []*places.Booking
	Today    bool
	// The booking form on someone's behalf.
	Halves  []places.Half
	ForWhom *placesForWhom
	Half    string
	PC      bool // the form's PC box, kept after a refusal
}

func (s *Server) placesOfficeDay(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	day := calendar.DateOf(time.Now())
	if d, err := calendar.ParseDate(r.URL.Query().Get("date")); err == nil {
		day = d
	}
	s.placesDayRender(w, r, id, day, http.StatusOK, nil)
}

// placesDayRender shows an office's day (HR, IT), with formErr from a
// refused booking on someone's behalf.
func (s *Server) placesDayRender(w http.ResponseWriter, r *http.Request, id int64, day calendar.Date, status int, formErr error) {
	p := principal(r)
	if day.IsZero() {
		day = calendar.DateOf(time.Now())
	}
	o, use, err := s.svc.Places.Availability(r.Context(), p.TenantID, id, day, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Places.Bookings(r.Context(), p.TenantID, p, places.Filter{OfficeID: id, From: day, To: day})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	who, err := s.placesForWhomOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	half, pc := string(places.FullDay), false
	if formErr != nil {
		f := newForm(r)
		half, pc = f.str("half"), f.bool("pc")
	}
	s.render(w, r, status, "places_day", "places.day_title", &placesDayView{Office: o, Date: day.String(), Day: day, Use: use,
		Bookings: list, Today: day == calendar.DateOf(time.Now()), Halves: places.Halves, ForWhom: who, Half: half, PC: pc}, formErr)
}

func (s *Server) placesCheckIn(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	b, err := s.svc.Places.CheckIn(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/places"
	if places.Manages(p) {
		back = "/places/offices/" + itoa(b.OfficeID) + "/day"
	}
	s.flashRedirect(w, r, back, "flash.places_checked_in")
}
