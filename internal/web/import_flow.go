package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// The pages of a table import (staff, units) follow one flow: HR uploads a
// file, sees every problem or the plan, and confirms; the file waits for
// the confirmation in the database, so any node can take it. An export
// writes the same columns. importPages holds that flow once; what differs
// (the service calls, templates, title keys, notices) is given to it.

// importMaxBody caps an upload: 50,000 staff as xlsx or CSV are a few MB.
const importMaxBody = 30 << 20

// importShown caps the rows a page lists per section; the counts are
// always complete, and the CLI and API list everything.
const importShown = 500

// importPlan is what the pages read of a plan (*staffio.Plan, *orgio.Plan).
type importPlan[T any] interface {
	*T
	tableimport.Plan
}

// importPages is one import's pages.
type importPages[T any, P importPlan[T]] struct {
	s *Server
	// form and title are the upload page's template and title key,
	// preview and previewTitle the preview's.
	form, title, preview, previewTitle string
	// path is the upload page, shown with ?done= after a confirmation.
	path string
	// planChanged is the i18n key of the notice over a plan that changed
	// since the preview.
	planChanged string
	columns     []tableimport.Column
	// view is the preview of plan for file name in lang.
	view func(plan P, name, lang string) importPreview
	// upload plans the file and keeps it (the service's Upload, with the
	// form's options).
	upload func(r *http.Request, p *auth.Principal, f tableimport.File) (P, *tableimport.Upload, error)
	// confirm applies a kept file (the service's Confirm, with the form's
	// answers).
	confirm func(r *http.Request, p *auth.Principal, id int64, digest string) (*tableimport.Upload, P, error)
	// result is what an applied kept file did (the service's UploadResult).
	result func(r *http.Request, p *auth.Principal, id int64) (any, error)
	// again, when set, reports a refused confirmation whose preview is
	// shown again as it was, the field marked (the staff import's number
	// of retirements).
	again func(error) bool
}

