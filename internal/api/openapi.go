package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/route"
	"telework/internal/telemetry"
)

// The OpenAPI 3.1 document is built from the route table, so a route and
// its documentation cannot drift apart; the schemas below describe the
// JSON shapes in api_org.go and tokens.go.

func obj(required []string, props map[string]any) map[string]any {
	m := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		m["required"] = required
	}
	return m
}

// withDescription sets a schema's description.
func withDescription(m map[string]any, desc string) map[string]any {
	m["description"] = desc
	return m
}

// problemWith is the Problem schema with the members of extra besides
// (a closed schema cannot be extended with allOf).
func problemWith(problem, extra map[string]any) map[string]any {
	props := map[string]any{}
	for _, m := range []map[string]any{problem, extra} {
		for k, v := range m["properties"].(map[string]any) {
			props[k] = v
		}
	}
	out := obj(problem["required"].([]string), props)
	out["description"] = extra["description"]
	return out
}

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
func integer(desc string) map[string]any {
	return map[string]any{"type": "integer", "format": "int64", "description": desc}
}
func boolean(desc string) map[string]any {
	return map[string]any{"type": "boolean", "description": desc}
}
func enum[T ~string](vals []T, desc string) map[string]any {
	ss := make([]string, len(vals))
	for i, v := range vals {
		ss[i] = string(v)
	}
	return map[string]any{"type": "string", "enum": ss, "description": desc}
}
func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func nullable(t string, desc string) map[string]any {
	return map[string]any{"type": []string{t, "null"}, "description": desc}
}
func dateTime(desc string) map[string]any {
	return map[string]any{"type": "string", "format": "date-time", "description": desc}
}

