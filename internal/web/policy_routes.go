package web

// policyRoutes are the telework policy pages and API (issue 5).
func (s *Server) policyRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/policy", Rule: hrOnly, Handler: s.policyList},
		{Method: "GET", Pattern: "/policy/new", Rule: hrOnly, Handler: s.policyNew},
		{Method: "POST", Pattern: "/policy", Rule: hrOnly, Handler: s.policySave},
		{Method: "GET", Pattern: "/policy/{id}", Rule: hrOnly, Object: "policy", Handler: s.policyShow},
		{Method: "POST", Pattern: "/policy/{id}/delete", Rule: hrOnly, Object: "policy", Handler: s.policyDelete},
		{Method: "POST", Pattern: "/policy/{id}/simulate", Rule: hrOnly, Object: "policy", Handler: s.policySimulate, MaxBody: 20 << 20},
		{Method: "POST", Pattern: "/staff/{id}/facts", Rule: hrOnly, Object: "staff", Handler: s.staffFactsSave},
	}
}
