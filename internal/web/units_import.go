package web

import (
	"errors"
	"io"
	"net/http"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/orgio"
	"telework/internal/staffio"
	"telework/internal/tabular"
)

// The organisation import and export (issue 9 §3): HR uploads the unit
// list (CSV or xlsx), sees every problem or the plan (units created,
// renamed or moved, closed), and confirms; the file waits in the database
// so any node can take the confirmation. The export writes the same
// columns.

func (s *Server) unitImportRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/units/import", Rule: hrOnly, Handler: s.unitImportPage},
		{Method: "POST", Pattern: "/units/import", Rule: hrOnly, Handler: s.unitImportUpload, MaxBody: importMaxBody},
		{Method: "POST", Pattern: "/units/import/confirm", Rule: hrOnly, Handler: s.unitImportConfirm},
		// POST: an export writes an audit entry.
		{Method: "POST", Pattern: "/units/export", Rule: hrOnly, Handler: s.unitExport},
	}
}

type unitImportItem struct {
	Line    int
	Code    string
	Name    string
	Parent  string // the parent's code, for new units
	Changes []orgio.FieldChange
}

type unitImportSection struct {
	Key   string
	ID    string
	Items []unitImportItem
	More  int
}

type unitImportView struct {
	FileName     string
	Summary      orgio.Summary
	Problems     []importMsg
	ProblemCount int
	Warnings     []importMsg
	Sections     []unitImportSection
	ImportID     int64
	Digest       string
	CanConfirm   bool
	Nothing      bool
	Notice       string
}

func unitSection(key, id string, items []*orgio.Item, withParent bool) unitImportSection {
	sec := unitImportSection{Key: key, ID: id}
	for i, it := range items {
		if i == importShown {
			sec.More = len(items) - i
			break
		}
		row := unitImportItem{Line: it.Line, Code: it.After.Code, Name: it.After.Name, Changes: it.Changes}
		if withParent {
			row.Parent = it.ParentCode
		}
		sec.Items = append(sec.Items, row)
	}
	return sec
}

func newUnitImportView(plan *orgio.Plan, name, lang string) *unitImportView {
	v := &unitImportView{FileName: name, Summary: plan.Summary(name), Problems: msgs(plan.Problems, lang), Warnings: msgs(plan.Warnings, lang)}
	v.ProblemCount = len(v.Problems)
	if len(v.Problems) > 2*importShown {
		v.Problems = v.Problems[:2*importShown]
	}
	v.Sections = []unitImportSection{
		unitSection("golive.units_creates", "creates", plan.Creates, true),
		unitSection("golive.units_changes", "changes", plan.Changes, false),
		unitSection("golive.units_retires", "retires", plan.Retires, false),
	}
	v.Nothing = plan.OK() && plan.Empty()
	return v
}

func unitImportData(extra map[string]any) map[string]any {
	d := map[string]any{"Formats": tabular.Formats, "Columns": orgio.Columns}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func (s *Server) unitImportPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	data := unitImportData(nil)
	if id := int64OrZero(r.URL.Query().Get("done")); id > 0 {
		if sum, err := s.svc.Orgio.UploadResult(r.Context(), p.TenantID, actorOf(p), id); err == nil {
			data["Done"] = sum
		}
	}
	s.render(w, r, http.StatusOK, "units_import", "golive.units_title", data, nil)
}

func (s *Server) unitImportError(w http.ResponseWriter, r *http.Request, status int, err error) {
	s.render(w, r, status, "units_import", "golive.units_title", unitImportData(nil), err)
}

// readUploadedFile reads the "file" field of a multipart form within
// importMaxBody (the staff and units imports); on failure it returns the
// status and the message key of the file field.
func readUploadedFile(r *http.Request) (name string, data []byte, status int, key string) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, http.StatusRequestEntityTooLarge, "import.too_large"
		}
		return "", nil, http.StatusBadRequest, "import.no_file"
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, http.StatusUnprocessableEntity, "import.no_file"
	}
	defer fh.Close()
	data, err = io.ReadAll(io.LimitReader(fh, importMaxBody+1))
	switch {
	case err != nil || len(data) > importMaxBody:
		return "", nil, http.StatusRequestEntityTooLarge, "import.too_large"
	case len(data) == 0:
		// A file was chosen but holds nothing: saying "choose a file"
		// would send the person looking for a button they pressed.
		return "", nil, http.StatusUnprocessableEntity, "import.empty_file"
	}
	return cleanFileName(hdr.Filename), data, 0, ""
}

func fileFieldErr(key string) error {
	var v apperr.Validation
	v.Add("file", key, nil)
	return v.Err()
}

func (s *Server) unitImportUpload(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	name, data, status, key := readUploadedFile(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if key != "" {
		s.unitImportError(w, r, status, fileFieldErr(key))
		return
	}
	file := orgio.File{Name: name, Data: data}
	plan, imp, err := s.svc.Orgio.Upload(r.Context(), p.TenantID, actorOf(p), file)
	if v, busy := uploadBusy(w, err); busy {
		s.unitImportError(w, r, http.StatusTooManyRequests, v.Err())
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := newUnitImportView(plan, file.Name, lang(r))
	if !plan.OK() {
		s.render(w, r, http.StatusUnprocessableEntity, "units_import_preview", "golive.units_preview_title", v,
			&apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": len(plan.Problems)}})
		return
	}
	if imp != nil {
		v.ImportID, v.Digest, v.CanConfirm = imp.ID, plan.Digest(), true
	}
	s.render(w, r, http.StatusOK, "units_import_preview", "golive.units_preview_title", v, nil)
}

func (s *Server) unitImportConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id := int64OrZero(r.PostFormValue("import_id"))
	imp, plan, err := s.svc.Orgio.Confirm(r.Context(), p.TenantID, actorOf(p), id, r.PostFormValue("digest"))
	if v, busy := uploadBusy(w, err); busy {
		s.unitImportError(w, r, http.StatusTooManyRequests, v.Err())
		return
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/units/import?done="+itoa(imp.ID), "flash.import_done")
	case staffio.IsAlreadyApplied(err):
		http.Redirect(w, r, "/units/import?done="+itoa(imp.ID), http.StatusSeeOther)
	case apperr.CodeOf(err) == apperr.NotFound:
		s.unitImportError(w, r, http.StatusGone, fileFieldErr("import.expired"))
	case staffio.IsPlanChanged(err):
		v := newUnitImportView(plan, imp.Filename, lang(r))
		v.ImportID, v.Digest, v.CanConfirm, v.Notice = imp.ID, plan.Digest(), !plan.Empty(), "golive.units_plan_changed"
		s.render(w, r, http.StatusConflict, "units_import_preview", "golive.units_preview_title", v, nil)
	case plan != nil && !plan.OK():
		s.render(w, r, http.StatusUnprocessableEntity, "units_import_preview", "golive.units_preview_title",
			newUnitImportView(plan, imp.Filename, lang(r)),
			&apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": len(plan.Problems)}})
	case apperr.CodeOf(err) == apperr.Conflict:
		s.fail(w, r, err)
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) unitExport(w http.ResponseWriter, r *http.Request) {
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
	if e := apperr.As(err); e != nil && e.Key == "export.cp932_substituted" {
		var v apperr.Validation
		v.Add("format", e.Key, e.Args)
		s.render(w, r, http.StatusUnprocessableEntity, "units_import", "golive.units_title",
			unitImportData(map[string]any{"Substitute": map[string]any{"Format": f, "Lines": e.Args["Lines"]}}), v.Err())
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
