package web

import (
	"net/http"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/route"
	"telework/internal/staffio"
	"telework/internal/tabular"
)

// Staff import and export (issue 5): HR uploads a CSV or xlsx file, sees
// every problem or the plan (who is created, what changes, who retires),
// and confirms; the file waits for the confirmation in the database, so
// any node can take it. Export writes the same columns.

// importMaxBody caps an upload: 50,000 staff as xlsx or CSV are a few MB.
const importMaxBody = 30 << 20

// importShown caps the rows a page lists per section; the counts are
// always complete, and the CLI and API list everything.
const importShown = 500

// importRoutes are the routes of the import feature (issue 5).
func (s *Server) importRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/staff/import", Rule: hrOnly, Handler: s.importPage},
		{Method: "POST", Pattern: "/staff/import", Rule: hrOnly, Handler: s.importUpload, MaxBody: importMaxBody},
		{Method: "POST", Pattern: "/staff/import/confirm", Rule: hrOnly, Handler: s.importConfirm},
		// POST: an export writes an audit entry, and a GET must have no
		// effect (a link or a prefetch would export).
		{Method: "POST", Pattern: "/staff/export", Rule: hrOnly, Handler: s.exportStaffPage},
	}
}

// importMsg is one problem or warning as a page shows it; the same
// message on the same column in several rows is one line (Lines "2, 5, 9").
type importMsg struct {
	Line    int
	Lines   string
	Count   int
	Column  string
	Message string
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

type importSection struct {
	Key   string // i18n key of the heading
	ID    string
	Items []importItem
	More  int
}

type importView struct {
	FileName     string
	Summary      staffio.Summary
	Problems     []importMsg
	ProblemCount int // how many problems in all
	Warnings     []importMsg
	Sections     []importSection
	ImportID     int64
	Digest       string
	CanConfirm   bool
	Nothing      bool
	Notice       string // i18n key of a notice above the plan
	// A full roster that retires many people: the number to type.
	NeedsConfirm bool
	RetireCount  int
	Active       int
}

func msgs(list []staffio.Problem, lang string) []importMsg {
	groups := staffio.GroupProblems(list, lang)
	out := make([]importMsg, len(groups))
	for i, g := range groups {
		m := importMsg{Column: g.Column, Message: g.Message, Count: len(g.Lines)}
		if len(g.Lines) > 0 {
			m.Line = g.Lines[0]
		}
		if len(g.Lines) > 1 {
			m.Lines = g.LineList()
		}
		out[i] = m
	}
	return out
}

func section(key, id string, items []*staffio.Item) importSection {
	sec := importSection{Key: key, ID: id}
	for i, it := range items {
		if i == importShown {
			sec.More = len(items) - i
			break
		}
		sec.Items = append(sec.Items, importItem{Line: it.Line, StaffNo: it.After.StaffNo, Name: it.After.Name, Absent: it.Absent,
			Effective: it.Effective, Scheduled: it.Scheduled, Changes: it.Changes})
	}
	return sec
}

func newImportView(plan *staffio.Plan, name, lang string) *importView {
	v := &importView{FileName: name, Summary: plan.Summary(name), Problems: msgs(plan.Problems, lang), Warnings: msgs(plan.Warnings, lang),
		NeedsConfirm: plan.NeedsRetirementConfirm(), RetireCount: len(plan.Retires), Active: plan.Active}
	v.ProblemCount = len(plan.Problems)
	if n := len(v.Problems); n > 2*importShown {
		// The count in the caption stays the total; the rest is in the
		// CLI's and the API's answer.
		v.Problems = v.Problems[:2*importShown]
	}
	v.Sections = []importSection{
		section("import.creates", "creates", plan.Creates),
		section("import.changes", "changes", plan.Changes),
		section("import.retires", "retires", plan.Retires),
		section("import.reinstates", "reinstates", plan.Reinstates),
	}
	v.Nothing = plan.OK() && plan.Empty()
	return v
}

// importPage shows the upload form, the export form and, after a
// confirmation, what was done.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	data := map[string]any{"Formats": tabular.Formats, "Columns": staffio.Columns}
	if id := int64OrZero(r.URL.Query().Get("done")); id > 0 {
		if sum, err := s.svc.Staffio.UploadResult(r.Context(), p.TenantID, actorOf(p), id); err == nil {
			data["Done"] = sum
		}
	}
	s.render(w, r, http.StatusOK, "staff_import", "import.title", data, nil)
}

