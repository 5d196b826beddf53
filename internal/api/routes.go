package api

import (
	"telework/internal/route"
	"telework/internal/tabular"
)

func (s *API) apiRoutes() []route.Route {
	signed := route.OwnTokens
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Rule: route.Public, Handler: s.apiOpenAPI},
		{Method: "GET", Pattern: "/api/v1/me", Rule: route.AnyUser, Handler: s.apiMe,
			API: &route.Op{ID: "getMe", Summary: "The caller's own account and staff record", Tag: "me", Resp: "Me"}},

		{Method: "GET", Pattern: "/api/v1/units", Rule: route.Directory, Handler: s.apiListUnits,
			API: &route.Op{ID: "listUnits", Summary: "List units (部・課・係) in tree order", Tag: "units", Resp: "Unit", List: true,
				Query: append([]route.Param{{Name: "parent_id", Type: "integer", Desc: "only direct children of this unit (0 = top level)"}, {Name: "include_retired", Type: "boolean", Desc: "include closed units"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/units/{id}", Rule: route.Directory, Object: "unit", Handler: s.apiGetUnit,
			API: &route.Op{ID: "getUnit", Summary: "Get a unit", Tag: "units", Resp: "Unit"}},
		{Method: "POST", Pattern: "/api/v1/units", Rule: route.HROnly, Handler: s.apiCreateUnit,
			API: &route.Op{ID: "createUnit", Summary: "Create a unit", Tag: "units", Body: "UnitInput", Resp: "Unit", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/units/{id}", Rule: route.HROnly, Object: "unit", Handler: s.apiUpdateUnit,
			API: &route.Op{ID: "updateUnit", Summary: "Rename, move or reorder a unit", Tag: "units", Body: "UnitPatch", Resp: "Unit", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/staff", Rule: route.Directory, Handler: s.apiListStaff,
			API: &route.Op{ID: "listStaff", Summary: "Search staff", Tag: "staff", Resp: "Staff", List: true,
				Query: append([]route.Param{{Name: "q", Type: "string", Desc: "氏名・かな・職員番号 (かな/全角半角 folded)"}, {Name: "unit_id", Type: "integer", Desc: "unit and its subtree"},
					{Name: "employment", Type: "string", Desc: "employment category"}, {Name: "job_type", Type: "string", Desc: "job type"}, {Name: "include_retired", Type: "boolean", Desc: "include staff who left (HR only)"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/staff/{id}", Rule: route.Directory, Object: "staff", Handler: s.apiGetStaff,
			API: &route.Op{ID: "getStaff", Summary: "Get a staff member", Tag: "staff", Resp: "Staff"}},
		{Method: "POST", Pattern: "/api/v1/staff", Rule: route.HROnly, Handler: s.apiCreateStaff,
			API: &route.Op{ID: "createStaff", Summary: "Register a staff member", Tag: "staff", Body: "StaffInput", Resp: "Staff", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/staff/{id}", Rule: route.HROnly, Object: "staff", Handler: s.apiUpdateStaff,
			API: &route.Op{ID: "updateStaff", Summary: "Change a staff member (transfers take effective_date)", Tag: "staff", Body: "StaffPatch", Resp: "Staff", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/tenants", Rule: route.Operator, Handler: s.apiListTenants,
			API: &route.Op{ID: "listTenants", Summary: "List tenants (operator)", Tag: "tenants", Resp: "Tenant", List: true, Query: pagingParams}},
		{Method: "GET", Pattern: "/api/v1/tenants/{id}", Rule: route.Operator, Object: "tenant", Handler: s.apiGetTenant,
			API: &route.Op{ID: "getTenant", Summary: "Get a tenant (operator)", Tag: "tenants", Resp: "Tenant"}},
		{Method: "POST", Pattern: "/api/v1/tenants", Rule: route.Operator, Handler: s.apiCreateTenant,
			API: &route.Op{ID: "createTenant", Summary: "Create a tenant (operator)", Tag: "tenants", Body: "TenantInput", Resp: "Tenant", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/tenants/{id}", Rule: route.Operator, Object: "tenant", Handler: s.apiUpdateTenant,
			API: &route.Op{ID: "updateTenant", Summary: "Change a tenant's name, type or sizes (operator)", Tag: "tenants", Body: "TenantPatch", Resp: "Tenant", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/tokens", Rule: signed, Handler: s.apiListTokens,
			API: &route.Op{ID: "listTokens", Summary: "List your API tokens", Tag: "tokens", Resp: "Token", List: true, Query: pagingParams}},
		// Not Idempotent: a replay would keep the new token's secret in the
		// idempotency table in plain text for a day (the store keeps only
		// its hash).
		{Method: "POST", Pattern: "/api/v1/tokens", Rule: signed, Handler: s.apiCreateToken,
			API: &route.Op{ID: "createToken", Summary: "Create an API token (the secret is returned once)", Tag: "tokens", Body: "TokenInput", Resp: "NewToken", Status: 201}},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Rule: signed, Object: "token", Handler: s.apiRevokeToken,
			API: &route.Op{ID: "revokeToken", Summary: "Revoke one of your API tokens", Tag: "tokens", Status: 204}},
	}
}

// featureRoutes are the API routes of the calendar, policy and import
// features (issue 5).
func (s *API) featureRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/calendar/holidays", Rule: route.Directory, Handler: s.apiHolidays,
			API: &route.Op{ID: "listHolidays", Summary: "Days off of a year: national holidays (also on weekends), 年末年始 (12/29–1/3) and the tenant's closure days (閉庁日), in date order",
				Tag: "calendar", Resp: "Holiday", List: true,
				Query: []route.Param{{Name: "year", Type: "integer", Desc: "calendar year, 1955–2100 (default: this year in Japan)"}}}},

		{Method: "GET", Pattern: "/api/v1/policy/templates", Rule: route.HROnly, Handler: s.apiPolicyTemplates,
			API: &route.Op{ID: "listPolicyTemplates", Summary: "The seven 第6章 policy templates", Tag: "policy", Resp: "PolicyTemplate", List: true}},
		{Method: "GET", Pattern: "/api/v1/policy/versions", Rule: route.HROnly, Handler: s.apiPolicyVersions,
			API: &route.Op{ID: "listPolicyVersions", Summary: "Policy versions by effective date", Tag: "policy", Resp: "PolicyVersion", List: true}},
		{Method: "POST", Pattern: "/api/v1/policy/versions", Rule: route.HROnly, Handler: s.apiSavePolicyVersion,
			API: &route.Op{ID: "savePolicyVersion", Summary: "Schedule a policy version (replaces one not yet in force on the same date)", Tag: "policy", Body: "PolicyVersionInput", Resp: "PolicyVersion", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/policy/versions/{id}", Rule: route.HROnly, Object: "policy", Handler: s.apiGetPolicyVersion,
			API: &route.Op{ID: "getPolicyVersion", Summary: "Get a policy version", Tag: "policy", Resp: "PolicyVersion"}},
		{Method: "DELETE", Pattern: "/api/v1/policy/versions/{id}", Rule: route.HROnly, Object: "policy", Handler: s.apiDeletePolicyVersion,
			API: &route.Op{ID: "deletePolicyVersion", Summary: "Delete a version not yet in force", Tag: "policy", Status: 204}},
		{Method: "POST", Pattern: "/api/v1/policy/evaluate", Rule: route.Directory, Handler: s.apiEvaluatePolicy,
			API: &route.Op{ID: "evaluatePolicy", Summary: "Check an application against the policy in force (findings in ja/en)", Tag: "policy", Body: "EvaluateInput", Resp: "Findings"}},

		{Method: "POST", Pattern: "/api/v1/staff/import", Rule: route.HROnly, Handler: s.apiImportStaff, MaxBody: MaxImportBytes,
			API: &route.Op{ID: "importStaff", Tag: "staff", Resp: "StaffImportResult", Idempotent: true,
				Summary:   "Import staff from a CSV (UTF-8 or Shift_JIS) or xlsx file: all rows or none; dry_run=true only plans",
				BodyTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{{Name: "dry_run", Type: "boolean", Desc: "plan only, write nothing (default false)"},
					{Name: "full", Type: "boolean", Desc: "the file is the whole roster: retire staff in service who are not in it (default false)"},
					{Name: "confirm_retirements", Type: "integer", Desc: "required when a full roster retires many people (10 or more, or 5% of those in service): their number, as the dry run reports it in summary.retired; otherwise 422 on this field"}}}},
		{Method: "POST", Pattern: "/api/v1/staff/export", Rule: route.HROnly, Handler: s.apiExportStaff,
			API: &route.Op{ID: "exportStaff", Tag: "staff", Summary: "Export staff in service with the importer's column headers (audited); in csv-sjis characters CP932 lacks are written as 〓 and their rows listed in the Telework-Substituted-Lines header",
				RespTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{{Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)"},
					{Name: "sensitive", Type: "boolean", Desc: "add the opt-in analysis attributes of those who consented (default false)"}}}},
		{Method: "GET", Pattern: "/api/v1/staff/export", Rule: route.HROnly, Handler: s.apiExportStaff,
			API: &route.Op{ID: "exportStaffWithToken", Tag: "staff", Summary: "The same export by GET, kept for read-only API tokens (which may only GET); prefer POST",
				RespTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{{Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)"},
					{Name: "sensitive", Type: "boolean", Desc: "add the opt-in analysis attributes of those who consented (default false)"}}}},
	}
}