// data is the upload page's data: the formats, the columns and extra.
func (pg *importPages[T, P]) data(extra map[string]any) map[string]any {
	d := map[string]any{"Formats": tabular.Formats, "Columns": pg.columns}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// formError shows the upload page again with err.
func (pg *importPages[T, P]) formError(w http.ResponseWriter, r *http.Request, status int, err error) {
	pg.s.render(w, r, status, pg.form, pg.title, pg.data(nil), err)
}

// page shows the upload form, the export form and, after a confirmation,
// what was done.
func (pg *importPages[T, P]) page(w http.ResponseWriter, r *http.Request) {
	data := pg.data(nil)
	if id := int64OrZero(r.URL.Query().Get("done")); id > 0 {
		if sum, err := pg.result(r, principal(r), id); err == nil {
			data["Done"] = sum
		}
	}
	pg.s.render(w, r, http.StatusOK, pg.form, pg.title, data, nil)
}

// uploadPage reads the file, plans it, keeps it for the confirmation and
// shows the preview.
func (pg *importPages[T, P]) uploadPage(w http.ResponseWriter, r *http.Request) {
	name, data, status, key := readUploadedFile(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if key != "" {
		pg.formError(w, r, status, fileFieldErr(key))
		return
	}
	file := tableimport.File{Name: name, Data: data}
	plan, imp, err := pg.upload(r, principal(r), file)
	if v, busy := uploadBusy(w, err); busy {
		pg.formError(w, r, http.StatusTooManyRequests, v.Err())
		return
	}
	if err != nil {
		pg.s.serverError(w, r, err)
		return
	}
	v := pg.view(plan, file.Name, lang(r))
	if !plan.OK() {
		// Nothing is kept of a refused file.
		pg.s.render(w, r, http.StatusUnprocessableEntity, pg.preview, pg.previewTitle, v, tableimport.ErrRejected(plan))
		return
	}
	if imp != nil {
		v.head().offer(imp.ID, plan.Digest(), true, "")
	}
	pg.s.render(w, r, http.StatusOK, pg.preview, pg.previewTitle, v, nil)
}

// confirmPage applies a previewed file after reading it again against the
// data as it is now.
func (pg *importPages[T, P]) confirmPage(w http.ResponseWriter, r *http.Request) {
	s := pg.s
	if !s.parseForm(w, r) {
		return
	}
	id := int64OrZero(r.PostFormValue("import_id"))
	imp, plan, err := pg.confirm(r, principal(r), id, r.PostFormValue("digest"))
	if v, busy := uploadBusy(w, err); busy {
		pg.formError(w, r, http.StatusTooManyRequests, v.Err())
		return
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, pg.path+"?done="+itoa(imp.ID), "flash.import_done")
	case tableimport.IsAlreadyApplied(err):
		// A double click, or another node was first: show what was done.
		http.Redirect(w, r, pg.path+"?done="+itoa(imp.ID), http.StatusSeeOther)
	case apperr.CodeOf(err) == apperr.NotFound:
		pg.formError(w, r, http.StatusGone, fileFieldErr("import.expired"))
	case pg.again != nil && pg.again(err) && plan != nil:
		// The same preview again, the field marked.
		v := pg.view(plan, imp.Filename, lang(r))
		v.head().offer(imp.ID, plan.Digest(), true, "")
		s.render(w, r, http.StatusUnprocessableEntity, pg.preview, pg.previewTitle, v, err)
	case tableimport.IsPlanChanged(err):
		// The data changed since the preview: show the new plan and let
		// the person confirm that one instead.
		v := pg.view(plan, imp.Filename, lang(r))
		v.head().offer(imp.ID, plan.Digest(), !plan.Empty(), pg.planChanged)
		s.render(w, r, http.StatusConflict, pg.preview, pg.previewTitle, v, nil)
	case plan != nil && !plan.OK():
		s.render(w, r, http.StatusUnprocessableEntity, pg.preview, pg.previewTitle, pg.view(plan, imp.Filename, lang(r)),
			tableimport.ErrRejected(plan))
	case apperr.CodeOf(err) == apperr.Conflict:
		s.fail(w, r, err) // someone saved a record while the import ran
	default:
		s.serverError(w, r, err)
	}
}

// exportFailed answers an export the service refused, and reports whether
// it did. A CP932 export with characters the encoding lacks shows the
// upload page with the rows and asks whether to write them as 〓; again
// is what that form sends back besides (the format, the options chosen).
func (pg *importPages[T, P]) exportFailed(w http.ResponseWriter, r *http.Request, err error, again map[string]any) bool {
	if err == nil {
		return false
	}
	if e := apperr.As(err); e != nil && e.Key == "export.cp932_substituted" {
		var v apperr.Validation
		v.Add("format", e.Key, e.Args)
		again["Lines"] = e.Args["Lines"]
		pg.s.render(w, r, http.StatusUnprocessableEntity, pg.form, pg.title, pg.data(map[string]any{"Substitute": again}), v.Err())
		return true
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		pg.s.render(w, r, http.StatusUnprocessableEntity, "error", "error.conflict",
			map[string]any{"Status": http.StatusUnprocessableEntity, "Message": i18n.Error(lang(r), err)}, nil)
		return true
	}
	pg.s.serverError(w, r, err)
	return true
}

// importPreview is a preview page's data (importView, unitImportView).
type importPreview interface{ head() *importHead }

// importHead is what every import's preview shows besides its plan.
type importHead struct {
	FileName     string
	Problems     []importMsg
	ProblemCount int // how many problems in all
	Warnings     []importMsg
	ImportID     int64
	Digest       string
	CanConfirm   bool
	Nothing      bool
	Notice       string // i18n key of a notice above the plan
}

func (h *importHead) head() *importHead { return h }

// offer lets the person confirm kept file id (when can) with the digest of
// the plan shown.
func (h *importHead) offer(id int64, digest string, can bool, notice string) {
	h.ImportID, h.Digest, h.CanConfirm, h.Notice = id, digest, can, notice
}

// newImportHead is the head of plan's preview; count is the number of
// problems the caption gives.
func newImportHead[T any, P importPlan[T]](plan P, name string, problems, warnings []importMsg, count int) importHead {
	h := importHead{FileName: name, Problems: problems, ProblemCount: count, Warnings: warnings}
	if len(h.Problems) > 2*importShown {
		// The count in the caption stays the total; the rest is in the
		// CLI's and the API's answer.
		h.Problems = h.Problems[:2*importShown]
	}
	h.Nothing = plan.OK() && plan.Empty()
	return h
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

// importSection is one part of a plan (created, changed …) as a page
// lists it: at most importShown rows, More the rest.
type importSection[R any] struct {
	Key   string // i18n key of the heading
	ID    string
	Items []R
	More  int
}

func section[I, R any](key, id string, items []I, row func(I) R) importSection[R] {
	sec := importSection[R]{Key: key, ID: id}
	for i, it := range items {
		if i == importShown {
			sec.More = len(items) - i
			break
		}
		sec.Items = append(sec.Items, row(it))
	}
	return sec
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