// uploadBusy answers an import refused because the node or the tenant
// already runs as many as it admits: 429 with Retry-After and the reason on
// the file field. It reports whether err was that refusal.
func uploadBusy(w http.ResponseWriter, err error) (apperr.Validation, bool) {
	var v apperr.Validation
	secs, busy := tabular.IsBusy(err)
	if !busy {
		return v, false
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	v.Add("file", "upload.busy", apperr.As(err).Args)
	return v, true
}

func (s *Server) importFormError(w http.ResponseWriter, r *http.Request, status int, key string) {
	var v apperr.Validation
	v.Add("file", key, nil)
	s.render(w, r, status, "staff_import", "import.title", map[string]any{"Formats": tabular.Formats, "Columns": staffio.Columns}, v.Err())
}

// importUpload reads the file, plans it, keeps it for the confirmation and
// shows the preview.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	name, data, status, key := readUploadedFile(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if key != "" {
		s.importFormError(w, r, status, key)
		return
	}
	full := r.PostFormValue("full") == "1"
	file := staffio.File{Name: name, Data: data}
	plan, imp, err := s.svc.Staffio.Upload(r.Context(), p.TenantID, actorOf(p), file, staffio.Options{Full: full})
	if v, busy := uploadBusy(w, err); busy {
		s.render(w, r, http.StatusTooManyRequests, "staff_import", "import.title", map[string]any{"Formats": tabular.Formats, "Columns": staffio.Columns}, v.Err())
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := newImportView(plan, file.Name, lang(r))
	if !plan.OK() {
		// Nothing is kept of a refused file.
		s.render(w, r, http.StatusUnprocessableEntity, "staff_import_preview", "import.preview_title", v,
			&apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": len(plan.Problems)}})
		return
	}
	if imp != nil {
		v.ImportID, v.Digest, v.CanConfirm = imp.ID, plan.Digest(), true
	}
	s.render(w, r, http.StatusOK, "staff_import_preview", "import.preview_title", v, nil)
}

// importConfirm applies a previewed file after reading it again against
// the data as it is now.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id := int64OrZero(r.PostFormValue("import_id"))
	imp, plan, err := s.svc.Staffio.Confirm(r.Context(), p.TenantID, actorOf(p), id, r.PostFormValue("digest"), confirmNumber(r.PostFormValue("confirm_retirements")))
	lng := lang(r)
	if v, busy := uploadBusy(w, err); busy {
		s.render(w, r, http.StatusTooManyRequests, "staff_import", "import.title", map[string]any{"Formats": tabular.Formats, "Columns": staffio.Columns}, v.Err())
		return
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/staff/import?done="+itoa(imp.ID), "flash.import_done")
	case staffio.IsAlreadyApplied(err):
		// A double click, or another node was first: show what was done.
		http.Redirect(w, r, "/staff/import?done="+itoa(imp.ID), http.StatusSeeOther)
	case apperr.CodeOf(err) == apperr.NotFound:
		s.importFormError(w, r, http.StatusGone, "import.expired")
	case staffio.IsRetirementConfirm(err) && plan != nil:
		// The number of retirements was not typed (or not that number):
		// the same preview again, the field marked.
		v := newImportView(plan, imp.Filename, lng)
		v.ImportID, v.Digest, v.CanConfirm = imp.ID, plan.Digest(), true
		s.render(w, r, http.StatusUnprocessableEntity, "staff_import_preview", "import.preview_title", v, err)
	case staffio.IsPlanChanged(err):
		// The data changed since the preview: show the new plan and let
		// the person confirm that one instead.
		v := newImportView(plan, imp.Filename, lng)
		v.ImportID, v.Digest, v.CanConfirm, v.Notice = imp.ID, plan.Digest(), !plan.Empty(), "import.plan_changed"
		s.render(w, r, http.StatusConflict, "staff_import_preview", "import.preview_title", v, nil)
	case plan != nil && !plan.OK():
		s.render(w, r, http.StatusUnprocessableEntity, "staff_import_preview", "import.preview_title", newImportView(plan, imp.Filename, lng),
			&apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": len(plan.Problems)}})
	case apperr.CodeOf(err) == apperr.Conflict:
		s.fail(w, r, err) // someone saved a record while the import ran
	default:
		s.serverError(w, r, err)
	}
}

func cleanFileName(name string) string { return route.CleanFileName(name) }

func writeDownload(w http.ResponseWriter, f tabular.Format, name string, data []byte) {
	route.Download(w, f.ContentType(), name, data)
}

// exportStaffPage downloads the export (a POST form on the import page).
// A CP932 export with characters the encoding lacks first shows the rows
// and asks whether to write them as 〓.
func (s *Server) exportStaffPage(w http.ResponseWriter, r *http.Request) {
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
	if e := apperr.As(err); e != nil && e.Key == "export.cp932_substituted" {
		var v apperr.Validation
		v.Add("format", e.Key, e.Args)
		s.render(w, r, http.StatusUnprocessableEntity, "staff_import", "import.title", map[string]any{"Formats": tabular.Formats,
			"Columns": staffio.Columns, "Substitute": map[string]any{"Format": f, "Sensitive": opt.Sensitive, "Lines": e.Args["Lines"]}}, v.Err())
		return
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.render(w, r, http.StatusUnprocessableEntity, "error", "error.conflict",
				map[string]any{"Status": http.StatusUnprocessableEntity, "Message": i18n.Error(lang(r), err)}, nil)
			return
		}
		s.serverError(w, r, err)
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