func schemas() map[string]any {
	sensitive := obj([]string{"gender", "age_band", "care", "commute_minutes"}, map[string]any{
		"gender":          map[string]any{"type": "string", "enum": append([]string{""}, org.Genders...)},
		"age_band":        map[string]any{"type": "string", "enum": append([]string{""}, org.AgeBands...)},
		"care":            map[string]any{"type": "string", "enum": append([]string{""}, org.Cares...)},
		"commute_minutes": map[string]any{"type": "integer", "minimum": 0, "maximum": 600},
	})
	staffProps := func(input bool) map[string]any {
		m := map[string]any{
			"staff_no":      str("職員番号"),
			"name":          str("氏名"),
			"kana":          str("ふりがな (ひらがな or カタカナ)"),
			"email":         str("e-mail address"),
			"unit_id":       integer("所属 unit id"),
			"title":         str("役職名"),
			"rank":          enum(org.Ranks, "職層"),
			"is_supervisor": boolean("所属長・係長 (在席確認者)"),
			"employment":    enum(org.Employments, "任用区分"),
			"job_type":      enum(org.JobTypes, "職種"),
			"retired":       boolean("left the organisation (退職)"),
			"sensitive": map[string]any{"description": "opt-in analysis attributes; HR only; null = no consent",
				"oneOf": []any{ref("Sensitive"), map[string]any{"type": "null"}}},
		}
		if input {
			m["effective_date"] = map[string]any{"type": "string", "format": "date", "description": "発令日 of a transfer (YYYY-MM-DD); default today"}
		} else {
			m["id"] = integer("id")
			m["unit_name"] = str("unit name")
			m["version"] = integer("version, also in the ETag")
			m["updated_at"] = dateTime("last change")
		}
		return m
	}
	unitProps := func(input bool) map[string]any {
		m := map[string]any{
			"parent_id":  nullable("integer", "parent unit; null or 0 = top level"),
			"code":       str("unit code (所属コード)"),
			"name":       str("name"),
			"level":      str("level as the tenant calls it: 部, 局, 課, 室, 係, 担当 …"),
			"sort_order": map[string]any{"type": "integer"},
		}
		if input {
			m["effective_date"] = map[string]any{"type": "string", "format": "date", "description": "when a rename or move takes effect"}
		} else {
			m["id"] = integer("id")
			m["retired"] = boolean("closed")
			m["path"] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "names from the top"}
			m["version"] = integer("version, also in the ETag")
		}
		return m
	}
	tenantProps := map[string]any{
		"slug":                str("organisation code used at sign-in"),
		"name":                str("name, e.g. 松本市"),
		"kind":                enum(org.TenantKinds, "都道府県 / 政令市 / 市区町村"),
		"staff_size":          map[string]any{"type": "integer", "minimum": 0},
		"general_admin_staff": map[string]any{"type": "integer", "minimum": 0, "description": "一般行政職員数"},
	}
	tenantOut := map[string]any{"id": integer("id"), "created_at": dateTime("created"), "version": integer("version")}
	for k, v := range tenantProps {
		tenantOut[k] = v
	}
	tokenProps := map[string]any{
		"id": integer("id"), "name": str("label"), "prefix": str("first characters of the secret"),
		"read_only": boolean("may only read"), "created_at": dateTime("created"), "expires_at": dateTime("expiry"),
		"last_used_at": nullable("string", "last use (date-time)"), "revoked_at": nullable("string", "revocation (date-time)"),
	}
	out := map[string]any{
		"Problem": map[string]any{"type": "object", "description": "RFC 9457 problem details",
			"required": []string{"type", "title", "status", "instance", "request_id"},
			"properties": map[string]any{
				"type": str("problem type URI"), "title": str("summary in the caller's language"), "status": map[string]any{"type": "integer"},
				"detail": str("explanation"), "instance": str("request path"), "request_id": str("for the operator's logs"),
				"code": str("the machine-readable reason, stable across languages (e.g. apply.state.approved for an application already approved, apply.decided_just_now to retry after a moment, apply.changed_since for a stale If-Match or version, error.stale for a stale version of a record, api.idempotency_running while the first request with the same Idempotency-Key still runs); tools branch on it, never on detail"),
				"errors": map[string]any{"type": "array", "items": obj([]string{"field", "detail"}, map[string]any{"code": str("the rule the field broke (e.g. field.required, field.date)"), "field": str("the field name (take_out.items for a nested one, input for the body's shape); for a rule of the telework policy refusing an application, finding.<rule> (the rule key, as in findings[].rule)"), "detail": str("what is wrong"),
					"line": integer("row of an uploaded file, as Excel numbers it (imports)"), "column": str("column header as written in an uploaded file (imports)")})},
			}},
		"Sensitive":   sensitive,
		"Staff":       obj([]string{"id", "staff_no", "name", "kana", "email", "unit_id", "unit_name", "title", "rank", "is_supervisor", "employment", "job_type", "retired", "version", "updated_at"}, staffProps(false)),
		"StaffInput":  obj([]string{"staff_no", "name", "kana", "unit_id"}, staffProps(true)),
		"StaffPatch":  obj(nil, staffProps(true)),
		"Unit":        obj([]string{"id", "parent_id", "code", "name", "level", "sort_order", "retired", "path", "version"}, unitProps(false)),
		"UnitInput":   obj([]string{"code", "name", "level"}, unitProps(true)),
		"UnitPatch":   obj(nil, unitProps(true)),
		"Tenant":      obj([]string{"id", "slug", "name", "kind", "staff_size", "general_admin_staff", "created_at", "version"}, tenantOut),
		"TenantInput": obj([]string{"slug", "name", "kind"}, tenantProps),
		"TenantPatch": obj(nil, map[string]any{"name": tenantProps["name"], "kind": tenantProps["kind"], "staff_size": tenantProps["staff_size"], "general_admin_staff": tenantProps["general_admin_staff"]}),
		"Token":       obj([]string{"id", "name", "prefix", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"}, tokenProps),
		"TokenInput": obj([]string{"name"}, map[string]any{"name": str("label"), "read_only": boolean("may only read"),
			"expires_in_days": map[string]any{"type": "integer", "minimum": 1, "maximum": auth.MaxTokenDays, "default": 90}}),
		"PolicyTemplate": obj([]string{"name", "label", "source", "policy"}, map[string]any{
			"name": str("template key, e.g. matsumoto"), "label": str("e.g. 松本市"), "source": str("where in the guide"),
			"policy": map[string]any{"type": "object", "description": "the policy (same shape as PolicyVersion.policy)"}}),
		"PolicyVersion": obj([]string{"id", "effective_from", "note", "in_force", "policy"}, map[string]any{
			"id": integer("id"), "effective_from": map[string]any{"type": "string", "format": "date"}, "note": str("note"),
			"in_force": boolean("the version in force today"),
			"policy":   map[string]any{"type": "object", "description": "modes, eligibility, unit_rules, deadline, caps, time_units, places, hours, mid_day_break, travel_order, report, take_out, presence, quiet_hours, auto_approval (see docs/policy.md)"}}),
		"PolicyVersionInput": obj([]string{"effective_from"}, map[string]any{
			"effective_from": map[string]any{"type": "string", "format": "date", "description": "today or later"}, "note": str("note"),
			"template": str("start from a built-in template instead of giving policy"),
			"policy":   map[string]any{"type": "object"}}),
		"EvaluateInput": obj([]string{"dates", "application"}, map[string]any{
			"staff_id":     integer("whose application (default: the caller)"),
			"dates":        map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "date"}},
			"stage":        map[string]any{"type": "string", "enum": []string{"submit", "approve"}, "description": "which check (default submit); approval is also checked when approved_at is given"},
			"submitted_at": str("what if it had been submitted then: RFC 3339, or Japan time as 2026-04-01 09:00 (default: now)"),
			"approved_at":  str("what if it had been approved then (the approval is checked too): RFC 3339, or Japan time as 2026-04-01 09:00"),
			"application": map[string]any{"type": "object", "required": []string{"mode"}, "description": "the application; an unknown choice is a 422 naming the field (application.time_unit …)",
				"properties": map[string]any{
					"mode":              enum(policy.Modes, "在宅勤務 / サテライトオフィス勤務 / モバイルワーク"),
					"time_unit":         enum(policy.TimeUnits, "終日 (default) / 午前 / 午後 / 時間単位"),
					"place":             enum([]string{policy.PlaceHome, policy.PlaceHomeEquivalent, policy.PlaceSatellite, policy.PlaceMobile}, "where"),
					"place_kind":        enum(policy.HomeEquivalentKinds, "the kind of place like home (実家 …)"),
					"place_reason":      str("why that place"),
					"start":             str("planned start HH:MM"),
					"end":               str("planned end HH:MM"),
					"break_minutes":     map[string]any{"type": "integer", "minimum": 0},
					"overtime_approved": boolean("overtime approved beforehand"),
					"mid_day_break":     boolean("中抜け planned"),
					"prior_consent":     boolean("the supervisor consented beforehand (verbal is fine)"),
					"paper_out":         boolean("paper taken out"),
					"paper_classes":     map[string]any{"type": "array", "items": enum(policy.DataClasses, "")},
					"data_out":          boolean("data taken out"),
					"data_classes":      map[string]any{"type": "array", "items": enum(policy.DataClasses, "")},
					"device":            enum(policy.DeviceTypes, "device used"),
					"print_at_home":     boolean("prints at home"),
					"save_at_home":      boolean("saves files at home"),
				}}}),
		"Findings": obj([]string{"policy_version", "policy", "ok", "findings"}, map[string]any{
			"policy_version": integer("the id of the version applied"),
			"policy": obj([]string{"id", "effective_from", "note"}, map[string]any{
				"id": integer("the version applied (in force on the first date)"), "effective_from": map[string]any{"type": "string", "format": "date"},
				"note": str("the version's note")}),
			"submitted_at": dateTime("the moment the submission was checked as of, when given"),
			"approved_at":  dateTime("the moment the approval was checked as of, when given"),
			"ok":           boolean("no error"),
			"findings": map[string]any{"type": "array", "items": obj([]string{"rule", "severity", "message"}, map[string]any{
				"rule": str("rule id"), "severity": map[string]any{"type": "string", "enum": []string{"error", "warning", "info"}},
				"date": map[string]any{"type": "string", "format": "date"}, "message": str("explanation naming the limit and the actual value")})}}),
		"NewToken": obj([]string{"token", "info"}, map[string]any{"token": str("the secret; shown only in this response"), "info": ref("Token")}),
		"Me": obj([]string{"tenant", "user", "staff"}, map[string]any{
			"tenant": map[string]any{"type": "object"}, "user": map[string]any{"type": "object"},
			"staff": map[string]any{"oneOf": []any{ref("Staff"), map[string]any{"type": "null"}}}}),
		"Holiday":               holidaySchema(),     // calendar_api.go
		"StaffImportResult":     staffImportSchema(), // import_api.go
		"UnitImportResult":      unitImportSchema(),  // units_import.go
		"TenantToken":           tenantTokenSchema(tokenProps),
		"File":                  fileSchema(), // openapi_trial.go (issue 16), and below
		"Roadmap":               roadmapSchemas()["Roadmap"],
		"RoadmapStep":           roadmapSchemas()["RoadmapStep"],
		"RoadmapCheck":          roadmapSchemas()["RoadmapCheck"],
		"RoadmapReview":         roadmapSchemas()["RoadmapReview"],
		"RoadmapReviewSettings": roadmapSchemas()["RoadmapReviewSettings"],
		"RoadmapStepInput":      roadmapSchemas()["RoadmapStepInput"],
		"RoadmapCheckInput":     roadmapSchemas()["RoadmapCheckInput"],
		"RoadmapReviewInput":    roadmapSchemas()["RoadmapReviewInput"],
		"Incident":              incidentSchemas()["Incident"],
		"IncidentReceipt":       incidentSchemas()["IncidentReceipt"],
		"IncidentSummary":       incidentSchemas()["IncidentSummary"],
		"IncidentInput":         incidentSchemas()["IncidentInput"],
		"IncidentReviewInput":   incidentSchemas()["IncidentReviewInput"],
		"Cost":                  costSchemas()["Cost"],
		"CostInput":             costSchemas()["CostInput"],
		"CostTotals":            costSchemas()["CostTotals"],
		"HandbookPage":          handbookSchemas()["HandbookPage"],
		"HandbookPageInput":     handbookSchemas()["HandbookPageInput"],
		"HandbookSlot":          handbookSchemas()["HandbookSlot"],
		"Briefing":              handbookSchemas()["Briefing"],
		"BriefingInput":         handbookSchemas()["BriefingInput"],
		"RateInput":             rateInputSchema(),  // openapi_tasks.go
		"RateResult":            rateResultSchema(), // openapi_tasks.go
		"InfoSystem":            systemSchema(false),
		"InfoSystemInput":       systemSchema(true),
		"TaskPlace":             placeSchema(false),
		"TaskPlaceInput":        placeSchema(true),
		"TaskSettings":          taskSettingsSchema(),
		"SheetTask":             sheetTaskSchema(false),
		"SheetTaskInput":        sheetTaskSchema(true),
		"Suggestion":            suggestionSchema(),
		"SheetSummary":          sheetSummarySchema(),
		"RankedImprovement":     rankedSchema(),
		"SheetImportResult":     sheetImportSchema(),
	}
	for k, v := range surveySchemas() { // openapi_survey.go
		out[k] = v
	}
	for k, v := range applySchemas() { // openapi_apply.go
		out[k] = v
	}
	for k, v := range worktimeSchemas() { // openapi_worktime.go
		out[k] = v
	}
	for k, v := range placesSchemas() { // openapi_places.go
		out[k] = v
	}
	for k, v := range emergencySchemas() { // openapi_emergency.go
		out[k] = v
	}
	for k, v := range rosterSchemas() { // openapi_emergency.go
		out[k] = v
	}
	for k, v := range deliverySchemas() { // delivery.go
		out[k] = v
	}
	for k, v := range overtimeSchemas() { // worktime_overtime.go
		out[k] = v
	}
	for k, v := range planSharingSchemas() { // worktime_sharing.go
		out[k] = v
	}
	out["ApplicationRefusal"] = problemWith(out["Problem"].(map[string]any), out["ApplicationRefusal"].(map[string]any))
	return out
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func problemResponse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{
		"application/problem+json": map[string]any{"schema": ref("Problem")}}}
}

