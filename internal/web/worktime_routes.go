package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/presence"
	"telework/internal/route"
	"telework/internal/worktime"
)

// worktimeRoutes are the pages of working time, presence and the team
// board (issue 12): one tap for start and end on a phone, the board that
// updates itself through Server-Sent Events (and by reloading without
// JavaScript), the supervisor's day view.
func (s *Server) worktimeRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/worktime", Rule: directory, Handler: s.worktimePage},
		{Method: "POST", Pattern: "/worktime/start", Rule: directory, Handler: s.worktimeStart},
		{Method: "POST", Pattern: "/worktime/end", Rule: directory, Handler: s.worktimeEnd},
		{Method: "POST", Pattern: "/worktime/break", Rule: directory, Handler: s.worktimeBreak},
		{Method: "POST", Pattern: "/presence", Rule: directory, Handler: s.worktimePresence},
		{Method: "GET", Pattern: "/worktime/team", Rule: route.Rule{Roles: []auth.Role{auth.Supervisor, auth.HRAdmin}}, Handler: s.worktimeTeam},
		{Method: "GET", Pattern: "/board", Rule: directory, Handler: s.worktimeBoard},
		{Method: "GET", Pattern: "/board/events", Rule: directory, Handler: s.worktimeBoardEvents},
	}
}

type worktimeDayView struct {
	Date                                  calendar.Date
	Start, End, Mode, Place, Plan, Result string
	Proxy                                 bool
	Breaks                                int
	// BreakList are the day's breaks as the person and the supervisor
	// read them (「12:00〜13:00」, a 中抜け marked as hourly leave, one
	// still running 「15:00〜」): the records the break rules read.
	BreakList []worktimeBreakView
	Warnings  []string
}

type worktimeBreakView struct {
	Start, End string
	Hourly     bool
	// Reported: its length reported by phone (its times are placed).
	Reported bool
	Minutes  int
}

// worktimeBreaks are d's breaks for the pages.
func worktimeBreaks(d worktime.Day) []worktimeBreakView {
	out := make([]worktimeBreakView, len(d.Breaks))
	for i, b := range d.Breaks {
		out[i] = worktimeBreakView{Start: worktimeHM(b.Start), End: worktimeHM(b.End), Hourly: b.Hourly, Reported: b.Reported,
			Minutes: int(b.End.Sub(b.Start) / time.Minute)}
	}
	return out
}

// currentDay is the person's day now among days: today's, or yesterday's
// still open past midnight (worktime.Current).
func currentDay(days []worktime.DayView, staffID int64) (worktime.Day, bool) {
	plain := make([]worktime.Day, len(days))
	for i := range days {
		plain[i] = days[i].Day
	}
	return worktime.Current(plain, staffID, time.Now())
}

func worktimeHM(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Tokyo).Format("15:04")
}

// untilLabel is a status's end time for the board: HH:MM, said to be
// tomorrow's when it is (a time typed after it passed today means
// tomorrow, presence.ParseUntil).
func untilLabel(l string, t, now time.Time) string {
	hm := worktimeHM(t)
	if hm == "" || !calendar.DateOf(now).Before(calendar.DateOf(t)) {
		return hm
	}
	return i18n.T(l, "presence.until_tomorrow", map[string]any{"Time": hm})
}

func worktimeViewOf(d worktime.Day, ws []worktime.Warning, dv *view) worktimeDayView {
	v := worktimeDayView{Date: d.Date, Start: worktimeHM(d.Start), End: worktimeHM(d.End), Mode: string(d.Mode),
		Place: d.Place, Plan: d.Plan, Result: d.Result, Proxy: d.StartProxy != 0 || d.EndProxy != 0, Breaks: len(d.Breaks),
		BreakList: worktimeBreaks(d)}
	for _, w := range ws {
		v.Warnings = append(v.Warnings, dv.Warning(w))
	}
	return v
}

func (s *Server) worktimePage(w http.ResponseWriter, r *http.Request) {
	s.worktimeRender(w, r, http.StatusOK, nil)
}

