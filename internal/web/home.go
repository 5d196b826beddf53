package web

import (
	"net/http"

	"telework/internal/auth"
)

// home is each role's start page: the person's own record and the places
// their roles lead to.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	data := map[string]any{}
	if p.StaffID != 0 {
		st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, p.StaffID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.Sensitive = nil
		data["Staff"] = st
		tr, err := s.tree(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["UnitPath"] = tr.PathString(st.UnitID)
	}
	data["IsStaff"] = p.HasAny(auth.Staff, auth.Supervisor, auth.HRAdmin, auth.ITAdmin)
	data["IsSupervisor"] = p.Has(auth.Supervisor)
	data["IsHR"] = p.Has(auth.HRAdmin)
	data["IsIT"] = p.Has(auth.ITAdmin)
	data["IsAuditor"] = p.Has(auth.Auditor)
	// One line per role the person holds: what that role can do here.
	var roles []string
	for _, r := range []auth.Role{auth.Staff, auth.Supervisor, auth.HRAdmin, auth.ITAdmin, auth.Auditor} {
		if p.Has(r) {
			roles = append(roles, string(r))
		}
	}
	data["Roles"] = roles
	s.render(w, r, http.StatusOK, "home", "home.title", data, nil)
}
