package api

import (
	"net/http"
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/policy"
	"telework/internal/presence"
	"telework/internal/route"
	"telework/internal/worktime"
)

// The working-time, presence and team-board API (issue 12).
func (s *API) worktimeRoutes() []route.Route {
	unit := route.Param{Name: "unit_id", Type: "integer", Desc: "the unit (and below); default: your own"}
	return []route.Route{
		{Method: "POST", Pattern: "/api/v1/worktime/start", Rule: route.Directory, Handler: s.apiWorktimeStart,
			API: &route.Op{ID: "startWork", Tag: "worktime", Body: "WorktimeReport", Resp: "WorktimeOutcome", Idempotent: true, OptionalBody: true,
				Summary: "始業報告 at the server's clock (staff_id: a supervisor entering it on the person's behalf, 図表20); never refused for lack of an application, flagged instead; a start after the day's end report resumes the day (the time in between becomes a break, the end is cleared until the next end report); 409 while the day is open"}},
		{Method: "POST", Pattern: "/api/v1/worktime/end", Rule: route.Directory, Handler: s.apiWorktimeEnd,
			API: &route.Op{ID: "endWork", Tag: "worktime", Body: "WorktimeReport", Resp: "WorktimeOutcome", Idempotent: true, OptionalBody: true,
				Summary: "終業報告 at the server's clock with the day's warnings; mode and place, when given, correct the day's (audited); presence becomes offline"}},
		{Method: "POST", Pattern: "/api/v1/worktime/break", Rule: route.Directory, Handler: s.apiWorktimeBreak,
			API: &route.Op{ID: "recordBreak", Tag: "worktime", Body: "WorktimeBreakInput", Resp: "WorktimeDay", Idempotent: true,
				Summary: "Start or end a break, or a 中抜け taken as hourly leave (hourly=true, where the policy allows it); the answer carries the day's warnings as the list shows them"}},
		{Method: "GET", Pattern: "/api/v1/worktime", Rule: route.Directory, Handler: s.apiWorktimeDays,
			API: &route.Op{ID: "listWorktime", Tag: "worktime", Resp: "WorktimeDay", List: true,
				Summary: "Your days (staff_id: a supervisor's or HR's view of a person) with start, end, breaks and warnings, newest last",
				Query: append([]route.Param{{Name: "staff_id", Type: "integer", Desc: "another person (supervisors over them, HR)"},
					{Name: "from", Type: "string", Desc: "YYYY-MM-DD (default: 30 days before to)"}, {Name: "to", Type: "string", Desc: "YYYY-MM-DD (default: today); at most 62 days after from (422 on to otherwise)"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/worktime/team", Rule: route.Rule{Roles: []auth.Role{auth.Supervisor, auth.HRAdmin}}, Handler: s.apiWorktimeTeam,
			API: &route.Op{ID: "teamWorktime", Tag: "worktime", Resp: "WorktimeTeamRow", List: true,
				Summary: "The supervisor's view of today: who started, who has not, who finished, open warnings", Query: []route.Param{unit}}},
		{Method: "PUT", Pattern: "/api/v1/presence", Rule: route.Directory, Handler: s.apiSetPresence,
			API: &route.Op{ID: "setPresence", Tag: "presence", Body: "PresenceInput", Resp: "Presence",
				Summary: "Set your own presence (only the current state is kept)"}},
		{Method: "GET", Pattern: "/api/v1/board", Rule: route.Directory, Handler: s.apiBoard,
			API: &route.Op{ID: "getBoard", Tag: "presence", Resp: "BoardRow", List: true,
				Summary: "The team board: each person's name, place, presence and today's plan (where you may see it)", Query: []route.Param{unit}}},
	}
}

type worktimeReportJSON struct {
	StaffID int64  `json:"staff_id"`
	Mode    string `json:"mode"`
	Place   string `json:"place"`
	Plan    string `json:"plan"`
	Result  string `json:"result"`
	Time    string `json:"time"`
	// BreakMinutes: at an end entered for someone, the break they
	// reported by phone.
	BreakMinutes *int `json:"break_minutes"`
}

type worktimeWarningJSON struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

type worktimeDayJSON struct {
	StaffID     int64                 `json:"staff_id"`
	Date        string                `json:"date"`
	Start       string                `json:"start"`
	End         *string               `json:"end"`
	Mode        string                `json:"mode"`
	Place       string                `json:"place"`
	Plan        string                `json:"plan"`
	Result      string                `json:"result"`
	StartProxy  bool                  `json:"start_by_supervisor"`
	EndProxy    bool                  `json:"end_by_supervisor"`
	Application int64                 `json:"application_id"`
	Breaks      []worktimeBreakOut    `json:"breaks"`
	Warnings    []worktimeWarningJSON `json:"warnings"`
}

type worktimeBreakOut struct {
	Start    string  `json:"start"`
	End      *string `json:"end"`
	Hourly   bool    `json:"hourly_leave"`
	Reported bool    `json:"reported"`
}

// worktimeWarnings are a day's warnings as the caller reads them: the
// person (own) is also told what to do (report the end…), a supervisor
// reads the finding.
func worktimeWarnings(ws []worktime.Warning, lang string, own bool) []worktimeWarningJSON {
	text := worktime.Warning.Finding
	if own {
		text = worktime.Warning.Message
	}
	out := []worktimeWarningJSON{}
	for _, w := range ws {
		out = append(out, worktimeWarningJSON{Rule: w.Rule, Message: text(w, lang)})
	}
	return out
}

func worktimeOpt(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	m := moment(t)
	return &m
}

func worktimeDay(d worktime.Day, ws []worktime.Warning, lang string, reader int64) worktimeDayJSON {
	out := worktimeDayJSON{StaffID: d.StaffID, Date: d.Date.String(), Start: moment(d.Start), End: worktimeOpt(d.End),
		Mode: string(d.Mode), Place: d.Place, Plan: d.Plan, Result: d.Result, StartProxy: d.StartProxy != 0,
		EndProxy: d.EndProxy != 0, Application: d.ApplicationID, Breaks: []worktimeBreakOut{}, Warnings: worktimeWarnings(ws, lang, reader == d.StaffID)}
	out.Breaks = worktimeBreaksOut(d)
	return out
}

func worktimeBreaksOut(d worktime.Day) []worktimeBreakOut {
	out := []worktimeBreakOut{}
	for _, b := range d.Breaks {
		out = append(out, worktimeBreakOut{Start: moment(b.Start), End: worktimeOpt(b.End), Hourly: b.Hourly, Reported: b.Reported})
	}
	return out
}

func (s *API) apiWorktimeReport(w http.ResponseWriter, r *http.Request, end bool) {
	p := principal(r)
	var in worktimeReportJSON
	// Every member is optional: one tap sends no body at all (a review
	// saw 「送信データが空です」 for a bare POST).
	if err := optionalJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rep := worktime.Report{Mode: policy.Mode(in.Mode), Place: in.Place, Plan: in.Plan, Result: in.Result, At: in.Time,
		BreakMinutes: in.BreakMinutes}
	var out *worktime.Outcome
	var err error
	if end {
		out, err = s.svc.Worktime.End(r.Context(), p.TenantID, p, in.StaffID, rep)
	} else {
		out, err = s.svc.Worktime.Start(r.Context(), p.TenantID, p, in.StaffID, rep)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, worktimeDay(out.Day, out.Warnings, apiLang(r), p.StaffID))
}

func (s *API) apiWorktimeStart(w http.ResponseWriter, r *http.Request) {
	s.apiWorktimeReport(w, r, false)
}
func (s *API) apiWorktimeEnd(w http.ResponseWriter, r *http.Request) { s.apiWorktimeReport(w, r, true) }

func (s *API) apiWorktimeBreak(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		Action string `json:"action"`
		Hourly bool   `json:"hourly_leave"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if in.Action != "start" && in.Action != "end" {
		var v apperr.Validation
		v.Add("action", "field.choice", nil)
		s.apiFail(w, r, v.Err())
		return
	}
	out, err := s.svc.Worktime.Break(r.Context(), p.TenantID, p, in.Action == "start", in.Hourly)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, worktimeDay(out.Day, out.Warnings, apiLang(r), p.StaffID))
}

func (s *API) apiWorktimeDays(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	staffID := queryInt(r, "staff_id", &v)
	from, to := queryPeriod(r, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	// A period holds at most worktime.MaxDays+1 days: they are read whole
	// and answered a page at a time, in date order, after the cursor's day.
	writeKeyPage(s, w, r, func(pg keyPage) ([]worktime.DayView, error) {
		after, err := cursorDate(pg.Key)
		if err != nil {
			return nil, err
		}
		days, err := s.svc.Worktime.Days(r.Context(), p.TenantID, p, staffID, from, to)
		if err != nil {
			return nil, err
		}
		*pg.Total = len(days)
		if pg.ID != 0 {
			days = slices.DeleteFunc(days, func(d worktime.DayView) bool {
				return d.Day.Date.Before(after) || d.Day.Date == after && d.Day.ID <= pg.ID
			})
		}
		return days[:min(pg.Limit, len(days))], nil
	}, func(d worktime.DayView) (string, int64) { return d.Day.Date.String(), d.Day.ID },
		func(d worktime.DayView) worktimeDayJSON { return worktimeDay(d.Day, d.Warnings, lang, p.StaffID) })
}

type worktimeTeamJSON struct {
	StaffID  int64                 `json:"staff_id"`
	Name     string                `json:"name"`
	State    string                `json:"state"`
	Start    *string               `json:"start"`
	End      *string               `json:"end"`
	Plan     string                `json:"plan"`
	Warnings []worktimeWarningJSON `json:"warnings"`
	// Entered by the supervisor on the person's behalf (図表20).
	StartProxy bool               `json:"start_by_supervisor"`
	EndProxy   bool               `json:"end_by_supervisor"`
	Breaks     []worktimeBreakOut `json:"breaks"`
}

func (s *API) apiWorktimeTeam(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	unitID := queryInt(r, "unit_id", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rows, err := s.svc.Worktime.TeamDay(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	out := page[worktimeTeamJSON]{Items: []worktimeTeamJSON{}, Total: len(rows)}
	for _, x := range rows {
		j := worktimeTeamJSON{StaffID: x.StaffID, Name: x.Name, State: string(x.State), Warnings: worktimeWarnings(x.Warnings, lang, x.StaffID == p.StaffID),
			Breaks: []worktimeBreakOut{}}
		if x.Day != nil {
			j.Start, j.End, j.Plan = worktimeOpt(x.Day.Start), worktimeOpt(x.Day.End), x.Day.Plan
			j.StartProxy, j.EndProxy, j.Breaks = x.Day.StartProxy != 0, x.Day.EndProxy != 0, worktimeBreaksOut(*x.Day)
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
}

type presenceJSON struct {
	Status   string  `json:"status"`
	Place    string  `json:"place"`
	Note     string  `json:"note"`
	Until    *string `json:"until"`
	AutoAway bool    `json:"auto_away"`
}

func (s *API) apiSetPresence(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		Status   string  `json:"status"`
		Place    *string `json:"place"`
		Note     *string `json:"note"`
		Until    string  `json:"until"`
		AutoAway *bool   `json:"auto_away"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	u := presence.Update{Status: presence.Status(in.Status), Place: in.Place, Note: in.Note, UntilText: in.Until, AutoAway: in.AutoAway}
	out, err := s.svc.Presence.Set(r.Context(), p.TenantID, p, u)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, presenceJSON{Status: string(out.Status), Place: out.Place, Note: out.Note,
		Until: worktimeOpt(out.Until), AutoAway: out.AutoAway})
}

type boardJSON struct {
	StaffID  int64   `json:"staff_id"`
	Name     string  `json:"name"`
	UnitID   int64   `json:"unit_id"`
	Unit     string  `json:"unit"`
	Presence string  `json:"presence"`
	Note     string  `json:"note"`
	Until    *string `json:"until"`
	Place    string  `json:"place"`
	Mode     string  `json:"mode"`
	Planned  bool    `json:"planned"`
	State    string  `json:"state"`
	Plan     string  `json:"plan"`
	Result   string  `json:"result"`
}

func (s *API) apiBoard(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	unitID := queryInt(r, "unit_id", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rows, err := s.svc.Presence.Board(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[boardJSON]{Items: []boardJSON{}, Total: len(rows)}
	for _, x := range rows {
		out.Items = append(out.Items, boardJSON{StaffID: x.StaffID, Name: x.Name, UnitID: x.UnitID, Unit: x.UnitName,
			Presence: string(x.Status), Note: x.Note, Until: worktimeOpt(x.Until), Place: x.Place, Mode: x.Mode,
			Planned: x.Planned, State: string(x.State), Plan: x.Plan, Result: x.Result})
	}
	writeJSON(w, http.StatusOK, out)
}
