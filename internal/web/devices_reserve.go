package web

import (
	"net/http"
	"strconv"
	"time"

	"telework/internal/calendar"
	"telework/internal/devices"
)

// devicesReserveRoutes are the device reservation page (issue 14): one's
// own reservations with cancellation and a form to reserve a unit of a
// pool for a day, for oneself or on someone's behalf (placesForWhom), or
// from an application's page (?pool_id=…&date=…&application_id=…).
func (s *Server) devicesReserveRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/devices/reservations", Rule: directory, Handler: s.devicesReservePage},
		{Method: "POST", Pattern: "/devices/reservations", Rule: directory, Handler: s.devicesReserve},
		{Method: "POST", Pattern: "/devices/reservations/{id}/cancel", Rule: directory, Object: "device_reservation", Handler: s.devicesCancel},
	}
}

type devicesReserveView struct {
	Pools   []*devices.Pool
	Mine    []*devices.Reservation
	ForWhom *placesForWhom
	PoolID  int64
	Date    string
	// ApplicationID: the application the reservation is for (a link from
	// its page), carried by the form.
	ApplicationID int64
}

func (s *Server) devicesReserveView(r *http.Request) (*devicesReserveView, error) {
	p := principal(r)
	today := calendar.DateOf(time.Now())
	v := &devicesReserveView{Date: today.AddDays(1).String(), ApplicationID: queryApplicationID(r)}
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("pool_id"), 10, 64); err == nil {
		v.PoolID = id
	}
	if d, err := calendar.ParseDate(q.Get("date")); err == nil {
		v.Date = d.String()
	}
	var err error
	if v.Pools, err = s.svc.Devices.Pools(r.Context(), p.TenantID); err != nil {
		return nil, err
	}
	if v.Mine, err = s.svc.Devices.Reservations(r.Context(), p.TenantID, p, devices.Filter{From: today}); err != nil {
		return nil, err
	}
	if v.ForWhom, err = s.placesForWhomOf(r); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) devicesReservePage(w http.ResponseWriter, r *http.Request) {
	v, err := s.devicesReserveView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "devices_reserve", "devices.reserve_title", v, nil)
}

func (s *Server) devicesReserve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	p := principal(r)
	req := devices.Request{PoolID: f.id("pool_id"), Day: f.date("date"), ApplicationID: f.id("application_id")}
	staffID, err := s.placesTarget(r, f)
	if err == nil {
		req.StaffID = staffID
		_, err = s.svc.Devices.Reserve(r.Context(), p.TenantID, p, req)
	}
	if err != nil {
		v, verr := s.devicesReserveView(r)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.PoolID, v.Date, v.ApplicationID = req.PoolID, f.str("date"), req.ApplicationID
		s.render(w, r, statusOf(err), "devices_reserve", "devices.reserve_title", v, err)
		return
	}
	s.flashRedirect(w, r, "/devices/reservations", "flash.devices_reserved")
}

func (s *Server) devicesCancel(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if err := s.svc.Devices.Cancel(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/devices/reservations", "flash.devices_cancelled")
}
