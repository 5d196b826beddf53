package web

import (
	"net/http"
	"strconv"
	"strings"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/route"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Staff import and export (issue 5), on the import pages' flow
// (import_flow.go): the preview also lists who retires and who is back in
// service, and a full roster that retires many people asks for their number.

// importRoutes are the routes of the import feature (issue 5).
func (s *Server) importRoutes() []Route {
	pg := s.staffImportPages()
	return []Route{
		{Method: "GET", Pattern: "/staff/import", Rule: hrOnly, Handler: pg.page},
		{Method: "POST", Pattern: "/staff/import", Rule: hrOnly, Handler: pg.uploadPage, MaxBody: importMaxBody},
		{Method: "POST", Pattern: "/staff/import/confirm", Rule: hrOnly, Handler: pg.confirmPage},
		// POST: an export writes an audit entry, and a GET must have no
		// effect (a link or a prefetch would export).
		{Method: "POST", Pattern: "/staff/export", Rule: hrOnly, Handler: func(w http.ResponseWriter, r *http.Request) { s.exportStaffPage(pg, w, r) }},
	}
}

func (s *Server) staffImportPages() *importPages[staffio.Plan, *staffio.Plan] {
	return &importPages[staffio.Plan, *staffio.Plan]{s: s,
		form: "staff_import", title: "import.title", preview: "staff_import_preview", previewTitle: "import.preview_title",
		path: "/staff/import", planChanged: "import.plan_changed", columns: staffio.Columns,
		view: func(plan *staffio.Plan, name, lang string) importPreview { return newImportView(plan, name, lang) },
		upload: func(r *http.Request, p *auth.Principal, f tableimport.File) (*staffio.Plan, *tableimport.Upload, error) {
			return s.svc.Staffio.Upload(r.Context(), p.TenantID, actorOf(p), f, staffio.Options{Full: r.PostFormValue("full") == "1"})
		},
		confirm: func(r *http.Request, p *auth.Principal, id int64, digest string) (*tableimport.Upload, *staffio.Plan, error) {
			return s.svc.Staffio.Confirm(r.Context(), p.TenantID, actorOf(p), id, digest, confirmNumber(r.PostFormValue("confirm_retirements")))
		},
		result: func(r *http.Request, p *auth.Principal, id int64) (any, error) {
			return s.svc.Staffio.UploadResult(r.Context(), p.TenantID, actorOf(p), id)
		},
		again: staffio.IsRetirementConfirm,
	}
}

// importItem is one row of the plan as a page shows it.
type importItem struct {
	Line      int
	StaffNo   string
	Name      string
	Absent    bool
	Effective calendar.Date
	Scheduled bool
	Changes   []staffio.FieldChange
}

type importView struct {
	importHead
	Summary  staffio.Summary
	Sections []importSection[importItem]
	// A full roster that retires many people: the number to type.
	NeedsConfirm bool
	RetireCount  int
	Active       int
}

func staffSection(key, id string, items []*staffio.Item) importSection[importItem] {
	return section(key, id, items, func(it *staffio.Item) importItem {
		return importItem{Line: it.Line, StaffNo: it.After.StaffNo, Name: it.After.Name, Absent: it.Absent,
			Effective: it.Effective, Scheduled: it.Scheduled, Changes: it.Changes}
	})
}

func newImportView(plan *staffio.Plan, name, lang string) *importView {
	v := &importView{importHead: newImportHead(plan, name, msgs(plan.Problems, lang), msgs(plan.Warnings, lang), len(plan.Problems)),
		Summary: plan.Summary(name), NeedsConfirm: plan.NeedsRetirementConfirm(), RetireCount: len(plan.Retires), Active: plan.Active}
	v.Sections = []importSection[importItem]{
		staffSection("import.creates", "creates", plan.Creates),
		staffSection("import.changes", "changes", plan.Changes),
		staffSection("import.retires", "retires", plan.Retires),
		staffSection("import.reinstates", "reinstates", plan.Reinstates),
	}
	return v
}

func cleanFileName(name string) string { return route.CleanFileName(name) }

func writeDownload(w http.ResponseWriter, f tabular.Format, name string, data []byte) {
	route.Download(w, f.ContentType(), name, data)
}

// exportStaffPage downloads the export (a POST form on the import page).
// A CP932 export with characters the encoding lacks first shows the rows
// and asks whether to write them as 〓.
func (s *Server) exportStaffPage(pg *importPages[staffio.Plan, *staffio.Plan], w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f, ok := tabular.XLSX, true // the default: what the clerk opens
	if v := r.PostFormValue("format"); v != "" {
		f, ok = tabular.ParseFormat(v)
	}
	if !ok {
		s.renderStatus(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	p := principal(r)
	opt := staffio.ExportOptions{Sensitive: r.PostFormValue("sensitive") == "1", Substitute: r.PostFormValue("substitute") == "1"}
	file, err := s.svc.Staffio.Export(r.Context(), p.TenantID, actorOf(p), f, opt)
	if pg.exportFailed(w, r, err, map[string]any{"Format": f, "Sensitive": opt.Sensitive}) {
		return
	}
	writeDownload(w, f, file.Name, file.Data)
}

// confirmNumber reads the typed number of retirements (全角 digits and
// 1,200 with commas included); 0 when blank or unreadable.
func confirmNumber(v string) int {
	v = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == ',' || r == '，' || r == ' ' || r == '　':
			return -1
		}
		return r
	}, v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
