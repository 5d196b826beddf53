package api

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/policy"
)

type findingJSON struct {
	Rule     string          `json:"rule"`
	Severity policy.Severity `json:"severity"`
	Date     string          `json:"date,omitempty"`
	Message  string          `json:"message"`
}

// apiEvaluatePolicy checks an application against the version in force on
// its first day (policy.Service.Check says who may check whose).
func (s *API) apiEvaluatePolicy(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		StaffID     int64              `json:"staff_id"`
		Dates       []string           `json:"dates"`
		Stage       policy.Stage       `json:"stage"`
		Application policy.Application `json:"application"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	for _, ds := range in.Dates {
		d, err := calendar.ParseDate(ds)
		if err != nil {
			var v apperr.Validation
			v.Add("dates", "field.date", nil)
			s.apiFail(w, r, v.Err())
			return
		}
		in.Application.Dates = append(in.Application.Dates, d)
	}
	res, err := s.svc.Policy.Check(r.Context(), p.TenantID, p, policy.CheckInput{StaffID: in.StaffID, App: in.Application, Stage: in.Stage})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	list := make([]findingJSON, 0, len(res.Findings))
	for _, f := range res.Findings {
		j := findingJSON{Rule: f.Rule, Severity: f.Severity, Message: f.Message(lang)}
		if !f.Date.IsZero() {
			j.Date = f.Date.String()
		}
		list = append(list, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"policy_version": res.Version.ID, "ok": res.OK(), "findings": list})
}
