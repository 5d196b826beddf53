package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/roster"
	"telework/internal/rosterplan"
	"telework/internal/route"
)

// rosterPlanners are HR (any section) and the 所属長 (their own section,
// checked by the service): they build and solve rosters; only HR
// publishes and keeps qualifications.
var rosterPlanners = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.Supervisor}}

// rosterRoutes are the API routes of the rotation roster (issue 15).
func (s *API) rosterRoutes() []route.Route {
	return []route.Route{
		{Method: "PUT", Pattern: "/api/v1/roster/qualifications/{id}", Rule: route.HROnly, Object: "staff", Handler: s.apiSetRosterQualifications,
			API: &route.Op{ID: "setRosterQualifications", Summary: "Set the duties a staff member is qualified for (counter 窓口当番, phone 電話当番, priority 非常時優先業務)", Tag: "roster", Body: "RosterQualifications", Resp: "RosterQualifications"}},
		{Method: "GET", Pattern: "/api/v1/me/roster-preferences", Rule: route.Directory, Handler: s.apiMyRosterPreferences,
			API: &route.Op{ID: "listMyRosterPreferences", Summary: "The caller's own preferences (ONSITE or TELE) on from..to", Tag: "roster", Resp: "RosterPreference", List: true,
				Query: []route.Param{{Name: "from", Type: "string", Desc: "YYYY-MM-DD"}, {Name: "to", Type: "string", Desc: "YYYY-MM-DD"}}}},
		{Method: "PUT", Pattern: "/api/v1/me/roster-preferences", Rule: route.Directory, Handler: s.apiSetMyRosterPreferences,
			API: &route.Op{ID: "setMyRosterPreferences", Summary: "Replace the caller's own preferences on from..to", Tag: "roster", Body: "RosterPreferencesInput", Resp: "RosterPreference", List: true}},
		{Method: "POST", Pattern: "/api/v1/roster/instances", Rule: rosterPlanners, Handler: s.apiBuildRosterInstance,
			API: &route.Op{ID: "buildRosterInstance", Summary: "Build the roster instance (roster-instance/1) of a section over the business days of from..to", Tag: "roster", Body: "RosterRequest", Resp: "RosterInstance"}},
		{Method: "POST", Pattern: "/api/v1/roster/solve", Rule: rosterPlanners, Handler: s.apiSolveRoster,
			API: &route.Op{ID: "solveRoster", Summary: "Solve an instance: the plan (roster-plan/1) with objective, status (optimal | feasible | infeasible), gap and the violations in Japanese", Tag: "roster", Body: "RosterSolveInput", Resp: "RosterPlan"}},
		{Method: "POST", Pattern: "/api/v1/roster/publish", Rule: route.HROnly, Handler: s.apiPublishRoster,
			API: &route.Op{ID: "publishRoster", Summary: "Publish a plan: its telework days become approved applications and the future days a re-plan drops are cancelled, in one transaction", Tag: "roster", Body: "RosterPublishInput", Resp: "RosterPublication"}},
	}
}

