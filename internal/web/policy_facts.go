package web

import (
	"net/http"

	"telework/internal/policy"
)

// staffFactsSave records the facts eligibility rules use: 育児・介護 as a
// declared reason, a telework terminal, secondment, a trial member (HR).
func (s *Server) staffFactsSave(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	f := policy.Facts{Reasons: r.PostForm["reasons"], HasTerminal: fm.bool("has_terminal"), Seconded: fm.bool("seconded"),
		Trial: fm.bool("trial")}
	if err := s.svc.Policy.SaveFacts(r.Context(), p.TenantID, actorOf(p), id, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/staff/"+itoa(id), "flash.saved")
}
