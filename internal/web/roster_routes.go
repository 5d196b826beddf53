package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/roster"
	"telework/internal/rosterplan"
	"telework/internal/route"
	"telework/internal/tabular"
)

// rosterPlanners are HR (any section) and the 所属長 (their own section,
// checked by the service): they build, solve, edit and export; only HR
// publishes.
var rosterPlanners = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.Supervisor}}

// rosterRoutes are the roster pages (issue 15).
func (s *Server) rosterRoutes() []Route {
	return append(s.rosterQualRoutes(),
		Route{Method: "GET", Pattern: "/roster", Rule: rosterPlanners, Handler: s.rosterPage},
		Route{Method: "POST", Pattern: "/roster/solve", Rule: rosterPlanners, Handler: s.rosterSolve},
		Route{Method: "POST", Pattern: "/roster/check", Rule: rosterPlanners, Handler: s.rosterCheck},
		Route{Method: "POST", Pattern: "/roster/export", Rule: rosterPlanners, Handler: s.rosterExport},
		Route{Method: "POST", Pattern: "/roster/publish", Rule: route.HROnly, Handler: s.rosterPublish},
		Route{Method: "GET", Pattern: "/roster/preferences", Rule: directory, Handler: s.rosterPrefsPage},
		Route{Method: "POST", Pattern: "/roster/preferences", Rule: directory, Handler: s.rosterPrefsSave},
	)
}

type rosterForm struct {
	UnitID                              int64
	From, To                            string
	MinOnsite, Counter, Phone, Priority int
	MaxTele, Reduction, TimeLimit       int
	Cohorts                             string
	NeverMeet                           bool
	// Leave and CohortOf are lines "職員番号: …" (leave days; a cohort).
	Leave, CohortOf string
}

type rosterCell struct {
	Name, Mode string
	Leave      bool
}

type rosterRow struct {
	StaffNo, Name string
	Cells         []rosterCell
}

type rosterView struct {
	Units    []*org.Unit
	Form     rosterForm
	Instance string // JSON, carried in the grid form
	Days     []string
	Labels   []string // M/D(曜)
	MinOn    []int
	Rows     []rosterRow
	Plan     *roster.Plan
	Modes    []string
	CanPub   bool
	Section  string
	GapPct   string
}

