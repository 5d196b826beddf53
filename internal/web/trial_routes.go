package web

// trialRoutes are the pages the trial run asked for (issue 9 §5): the
// rules that apply to the signed-in person and the operator's reissue of
// a tenant's first temporary password. The rules are the members' (an
// account that is only the auditor's reads the audit log, nothing else:
// SPEC §2).
func (s *Server) trialRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/rules", Rule: directory, Handler: s.myRules},
		{Method: "GET", Pattern: "/staff/{id}/retire", Rule: hrOnly, Object: "staff", Handler: s.staffRetireConfirm},
		{Method: "POST", Pattern: "/operator/tenants/{id}/reissue", Rule: operator, Object: "tenant", Handler: s.tenantReissue},
	}
}
