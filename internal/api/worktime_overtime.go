package api

import (
	"net/http"
	"strings"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/route"
	"telework/internal/worktime"
)

// Prior overtime requests (時間外勤務の事前承認, issue 12): the person asks,
// the approver of their applications (or someone deciding for them, or a
// supervisor over them) approves or rejects in one call.
func (s *API) overtimeRoutes() []route.Route {
	routes := []route.Route{
		{Method: "POST", Pattern: "/api/v1/worktime/overtime", Rule: route.Directory, Handler: s.apiOvertimeRequest,
			API: &route.Op{ID: "requestOvertime", Tag: "worktime", Body: "OvertimeInput", Resp: "Overtime", Status: http.StatusCreated, Idempotent: true,
				Summary: "Ask for prior approval of overtime on a day until a time (one request per day: asking again revises it and it waits again); routed like your applications"}},
		{Method: "GET", Pattern: "/api/v1/worktime/overtime", Rule: route.Directory, Handler: s.apiOvertimeList,
			API: &route.Op{ID: "listOvertime", Tag: "worktime", Resp: "Overtime", List: true,
				Summary: "Your requests and those you decide (as approver, deciding for one, or a supervisor over the person; HR: all), newest day first",
				Query: []route.Param{{Name: "from", Type: "string", Desc: "YYYY-MM-DD (default: 31 days ago)"},
					{Name: "to", Type: "string", Desc: "YYYY-MM-DD (default: 62 days ahead)"},
					{Name: "status", Type: "string", Desc: "requested, approved, rejected or withdrawn (comma-separated)"}}}},
	}
	const decided = "The request is no longer waiting (decided or withdrawn), or changed after the version given in the body"
	for _, a := range []struct{ verb, summary, conflict string }{
		{"approve", "Approve a waiting request (approver, someone deciding for them, or a supervisor over the person); the person is told", decided},
		{"reject", "Reject a waiting request; the person is told", decided},
		{"withdraw", "Withdraw your own request: a waiting one until its day ends, an approved one before its day (later: 409)",
			"The request is decided and its day has come, or it was already withdrawn"},
	} {
		routes = append(routes, route.Route{Method: "POST", Pattern: "/api/v1/worktime/overtime/{id}/" + a.verb, Rule: route.Directory,
			Object: "worktime_overtime", Handler: s.apiOvertimeAction(a.verb),
			API: &route.Op{ID: a.verb + "Overtime", Tag: "worktime", Body: "OvertimeDecision", Resp: "Overtime", Idempotent: true, Summary: a.summary, Conflict: a.conflict}})
	}
	return routes
}

type overtimeJSON struct {
	ID          int64   `json:"id"`
	StaffID     int64   `json:"staff_id"`
	Name        string  `json:"name"`
	Date        string  `json:"date"`
	Until       string  `json:"until"`
	Reason      string  `json:"reason"`
	Status      string  `json:"status"`
	ApproverID  int64   `json:"approver_id"`
	DecidedBy   int64   `json:"decided_by"`
	DecidedAt   *string `json:"decided_at"`
	Comment     string  `json:"comment"`
	RequestedAt string  `json:"requested_at"`
	Version     int64   `json:"version"`
	CanDecide   bool    `json:"can_decide"`
	CanWithdraw bool    `json:"can_withdraw"`
}

func overtimeOut(v worktime.OvertimeView) overtimeJSON {
	return overtimeJSON{ID: v.ID, StaffID: v.StaffID, Name: v.StaffName, Date: v.Date.String(), Until: v.Until, Reason: v.Reason,
		Status: v.Status, ApproverID: v.ApproverID, DecidedBy: v.DecidedBy, DecidedAt: worktimeOpt(v.DecidedAt), Comment: v.Comment,
		RequestedAt: moment(v.CreatedAt), Version: v.Version, CanDecide: v.CanDecide, CanWithdraw: v.CanWithdraw}
}

func (s *API) apiOvertimeRequest(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		Date   string `json:"date"`
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	d, err := calendar.ParseDate(in.Date)
	if err != nil {
		// Asked without a date, the service still checks (and reports)
		// the other fields; it writes nothing.
		v.Add("date", "field.date", map[string]any{"LabelKey": "fieldname.overtime_date"})
	}
	out, err := s.svc.Overtime.Request(r.Context(), p.TenantID, p, worktime.OvertimeRequest{Date: d, Until: in.Until, Reason: in.Reason})
	if err = apperr.Merge(v.Err(), err); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, overtimeOut(*out))
}

func (s *API) apiOvertimeList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	from, to := queryPeriod(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var statuses []string
	if q := r.URL.Query().Get("status"); q != "" {
		statuses = strings.Split(q, ",")
	}
	list, err := s.svc.Overtime.List(r.Context(), p.TenantID, p, from, to, statuses)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[overtimeJSON]{Items: []overtimeJSON{}, Total: len(list)}
	for _, o := range list {
		out.Items = append(out.Items, overtimeOut(o))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiOvertimeAction(verb string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		id, ok := pathID(r)
		if !ok {
			s.apiFail(w, r, apperr.NotFoundErr("worktime_overtime"))
			return
		}
		var in struct {
			Comment string `json:"comment"`
			Version int64  `json:"version"`
		}
		if r.ContentLength != 0 {
			if err := decodeJSON(r, &in); err != nil {
				s.apiFail(w, r, err)
				return
			}
		}
		var out *worktime.OvertimeView
		var err error
		if verb == "withdraw" {
			out, err = s.svc.Overtime.Withdraw(r.Context(), p.TenantID, p, id)
		} else {
			out, err = s.svc.Overtime.Decide(r.Context(), p.TenantID, p, id, verb == "approve", in.Comment, in.Version)
		}
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, overtimeOut(*out))
	}
}

// overtimeSchemas are the OpenAPI schemas of the requests.
func overtimeSchemas() map[string]any {
	return map[string]any{
		"OvertimeInput": obj([]string{"date", "until", "reason"}, map[string]any{
			"date":   dateStr("the day (today or later)"),
			"until":  str("HH:MM until when (a time at or before the start of work is the next morning)"),
			"reason": str("one-line reason")}),
		"OvertimeDecision": obj(nil, map[string]any{
			"comment": str("approve/reject: a one-line comment to the person (optional)"),
			"version": integer("the version decided on (optional; 409 when it changed)")}),
		"Overtime": obj([]string{"id", "staff_id", "name", "date", "until", "reason", "status", "approver_id", "decided_by",
			"decided_at", "comment", "requested_at", "version", "can_decide", "can_withdraw"}, map[string]any{
			"id": integer("the request"), "staff_id": integer("the person"), "name": str("氏名"), "date": dateStr("the day"),
			"until": str("HH:MM"), "reason": str("one-line reason"), "status": strEnum(worktime.OvertimeStatuses, "the state"),
			"approver_id": integer("the approver it was routed to (0: none recorded)"),
			"decided_by":  integer("who decided (0: not yet)"), "decided_at": nullable("string", "when (RFC 3339)"),
			"comment": str("the approver's comment"), "requested_at": dateTime("asked (last) at"), "version": integer("version"),
			"can_decide": boolean("you may approve or reject it now"), "can_withdraw": boolean("you may withdraw it")}),
	}
}
