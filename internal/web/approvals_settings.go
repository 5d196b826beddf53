package web

import (
	"net/http"

	"telework/internal/apply"
)

// approvalSettings is HR's page for the tenant's approval routing: to the
// 所属長 (課長) or the 係長, two steps (係長 → 課長) for the whole tenant
// or for chosen units, and when approvers are reminded of what waits.
func (s *Server) approvalSettings(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	set, err := s.svc.Apply.Settings(r.Context(), p.TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.routingPage(w, r, http.StatusOK, set, nil)
}

func (s *Server) routingPage(w http.ResponseWriter, r *http.Request, status int, set apply.Settings, formErr error) {
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var units []inboxUnit
	for _, n := range tr.Flatten(false) {
		if len(tr.Children(n.Unit.ID)) > 0 { // units with teams below them
			units = append(units, inboxUnit{ID: n.Unit.ID, Name: tr.PathString(n.Unit.ID)})
		}
	}
	chosen := map[int64]bool{}
	for _, id := range set.TwoStepUnits {
		chosen[id] = true
	}
	s.render(w, r, status, "approvals_settings", "applyweb.title_settings", map[string]any{
		"Set": set, "Units": units, "Chosen": chosen}, formErr)
}

func (s *Server) approvalSettingsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	set := apply.Settings{Approver: fm.str("approver"), TwoStep: fm.bool("two_step"),
		ReminderHours: fm.int("reminder_hours", 0), Version: int64(fm.int("version", 0))}
	set.TwoStepUnits = formIDs(fm, "two_step_units")
	if err := fm.v.Err(); err != nil {
		s.routingPage(w, r, http.StatusUnprocessableEntity, set, err)
		return
	}
	if err := s.svc.Apply.SaveSettings(r.Context(), p.TenantID, p, set); err != nil {
		if isInvalid(err) {
			s.routingPage(w, r, http.StatusUnprocessableEntity, set, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/approvals/settings", "flash.applyweb_settings")
}