func (s *Server) rosterUnits(r *http.Request) ([]*org.Unit, error) {
	p := principal(r)
	tr, err := s.svc.Org.Tree(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	us, err := s.svc.Org.Units(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	var out []*org.Unit
	for _, u := range us {
		if !u.Retired && (p.Has(auth.HRAdmin) || (p.UnitID != 0 && tr.IsWithin(u.ID, p.UnitID))) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request) {
	today := calendar.DateOf(time.Now().In(calendar.Tokyo))
	f := rosterForm{From: today.AddDays(7).String(), To: today.AddDays(34).String(), MinOnsite: 1, Counter: 1, Phone: 1,
		// A cap of 3 TELE days leaves at least 2 of 5 on site (40 %), which no
		// 70 % reduction can meet: the defaults are 4 days and 70 % (出勤者
		// 7割削減), which fit together.
		MaxTele: 4, Reduction: 70, TimeLimit: 5, Cohorts: "A,B"}
	if p := principal(r); p.UnitID != 0 {
		f.UnitID = p.UnitID
	}
	s.rosterRender(w, r, http.StatusOK, &rosterView{Form: f}, nil)
}

func (s *Server) rosterRender(w http.ResponseWriter, r *http.Request, status int, v *rosterView, err error) {
	units, uerr := s.rosterUnits(r)
	if uerr != nil {
		s.fail(w, r, uerr)
		return
	}
	v.Units, v.Modes, v.CanPub = units, []string{roster.Onsite, roster.Tele}, principal(r).Has(auth.HRAdmin)
	s.render(w, r, status, "roster", "roster.title", v, err)
}

func rosterFormOf(f *form) rosterForm {
	return rosterForm{UnitID: f.id("unit_id"), From: f.str("from"), To: f.str("to"), MinOnsite: f.int("min_onsite", 0),
		Counter: f.int("duty_counter", 0), Phone: f.int("duty_phone", 0), Priority: f.int("duty_priority", 0),
		MaxTele: f.int("max_tele_per_week", 0), Reduction: f.int("reduction_percent", 0), TimeLimit: f.int("time_limit", 5),
		Cohorts: f.str("cohorts"), NeverMeet: f.bool("never_meet"), Leave: f.str("leave"), CohortOf: f.str("cohort_of")}
}

func (s *Server) rosterSolve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	rf := rosterFormOf(f)
	if rf.UnitID == 0 {
		f.v.Add("unit_id", "field.required", nil)
	}
	from, to := f.date("from"), f.date("to")
	req := rosterplan.Request{UnitID: rf.UnitID, From: from, To: to, Cohort: map[int64]string{},
		Settings: rosterplan.Settings{MinOnsite: rf.MinOnsite, ReductionPercent: rf.Reduction,
			DutyMin: map[string]int{"counter": rf.Counter, "phone": rf.Phone, "priority": rf.Priority}, NeverMeet: rf.NeverMeet}}
	if rf.MaxTele != 0 {
		// 0 on the page: the cap of the rules in force (as before, no cap
		// of the page's own).
		req.Settings.MaxTelePerWeek = &rf.MaxTele
	}
	for _, c := range strings.Split(rf.Cohorts, ",") {
		if c = strings.TrimSpace(c); c != "" {
			req.Settings.Cohorts = append(req.Settings.Cohorts, c)
		}
	}
	// Cohorts are given round-robin in staff-number order when asked for
	// (HR edits them in the grid by re-solving with other names).
	p := principal(r)
	err := f.v.Err()
	var inst *roster.Instance
	if err == nil {
		staff, _, serr := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: rf.UnitID, Limit: 1000, ByID: true})
		if serr != nil {
			s.fail(w, r, serr)
			return
		}
		byNo := map[string]int64{}
		for _, st := range staff {
			byNo[st.StaffNo] = st.ID
		}
		// HR's per-person cohorts and leave days (the product keeps no leave
		// records): one line per person, "職員番号: …".
		for no, vs := range rosterLines(rf.CohortOf) {
			if id, ok := byNo[no]; !ok || len(vs) != 1 {
				f.v.Add("cohort_of", "rosterplan.bad_line", map[string]any{"Line": no})
			} else {
				req.Cohort[id] = vs[0]
			}
		}
		req.Leave = map[int64][]calendar.Date{}
		for no, vs := range rosterLines(rf.Leave) {
			id, ok := byNo[no]
			for _, v := range vs {
				d, derr := calendar.ParseDate(v)
				if !ok || derr != nil {
					f.v.Add("leave", "rosterplan.bad_line", map[string]any{"Line": no})
					break
				}
				req.Leave[id] = append(req.Leave[id], d)
			}
		}
		err = f.v.Err()
	}
	if err == nil {
		inst, err = s.svc.Roster.BuildInstance(r.Context(), p.TenantID, p, req)
	}
	var plan *roster.Plan
	if err == nil {
		plan, err = s.svc.Roster.Solve(inst, time.Duration(max(rf.TimeLimit, 1))*time.Second)
	}
	if err != nil {
		if !isInvalid(err) {
			s.fail(w, r, err)
			return
		}
		s.rosterRender(w, r, http.StatusUnprocessableEntity, &rosterView{Form: rf}, f.merge(err))
		return
	}
	s.rosterRender(w, r, http.StatusOK, rosterGrid(lang(r), rf, inst, plan), nil)
}

