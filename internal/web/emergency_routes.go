package web

import (
	"net/http"
	"net/url"
	"strconv"

	"telework/internal/emergency"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/route"
)

// emergencyRoutes are the pages of emergency mode (issue 15): HR declares
// and ends emergencies; every page shows those in force (the banner in the
// layout, emergencyBanner).
func (s *Server) emergencyRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/emergencies", Rule: route.HROnly, Handler: s.emergencyPage},
		{Method: "POST", Pattern: "/emergencies", Rule: route.HROnly, Handler: s.emergencyDeclare},
		{Method: "POST", Pattern: "/emergencies/{id}/end", Rule: route.HROnly, Object: "emergency", Handler: s.emergencyEnd},
	}
}

// emergencyNotice is one line of the banner.
type emergencyNotice struct {
	Kind, Title string
	To          string // YYYY-MM-DD
	Units       []string
}

// emergencyBanner lists the emergencies in force today for the tenant of
// the signed-in person (none for operators or on error: the banner never
// breaks a page).
func (s *Server) emergencyBanner(r *http.Request, v *view) []emergencyNotice {
	p := v.P
	if p == nil || p.IsOperator() || p.TenantID == 0 || s.svc.Emergency == nil {
		return nil
	}
	es, err := s.svc.Emergency.Current(r.Context(), p.TenantID)
	if err != nil {
		s.log.Warn("emergency banner", "request_id", requestID(r), "err", err)
		return nil
	}
	today := s.svc.Emergency.Today()
	var out []emergencyNotice
	for _, e := range es {
		if e.InForce(today) {
			out = append(out, emergencyNotice{Kind: e.Kind, Title: e.Title, To: v.Date(e.To), Units: e.UnitNames})
		}
	}
	return out
}

type emergencyView struct {
	List     []emergency.Emergency
	Today    string
	Units    []*org.Unit
	Kinds    []string
	Conds    []string
	Modes    []policy.Mode
	Form     emergency.Declaration
	Selected map[int64]bool
	posted   url.Values // a refused form's values, shown as typed
}

// Raw is a number field's value: as typed in a refused form (「九」 is
// kept to be corrected), otherwise n.
func (v *emergencyView) Raw(name string, n int) string {
	if vs, ok := v.posted[name]; ok && len(vs) > 0 {
		return vs[0]
	}
	return strconv.Itoa(n)
}

func (s *Server) emergencyView(r *http.Request, d emergency.Declaration) (*emergencyView, error) {
	p := principal(r)
	list, err := s.svc.Emergency.List(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	units, err := s.svc.Org.Units(r.Context(), p.TenantID)
	if err != nil {
		return nil, err
	}
	var open []*org.Unit
	for _, u := range units {
		if !u.Retired {
			open = append(open, u)
		}
	}
	sel := map[int64]bool{}
	for _, id := range d.UnitIDs {
		sel[id] = true
	}
	return &emergencyView{List: list, Today: s.svc.Emergency.Today().String(), Units: open, Kinds: emergency.Kinds,
		Conds: policy.EligibilityConditions, Modes: policy.Modes, Form: d, Selected: sel}, nil
}

func (s *Server) emergencyPage(w http.ResponseWriter, r *http.Request) {
	today := s.svc.Emergency.Today()
	v, err := s.emergencyView(r, emergency.Declaration{Kind: emergency.Infection, From: today, To: today.AddDays(13),
		Rules: policy.OverrideRules{Caps: "lift", Deadline: "same_day"}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "emergency", "emergency.title", v, nil)
}

func (s *Server) emergencyDeclare(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	d := emergency.Declaration{Kind: f.str("kind"), Title: f.str("title"), From: f.date("from"), To: f.date("to"),
		Rules: policy.OverrideRules{Caps: f.str("caps"), WeeklyMaxDays: f.intAs("weekly_max_days", "rules.weekly_max_days", 0),
			MonthlyMaxDays: f.intAs("monthly_max_days", "rules.monthly_max_days", 0), Deadline: f.str("deadline"), WaiveEligibility: r.PostForm["waive_eligibility"]}}
	for _, m := range r.PostForm["enable_modes"] {
		d.Rules.EnableModes = append(d.Rules.EnableModes, policy.Mode(m))
	}
	for _, u := range r.PostForm["unit_ids"] {
		if id, err := strconv.ParseInt(u, 10, 64); err == nil {
			d.UnitIDs = append(d.UnitIDs, id)
		}
	}
	p := principal(r)
	err := f.v.Err()
	if err == nil {
		_, err = s.svc.Emergency.Declare(r.Context(), p.TenantID, actorOf(p), d)
	} else {
		// A number that is not one is said together with what else is
		// wrong, not on the next try.
		err = f.merge(d.Validate(s.svc.Emergency.Today()))
	}
	if err != nil {
		if !isInvalid(err) {
			s.fail(w, r, err)
			return
		}
		v, lerr := s.emergencyView(r, d)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.posted = r.PostForm
		s.render(w, r, http.StatusUnprocessableEntity, "emergency", "emergency.title", v, f.merge(err))
		return
	}
	s.flashRedirect(w, r, "/emergencies", "flash.emergency_declared")
}

func (s *Server) emergencyEnd(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, _ := route.PathID(r)
	f := newForm(r)
	p := principal(r)
	if _, err := s.svc.Emergency.End(r.Context(), p.TenantID, actorOf(p), id, int64(f.int("version", 0))); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/emergencies", "flash.emergency_ended")
}