// openAPIDocument builds the document from the API routes.
func (s *API) openAPIDocument() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.table() {
		if rt.API == nil {
			continue
		}
		op := rt.API
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64"}})
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Desc, "schema": map[string]any{"type": q.Type}})
		}
		if op.IfMatch {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "description": "the ETag from GET", "schema": map[string]any{"type": "string"}})
		}
		if op.SeenVersion {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false, "description": "the ETag the caller saw; another change since gives 409", "schema": map[string]any{"type": "string"}})
		}
		if op.Idempotent {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false, "description": "retry-safe key (up to 200 characters)", "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		params = append(params, map[string]any{"name": "Accept-Language", "in": "header", "required": false, "description": "ja (default) or en for messages", "schema": map[string]any{"type": "string"}})
		status := op.Status
		if status == 0 {
			status = 200
		}
		responses := map[string]any{
			"401":     problemResponse("not signed in, or the token is invalid, expired or revoked"),
			"403":     problemResponse("the caller's roles do not allow this"),
			"default": problemResponse("error"),
		}
		ok := map[string]any{"description": "success"}
		if op.Resp != "" {
			schema := ref(op.Resp)
			if op.List {
				schema = obj([]string{"items", "total"}, map[string]any{
					"items":       map[string]any{"type": "array", "items": ref(op.Resp)},
					"next_cursor": str("pass as ?cursor= for the next page; absent on the last page"),
					"total":       map[string]any{"type": "integer"},
				})
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
		}
		if len(op.RespTypes) > 0 {
			content := map[string]any{}
			for _, mt := range op.RespTypes {
				content[mt] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": mt}}
			}
			ok["content"] = content
		}
		responses[itoa(int64(status))] = ok
		if strings.Contains(rt.Pattern, "{") {
			responses["404"] = problemResponse("no such object in your organisation")
		}
		if op.Body != "" || len(op.BodyTypes) > 0 {
			responses["422"] = problemResponse("invalid input; errors[] names each field")
		}
		if op.Refusal != "" {
			responses["422"] = map[string]any{"description": "refused by the rules or for its input: findings[], days[] and skipped[] " +
				"besides errors[] (a reused Idempotency-Key with another body is plain problem details)",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": ref(op.Refusal)}}}
		}
		var conflict []string
		if op.Conflict != "" {
			conflict = append(conflict, op.Conflict)
		}
		if op.Idempotent {
			conflict = append(conflict, "a request with the same Idempotency-Key is still being answered (retry)")
		}
		if len(conflict) > 0 {
			responses["409"] = problemResponse(strings.Join(conflict, "; or "))
		}
		if len(op.BodyTypes) > 0 {
			responses["429"] = problemResponse("too many imports at once on this server or for your organisation; retry after Retry-After seconds")
		}
		if op.IfMatch {
			responses["412"] = problemResponse("the object changed since your GET (stale If-Match)")
			responses["428"] = problemResponse("If-Match is required")
		}
		o := map[string]any{"operationId": op.ID, "summary": op.Summary, "tags": []string{op.Tag}, "responses": responses,
			"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": !op.OptionalBody, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.Body)}}}
		}
		if len(op.BodyTypes) > 0 {
			content := map[string]any{}
			for _, mt := range op.BodyTypes {
				content[mt] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": mt}}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		item[strings.ToLower(rt.Method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "telework API", "version": telemetry.Version,
			"description": "テレワーク推進システムの API。認証は個人の API トークン (Authorization: Bearer tw_…)。エラーは RFC 9457 形式で、Accept-Language により日本語または英語。"},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "personal API token (tw_…)"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": route.SessionCookie},
			},
		},
	}
}

