package web

import (
	"net/http"

	"telework/internal/auth"
	"telework/internal/orgio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// The organisation import and export (issue 9 §3), on the import pages'
// flow (import_flow.go): HR uploads the unit list (CSV or xlsx), sees
// every problem or the plan (units created, renamed or moved, closed), and
// confirms. The export writes the same columns.

func (s *Server) unitImportRoutes() []Route {
	pg := &importPages[orgio.Plan, *orgio.Plan]{s: s,
		form: "units_import", title: "golive.units_title", preview: "units_import_preview", previewTitle: "golive.units_preview_title",
		path: "/units/import", planChanged: "golive.units_plan_changed", columns: orgio.Columns,
		view: func(plan *orgio.Plan, name, lang string) importPreview { return newUnitImportView(plan, name, lang) },
		upload: func(r *http.Request, p *auth.Principal, f tableimport.File) (*orgio.Plan, *tableimport.Upload, error) {
			return s.svc.Orgio.Upload(r.Context(), p.TenantID, actorOf(p), f)
		},
		confirm: func(r *http.Request, p *auth.Principal, id int64, digest string) (*tableimport.Upload, *orgio.Plan, error) {
			return s.svc.Orgio.Confirm(r.Context(), p.TenantID, actorOf(p), id, digest)
		},
		result: func(r *http.Request, p *auth.Principal, id int64) (any, error) {
			return s.svc.Orgio.UploadResult(r.Context(), p.TenantID, actorOf(p), id)
		},
	}
	return []Route{
		{Method: "GET", Pattern: "/units/import", Rule: hrOnly, Handler: pg.page},
		{Method: "POST", Pattern: "/units/import", Rule: hrOnly, Handler: pg.uploadPage, MaxBody: importMaxBody},
		{Method: "POST", Pattern: "/units/import/confirm", Rule: hrOnly, Handler: pg.confirmPage},
		// POST: an export writes an audit entry.
		{Method: "POST", Pattern: "/units/export", Rule: hrOnly, Handler: func(w http.ResponseWriter, r *http.Request) { s.unitExport(pg, w, r) }},
	}
}

type unitImportItem struct {
	Line    int
	Code    string
	Name    string
	Parent  string // the parent's code, for new units
	Changes []orgio.FieldChange
}

type unitImportView struct {
	importHead
	Summary  orgio.Summary
	Sections []importSection[unitImportItem]
}

func unitSection(key, id string, items []*orgio.Item, withParent bool) importSection[unitImportItem] {
	return section(key, id, items, func(it *orgio.Item) unitImportItem {
		row := unitImportItem{Line: it.Line, Code: it.After.Code, Name: it.After.Name, Changes: it.Changes}
		if withParent {
			row.Parent = it.ParentCode
		}
		return row
	})
}

func newUnitImportView(plan *orgio.Plan, name, lang string) *unitImportView {
	// The caption counts the problems as listed (the same reason on the
	// same column in several rows once), where the staff preview counts
	// every row.
	problems := msgs(plan.Problems, lang)
	v := &unitImportView{importHead: newImportHead(plan, name, problems, msgs(plan.Warnings, lang), len(problems)), Summary: plan.Summary(name)}
	v.Sections = []importSection[unitImportItem]{
		unitSection("golive.units_creates", "creates", plan.Creates, true),
		unitSection("golive.units_changes", "changes", plan.Changes, false),
		unitSection("golive.units_retires", "retires", plan.Retires, false),
	}
	return v
}

func (s *Server) unitExport(pg *importPages[orgio.Plan, *orgio.Plan], w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f, ok := tabular.ParseFormat(r.PostFormValue("format"))
	if !ok {
		s.renderStatus(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	p := principal(r)
	file, err := s.svc.Orgio.Export(r.Context(), p.TenantID, actorOf(p), f, r.PostFormValue("substitute") == "1")
	if pg.exportFailed(w, r, err, map[string]any{"Format": f}) {
		return
	}
	writeDownload(w, f, file.Name, file.Data)
}
