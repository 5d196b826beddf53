package api

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/orgio"
	"telework/internal/route"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// The organisation import and export (issue 9 §3) for programs: the same
// file, the same plan and the same all-or-nothing answer as the pages.

func (s *API) unitImportRoutes() []route.Route {
	formatParam := route.Param{Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)"}
	return []route.Route{
		{Method: "POST", Pattern: "/api/v1/units/import", Rule: route.HROnly, Handler: s.apiImportUnits, MaxBody: MaxImportBytes,
			API: &route.Op{ID: "importUnits", Tag: "units", Resp: "UnitImportResult", Idempotent: true,
				Summary: "Import the organisation (units by code: name, level, parent by code or path, order, closed, effective date) from a " +
					"CSV (UTF-8 or Shift_JIS) or xlsx file: all rows or none; dry_run=true only plans",
				BodyTypes: []string{"text/csv", tabular.XLSXContentType},
				Query:     []route.Param{{Name: "dry_run", Type: "boolean", Desc: "plan only, write nothing (default false)"}}}},
		{Method: "POST", Pattern: "/api/v1/units/export", Rule: route.HROnly, Handler: s.apiExportUnits,
			API: &route.Op{ID: "exportUnits", Tag: "units", Summary: "Export every unit (closed ones included) with the importer's column headers (audited); in csv-sjis characters CP932 lacks are written as 〓 and their rows listed in the Telework-Substituted-Lines header",
				RespTypes: []string{"text/csv", tabular.XLSXContentType}, Query: []route.Param{formatParam}}},
		{Method: "GET", Pattern: "/api/v1/units/export", Rule: route.HROnly, Handler: s.apiExportUnits,
			API: &route.Op{ID: "exportUnitsWithToken", Tag: "units", Summary: "The same export by GET, for read-only API tokens (which may only GET); prefer POST",
				RespTypes: []string{"text/csv", tabular.XLSXContentType}, Query: []route.Param{formatParam}}},
	}
}

type unitImportItemJSON struct {
	Line       int                `json:"line"`
	ID         int64              `json:"id,omitempty"`
	Code       string             `json:"code"`
	Name       string             `json:"name"`
	ParentCode string             `json:"parent_code,omitempty"`
	Changes    []importChangeJSON `json:"changes,omitempty"`
}

type unitImportResultJSON struct {
	DryRun   bool                 `json:"dry_run"`
	Applied  bool                 `json:"applied"`
	Summary  orgio.Summary        `json:"summary"`
	Created  []unitImportItemJSON `json:"created"`
	Changed  []unitImportItemJSON `json:"changed"`
	Retired  []unitImportItemJSON `json:"retired"`
	Warnings []problemField       `json:"warnings"`
}

func unitImportItems(items []*orgio.Item) []unitImportItemJSON {
	out := make([]unitImportItemJSON, 0, len(items))
	for _, it := range items {
		j := unitImportItemJSON{Line: it.Line, ID: it.After.ID, Code: it.After.Code, Name: it.After.Name, ParentCode: it.ParentCode}
		for _, c := range it.Changes {
			j.Changes = append(j.Changes, importChangeJSON{c.Field, c.Column, c.Before, c.After, false})
		}
		out = append(out, j)
	}
	return out
}

func unitImportSchema() map[string]any {
	change := obj([]string{"field", "column", "before", "after"}, map[string]any{
		"field": str("field key (name, level, parent, parent_code, sort_order)"), "column": str("column header"),
		"before": str("stored value as the file writes it"), "after": str("value from the file"),
		"sensitive": boolean("never set for units")})
	item := obj([]string{"line", "code", "name"}, map[string]any{
		"line": integer("row in the file as Excel numbers it"), "id": integer("unit id (after applying)"),
		"code": str("所属コード"), "name": str("所属名"), "parent_code": str("the parent's code (new units)"),
		"changes": map[string]any{"type": "array", "items": change}})
	list := map[string]any{"type": "array", "items": item}
	summary := obj([]string{"file", "sha256", "encoding", "rows", "created", "changed", "retired", "unchanged"},
		map[string]any{"file": str("file name"), "sha256": str("SHA-256 of the file"), "encoding": str("UTF-8, UTF-8 (BOM), CP932 or xlsx"),
			"sheet": str("worksheet read (xlsx)"), "rows": integer("data rows"), "created": integer("new units"),
			"changed": integer("units renamed, moved or reordered"), "retired": integer("units closed"), "unchanged": integer("rows identical to the stored unit")})
	warning := obj([]string{"field", "detail"}, map[string]any{"field": str("column key or file"), "detail": str("message"),
		"line": integer("row"), "column": str("column header")})
	return obj([]string{"dry_run", "applied", "summary", "created", "changed", "retired", "warnings"}, map[string]any{
		"dry_run": boolean("only planned"), "applied": boolean("written"), "summary": summary,
		"created": list, "changed": list, "retired": list, "warnings": map[string]any{"type": "array", "items": warning}})
}

func (s *API) apiImportUnits(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	dry := queryBool(r, "dry_run", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	runImport(s, w, r, func(file tableimport.File) (*orgio.Plan, error) {
		if dry {
			return s.svc.Orgio.Preview(r.Context(), p.TenantID, file)
		}
		return s.svc.Orgio.Apply(r.Context(), p.TenantID, actorOf(p), file)
	}, func(plan *orgio.Plan) []orgio.Problem { return plan.Problems }, func(plan *orgio.Plan, name, lang string) any {
		return unitImportResultJSON{DryRun: dry, Applied: !dry, Summary: plan.Summary(name),
			Created: unitImportItems(plan.Creates), Changed: unitImportItems(plan.Changes), Retired: unitImportItems(plan.Retires),
			Warnings: problemFields(plan.Warnings, lang)}
	})
}

// apiExportUnits exports by POST, and by GET for read-only tokens (see
// apiExportStaff). A program cannot answer a question: characters CP932
// lacks are written as 〓 and their rows named in a header.
func (s *API) apiExportUnits(w http.ResponseWriter, r *http.Request) {
	f := tabular.XLSX
	if q := r.URL.Query().Get("format"); q != "" {
		var ok bool
		if f, ok = tabular.ParseFormat(q); !ok {
			var v apperr.Validation
			v.Add("format", "field.choice", nil)
			s.apiFail(w, r, v.Err())
			return
		}
	}
	p := principal(r)
	file, err := s.svc.Orgio.Export(r.Context(), p.TenantID, actorOf(p), f, true)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, f, file.Name, file.Data, file.Substituted)
}
