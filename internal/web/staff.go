package web

import (
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
)

const staffPageSize = 50

func (s *Server) staffSearch(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q := r.URL.Query()
	f := org.StaffFilter{Query: q.Get("q"), UnitID: int64OrZero(q.Get("unit")), Limit: staffPageSize}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 10000 {
		page = 1
	}
	f.Offset = (page - 1) * staffPageSize
	f.IncludeRetire = q.Get("retired") == "1" && p.Has(auth.HRAdmin)
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if f.UnitID != 0 && tr.Unit(f.UnitID) == nil {
		f.UnitID = 0 // another tenant's or a deleted unit: search everything
	}
	status := http.StatusOK
	list, total, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, f)
	if isInvalid(err) {
		status = http.StatusUnprocessableEntity // the search box says why
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	last := (total + staffPageSize - 1) / staffPageSize
	first := f.Offset + 1
	if len(list) == 0 {
		first = 0
	}
	s.render(w, r, status, "staff_search", "staff.title", map[string]any{
		"Filter": f, "Results": list, "Total": total, "Page": page, "Last": last,
		"From": first, "To": f.Offset + len(list), "Pages": pageLinks(q, page, last),
		"Prev": pageLink(q, page-1, last), "Next": pageLink(q, page+1, last),
		"Units": tr.Flatten(false), "CanEdit": p.Has(auth.HRAdmin), "Retired": f.IncludeRetire,
	}, err)
}

// pageItem is one entry of the numbered page links: a page (Href empty
// for the current one) or a gap ("…").
type pageItem struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// pageLinks numbers the pages around the current one, with the first and
// the last always there: 1 … 4 5 [6] 7 8 … 13.
func pageLinks(q map[string][]string, page, last int) []pageItem {
	if last < 2 {
		return nil
	}
	var out []pageItem
	prev := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < page-2 || n > page+2) {
			continue
		}
		if prev != 0 && n > prev+1 {
			out = append(out, pageItem{Gap: true})
		}
		it := pageItem{N: n, Current: n == page}
		if !it.Current {
			it.Href = pageLink(q, n, last)
		}
		out = append(out, it)
		prev = n
	}
	return out
}

func pageLink(q map[string][]string, page, last int) string {
	if page < 1 || page > last {
		return ""
	}
	v := make(map[string][]string, len(q))
	for k, x := range q {
		v[k] = x
	}
	v["page"] = []string{strconv.Itoa(page)}
	return "/staff?" + encodeQuery(v)
}

// canSeeDetail: HR sees everyone's history; a supervisor sees the history
// of staff in their own section; everyone sees their own.
func canSeeDetail(p *auth.Principal, tr *org.Tree, st *org.Staff) bool {
	switch {
	case p.Has(auth.HRAdmin), p.StaffID == st.ID:
		return true
	case p.Has(auth.Supervisor) && p.UnitID != 0:
		return tr.IsWithin(st.UnitID, p.UnitID)
	}
	return false
}

