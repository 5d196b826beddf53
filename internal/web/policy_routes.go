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

		{Method: "GET", Pattern: "/api/v1/policy/templates", Rule: hrOnly, Handler: s.apiPolicyTemplates,
			API: &apiOp{ID: "listPolicyTemplates", Summary: "The seven 第6章 policy templates", Tag: "policy", Resp: "PolicyTemplate", List: true}},
		{Method: "GET", Pattern: "/api/v1/policy/versions", Rule: hrOnly, Handler: s.apiPolicyVersions,
			API: &apiOp{ID: "listPolicyVersions", Summary: "Policy versions by effective date", Tag: "policy", Resp: "PolicyVersion", List: true}},
		{Method: "POST", Pattern: "/api/v1/policy/versions", Rule: hrOnly, Handler: s.apiSavePolicyVersion,
			API: &apiOp{ID: "savePolicyVersion", Summary: "Schedule a policy version (replaces one not yet in force on the same date)", Tag: "policy", Body: "PolicyVersionInput", Resp: "PolicyVersion", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/policy/versions/{id}", Rule: hrOnly, Object: "policy", Handler: s.apiGetPolicyVersion,
			API: &apiOp{ID: "getPolicyVersion", Summary: "Get a policy version", Tag: "policy", Resp: "PolicyVersion"}},
		{Method: "DELETE", Pattern: "/api/v1/policy/versions/{id}", Rule: hrOnly, Object: "policy", Handler: s.apiDeletePolicyVersion,
			API: &apiOp{ID: "deletePolicyVersion", Summary: "Delete a version not yet in force", Tag: "policy", Status: 204}},
		{Method: "POST", Pattern: "/api/v1/policy/evaluate", Rule: directory, Handler: s.apiEvaluatePolicy,
			API: &apiOp{ID: "evaluatePolicy", Summary: "Check an application against the policy in force (findings in ja/en)", Tag: "policy", Body: "EvaluateInput", Resp: "Findings"}},
	}
}
