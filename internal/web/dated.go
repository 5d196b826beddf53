package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
)

// Dated changes (予定されている異動) and the bulk setting of policy facts
// (issue 9 §2, §3): HR's list of the changes waiting for their date, with
// the ones the daily job could not apply and why, each cancellable; and
// one fact set or cleared for many people at once.

// datedRoutes are the pages of dated changes and bulk facts. The change
// to cancel is in the form, not the path: a change is always the
// tenant's own (the service reads it by tenant).
func (s *Server) datedRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/staff/scheduled", Rule: hrOnly, Handler: s.scheduledPage},
		{Method: "POST", Pattern: "/staff/scheduled/cancel", Rule: hrOnly, Handler: s.scheduledCancel},
		{Method: "GET", Pattern: "/staff/facts", Rule: hrOnly, Handler: s.factsBulkPage},
		{Method: "POST", Pattern: "/staff/facts", Rule: hrOnly, Handler: s.factsBulkSave},
	}
}

// scheduledRow is one scheduled change as the pages show it.
type scheduledRow struct {
	C       *org.ScheduledChange
	Kind    string // i18n key
	Failure string // why it could not be applied
}

func scheduledRows(list []*org.ScheduledChange, lang string) []scheduledRow {
	out := make([]scheduledRow, 0, len(list))
	for _, c := range list {
		row := scheduledRow{C: c, Kind: "dated.kind_" + c.Kind}
		if c.Body.Retired != nil {
			row.Kind = "dated.kind_reinstate"
			if *c.Body.Retired {
				row.Kind = "dated.kind_retire"
			}
		}
		if f := c.Failure; f != nil {
			args := map[string]any{}
			maps.Copy(args, f.Args)
			if f.Field != "" && i18n.Has("fieldname."+f.Field) {
				args["Field"] = i18n.T(lang, "fieldname."+f.Field, nil)
			}
			row.Failure = i18n.T(lang, f.Key, args)
		}
		out = append(out, row)
	}
	return out
}

// scheduledFor lists a person's pending and failed changes for the staff
// page (HR only).
func (s *Server) scheduledFor(r *http.Request, staffID int64) ([]scheduledRow, error) {
	p := principal(r)
	list, err := s.svc.Staffio.Scheduled(r.Context(), p.TenantID, org.ScheduleFilter{StaffID: staffID,
		Status: []string{org.SchedulePending, org.ScheduleFailed}})
	if err != nil {
		return nil, err
	}
	return scheduledRows(list, lang(r)), nil
}

// maxScheduledShown bounds each list of the page (an April import may
// schedule thousands; the counts say the rest).
const maxScheduledShown = 2000

func (s *Server) scheduledPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	lng := lang(r)
	pending, err := s.svc.Staffio.Scheduled(r.Context(), p.TenantID, org.ScheduleFilter{Status: []string{org.SchedulePending}, Limit: maxScheduledShown + 1})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	failed, err := s.svc.Staffio.Scheduled(r.Context(), p.TenantID, org.ScheduleFilter{Status: []string{org.ScheduleFailed}, Limit: maxScheduledShown})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	more := len(pending) > maxScheduledShown
	if more {
		pending = pending[:maxScheduledShown]
	}
	s.render(w, r, http.StatusOK, "staff_scheduled", "dated.title", map[string]any{
		"Pending": scheduledRows(pending, lng), "Failed": scheduledRows(failed, lng), "More": more,
	}, nil)
}

func (s *Server) scheduledCancel(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id := newForm(r).id("id")
	if id <= 0 {
		s.renderStatus(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	err := s.svc.Staffio.CancelScheduled(r.Context(), p.TenantID, actorOf(p), id)
	back := "/staff/scheduled"
	if st := newForm(r).id("staff_id"); st > 0 {
		back = "/staff/" + itoa(st)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, back, "dated.cancelled")
	case apperr.CodeOf(err) == apperr.Conflict:
		s.flashRedirect(w, r, back, "dated.not_pending")
	default:
		s.fail(w, r, err)
	}
}

// factsShown bounds the people the bulk page lists (and so sets at once).
const factsShown = 1000

// factsPosted is what a refused bulk save asked: the people ticked, the
// fact and whether to clear it.
type factsPosted struct {
	Picked []string
	Fact   string
	Clear  bool
}

// Ticked reports whether a person's box is to be shown ticked: all are at
// first, after a refused save those that were.
func (p *factsPosted) Ticked(id int64) bool {
	return p == nil || slices.Contains(p.Picked, strconv.FormatInt(id, 10))
}

type factsPerson struct {
	Staff *org.Staff
	Facts policy.Facts
}

func (s *Server) factsBulkPage(w http.ResponseWriter, r *http.Request) {
	s.factsBulk(w, r, http.StatusOK, nil)
}

func (s *Server) factsBulk(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	p := principal(r)
	q := r.URL.Query()
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := org.StaffFilter{Query: q.Get("q"), UnitID: int64OrZero(q.Get("unit")), Limit: factsShown}
	if f.UnitID != 0 && tr.Unit(f.UnitID) == nil {
		f.UnitID = 0
	}
	data := map[string]any{"Units": tr.Flatten(false), "Filter": f, "Facts": policy.BulkFacts(), "Shown": q.Get("show") == "1"}
	if n, err := strconv.Atoi(q.Get("done")); err == nil && n >= 0 {
		data["Done"], data["DoneSet"] = n, true
	}
	var posted *factsPosted
	if r.Method == http.MethodPost {
		// A refused save shows the choices made, not the defaults again.
		posted = &factsPosted{Picked: r.PostForm["staff_ids"], Fact: r.PostForm.Get("fact"), Clear: r.PostForm.Get("value") == "clear"}
	}
	data["Posted"] = posted
	if q.Get("show") == "1" || f.Query != "" || f.UnitID != 0 {
		list, total, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, f)
		if isInvalid(err) {
			// The search box says why (its text is too long).
			data["Shown"] = false
			s.render(w, r, http.StatusUnprocessableEntity, "staff_facts_bulk", "facts.title", data, err)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		facts, err := s.svc.Staffio.AllFacts(r.Context(), p.TenantID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		people := make([]factsPerson, len(list))
		for i, st := range list {
			people[i] = factsPerson{Staff: st, Facts: facts[st.ID]}
		}
		data["People"], data["Total"], data["More"], data["Shown"] = people, total, total-len(list), true
	}
	s.render(w, r, status, "staff_facts_bulk", "facts.title", data, ferr)
}

func (s *Server) factsBulkSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	var ids []int64
	for _, v := range r.PostForm["staff_ids"] {
		if id := int64OrZero(v); id > 0 {
			ids = append(ids, id)
		}
	}
	fm := newForm(r)
	on := fm.str("value") != "clear"
	n, err := s.svc.Policy.SetFactBulk(r.Context(), p.TenantID, actorOf(p), ids, fm.str("fact"), on)
	back := "/staff/facts?show=1&unit=" + itoa(fm.id("unit")) + "&q=" + url.QueryEscape(fm.str("q"))
	switch {
	case err == nil:
		http.Redirect(w, r, back+"&done="+strconv.Itoa(n), http.StatusSeeOther)
	case apperr.CodeOf(err) == apperr.Invalid:
		// Show the same people again with the reason.
		r.URL.RawQuery = back[len("/staff/facts?"):]
		s.factsBulk(w, r, http.StatusUnprocessableEntity, err)
	default:
		s.fail(w, r, err)
	}
}