func (s *Server) staffShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	p := principal(r)
	st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	isHR := p.Has(auth.HRAdmin)
	if st.Retired && !isHR {
		s.notFound(w, r) // people who left are in HR's records only
		return
	}
	detail := canSeeDetail(p, tr, st)
	data := map[string]any{"Staff": st, "UnitPath": tr.PathString(st.UnitID), "Detail": detail,
		"ShowSensitive": isHR, "CanEdit": isHR, "Self": p.StaffID == st.ID}
	if detail {
		hist, err := s.svc.Org.StaffHistory(r.Context(), p.TenantID, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["History"] = hist
	}
	if isHR {
		// The facts eligibility rules use (育児・介護 as a declared reason,
		// a telework terminal, secondment): registered by HR, shown only to
		// HR here (approvers see them in the findings of an application).
		facts, err := s.svc.Policy.Facts(r.Context(), p.TenantID, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["Facts"] = &facts
		// What is planned for the person (予定されている異動): HR only.
		if data["Scheduled"], err = s.scheduledFor(r, id); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if !isHR {
		st.Sensitive = nil // never handed to the template
	}
	s.render(w, r, http.StatusOK, "staff_show", "staff.show_title", data, nil)
}

type staffForm struct {
	Staff     org.Staff
	Sensitive org.Sensitive
	OptIn     bool
	Effective string
	New       bool
	Units     []org.Node
}

func (s *Server) staffFormPage(w http.ResponseWriter, r *http.Request, status int, f *staffForm, err error) {
	tr, terr := s.tree(r)
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	f.Units = tr.Flatten(false)
	title := "staff.edit_title"
	if f.New {
		title = "staff.new_title"
	}
	s.render(w, r, status, "staff_form", title, f, err)
}

func (s *Server) staffNew(w http.ResponseWriter, r *http.Request) {
	f := &staffForm{New: true, Staff: org.Staff{Rank: org.RankStaff, Employment: org.Regular, JobType: "general",
		UnitID: int64OrZero(r.URL.Query().Get("unit"))}}
	s.staffFormPage(w, r, http.StatusOK, f, nil)
}

func readStaffForm(r *http.Request) (*form, *staffForm) {
	fm := newForm(r)
	f := &staffForm{Effective: fm.str("effective_date"), OptIn: fm.bool("sensitive_opt_in")}
	f.Staff = org.Staff{StaffNo: fm.str("staff_no"), Name: fm.str("name"), Kana: fm.str("kana"), Email: fm.str("email"),
		UnitID: fm.id("unit_id"), Title: fm.str("title"), Rank: org.Rank(fm.str("rank")), IsSupervisor: fm.bool("is_supervisor"),
		Employment: org.Employment(fm.str("employment")), JobType: fm.str("job_type"), Version: int64(fm.int("version", 0))}
	f.Sensitive = org.Sensitive{Gender: fm.str("gender"), AgeBand: fm.str("age_band"), Care: fm.str("care"),
		CommuteMinutes: fm.int("commute_minutes", 0)}
	if f.OptIn {
		sens := f.Sensitive
		f.Staff.Sensitive = &sens
	}
	return fm, f
}

func (s *Server) staffCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f := readStaffForm(r)
	f.New = true
	eff := fm.date("effective_date")
	err := fm.merge(f.Staff.Validate())
	if err == nil {
		err = s.svc.Org.CreateStaff(r.Context(), p.TenantID, actorOf(p), &f.Staff, eff)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.staffFormPage(w, r, http.StatusUnprocessableEntity, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/staff/"+itoa(f.Staff.ID), "flash.saved")
}

func (s *Server) staffEdit(w http.ResponseWriter, r *http.Request) {
	st, _, ok := found(s, w, r, s.svc.Org.StaffByID)
	if !ok {
		return
	}
	f := &staffForm{Staff: *st, OptIn: st.Sensitive != nil}
	if st.Sensitive != nil {
		f.Sensitive = *st.Sensitive
	}
	s.staffFormPage(w, r, http.StatusOK, f, nil)
}

func (s *Server) staffUpdate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Org.StaffByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f := readStaffForm(r)
	f.Staff.ID = id
	eff := fm.date("effective_date")
	err := fm.merge(f.Staff.Validate())
	if err == nil {
		_, err = s.svc.Org.UpdateStaff(r.Context(), p.TenantID, actorOf(p), id, org.FullUpdate(&f.Staff, eff))
	}
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
			s.staffFormPage(w, r, statusFor(err), f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if eff.After(s.svc.Calendar.Today()) {
		// Dated later: stored as a scheduled change (予定されている異動).
		s.flashRedirect(w, r, "/staff/"+itoa(id), "flash.scheduled")
		return
	}
	s.flashRedirect(w, r, "/staff/"+itoa(id), "flash.saved")
}

// staffRetireConfirm asks before one person is marked as retired: the
// page names the person, and the form sends the confirmation (no script).
func (s *Server) staffRetireConfirm(w http.ResponseWriter, r *http.Request) {
	st, _, ok := found(s, w, r, s.svc.Org.StaffByID)
	if !ok {
		return
	}
	s.renderRetireConfirm(w, r, http.StatusOK, st, nil)
}

func (s *Server) renderRetireConfirm(w http.ResponseWriter, r *http.Request, status int, st *org.Staff, err error) {
	if st.Retired {
		s.flashRedirect(w, r, "/staff/"+itoa(st.ID), "flash.staff_retired")
		return
	}
	tr, terr := s.tree(r)
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	st.Sensitive = nil
	s.render(w, r, status, "staff_retire", "trial.retire_title", map[string]any{"Staff": st, "UnitPath": tr.PathString(st.UnitID)}, err)
}

func (s *Server) staffRetire(w http.ResponseWriter, r *http.Request) {
	st, id, ok := found(s, w, r, s.svc.Org.StaffByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	version := int64(fm.int("version", 0))
	retire := fm.str("action") != "reinstate"
	if retire && !fm.bool("confirm") {
		// 退職 of one person is asked for once more, naming them.
		var v apperr.Validation
		v.Add("confirm", "trial.retire_confirm_required", map[string]any{"Name": st.Name})
		s.renderRetireConfirm(w, r, http.StatusUnprocessableEntity, st, v.Err())
		return
	}
	if err := s.svc.Org.RetireStaff(r.Context(), p.TenantID, actorOf(p), id, version, retire); err != nil {
		s.fail(w, r, err)
		return
	}
	key := "flash.staff_retired"
	if !retire {
		key = "flash.staff_reinstated"
	}
	s.flashRedirect(w, r, "/staff/"+itoa(id), key)
}

// team lists the supervisor's own section: the staff of their unit and
// the units below it.
func (s *Server) team(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if p.UnitID == 0 {
		s.renderStatus(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	list, total, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: p.UnitID, Limit: 500})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "team", "team.title", map[string]any{
		"Unit": tr.Unit(p.UnitID), "UnitPath": tr.PathString(p.UnitID), "Members": list, "Total": total,
	}, nil)
}
