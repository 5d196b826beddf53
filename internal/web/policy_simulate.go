package web

import (
	"io"
	"net/http"
	"strings"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// policySimulate replays a file of past telework days (職員番号, 日付, 形態,
// 時間単位, 開始, 終了 and optionally 申請日時) against this version, with
// the findings in the page's language.
func (s *Server) policySimulate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	v, err := s.findVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	src := r.FormValue("source")
	// A file chosen is the file to replay, whatever the choice of source
	// says (a client that only sends a file, as before; a person who picked
	// the file and left the choice at its default — a review found the
	// file silently dropped for the stored applications).
	if f, h, err := r.FormFile("file"); err == nil {
		f.Close()
		if h.Size > 0 || src == "" {
			src = "file"
		}
	}
	if src != "file" {
		// By default the stored applications of the chosen period.
		s.policySimulateStored(w, r, v)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var val apperr.Validation
		val.Add("file", "field.file_required", nil)
		s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, nil, val.Err())
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	// The node's upload gate bounds simulations with the staff imports:
	// reading a large file costs the same.
	release, err := s.svc.Staffio.Gate().Enter(p.TenantID, len(data))
	if val, busy := uploadBusy(w, err); busy {
		s.renderPolicyShow(w, r, http.StatusTooManyRequests, v, nil, val.Err())
		return
	}
	defer release()
	sim, err := s.svc.Policy.Simulate(r.Context(), p.TenantID, v.Policy, data, lang(r))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, nil, err)
			return
		}
		s.serverError(w, r, err)
		return
	}
	sim.FileName = hdr.Filename
	s.renderPolicyShow(w, r, http.StatusOK, v, sim, nil)
}

// policySimulateStored replays the telework days applied for in the
// period sim_from–sim_to (default: the 90 days up to yesterday).
func (s *Server) policySimulateStored(w http.ResponseWriter, r *http.Request, v policy.VersionState) {
	p := principal(r)
	today := s.svc.Policy.Today()
	from, to := today.AddDays(-90), today.AddDays(-1)
	var val apperr.Validation
	for _, f := range []struct {
		name string
		d    *calendar.Date
	}{{"sim_from", &from}, {"sim_to", &to}} {
		if x := strings.TrimSpace(r.FormValue(f.name)); x != "" {
			d, err := calendar.ParseDate(x)
			if err != nil {
				val.Add(f.name, "field.date", nil)
				continue
			}
			*f.d = d
		}
	}
	if err := val.Err(); err != nil {
		s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, nil, err)
		return
	}
	var sim *policy.Simulation
	var err error
	switch r.FormValue("sim_emergency") { // issue 15: replay under emergency rules
	case "declared":
		sim, err = s.svc.Policy.SimulateStoredUnder(r.Context(), p.TenantID, v.Policy, from, to, lang(r), nil)
	case "lift":
		sim, err = s.svc.Policy.SimulateStoredUnder(r.Context(), p.TenantID, v.Policy, from, to, lang(r),
			&policy.OverrideRules{Caps: "lift", Deadline: "same_day"})
	default:
		sim, err = s.svc.Policy.SimulateStored(r.Context(), p.TenantID, v.Policy, from, to, lang(r))
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, nil, err)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.renderPolicyShow(w, r, http.StatusOK, v, sim, nil)
}
