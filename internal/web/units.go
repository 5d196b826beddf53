package web

import (
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

func (s *Server) tree(r *http.Request) (*org.Tree, error) {
	return s.svc.Org.Tree(r.Context(), principal(r).TenantID)
}

func (s *Server) unitTree(w http.ResponseWriter, r *http.Request) {
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	withRetired := r.URL.Query().Get("retired") == "1"
	s.render(w, r, http.StatusOK, "unit_tree", "units.title", map[string]any{
		"Nodes": tr.Flatten(withRetired), "WithRetired": withRetired, "CanEdit": principal(r).Has(auth.HRAdmin),
	}, nil)
}

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	p := principal(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.svc.Org.UnitByID(r.Context(), p.TenantID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	members, total, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: id, Limit: 200})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	hist, err := s.svc.Org.UnitHistory(r.Context(), p.TenantID, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u := tr.Unit(id)
	var parent *org.Unit
	if u.ParentID != 0 {
		parent = tr.Unit(u.ParentID)
	}
	s.render(w, r, http.StatusOK, "unit_show", "units.show_title", map[string]any{
		"Unit": u, "Parent": parent, "Children": tr.Children(id), "Members": members, "Total": total,
		"History": hist, "Tree": tr, "CanEdit": p.Has(auth.HRAdmin),
	}, nil)
}

type unitForm struct {
	Unit      org.Unit
	Effective string
	Options   []org.Node
	New       bool
}

func (s *Server) unitFormPage(w http.ResponseWriter, r *http.Request, status int, f *unitForm, err error) {
	tr, terr := s.tree(r)
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	for _, n := range tr.Flatten(false) {
		// A unit cannot move under itself or its descendants.
		if f.New || !tr.IsWithin(n.Unit.ID, f.Unit.ID) {
			f.Options = append(f.Options, n)
		}
	}
	title := "units.edit_title"
	if f.New {
		title = "units.new_title"
	}
	s.render(w, r, status, "unit_form", title, f, err)
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) {
	f := &unitForm{New: true, Unit: org.Unit{ParentID: int64OrZero(r.URL.Query().Get("parent"))}}
	s.unitFormPage(w, r, http.StatusOK, f, nil)
}

func (s *Server) readUnitForm(r *http.Request) (*form, *unitForm) {
	fm := newForm(r)
	f := &unitForm{Effective: fm.str("effective_date")}
	f.Unit = org.Unit{Code: fm.str("code"), Name: fm.str("name"), Level: fm.str("level"),
		ParentID: fm.id("parent_id"), SortOrder: fm.int("sort_order", 0)}
	f.Unit.Version = int64(fm.int("version", 0))
	return fm, f
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f := s.readUnitForm(r)
	f.New = true
	eff := fm.date("effective_date")
	err := fm.merge(f.Unit.Validate())
	if err == nil {
		err = s.svc.Org.CreateUnit(r.Context(), p.TenantID, actorOf(p), &f.Unit, eff)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.unitFormPage(w, r, http.StatusUnprocessableEntity, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/units/"+itoa(f.Unit.ID), "flash.saved")
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) {
	u, _, ok := found(s, w, r, s.svc.Org.UnitByID)
	if !ok {
		return
	}
	s.unitFormPage(w, r, http.StatusOK, &unitForm{Unit: *u}, nil)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Org.UnitByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f := s.readUnitForm(r)
	f.Unit.ID = id
	eff := fm.date("effective_date")
	err := fm.merge(f.Unit.Validate())
	if err == nil {
		u := f.Unit
		_, err = s.svc.Org.UpdateUnit(r.Context(), p.TenantID, actorOf(p), id, org.UnitUpdate{Name: &u.Name,
			Level: &u.Level, Code: &u.Code, ParentID: &u.ParentID, SortOrder: &u.SortOrder,
			Effective: eff, ExpectVersion: u.Version})
	}
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
			s.unitFormPage(w, r, statusFor(err), f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if eff.After(calendar.DateOf(time.Now())) {
		// Dated later: stored as a scheduled change (予定されている異動).
		s.flashRedirect(w, r, "/units/"+itoa(id), "flash.scheduled")
		return
	}
	s.flashRedirect(w, r, "/units/"+itoa(id), "flash.saved")
}

func (s *Server) unitRetire(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Org.UnitByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	version := int64(fm.int("version", 0))
	eff := fm.date("effective_date")
	if err := fm.v.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.svc.Org.RetireUnit(r.Context(), p.TenantID, actorOf(p), id, version, eff); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/units/"+itoa(id), "flash.unit_retired")
}

func statusFor(err error) int {
	if apperr.CodeOf(err) == apperr.Conflict {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

func int64OrZero(s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e15 {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
