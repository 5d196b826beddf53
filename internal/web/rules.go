package web

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/policy"
)

// myRules is 「あなたのテレワークの制度」: the rules in force today as they
// apply to the signed-in person — modes, deadline, caps, hours, places,
// take-out, reporting — in plain words, and whether (and why not) they
// are eligible. Every tenant account may read it; an account without a
// staff record sees the tenant's rules as they are.
func (s *Server) myRules(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	a, err := s.svc.Policy.Applying(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			s.render(w, r, http.StatusOK, "rules", "trial.rules_title", map[string]any{"None": true,
				"Guide": s.HandbookLink(r, "rules"), "TakeOutGuide": s.HandbookLink(r, "take_out")}, nil) // issue 16
			return
		}
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	reasons := make([]string, 0, len(a.NotEligible))
	for _, f := range a.NotEligible {
		reasons = append(reasons, f.Message(l))
	}
	homeModes := false
	for _, m := range a.Modes {
		homeModes = homeModes || m == policy.Home
	}
	s.render(w, r, http.StatusOK, "rules", "trial.rules_title", map[string]any{
		"A": a, "P": a.Version.Policy, "Reasons": reasons, "Home": homeModes,
		"Guide": s.HandbookLink(r, "rules"), "TakeOutGuide": s.HandbookLink(r, "take_out"), // issue 16
	}, nil)
}
