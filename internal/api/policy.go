package api

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// The policy API: templates and versions.

type policyVersionJSON struct {
	ID            int64         `json:"id"`
	EffectiveFrom string        `json:"effective_from"`
	Note          string        `json:"note"`
	InForce       bool          `json:"in_force"`
	Policy        policy.Policy `json:"policy"`
}

func versionJSON(v policy.VersionState) policyVersionJSON {
	return policyVersionJSON{v.ID, v.Effective.String(), v.Note, v.InForce, v.Policy}
}

func (s *API) apiPolicyTemplates(w http.ResponseWriter, r *http.Request) {
	out := page[map[string]any]{Items: []map[string]any{}}
	for _, t := range policy.Templates() {
		out.Items = append(out.Items, map[string]any{"name": t.Name, "label": t.Label, "source": t.Source, "policy": t.Policy})
	}
	out.Total = len(out.Items)
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiPolicyVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.svc.Policy.Versions(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	items := make([]policyVersionJSON, 0, len(vs))
	for _, v := range vs {
		items = append(items, versionJSON(v))
	}
	writeJSON(w, http.StatusOK, page[policyVersionJSON]{Items: items, Total: len(items)})
}

func (s *API) apiGetPolicyVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.findVersion(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, versionJSON(v))
}

func (s *API) apiSavePolicyVersion(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		EffectiveFrom string         `json:"effective_from"`
		Note          string         `json:"note"`
		Template      string         `json:"template"`
		Policy        *policy.Policy `json:"policy"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	eff, derr := calendar.ParseDate(in.EffectiveFrom)
	if derr != nil {
		v.Add("effective_from", "field.date", nil)
	}
	var pol policy.Policy
	switch {
	case in.Policy != nil && in.Template == "":
		pol = *in.Policy
	case in.Policy == nil && in.Template != "":
		t, ok := policy.TemplateByName(in.Template)
		if !ok {
			v.Add("template", "field.choice", nil)
		}
		pol = t.Policy
	default:
		v.Add("policy", "field.policy_or_template", nil)
	}
	ver := &policy.Version{Effective: eff, Note: in.Note, Policy: pol}
	err := v.Err()
	if err == nil {
		err = s.svc.Policy.Save(r.Context(), p.TenantID, actorOf(p), ver)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// The answer carries the version's state as GET does (in force from
	// today when it takes effect today).
	st, err := s.svc.Policy.FindVersion(r.Context(), p.TenantID, ver.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// What this request wrote, not what another HR's save of the same date
	// left after it (a review was shown a colleague's rules as created).
	st.Version = *ver
	w.Header().Set("Location", "/api/v1/policy/versions/"+itoa(ver.ID))
	writeJSON(w, http.StatusCreated, versionJSON(st))
}

func (s *API) apiDeletePolicyVersion(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("policy"))
		return
	}
	if err := s.svc.Policy.Delete(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) findVersion(r *http.Request) (policy.VersionState, error) {
	id, ok := pathID(r)
	if !ok {
		return policy.VersionState{}, apperr.NotFoundErr("policy")
	}
	return s.svc.Policy.FindVersion(r.Context(), principal(r).TenantID, id)
}