func (s *Server) worktimeRender(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	p := principal(r)
	if p.StaffID == 0 {
		s.renderStatus(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	days, err := s.svc.Worktime.Days(r.Context(), p.TenantID, p, 0, calendar.Date{}, calendar.Date{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me, err := s.svc.Presence.Mine(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dv := dateView(r)
	data := map[string]any{"Statuses": presence.Statuses, "Presence": me, "Modes": append([]policy.Mode{worktime.Office}, policy.Modes...),
		"PresenceForm": s.worktimePresenceFormOf(r, me), "Supervisor": p.HasAny(auth.Supervisor, auth.HRAdmin)}
	var list []worktimeDayView
	// Today's day, or yesterday's still open past midnight: the one the
	// end and break buttons change.
	cur, working := currentDay(days, p.StaffID)
	for i := len(days) - 1; i >= 0; i-- {
		v := worktimeViewOf(days[i].Day, days[i].Warnings, dv)
		if working && v.Date == cur.Date {
			data["Today"] = v
			if n := len(days[i].Day.Breaks); n > 0 && days[i].Day.Breaks[n-1].End.IsZero() {
				// A 中抜け running is said as one, not as a rest break.
				data["OnBreak"], data["OnHourly"] = true, days[i].Day.Breaks[n-1].Hourly
			}
			// 中抜け is offered where the policy in force allows it (the
			// service refuses it elsewhere).
			if a, err := s.svc.Policy.Applying(r.Context(), p.TenantID, p.StaffID); err == nil {
				m := a.Version.Policy.MidDayBreak
				data["HourlyLeave"] = m == "hourly_leave" || m == "allowed"
				// Taken as hourly annual leave only where the policy says so.
				data["MidDayLeave"] = m == "hourly_leave"
			}
		}
		list = append(list, v)
	}
	data["Days"] = list
	if warned, err := calendar.ParseDate(r.URL.Query().Get("warned")); err == nil {
		for i := range days {
			if days[i].Day.Date == warned && len(days[i].Warnings) > 0 {
				data["Outcome"] = worktimeViewOf(days[i].Day, days[i].Warnings, dv)
			}
		}
	}
	s.render(w, r, status, "worktime", "worktime.title", data, ferr)
}

func (s *Server) worktimeReport(w http.ResponseWriter, r *http.Request, end bool) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	rep := worktime.Report{Mode: policy.Mode(r.PostFormValue("mode")), Place: r.PostFormValue("place"),
		Plan: r.PostFormValue("plan"), Result: r.PostFormValue("result"), At: r.PostFormValue("time")}
	var staffID int64
	if v := r.PostFormValue("staff_id"); v != "" {
		staffID, _ = strconv.ParseInt(v, 10, 64)
	}
	var out *worktime.Outcome
	var err error
	if strings.TrimSpace(r.PostFormValue("break_minutes")) != "" {
		fm := newForm(r)
		n := fm.int("break_minutes", 0)
		rep.BreakMinutes, err = &n, fm.v.Err()
	}
	switch {
	case err != nil:
	case end:
		out, err = s.svc.Worktime.End(r.Context(), p.TenantID, p, staffID, rep)
	default:
		out, err = s.svc.Worktime.Start(r.Context(), p.TenantID, p, staffID, rep)
	}
	if err != nil {
		if proxy := staffID != 0 && staffID != p.StaffID; proxy && (apperr.CodeOf(err) == apperr.Invalid || apperr.CodeOf(err) == apperr.Conflict) {
			// An entry for someone else was made on the day view: it
			// comes back there (the unit it was on), the person's time
			// field marked; a conflict stays a 409.
			s.worktimeTeamRender(w, r, statusOf(err), staffID, err)
			return
		}
		if apperr.CodeOf(err) == apperr.Invalid || apperr.CodeOf(err) == apperr.Conflict {
			s.worktimeRender(w, r, http.StatusUnprocessableEntity, renameFields(err, map[string]string{"result": "worktime_result"}))
			return
		}
		s.fail(w, r, err)
		return
	}
	if staffID != 0 && staffID != p.StaffID {
		s.flashRedirect(w, r, "/worktime/team", "flash.worktime_proxy")
		return
	}
	key := "flash.worktime_started"
	switch {
	case end:
		key = "flash.worktime_ended"
	case out.Resumed:
		key = "flash.worktime_resumed"
	}
	target := "/worktime"
	if len(out.Warnings) > 0 {
		// Redirected, not rendered in place: a reload of a page that
		// answered a POST posts again, and a second start after the end
		// resumes the finished day. The page names the day whose
		// warnings it shows, as they read now.
		target += "?warned=" + out.Day.Date.String()
	}
	s.flashRedirect(w, r, target, key)
}

func (s *Server) worktimeStart(w http.ResponseWriter, r *http.Request) { s.worktimeReport(w, r, false) }
func (s *Server) worktimeEnd(w http.ResponseWriter, r *http.Request)   { s.worktimeReport(w, r, true) }

func (s *Server) worktimeBreak(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	// 中抜け is the fieldset's second start button (action start_hourly);
	// hourly=1 with action start is read too.
	action := r.PostFormValue("action")
	out, err := s.svc.Worktime.Break(r.Context(), p.TenantID, p, action == "start" || action == "start_hourly",
		action == "start_hourly" || r.PostFormValue("hourly") == "1")
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid || apperr.CodeOf(err) == apperr.Conflict {
			s.worktimeRender(w, r, http.StatusUnprocessableEntity, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if out.Discarded {
		s.flashRedirect(w, r, "/worktime", "flash.worktime_break_discarded")
		return
	}
	s.flashRedirect(w, r, "/worktime", "flash.worktime_saved")
}

// worktimePresenceForm is what the presence form holds: the presence as
// it reads now, or what the person typed when the change was refused.
// EndsIn and Then are the saved status's: in EndsIn milliseconds (0: no
// end time) it falls back to Then, and the page's script switches to it
// without a reload.
type worktimePresenceForm struct {
	Status             presence.Status
	Note, Place, Until string
	AutoAway           bool
	EndsIn             int64
	Then               presence.Status
	Typed              bool // what was typed: the script leaves it alone
}

// worktimePresenceTyped marks a request whose presence change was refused:
// the page shown again keeps what was typed (nothing is lost).
type worktimePresenceTyped struct{}

func (s *Server) worktimePresenceFormOf(r *http.Request, me presence.Own) worktimePresenceForm {
	f, ok := r.Context().Value(worktimePresenceTyped{}).(worktimePresenceForm)
	if !ok {
		f = worktimePresenceForm{Status: me.Status, Note: me.Note, Place: me.Place, Until: worktimeHM(me.Until), AutoAway: me.AutoAway}
	}
	f.EndsIn, f.Then = worktimeEndsIn(me.Until, s.svc.Presence.Now()), me.Then
	return f
}

// worktimeEndsIn is how many milliseconds from now a status ends (0: no
// end time). The server counts it so that a page's script needs no
// agreement between the two clocks.
func worktimeEndsIn(until, now time.Time) int64 {
	if until.IsZero() {
		return 0
	}
	return max(until.Sub(now).Milliseconds(), 1)
}

func (s *Server) worktimePresence(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	note, place := r.PostFormValue("note"), r.PostFormValue("place")
	auto := r.PostFormValue("auto_away") == "1"
	u := presence.Update{Status: presence.Status(r.PostFormValue("status")), Note: &note, Place: &place,
		UntilText: r.PostFormValue("until"), AutoAway: &auto}
	keep := r.PostFormValue("keep") == "1" // the inactivity timer: the status only
	if keep {
		u.Note, u.Place, u.AutoAway = nil, nil, nil
	}
	refused := func(err error) {
		typed := worktimePresenceForm{Status: u.Status, Note: note, Place: place, Until: r.PostFormValue("until"), AutoAway: auto, Typed: true}
		s.worktimeRender(w, r.WithContext(context.WithValue(r.Context(), worktimePresenceTyped{}, typed)), http.StatusUnprocessableEntity,
			renameFields(err, presenceFormFields))
	}
	if _, err := s.svc.Presence.Set(r.Context(), p.TenantID, p, u); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			refused(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if keep {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.flashRedirect(w, r, "/worktime", "flash.worktime_presence")
}

type worktimeTeamView struct {
	StaffID                    int64
	Name, State, Start, End    string
	StartProxy, EndProxy       bool
	Plan, Result               string
	BreakList                  []worktimeBreakView
	Warnings                   []string
	NotStarted, Working, Ended bool
	CanEnter                   bool // the viewer oversees the person (worktime.TeamRow)
}

func (s *Server) worktimeTeam(w http.ResponseWriter, r *http.Request) {
	s.worktimeTeamRender(w, r, http.StatusOK, 0, nil)
}

// worktimeTeamRender renders the supervisor's day view; ferr is a refused
// entry on behalf of staff errStaff, whose row's time field it marks.
func (s *Server) worktimeTeamRender(w http.ResponseWriter, r *http.Request, status int, errStaff int64, ferr error) {
	p := principal(r)
	// The unit of the view: the page's, or the one a refused entry was
	// made on (the form's hidden unit_id).
	unitID, _ := strconv.ParseInt(r.FormValue("unit_id"), 10, 64)
	rows, err := s.svc.Worktime.TeamDay(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dv := dateView(r)
	today := calendar.DateOf(s.svc.Presence.Now())
	var list []worktimeTeamView
	canEnter := false
	for _, x := range rows {
		canEnter = canEnter || x.CanEnter
		v := worktimeTeamView{StaffID: x.StaffID, Name: x.Name, State: string(x.State), NotStarted: x.State == worktime.NotStarted,
			Working: x.State == worktime.Working, Ended: x.State == worktime.Finished, CanEnter: x.CanEnter}
		if x.Day != nil {
			v.Start, v.End, v.Plan, v.Result = worktimeHM(x.Day.Start), worktimeHM(x.Day.End), x.Day.Plan, x.Day.Result
			v.StartProxy, v.EndProxy = x.Day.StartProxy != 0, x.Day.EndProxy != 0
			v.BreakList = worktimeBreaks(*x.Day)
			if x.Day.Date != today {
				// Yesterday's day still open (until 5:00 it is the one
				// being worked): its start says the day, not only the time.
				v.Start = dv.DateWeekday(x.Day.Date) + " " + v.Start
			}
		}
		for _, wn := range x.Warnings {
			v.Warnings = append(v.Warnings, dv.WarningFinding(wn))
		}
		list = append(list, v)
	}
	toDecide, err := s.overtimeToDecide(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A refused entry's time and break come back as typed.
	s.render(w, r, status, "worktime_team", "worktime.title_team", map[string]any{"Rows": list, "CanEnter": canEnter, "OvertimeWaiting": toDecide, "ErrStaff": errStaff,
		"UnitID": unitID, "PostedTime": r.PostFormValue("time"), "PostedBreak": r.PostFormValue("break_minutes")}, ferr)
}

type worktimeBoardView struct {
	Name, Unit, Status, Note, Until, Place, Mode, State, Plan, Result string
	// EndsIn: the row's status ends in this many milliseconds (0: no end
	// time); the board's script fetches its rows again then.
	EndsIn int64
	// Planned: Mode and Place are today's approved application's (not
	// started yet), shown as 「予定」.
	Planned bool
}

func (s *Server) worktimeBoardRows(r *http.Request, unitID int64) ([]worktimeBoardView, error) {
	p := principal(r)
	now := s.svc.Presence.Now()
	rows, err := s.svc.Presence.Board(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		return nil, err
	}
	out := make([]worktimeBoardView, len(rows))
	for i, x := range rows {
		out[i] = worktimeBoardView{Name: x.Name, Unit: x.UnitName, Status: string(x.Status), Note: x.Note, Until: untilLabel(lang(r), x.Until, now),
			Place: x.Place, Mode: x.Mode, Planned: x.Planned, State: string(x.State), Plan: x.Plan, Result: x.Result, EndsIn: worktimeEndsIn(x.Until, now)}
	}
	return out, nil
}

// boardChoices are the units whose board p may see, as the board's rule
// says (presence.Service.Board: HR every unit; others their own unit,
// those above it and those below it) — not every unit, most of which
// answered 403 (a review).
func boardChoices(tr *org.Tree, p *auth.Principal) []inboxUnit {
	return unitChoices(tr, func(id int64) bool {
		return p.Has(auth.HRAdmin) || p.UnitID != 0 && (tr.IsWithin(id, p.UnitID) || tr.IsWithin(p.UnitID, id))
	})
}

func (s *Server) worktimeBoard(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	if unitID == 0 {
		unitID = p.UnitID
	}
	rows, err := s.worktimeBoardRows(r, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The units in tree order, each by its path (部/課/係): several 係
	// share a name.
	tr, err := s.tree(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"Rows": rows, "UnitID": unitID, "Units": boardChoices(tr, p)}
	if r.URL.Query().Get("fragment") == "1" {
		s.renderFragment(w, r, "worktime_board", "board_rows", s.newView(r, "worktime.title_board", data, nil))
		return
	}
	if data["Sharing"], err = s.svc.Presence.PlanSharing(r.Context(), p.TenantID, p, unitID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "worktime_board", "worktime.title_board", data, nil)
}

// worktimeBoardEvents streams "changed" to an open board whenever a
// person of the tenant changes presence (on any node); the page then
// fetches its rows again. Ids only: no state travels in the stream.
func (s *Server) worktimeBoardEvents(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	// nginx passes the stream on unbuffered whatever its proxy_buffering
	// (docs/operations.md); other proxies need buffering off for this path.
	w.Header().Set("X-Accel-Buffering", "no")
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		// Not an EventSource (a link followed, a crawler): no stream.
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("retry: 3000\n\n"))
		return
	}
	// The board's own people: a change elsewhere in the tenant is not
	// this board's, and a unit whose board the caller may not see opens
	// no stream (403/404 as the board).
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	members, err := s.svc.Presence.BoardMembers(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	membersAt := time.Now()
	ch, stop := s.svc.Presence.Hub().Subscribe(p.TenantID)
	defer stop()
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 3000\n\n"))
	_ = rc.Flush()
	keep := time.NewTicker(25 * time.Second)
	defer keep.Stop()
	checked := time.Now()
	// signedIn: the stream ends once its session does (signed out on any
	// node, expired, the account disabled; a review found it running on),
	// asked at most every 5 s and at every keep-alive.
	signedIn := func(force bool) bool {
		if !force && time.Since(checked) < 5*time.Second {
			return true
		}
		checked = time.Now()
		c, err := r.Cookie(sessionCookie)
		// Ended for sure only: a database briefly unreachable keeps the
		// stream (a review found every board dropped by an outage).
		return err != nil || !s.svc.Auth.SessionEnded(r.Context(), c.Value)
	}
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
		select {
		case <-r.Context().Done():
			return
		case <-s.streamsClosing():
			return // the server is shutting down: the browser reconnects to another node
		case id := <-ch:
			if !members[id] {
				continue
			}
			if !signedIn(false) {
				return
			}
			if _, err := w.Write([]byte("event: changed\ndata: 1\n\n")); err != nil {
				return
			}
		case <-keep.C:
			if !signedIn(true) {
				return
			}
			if time.Since(membersAt) > 5*time.Minute {
				// Who is on the board changes with transfers: read again
				// now and then (a failed read keeps the set it has).
				if m, err := s.svc.Presence.BoardMembers(r.Context(), p.TenantID, p, unitID); err == nil {
					members, membersAt = m, time.Now()
				} else if apperr.CodeOf(err) == apperr.Forbidden || apperr.CodeOf(err) == apperr.NotFound {
					return // moved away from this board, or the unit is gone
				}
			}
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// overtimeToDecide counts the prior-overtime requests waiting for the
// signed-in person's decision (the team's day view and the approval inbox
// point at them).
func (s *Server) overtimeToDecide(r *http.Request) (int, error) {
	p := principal(r)
	waiting, err := s.svc.Overtime.List(r.Context(), p.TenantID, p, calendar.Date{}, calendar.Date{}, []string{worktime.OvertimeRequested})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range waiting {
		if o.CanDecide {
			n++
		}
	}
	return n, nil
}

// presenceFormFields maps the presence's fields (the API's members) to the
// page's inputs, whose ids keep apart from the start and end forms'.
var presenceFormFields = map[string]string{"status": "presence_status", "note": "presence_note", "until": "presence_until",
	"place": "presence_place"}
