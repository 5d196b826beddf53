package api

import (
	"telework/internal/route"
	"telework/internal/tabular"
)

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
					{Name: "full", Type: "boolean", Desc: "the file is the whole roster: retire staff in service who are not in it (default false)"}}}},
		{Method: "GET", Pattern: "/api/v1/staff/export", Rule: route.HROnly, Handler: s.apiExportStaff,
			API: &route.Op{ID: "exportStaff", Tag: "staff", Summary: "Export staff in service with the importer's column headers",
				RespTypes: []string{"text/csv", tabular.XLSXContentType},
				Query: []route.Param{{Name: "format", Type: "string", Desc: "csv (UTF-8 with BOM, default), csv-sjis (Shift_JIS/CP932) or xlsx"},
					{Name: "sensitive", Type: "boolean", Desc: "add the opt-in analysis attributes of those who consented (default false)"}}}},
	}
}
