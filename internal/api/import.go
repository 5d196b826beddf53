package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/route"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// JSON of an import: the plan, and whether it was applied.

type importChangeJSON struct {
	Field     string `json:"field"`
	Column    string `json:"column"`
	Before    string `json:"before"`
	After     string `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

type importItemJSON struct {
	Line          int                `json:"line"`
	ID            int64              `json:"id,omitempty"`
	StaffNo       string             `json:"staff_no"`
	Name          string             `json:"name"`
	Absent        bool               `json:"absent,omitempty"`
	EffectiveDate string             `json:"effective_date,omitempty"`
	Scheduled     bool               `json:"scheduled,omitempty"`
	Changes       []importChangeJSON `json:"changes,omitempty"`
}

type importResultJSON struct {
	DryRun     bool             `json:"dry_run"`
	Applied    bool             `json:"applied"`
	Summary    staffio.Summary  `json:"summary"`
	Created    []importItemJSON `json:"created"`
	Changed    []importItemJSON `json:"changed"`
	Retired    []importItemJSON `json:"retired"`
	Reinstated []importItemJSON `json:"reinstated"`
	Warnings   []problemField   `json:"warnings"`
}

func importItemsJSON(items []*staffio.Item) []importItemJSON {
	out := make([]importItemJSON, 0, len(items))
	for _, it := range items {
		j := importItemJSON{Line: it.Line, ID: it.After.ID, StaffNo: it.After.StaffNo, Name: it.After.Name, Absent: it.Absent,
			Scheduled: it.Scheduled}
		if !it.Effective.IsZero() {
			j.EffectiveDate = it.Effective.String()
		}
		for _, c := range it.Changes {
			j.Changes = append(j.Changes, importChangeJSON{c.Field, c.Column, c.Before, c.After, c.Sensitive})
		}
		out = append(out, j)
	}
	return out
}

func problemFields(list []staffio.Problem, lang string) []problemField {
	out := make([]problemField, 0, len(list))
	for _, p := range list {
		field := p.Field
		if field == "" {
			field = "file"
		}
		out = append(out, problemField{Field: field, Detail: p.Message(lang), Line: p.Line, Column: p.Column})
	}
	return out
}

func staffImportSchema() map[string]any {
	change := obj([]string{"field", "column", "before", "after"}, map[string]any{
		"field": str("field key (name, kana, unit, title, rank …)"), "column": str("column header"),
		"before": str("stored value as the file writes it"), "after": str("value from the file"),
		"sensitive": boolean("the opt-in analysis attributes changed (values not shown)")})
	item := obj([]string{"line", "staff_no", "name"}, map[string]any{
		"line": integer("row in the file as Excel numbers it; 0 = not in the file (full roster)"),
		"id":   integer("staff id (after applying)"), "staff_no": str("職員番号"), "name": str("氏名"),
		"absent":         boolean("retired because the full roster does not list them"),
		"effective_date": str("発令日 of the row (YYYY-MM-DD)"),
		"scheduled":      boolean("dated after today: stored as a scheduled change and applied on that date, not now"),
		"changes":        map[string]any{"type": "array", "items": change}})
	list := map[string]any{"type": "array", "items": item}
	summary := obj([]string{"file", "sha256", "encoding", "rows", "full_roster", "created", "changed", "retired", "reinstated", "unchanged"},
		map[string]any{"file": str("file name"), "sha256": str("SHA-256 of the file"), "encoding": str("UTF-8, UTF-8 (BOM), CP932 or xlsx"),
			"sheet": str("worksheet read (xlsx)"), "rows": integer("data rows"), "full_roster": boolean("full roster import"),
			"created": integer("new staff"), "changed": integer("staff with changed fields"), "retired": integer("staff retired"),
			"reinstated": integer("staff back in service"), "unchanged": integer("rows identical to the stored record"),
			"scheduled": integer("of the changes above, those dated after today: applied on their date")})
	warning := obj([]string{"field", "detail"}, map[string]any{"field": str("column key or file"), "detail": str("message"),
		"line": integer("row"), "column": str("column header")})
	return obj([]string{"dry_run", "applied", "summary", "created", "changed", "retired", "reinstated", "warnings"}, map[string]any{
		"dry_run": boolean("only planned"), "applied": boolean("written"), "summary": summary,
		"created": list, "changed": list, "retired": list, "reinstated": list,
		"warnings": map[string]any{"type": "array", "items": warning}})
}

// importContentTypes are the bodies the import accepts; octet-stream is
// sniffed like the others (xlsx by its signature).
var importContentTypes = map[string]bool{"text/csv": true, "application/csv": true, "text/plain": true,
	tabular.XLSXContentType: true, "application/octet-stream": true}

// importBody reads an uploaded file sent as the request body (the staff,
// units and task sheet imports), answering 415, 413, 400 or 422 itself
// when it cannot; name is the Content-Disposition's file name, or "api".
// An empty body is an empty file (field "file"), not a missing JSON
// object: these routes take CSV or xlsx.
func (s *API) importBody(w http.ResponseWriter, r *http.Request) (name string, data []byte, ok bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !importContentTypes[mt] {
		s.problem(w, r, http.StatusUnsupportedMediaType, apperr.New(apperr.Invalid, "import.content_type"))
		return "", nil, false
	}
	data, err = io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.problem(w, r, http.StatusRequestEntityTooLarge, apperr.New(apperr.Invalid, "error.too_large"))
			return "", nil, false
		}
		s.problem(w, r, http.StatusBadRequest, apperr.New(apperr.Invalid, "api.upload_unreadable"))
		return "", nil, false
	}
	if len(data) == 0 {
		var v apperr.Validation
		v.Add("file", "api.empty_file", nil)
		s.apiFail(w, r, v.Err())
		return "", nil, false
	}
	name = "api"
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = route.CleanFileName(params["filename"])
	}
	return name, data, true
}

func (s *API) apiImportStaff(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	dry := queryBool(r, "dry_run", &v)
	full := queryBool(r, "full", &v)
	confirm := 0
	if c := r.URL.Query().Get("confirm_retirements"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			v.Add("confirm_retirements", "field.integer", nil)
		}
		confirm = n
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	runImport(s, w, r, func(file tableimport.File) (*staffio.Plan, error) {
		if dry {
			return s.svc.Staffio.Preview(r.Context(), p.TenantID, file, staffio.Options{Full: full})
		}
		return s.svc.Staffio.Apply(r.Context(), p.TenantID, actorOf(p), file,
			staffio.ApplyOptions{Options: staffio.Options{Full: full}, ConfirmRetirements: confirm})
	}, func(plan *staffio.Plan) []staffio.Problem { return plan.Problems }, func(plan *staffio.Plan, name, lang string) any {
		return importResultJSON{DryRun: dry, Applied: !dry, Summary: plan.Summary(name),
			Created: importItemsJSON(plan.Creates), Changed: importItemsJSON(plan.Changes), Retired: importItemsJSON(plan.Retires),
			Reinstated: importItemsJSON(plan.Reinstates), Warnings: problemFields(plan.Warnings, lang)}
	})
}

// importPlan is what runImport reads of a plan (*staffio.Plan,
// *orgio.Plan).
type importPlan[T any] interface {
	*T
	OK() bool
}

// runImport reads the uploaded file (importBody), hands it to run (a
// preview or an apply) and answers: 422 with every problem of a refused
// file (nothing was written), the error (with Retry-After when the node or
// the tenant runs as many imports as it admits), or 200 with result's
// JSON. problems are a plan's problems.
func runImport[T any, P importPlan[T]](s *API, w http.ResponseWriter, r *http.Request, run func(tableimport.File) (P, error),
	problems func(P) []staffio.Problem, result func(plan P, name, lang string) any) {
	name, data, ok := s.importBody(w, r)
	if !ok {
		return
	}
	plan, err := run(tableimport.File{Name: name, Data: data})
	lang := apiLang(r)
	if plan != nil && !plan.OK() {
		s.importProblemList(w, r, problems(plan), lang)
		return
	}
	if err != nil {
		if secs, busy := tabular.IsBusy(err); busy {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, result(plan, name, lang))
}

// importProblemList answers 422 with every problem of an import's file
// (staff, units, task sheets) in errors[], each with its line and column.
func (s *API) importProblemList(w http.ResponseWriter, r *http.Request, problems []staffio.Problem, lang string) {
	err := &apperr.Error{Code: apperr.Invalid, Key: "import.rejected", Args: map[string]any{"Count": len(problems)}}
	body := problemBody{Type: "urn:telework:problem:invalid", Title: i18n.T(lang, "problem.invalid", nil),
		Status: http.StatusUnprocessableEntity, Detail: i18n.Error(lang, err), Code: err.Key, Instance: r.URL.Path,
		RequestID: requestID(r), Errors: problemFields(problems, lang)}
	enc := problemEncoder(w, http.StatusUnprocessableEntity, lang)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// SubstitutedHeader lists the rows of a CP932 export written with 〓
// (route.DownloadTable sets it).
const SubstitutedHeader = route.SubstitutedHeader

// apiExportStaff exports by POST (an export writes an audit entry, so it is
// not a GET). GET /api/v1/staff/export stays, on the same handler, because
// read-only tokens (made for pulling data, e.g. a nightly copy of the
// roster) may only GET; its one effect is the audit entry recording that
// the list was read, and its response cannot be read by another site.
func (s *API) apiExportStaff(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	f, ok := tabular.XLSX, true // the default: what the clerk opens
	if q := r.URL.Query().Get("format"); q != "" {
		f, ok = tabular.ParseFormat(q)
	}
	if !ok {
		v.Add("format", "field.choice", nil)
	}
	sensitive := queryBool(r, "sensitive", &v)
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	// A program cannot answer a question: the characters CP932 lacks are
	// written as 〓 and their rows named in a header.
	file, err := s.svc.Staffio.Export(r.Context(), p.TenantID, actorOf(p), f, staffio.ExportOptions{Sensitive: sensitive, Substitute: true})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, f, file.Name, file.Data, file.Substituted)
}
