package api

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/presence"
	"telework/internal/route"
)

// The sections' plan sharing (見える化, issue 12): whether the day's plans
// and results reach the team on the board and the section's calendar feed.
func (s *API) planSharingRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/units/{id}/plan-sharing", Rule: route.Directory, Object: "unit", Handler: s.apiGetPlanSharing,
			API: &route.Op{ID: "getPlanSharing", Tag: "presence", Resp: "PlanSharing",
				Summary: "Whether the unit shares the day's plans and results with its team (enabled, or inherited from a unit above)"}},
		{Method: "PUT", Pattern: "/api/v1/units/{id}/plan-sharing", Rule: route.Rule{Roles: []auth.Role{auth.Supervisor, auth.HRAdmin}},
			Object: "unit", Handler: s.apiSetPlanSharing,
			API: &route.Op{ID: "setPlanSharing", Tag: "presence", Body: "PlanSharingInput", Resp: "PlanSharing",
				Summary: "Turn the sharing of the day's plans and results with the team on or off (the head over the unit, HR); audited with before and after"}},
	}
}

type planSharingJSON struct {
	UnitID    int64 `json:"unit_id"`
	Enabled   bool  `json:"enabled"`
	Inherited bool  `json:"inherited"`
	CanChange bool  `json:"can_change"`
}

func planSharingOut(st presence.PlanSharingState) planSharingJSON {
	return planSharingJSON{UnitID: st.UnitID, Enabled: st.Enabled, Inherited: st.Inherited, CanChange: st.CanChange}
}

func (s *API) apiGetPlanSharing(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("unit"))
		return
	}
	st, err := s.svc.Presence.PlanSharing(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planSharingOut(st))
}

func (s *API) apiSetPlanSharing(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("unit"))
		return
	}
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	if in.Enabled == nil {
		// Told before the unit is looked up only when the unit is the
		// caller's tenant's: a foreign id stays not found.
		if _, err := s.svc.Presence.PlanSharing(r.Context(), p.TenantID, p, id); err != nil {
			s.apiFail(w, r, err)
			return
		}
		var v apperr.Validation
		v.Add("enabled", "field.required", nil)
		s.apiFail(w, r, v.Err())
		return
	}
	st, err := s.svc.Presence.SetPlanSharing(r.Context(), p.TenantID, p, id, *in.Enabled)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planSharingOut(st))
}

func planSharingSchemas() map[string]any {
	return map[string]any{
		"PlanSharingInput": obj([]string{"enabled"}, map[string]any{
			"enabled": boolean("share the day's plans and results with the team of this unit and below")}),
		"PlanSharing": obj([]string{"unit_id", "enabled", "inherited", "can_change"}, map[string]any{
			"unit_id": integer("the unit"), "enabled": boolean("this unit opted in"),
			"inherited":  boolean("a unit above opted in (its team shares whatever this unit's setting)"),
			"can_change": boolean("you may turn it on or off")}),
	}
}