// rosterGrid lays the plan out for the page, its days labelled in lang.
func rosterGrid(lang string, rf rosterForm, inst *roster.Instance, plan *roster.Plan) *rosterView {
	js, _ := json.Marshal(inst)
	v := &rosterView{Form: rf, Instance: string(js), Days: inst.Days, MinOn: inst.MinOnsite, Plan: plan, Section: inst.Section,
		GapPct: strconv.FormatFloat(plan.Gap*100, 'f', 2, 64) + "%"}
	for _, d := range inst.Days {
		x, _ := calendar.ParseDate(d)
		v.Labels = append(v.Labels, shortDayLabel(lang, x))
	}
	for _, st := range inst.Staff {
		row := rosterRow{StaffNo: st.ID, Name: st.Name}
		for i, m := range plan.Assignments[st.ID] {
			leave := false
			for _, l := range inst.Leave[st.ID] {
				leave = leave || l == inst.Days[i]
			}
			row.Cells = append(row.Cells, rosterCell{Name: "a." + st.ID + "." + strconv.Itoa(i), Mode: m, Leave: leave})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// rosterPosted reads the instance and the grid of a posted plan.
func rosterPosted(r *http.Request) (*roster.Instance, map[string][]string, error) {
	inst, err := roster.ParseInstance([]byte(r.PostForm.Get("instance")))
	if err != nil {
		var v apperr.Validation
		v.Add("instance", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
		return nil, nil, v.Err()
	}
	a := map[string][]string{}
	for _, st := range inst.Staff {
		row := make([]string, len(inst.Days))
		for i := range inst.Days {
			row[i] = r.PostForm.Get("a." + st.ID + "." + strconv.Itoa(i))
		}
		a[st.ID] = row
	}
	return inst, a, nil
}

func (s *Server) rosterCheck(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	inst, a, err := rosterPosted(r)
	var plan *roster.Plan
	if err == nil {
		if err = rosterplan.CheckAssignments(inst, a); err == nil {
			plan, err = roster.Evaluate(inst, a)
		}
	}
	if err != nil {
		if apperr.CodeOf(err) == "" {
			var v apperr.Validation
			v.Add("assignments", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
			err = v.Err()
		}
		s.rosterRender(w, r, http.StatusUnprocessableEntity, &rosterView{Form: rosterFormOf(f)}, err)
		return
	}
	s.rosterRender(w, r, http.StatusOK, rosterGrid(lang(r), rosterFormOf(f), inst, plan), nil)
}

func (s *Server) rosterExport(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	inst, a, err := rosterPosted(r)
	if err == nil {
		err = rosterplan.CheckAssignments(inst, a)
	}
	if err != nil {
		s.rosterRender(w, r, http.StatusUnprocessableEntity, &rosterView{Form: rosterFormOf(newForm(r))}, err)
		return
	}
	format, ok := tabular.ParseFormat(r.PostForm.Get("format"))
	if !ok {
		format = tabular.XLSX
	}
	var buf bytes.Buffer
	var subs []tabular.Substitution
	rows := rosterplan.ExportRows(inst, a, lang(r))
	if format == tabular.XLSX {
		// A4 landscape, fitted to the page width, one section per sheet.
		err = rosterplan.WriteXLSX(&buf, []rosterplan.SheetOf{{Section: inst.Section, Rows: rows}})
	} else {
		subs, err = tabular.Write(&buf, format, inst.Section, rows)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "roster"
	if len(inst.Days) > 0 {
		name += "-" + inst.Days[0]
	}
	route.DownloadTable(w, format, format.FileName(name), buf.Bytes(), subs)
}

func (s *Server) rosterPublish(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	inst, a, err := rosterPosted(r)
	p := principal(r)
	var pub *rosterplan.Publication
	var res apply.RosterResult
	if err == nil {
		pub, res, err = s.svc.Roster.Publish(r.Context(), p.TenantID, p, f.id("unit_id"), inst, a)
	}
	if err != nil {
		if !isInvalid(err) {
			s.fail(w, r, err)
			return
		}
		s.rosterRender(w, r, http.StatusUnprocessableEntity, &rosterView{Form: rosterFormOf(f)}, err)
		return
	}
	key := "flash.roster_published"
	if len(pub.Violations) > 0 {
		key += "_short"
	}
	if len(res.LeftCancelled) > 0 {
		key += "_left"
	}
	s.flashRedirect(w, r, "/roster", key)
}

type rosterPrefDay struct {
	Date  calendar.Date
	Label string
	Mode  string
}

func (s *Server) rosterPrefDays(r *http.Request) ([]rosterPrefDay, calendar.Date, calendar.Date, error) {
	today := calendar.DateOf(time.Now().In(calendar.Tokyo))
	from, to := today.AddDays(1), today.AddDays(28)
	p := principal(r)
	prefs, err := s.svc.Roster.Preferences(r.Context(), p.TenantID, p, from, to)
	if err != nil {
		return nil, from, to, err
	}
	var out []rosterPrefDay
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		x := rosterPrefDay{Date: d, Label: shortDayLabel(lang(r), d)}
		for _, pr := range prefs {
			if pr.Day == d {
				x.Mode = pr.Mode
			}
		}
		out = append(out, x)
	}
	return out, from, to, nil
}

func (s *Server) rosterPrefsPage(w http.ResponseWriter, r *http.Request) {
	days, _, _, err := s.rosterPrefDays(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "roster_prefs", "roster.prefs_title", days, nil)
}

func (s *Server) rosterPrefsSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	days, from, to, err := s.rosterPrefDays(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var prefs []rosterplan.Preference
	for _, d := range days {
		if m := r.PostForm.Get("p." + d.Date.String()); m == roster.Onsite || m == roster.Tele {
			prefs = append(prefs, rosterplan.Preference{Day: d.Date, Mode: m})
		}
	}
	p := principal(r)
	if err := s.svc.Roster.SetPreferences(r.Context(), p.TenantID, p, from, to, prefs); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/roster/preferences", "flash.roster_prefs_saved")
}

// rosterLines reads lines "key: v1, v2 …" (or "key = v") into key → values.
func rosterLines(text string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.ReplaceAll(line, "=", ":"), ":")
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		vs := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '、' })
		if !ok {
			vs = nil
		}
		out[k] = append(out[k], vs...)
	}
	return out
}