func (s *API) apiSetRosterQualifications(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	if _, err := s.svc.Org.StaffByID(r.Context(), principal(r).TenantID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Duties []string `json:"duties"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	if err := s.svc.Roster.SetQualifications(r.Context(), p.TenantID, p, id, in.Duties); err != nil {
		s.apiFail(w, r, err)
		return
	}
	q, err := s.svc.Roster.Qualifications(r.Context(), p.TenantID, []int64{id})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff_id": id, "duties": append([]string{}, q[id]...)})
}

type rosterPrefJSON struct {
	Day  string `json:"day"`
	Mode string `json:"mode"`
}

func (s *API) rosterPeriod(r *http.Request, from, to string) (calendar.Date, calendar.Date, error) {
	var v apperr.Validation
	f, t := civilField(&v, "from", from), civilField(&v, "to", to)
	if f.IsZero() {
		v.Add("from", "field.required", nil)
	}
	if t.IsZero() {
		v.Add("to", "field.required", nil)
	}
	return f, t, v.Err()
}

func (s *API) apiMyRosterPreferences(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("from") == "" && q.Get("to") == "" {
		// Default: the coming two months.
		today := calendar.DateOf(time.Now().In(calendar.Tokyo))
		q.Set("from", today.String())
		q.Set("to", today.AddDays(rosterplan.MaxDays-1).String())
	}
	from, to, err := s.rosterPeriod(r, q.Get("from"), q.Get("to"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	ps, err := s.svc.Roster.Preferences(r.Context(), p.TenantID, p, from, to)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[rosterPrefJSON]{Items: []rosterPrefJSON{}, Total: len(ps)}
	for _, x := range ps {
		out.Items = append(out.Items, rosterPrefJSON{Day: x.Day.String(), Mode: x.Mode})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiSetMyRosterPreferences(w http.ResponseWriter, r *http.Request) {
	var in struct {
		From        string           `json:"from"`
		To          string           `json:"to"`
		Preferences []rosterPrefJSON `json:"preferences"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	from, to, err := s.rosterPeriod(r, in.From, in.To)
	var v apperr.Validation
	var prefs []rosterplan.Preference
	for _, x := range in.Preferences {
		prefs = append(prefs, rosterplan.Preference{Day: civilField(&v, "day", x.Day), Mode: x.Mode})
	}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	if err := s.svc.Roster.SetPreferences(r.Context(), p.TenantID, p, from, to, prefs); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiMyRosterPreferencesFor(w, r, from, to)
}

func (s *API) apiMyRosterPreferencesFor(w http.ResponseWriter, r *http.Request, from, to calendar.Date) {
	q := r.URL.Query()
	q.Set("from", from.String())
	q.Set("to", to.String())
	r.URL.RawQuery = q.Encode()
	s.apiMyRosterPreferences(w, r)
}

type rosterRequestJSON struct {
	UnitID           int64          `json:"unit_id"`
	From             string         `json:"from"`
	To               string         `json:"to"`
	MinOnsite        int            `json:"min_onsite"`
	DutyMin          map[string]int `json:"duty_min"`
	MaxTelePerWeek   *int           `json:"max_tele_per_week"`
	ReductionPercent int            `json:"reduction_percent"`
	Cohorts          []string       `json:"cohorts"`
	NeverMeet        bool           `json:"never_meet"`
	CohortOf         []struct {
		StaffID int64  `json:"staff_id"`
		Cohort  string `json:"cohort"`
	} `json:"cohort_of"`
	Leave    map[string][]string `json:"leave"`
	Approved map[string][]string `json:"approved"`
}

// staffDays reads {"staff id": ["YYYY-MM-DD", …]} naming the member of
// anything unreadable (leave.12).
func staffDays(field string, in map[string][]string, v *apperr.Validation) map[int64][]calendar.Date {
	out := map[int64][]calendar.Date{}
	for k, ds := range in {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id <= 0 {
			v.Add(field+"."+k, "field.json_number", nil)
			continue
		}
		for _, s := range ds {
			d, err := calendar.ParseDate(s)
			if err != nil {
				v.Add(field+"."+k, "field.date", nil)
				break
			}
			out[id] = append(out[id], d)
		}
	}
	return out
}

func (s *API) apiBuildRosterInstance(w http.ResponseWriter, r *http.Request) {
	var in rosterRequestJSON
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	from, to, err := s.rosterPeriod(r, in.From, in.To)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	req := rosterplan.Request{UnitID: in.UnitID, From: from, To: to, Cohort: map[int64]string{},
		Settings: rosterplan.Settings{MinOnsite: in.MinOnsite, DutyMin: in.DutyMin, MaxTelePerWeek: in.MaxTelePerWeek,
			ReductionPercent: in.ReductionPercent, Cohorts: in.Cohorts, NeverMeet: in.NeverMeet}}
	for _, c := range in.CohortOf {
		req.Cohort[c.StaffID] = c.Cohort
	}
	var v apperr.Validation
	req.Leave, req.Approved = staffDays("leave", in.Leave, &v), staffDays("approved", in.Approved, &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	inst, err := s.svc.Roster.BuildInstance(r.Context(), p.TenantID, p, req)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inst)
}

func (s *API) apiSolveRoster(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Instance    json.RawMessage `json:"instance"`
		TimeLimitMS int             `json:"time_limit_ms"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	inst, err := roster.ParseInstance(in.Instance)
	if err != nil {
		var v apperr.Validation
		v.Add("instance", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
		s.apiFail(w, r, v.Err())
		return
	}
	plan, err := s.svc.Roster.Solve(inst, time.Duration(in.TimeLimitMS)*time.Millisecond)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, plan)
}

func (s *API) apiPublishRoster(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UnitID      int64               `json:"unit_id"`
		Instance    json.RawMessage     `json:"instance"`
		Assignments map[string][]string `json:"assignments"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	inst, err := roster.ParseInstance(in.Instance)
	if err != nil {
		var v apperr.Validation
		v.Add("instance", "rosterplan.malformed", map[string]any{"Detail": err.Error()})
		s.apiFail(w, r, v.Err())
		return
	}
	p := principal(r)
	pub, res, err := s.svc.Roster.Publish(r.Context(), p.TenantID, p, in.UnitID, inst, in.Assignments)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": pub.ID, "unit_id": pub.UnitID, "from": pub.From.String(), "to": pub.To.String(),
		"created": append([]int64{}, res.Created...), "kept": append([]int64{}, res.Kept...), "cancelled": daysByID(res.Cancelled),
		"left_cancelled": daysByID(res.LeftCancelled), "violations": append([]roster.Violation{}, pub.Violations...)})
}

// daysByID is days by id as the roster's answer lists them: id → dates.
func daysByID(m map[int64][]calendar.Date) map[string][]string {
	out := map[string][]string{}
	for id, ds := range m {
		for _, d := range ds {
			out[itoa(id)] = append(out[itoa(id)], d.String())
		}
	}
	return out
}
