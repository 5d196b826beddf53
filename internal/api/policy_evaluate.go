package api

import (
	"net/http"
	"strings"
	"time"

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

// evaluateInput is the body of POST /api/v1/policy/evaluate.
type evaluateInput struct {
	StaffID     int64              `json:"staff_id"`
	Dates       []string           `json:"dates"`
	Stage       policy.Stage       `json:"stage"`
	SubmittedAt string             `json:"submitted_at"`
	ApprovedAt  string             `json:"approved_at"`
	Application policy.Application `json:"application"`
}

// parseMoment reads a date-time: RFC 3339 with its offset, or a local
// Japan time written 2026-04-01 09:00 (T instead of the space, seconds,
// and / for - are accepted). "" is the zero time.
func parseMoment(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	local := strings.Replace(strings.ReplaceAll(s, "/", "-"), "T", " ", 1)
	for _, layout := range []string{"2006-1-2 15:04", "2006-1-2 15:04:05"} {
		if t, err := time.ParseInLocation(layout, local, calendar.Tokyo); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// apiEvaluatePolicy checks an application against the version in force on
// its first day (policy.Service.Check says who may check whose), as of now
// or as of the submission and approval times given.
func (s *API) apiEvaluatePolicy(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in evaluateInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	for _, ds := range in.Dates {
		d, err := calendar.ParseDate(ds)
		if err != nil {
			if !v.Has("dates") {
				v.Add("dates", "field.date", nil)
			}
			continue
		}
		in.Application.Dates = append(in.Application.Dates, d)
	}
	submitted, ok := parseMoment(in.SubmittedAt)
	if !ok {
		v.Add("submitted_at", "field.datetime", nil)
	}
	approved, ok := parseMoment(in.ApprovedAt)
	if !ok {
		v.Add("approved_at", "field.datetime", nil)
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	res, err := s.svc.Policy.Check(r.Context(), p.TenantID, p, policy.CheckInput{StaffID: in.StaffID, App: in.Application, Stage: in.Stage,
		SubmittedAt: submitted, ApprovedAt: approved})
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
	out := map[string]any{"policy_version": res.Version.ID, "ok": res.OK(), "findings": list,
		"policy": map[string]any{"id": res.Version.ID, "effective_from": res.Version.Effective.String(), "note": res.Version.Note}}
	if !submitted.IsZero() {
		out["submitted_at"] = submitted.In(calendar.Tokyo).Format(time.RFC3339)
	}
	if !approved.IsZero() {
		out["approved_at"] = approved.In(calendar.Tokyo).Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, out)
}
