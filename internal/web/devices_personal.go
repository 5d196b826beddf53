package web

import (
	"net/http"
	"time"

	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/route"
)

// devicesPersonalRoutes are personal devices (私用端末・BYOD): the person's
// request and list, IT's review, and the one-time remote-access ID of
// today for a person who teleworks today (issue 14).
func (s *Server) devicesPersonalRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/devices/personal", Rule: directory, Handler: s.devicesPersonalPage},
		{Method: "POST", Pattern: "/devices/personal", Rule: directory, Handler: s.devicesPersonalRequest},
		{Method: "POST", Pattern: "/devices/credentials", Rule: directory, Handler: s.devicesCredentialIssue},
		{Method: "GET", Pattern: "/devices/personal/review", Rule: route.ITOnly, Handler: s.devicesPersonalReview},
		{Method: "POST", Pattern: "/devices/personal/{id}/decide", Rule: route.ITOnly, Object: "personal_device", Handler: s.devicesPersonalDecide},
	}
}

type devicesPersonalView struct {
	Mine        []*devices.PersonalDevice
	Description string
	OS          string
	Credentials bool
	Credential  *devices.Credential
	All         []*devices.PersonalDevice
	Today       calendar.Date
	// The device whose decision was refused, with what was posted: its
	// row's fields carry the ids the error summary links to.
	ErrID                      int64
	PostedStatus, PostedExpiry string
}

func (s *Server) devicesPersonalView(r *http.Request, all bool) (*devicesPersonalView, error) {
	p := principal(r)
	v := &devicesPersonalView{Today: calendar.DateOf(time.Now())}
	var err error
	if all {
		v.All, err = s.svc.Devices.PersonalDevices(r.Context(), p.TenantID, p, true)
		return v, err
	}
	if v.Mine, err = s.svc.Devices.PersonalDevices(r.Context(), p.TenantID, p, false); err != nil {
		return nil, err
	}
	v.Credentials, err = s.svc.Devices.UsesCredentials(r.Context(), p.TenantID)
	return v, err
}

func (s *Server) devicesPersonalPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.devicesPersonalView(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "devices_personal", "devices.personal_title", v, nil)
}

func (s *Server) devicesPersonalRequest(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	f := newForm(r)
	d := &devices.PersonalDevice{Description: f.str("description"), OS: f.str("os")}
	if err := s.svc.Devices.RequestPersonalDevice(r.Context(), p.TenantID, p, d); err != nil {
		v, verr := s.devicesPersonalView(r, false)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Description, v.OS = d.Description, d.OS
		s.render(w, r, statusOf(err), "devices_personal", "devices.personal_title", v, err)
		return
	}
	s.flashRedirect(w, r, "/devices/personal", "flash.devices_personal_requested")
}

// devicesCredentialIssue issues the one-time ID and shows its password on
// this answer only (never stored in clear, not cached).
func (s *Server) devicesCredentialIssue(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	f := newForm(r)
	// The form sends the day it showed as today: a page left open past
	// midnight is refused on the date rather than issuing for another day.
	day := f.date("date")
	err := f.v.Err()
	var c *devices.Credential
	if err == nil {
		c, err = s.svc.Devices.IssueCredential(r.Context(), p.TenantID, p, day)
	}
	v, verr := s.devicesPersonalView(r, false)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		s.render(w, r, statusOf(err), "devices_personal", "devices.personal_title", v, err)
		return
	}
	v.Credential = c
	s.render(w, r, http.StatusOK, "devices_personal", "devices.personal_title", v, nil)
}

func (s *Server) devicesPersonalReview(w http.ResponseWriter, r *http.Request) {
	v, err := s.devicesPersonalView(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "devices_personal_review", "devices.review_title", v, nil)
}

func (s *Server) devicesPersonalDecide(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Devices.PersonalDevice(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm(r)
	to, expires := devices.PersonalStatus(f.str("status")), f.date("expires_on")
	err := f.v.Err()
	if err == nil {
		_, err = s.svc.Devices.DecidePersonalDevice(r.Context(), p.TenantID, p, id, to, expires)
	}
	if err != nil {
		v, verr := s.devicesPersonalView(r, true)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.ErrID, v.PostedStatus, v.PostedExpiry = id, string(to), f.str("expires_on")
		s.render(w, r, statusOf(err), "devices_personal_review", "devices.review_title", v, err)
		return
	}
	s.flashRedirect(w, r, "/devices/personal/review", "flash.devices_personal_decided")
}
