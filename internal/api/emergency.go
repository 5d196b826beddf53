package api

import (
	"net/http"
	"time"

	"telework/internal/apperr"
	"telework/internal/emergency"
	"telework/internal/policy"
	"telework/internal/route"
)

// emergencyRoutes are the API routes of emergency mode (issue 15): HR
// declares, lists and ends; everyone signed in reads those in force.
func (s *API) emergencyRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/emergencies", Rule: route.HROnly, Handler: s.apiListEmergencies,
			API: &route.Op{ID: "listEmergencies", Summary: "Every emergency declared (感染症 / 災害), latest first", Tag: "emergencies", Resp: "Emergency", List: true}},
		{Method: "GET", Pattern: "/api/v1/emergencies/current", Rule: route.Directory, Handler: s.apiCurrentEmergencies,
			API: &route.Op{ID: "listCurrentEmergencies", Summary: "The emergencies in force today or declared for a later day (what the banner shows)", Tag: "emergencies", Resp: "Emergency", List: true}},
		{Method: "POST", Pattern: "/api/v1/emergencies", Rule: route.HROnly, Handler: s.apiDeclareEmergency,
			API: &route.Op{ID: "declareEmergency", Summary: "Declare an emergency for the tenant or some units: its rules apply on top of the policy in force from `from` to `to`", Tag: "emergencies", Body: "EmergencyInput", Resp: "Emergency", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/emergencies/{id}", Rule: route.HROnly, Object: "emergency", Handler: s.apiGetEmergency,
			API: &route.Op{ID: "getEmergency", Summary: "Get an emergency", Tag: "emergencies", Resp: "Emergency"}},
		{Method: "POST", Pattern: "/api/v1/emergencies/{id}/end", Rule: route.HROnly, Object: "emergency", Handler: s.apiEndEmergency,
			API: &route.Op{ID: "endEmergency", Summary: "End an emergency today: its rules apply up to yesterday; decisions already made are kept", Tag: "emergencies", Body: "EmergencyEndInput", Resp: "Emergency"}},
	}
}

type emergencyRulesJSON struct {
	Caps             string        `json:"caps"`
	WeeklyMaxDays    int           `json:"weekly_max_days"`
	MonthlyMaxDays   int           `json:"monthly_max_days"`
	WaiveEligibility []string      `json:"waive_eligibility"`
	EnableModes      []policy.Mode `json:"enable_modes"`
	Deadline         string        `json:"deadline"`
}

type emergencyJSON struct {
	ID         int64              `json:"id"`
	Kind       string             `json:"kind"`
	Title      string             `json:"title"`
	From       string             `json:"from"`
	To         string             `json:"to"`
	PlannedTo  string             `json:"planned_to"`
	UnitIDs    []int64            `json:"unit_ids"`
	UnitNames  []string           `json:"unit_names"`
	Rules      emergencyRulesJSON `json:"rules"`
	DeclaredAt time.Time          `json:"declared_at"`
	DeclaredBy string             `json:"declared_by"`
	Ended      bool               `json:"ended"`
	EndedAt    *time.Time         `json:"ended_at,omitempty"`
	Version    int64              `json:"version"`
}

func toEmergencyJSON(e emergency.Emergency) emergencyJSON {
	r := e.Rules
	out := emergencyJSON{ID: e.ID, Kind: e.Kind, Title: e.Title, From: e.From.String(), To: e.To.String(), PlannedTo: e.PlannedTo.String(),
		UnitIDs: append([]int64{}, e.UnitIDs...), UnitNames: append([]string{}, e.UnitNames...),
		Rules: emergencyRulesJSON{Caps: r.Caps, WeeklyMaxDays: r.WeeklyMaxDays, MonthlyMaxDays: r.MonthlyMaxDays,
			WaiveEligibility: append([]string{}, r.WaiveEligibility...), EnableModes: append([]policy.Mode{}, r.EnableModes...), Deadline: r.Deadline},
		DeclaredAt: e.DeclaredAt, DeclaredBy: e.DeclaredBy, Ended: e.Ended(), Version: e.Version}
	if e.Ended() {
		at := e.EndedAt
		out.EndedAt = &at
	}
	return out
}

func (s *API) emergencyList(w http.ResponseWriter, es []emergency.Emergency, err error, r *http.Request) {
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := page[emergencyJSON]{Items: []emergencyJSON{}, Total: len(es)}
	for _, e := range es {
		out.Items = append(out.Items, toEmergencyJSON(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiListEmergencies(w http.ResponseWriter, r *http.Request) {
	es, err := s.svc.Emergency.List(r.Context(), principal(r).TenantID)
	s.emergencyList(w, es, err, r)
}

func (s *API) apiCurrentEmergencies(w http.ResponseWriter, r *http.Request) {
	es, err := s.svc.Emergency.Current(r.Context(), principal(r).TenantID)
	s.emergencyList(w, es, err, r)
}

type emergencyInput struct {
	Kind    string             `json:"kind"`
	Title   string             `json:"title"`
	From    string             `json:"from"`
	To      string             `json:"to"`
	UnitIDs []int64            `json:"unit_ids"`
	Rules   emergencyRulesJSON `json:"rules"`
}

func (s *API) apiDeclareEmergency(w http.ResponseWriter, r *http.Request) {
	var in emergencyInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	d := emergency.Declaration{Kind: in.Kind, Title: in.Title, From: civilField(&v, "from", in.From), To: civilField(&v, "to", in.To),
		UnitIDs: in.UnitIDs, Rules: policy.OverrideRules{Caps: in.Rules.Caps, WeeklyMaxDays: in.Rules.WeeklyMaxDays,
			MonthlyMaxDays: in.Rules.MonthlyMaxDays, WaiveEligibility: in.Rules.WaiveEligibility, EnableModes: in.Rules.EnableModes,
			Deadline: in.Rules.Deadline}}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	e, err := s.svc.Emergency.Declare(r.Context(), p.TenantID, actorOf(p), d)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toEmergencyJSON(e))
}

func (s *API) apiGetEmergency(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	e, err := s.svc.Emergency.Get(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toEmergencyJSON(e))
}

func (s *API) apiEndEmergency(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	if _, err := s.svc.Emergency.Get(r.Context(), principal(r).TenantID, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	e, err := s.svc.Emergency.End(r.Context(), p.TenantID, actorOf(p), id, in.Version)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toEmergencyJSON(e))
}
