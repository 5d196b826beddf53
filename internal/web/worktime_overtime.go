package web

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/worktime"
)

// worktimeOvertimeRoutes are the page of prior overtime requests
// (時間外勤務の事前承認, issue 12): the person asks in one short form; the
// approver approves or rejects each waiting request with one button.
func (s *Server) worktimeOvertimeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/worktime/overtime", Rule: directory, Handler: s.worktimeOvertimePage},
		{Method: "POST", Pattern: "/worktime/overtime", Rule: directory, Handler: s.worktimeOvertimeRequest},
		{Method: "POST", Pattern: "/worktime/overtime/decide", Rule: directory, Handler: s.worktimeOvertimeDecide},
		{Method: "POST", Pattern: "/worktime/overtime/withdraw", Rule: directory, Handler: s.worktimeOvertimeWithdraw},
	}
}

// worktimeOvertimeRow is one request on the page.
type worktimeOvertimeRow struct {
	worktime.OvertimeView
	StatusLabel string
}

func (s *Server) worktimeOvertimePage(w http.ResponseWriter, r *http.Request) {
	s.worktimeOvertimeRender(w, r, http.StatusOK, nil, nil)
}

// worktimeOvertimeRender shows the form (kept as typed after an error)
// and the lists: waiting for the viewer's decision, their own, the rest
// they can see (their people's, HR: the tenant's).
func (s *Server) worktimeOvertimeRender(w http.ResponseWriter, r *http.Request, status int, in *worktime.OvertimeRequest, formErr error) {
	p := principal(r)
	list, err := s.svc.Overtime.List(r.Context(), p.TenantID, p, calendar.Date{}, calendar.Date{}, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	var decide, mine, others []worktimeOvertimeRow
	for _, o := range list {
		row := worktimeOvertimeRow{OvertimeView: o, StatusLabel: i18n.T(l, "worktime.overtime_status_"+o.Status, nil)}
		switch {
		case o.CanDecide:
			decide = append(decide, row)
		case o.StaffID == p.StaffID:
			mine = append(mine, row)
		default:
			others = append(others, row)
		}
	}
	today := s.svc.Apply.Today()
	if in == nil {
		in = &worktime.OvertimeRequest{Date: today, Until: "19:00"}
	}
	s.render(w, r, status, "worktime_overtime", "worktime.overtime_title", map[string]any{
		"Decide": decide, "Mine": mine, "Others": others, "In": in, "Date": in.Date.String(), "Min": today.String(),
		"CanAsk": p.StaffID != 0}, formErr)
}

func (s *Server) worktimeOvertimeRequest(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	in := worktime.OvertimeRequest{Date: fm.date("overtime_date"), Until: fm.str("overtime_until"), Reason: fm.str("overtime_reason")}
	if err := fm.v.Err(); err != nil {
		s.worktimeOvertimeRender(w, r, http.StatusUnprocessableEntity, &in, err)
		return
	}
	if _, err := s.svc.Overtime.Request(r.Context(), p.TenantID, p, in); err != nil {
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
			s.worktimeOvertimeRender(w, r, http.StatusUnprocessableEntity, &in, renameFields(err, overtimeFormFields))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/worktime/overtime", "flash.worktime_overtime_requested")
}

// worktimeOvertimePosted reads the request id a button posts.
func (s *Server) worktimeOvertimePosted(w http.ResponseWriter, r *http.Request) (*form, int64, bool) {
	if !s.parseForm(w, r) {
		return nil, 0, false
	}
	fm := newForm(r)
	id := fm.id("id")
	if id == 0 {
		var v apperr.Validation
		v.Add("id", "field.required", nil)
		s.worktimeOvertimeRender(w, r, http.StatusUnprocessableEntity, nil, v.Err())
		return nil, 0, false
	}
	return fm, id, true
}

func (s *Server) worktimeOvertimeDecide(w http.ResponseWriter, r *http.Request) {
	fm, id, ok := s.worktimeOvertimePosted(w, r)
	if !ok {
		return
	}
	p := principal(r)
	decision := fm.str("decision")
	if decision != "approve" && decision != "reject" {
		var v apperr.Validation
		v.Add("decision", "field.choice", nil)
		s.worktimeOvertimeRender(w, r, http.StatusUnprocessableEntity, nil, v.Err())
		return
	}
	approve := decision == "approve"
	_, err := s.svc.Overtime.Decide(r.Context(), p.TenantID, p, id, approve, fm.str("comment"), int64(fm.int("version", 0)))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.worktimeOvertimeRender(w, r, http.StatusUnprocessableEntity, nil, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	key := "flash.worktime_overtime_rejected"
	if approve {
		key = "flash.worktime_overtime_approved"
	}
	s.flashRedirect(w, r, "/worktime/overtime", key)
}

func (s *Server) worktimeOvertimeWithdraw(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.worktimeOvertimePosted(w, r)
	if !ok {
		return
	}
	p := principal(r)
	if _, err := s.svc.Overtime.Withdraw(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/worktime/overtime", "flash.worktime_overtime_withdrawn")
}

// overtimeFormFields maps a request's fields (the API's members) to the
// page's inputs.
var overtimeFormFields = map[string]string{"date": "overtime_date", "until": "overtime_until", "reason": "overtime_reason"}
