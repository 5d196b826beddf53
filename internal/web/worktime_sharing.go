package web

import (
	"net/http"
	"strconv"
)

// worktimeSharingRoutes are the board's control of the section's plan
// sharing (見える化): the head over the unit or HR turns it on or off.
func (s *Server) worktimeSharingRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/board/plan-sharing", Rule: directory, Handler: s.worktimeSharingSave},
	}
}

func (s *Server) worktimeSharingSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	unitID := fm.id("unit_id")
	if unitID == 0 {
		unitID = p.UnitID
	}
	if _, err := s.svc.Presence.SetPlanSharing(r.Context(), p.TenantID, p, unitID, fm.str("enabled") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/board?unit_id="+strconv.FormatInt(unitID, 10), "flash.worktime_sharing_saved")
}