// OpenAPIJSON is the document as served, built once per server from its
// own route table.
func (s *API) OpenAPIJSON() []byte {
	s.openAPIOnce.Do(func() {
		s.openAPIJSON, _ = json.MarshalIndent(s.openAPIDocument(), "", "  ")
	})
	return s.openAPIJSON
}

func (s *API) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(s.OpenAPIJSON())
}

// DocOp is one operation as the documentation page lists it.
type DocOp struct {
	Method, Path, Summary, Body, Resp, Status string
	Params                                    []route.Param
	List, IfMatch, Idempotent                 bool
	Rule                                      string
}

// DocSchema is one schema with its JSON for the documentation page.
type DocSchema struct{ Name, JSON string }

// Docs lists every operation with its parameters and shapes, for the
// page that documents the API to people (no JavaScript, nothing from
// outside).
func (s *API) Docs() ([]DocOp, []DocSchema) {
	var ops []DocOp
	for _, rt := range s.table() {
		if rt.API == nil {
			continue
		}
		st := rt.API.Status
		if st == 0 {
			st = 200
		}
		ov := DocOp{Method: rt.Method, Path: rt.Pattern, Summary: rt.API.Summary, Body: rt.API.Body, Resp: rt.API.Resp,
			Status: itoa(int64(st)), Params: rt.API.Query, List: rt.API.List, IfMatch: rt.API.IfMatch, Idempotent: rt.API.Idempotent}
		switch {
		case rt.Rule.Operator:
			ov.Rule = "operator"
		case rt.Rule.AnyUser, rt.Rule.Signed:
			ov.Rule = "any"
		default:
			var rs []string
			for _, x := range rt.Rule.Roles {
				rs = append(rs, string(x))
			}
			if rt.Rule.AlsoOperator {
				rs = append(rs, "operator")
			}
			ov.Rule = strings.Join(rs, ", ")
		}
		ops = append(ops, ov)
	}
	sc := schemas()
	names := make([]string, 0, len(sc))
	for n := range sc {
		names = append(names, n)
	}
	sort.Strings(names)
	var svs []DocSchema
	for _, n := range names {
		b, _ := json.MarshalIndent(sc[n], "", "  ")
		svs = append(svs, DocSchema{n, string(b)})
	}
	return ops, svs
}
