package api

import (
	"maps"
	"net/http"

	"telework/internal/apperr"
	"telework/internal/route"
	"telework/internal/staffio"
	"telework/internal/tabular"
	"telework/internal/tasks"
)

// tasksIORoutes are the 見える化シート import and export and the ranking's
// export (issue 13).
func (s *API) tasksIORoutes() []route.Route {
	format := route.Param{Name: "format", Type: "string", Desc: "xlsx (default), csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)"}
	unit := route.Param{Name: "unit_id", Type: "integer", Desc: "the section (default: your own unit)"}
	return []route.Route{
		{Method: "POST", Pattern: "/api/v1/tasks/import", Rule: route.Directory, Handler: s.apiImportSheet, MaxBody: MaxImportBytes,
			API: &route.Op{ID: "importTaskSheet", Tag: "tasks", Resp: "SheetImportResult", Idempotent: true,
				Summary:   "Import a 見える化シート (業務名 / 処理の内容 / 処理の時期 / テレワークの可否 / 説明 …) into a section's sheet (its owner): CSV in UTF-8 or CP932, or xlsx; all rows or none (422 lists every problem by row); a row whose 業務名 is on the sheet updates it",
				BodyTypes: []string{"text/csv", tabular.XLSXContentType},
				Query:     []route.Param{unit, {Name: "dry_run", Type: "boolean", Desc: "plan only, write nothing"}}}},
		{Method: "GET", Pattern: "/api/v1/tasks/export", Rule: route.Directory, Handler: s.apiExportSheet,
			API: &route.Op{ID: "exportTaskSheet", Tag: "tasks", Summary: "Export a section's sheet as a 見える化シート (audited); it imports back unchanged",
				RespTypes: []string{"text/csv", tabular.XLSXContentType}, Query: []route.Param{unit, format}}},
		{Method: "GET", Pattern: "/api/v1/feasibility/ranking/export", Rule: hrOrIT, Handler: s.apiExportRanking,
			API: &route.Op{ID: "exportImprovementRanking", Tag: "tasks", Summary: "The improvement ranking as a file for the 予算要求 (HR, IT; audited)",
				RespTypes: []string{"text/csv", tabular.XLSXContentType}, Query: []route.Param{format}}},
	}
}

func exportFormat(r *http.Request) (tabular.Format, error) {
	f, ok := tabular.XLSX, true
	if q := r.URL.Query().Get("format"); q != "" {
		f, ok = tabular.ParseFormat(q)
	}
	if !ok {
		var v apperr.Validation
		v.Add("format", "field.choice", nil)
		return f, v.Err()
	}
	return f, nil
}

func (s *API) apiExportSheet(w http.ResponseWriter, r *http.Request) {
	f, err := exportFormat(r)
	unitID, uerr := unitParam(r)
	if err = apperr.Merge(err, uerr); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	data, subs, err := s.svc.Tasks.ExportSheet(r.Context(), p.TenantID, p, unitID, f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, f, f.FileName("mieruka-"+itoa(unitID)), data, subs)
}

func (s *API) apiExportRanking(w http.ResponseWriter, r *http.Request) {
	f, err := exportFormat(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	file, subs, err := s.svc.Tasks.ExportRanking(r.Context(), p.TenantID, p, apiLang(r), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	route.DownloadTable(w, f, f.FileName("improvement-ranking"), file, subs)
}

type sheetImportJSON struct {
	DryRun    bool   `json:"dry_run"`
	Applied   bool   `json:"applied"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Encoding  string `json:"encoding"`
	// IgnoredColumns are the file's headers the import does not read.
	IgnoredColumns []string `json:"ignored_columns"`
	// Warnings: rows whose own テレワークの可否 differs from the judgement.
	Warnings []sheetWarningJSON `json:"warnings"`
}

type sheetWarningJSON struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func (s *API) apiImportSheet(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	dry := queryBool(r, "dry_run", &v)
	unitID, uerr := unitParam(r)
	if err := apperr.Merge(v.Err(), uerr); err != nil {
		s.apiFail(w, r, err)
		return
	}
	_, data, ok := s.importBody(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Tasks.ImportSheet(r.Context(), p.TenantID, p, unitID, data, dry)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	if len(res.Problems) > 0 {
		s.sheetProblems(w, r, res.Problems, lang)
		return
	}
	out := sheetImportJSON{DryRun: dry, Applied: !dry, Created: res.Created, Updated: res.Updated,
		Unchanged: res.Unchanged, Encoding: res.Encoding, IgnoredColumns: append([]string{}, res.Ignored...), Warnings: []sheetWarningJSON{}}
	for _, x := range res.Warnings {
		out.Warnings = append(out.Warnings, sheetWarningJSON{Line: x.Line, Column: x.Column, Message: x.Message(lang)})
	}
	writeJSON(w, http.StatusOK, out)
}

// sheetProblems answers 422 with every problem of the file, each with its
// row and column, as the staff import does.
func (s *API) sheetProblems(w http.ResponseWriter, r *http.Request, problems []tasks.SheetProblem, lang string) {
	list := make([]staffio.Problem, len(problems))
	for i, p := range problems {
		args := map[string]any{"Line": p.Line, "Column": p.Column}
		maps.Copy(args, p.Args)
		list[i] = staffio.Problem{Line: p.Line, Column: p.Column, Field: "file", Key: p.Key, Args: args}
	}
	s.importProblemList(w, r, list, lang)
}
