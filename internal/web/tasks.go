package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/route"
	"telework/internal/tabular"
	"telework/internal/tasks"
)

// The task inventory's pages (issue 13): a section's task sheet with its
// ratings and summary chart (所属長 and staff), the systems catalogue and
// places (IT), and the improvement ranking (HR, IT).

var hrOrIT = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.ITAdmin}}

func (s *Server) tasksRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/tasks", Rule: directory, Handler: s.tasksSheetPage},
		{Method: "POST", Pattern: "/tasks", Rule: directory, Handler: s.tasksCreate},
		{Method: "GET", Pattern: "/tasks/export", Rule: directory, Handler: s.tasksExport},
		{Method: "POST", Pattern: "/tasks/import", Rule: directory, Handler: s.tasksImport, MaxBody: importMaxBody + 64<<10},
		{Method: "GET", Pattern: "/tasks/task/{id}", Rule: directory, Object: "sheet_task", Handler: s.taskPage},
		{Method: "POST", Pattern: "/tasks/task/{id}", Rule: directory, Object: "sheet_task", Handler: s.taskSave},
		{Method: "POST", Pattern: "/tasks/task/{id}/approve", Rule: directory, Object: "sheet_task", Handler: s.taskApprove},
		{Method: "POST", Pattern: "/tasks/task/{id}/delete", Rule: directory, Object: "sheet_task", Handler: s.taskDelete},

		{Method: "GET", Pattern: "/tasks/systems", Rule: directory, Handler: s.systemsPage},
		{Method: "POST", Pattern: "/tasks/systems", Rule: route.ITOnly, Handler: s.systemCreate},
		{Method: "POST", Pattern: "/tasks/settings", Rule: route.ITOnly, Handler: s.taskSettingsSave},
		{Method: "GET", Pattern: "/tasks/systems/{id}", Rule: route.ITOnly, Object: "info_system", Handler: s.systemPage},
		{Method: "POST", Pattern: "/tasks/systems/{id}", Rule: route.ITOnly, Object: "info_system", Handler: s.systemSave},
		{Method: "POST", Pattern: "/tasks/systems/{id}/delete", Rule: route.ITOnly, Object: "info_system", Handler: s.systemDelete},
		{Method: "POST", Pattern: "/tasks/places", Rule: route.ITOnly, Handler: s.placeCreate},
		{Method: "GET", Pattern: "/tasks/places/{id}", Rule: route.ITOnly, Object: "task_place", Handler: s.placePage},
		{Method: "POST", Pattern: "/tasks/places/{id}", Rule: route.ITOnly, Object: "task_place", Handler: s.placeSave},
		{Method: "POST", Pattern: "/tasks/places/{id}/delete", Rule: route.ITOnly, Object: "task_place", Handler: s.placeDelete},

		{Method: "GET", Pattern: "/tasks/ranking", Rule: hrOrIT, Handler: s.rankingPage},
		{Method: "GET", Pattern: "/tasks/ranking/export", Rule: hrOrIT, Handler: s.rankingExport},
	}
}

// --- the task sheet ---

type modeCell struct {
	Rating       tasks.Rating
	Reasons      []string
	Improvements []string
}

type sheetRow struct {
	Task  *tasks.SheetTask
	Level tasks.Level
	Modes []modeCell // home, satellite (best place), mobile
	Can   bool       // the viewer may edit it
}

type scenarioRow struct {
	Text     string
	Improved int
	Hours    float64
	Counts   []tasks.Count
}

type taskForm struct {
	Name, Content, Timing, Note, Hours   string
	Owner                                int64
	Systems                              []int64
	Paper                                tasks.Paper
	Equipment, OnSite, FaceToFace, Phone bool
}

type sheetView struct {
	Units          []org.Node
	UnitID         int64
	UnitPath       string
	CanOwn         bool
	Rows           []sheetRow
	Summary        tasks.Summary
	Chart          template.HTML
	Scenarios      []scenarioRow
	Systems        []*tasks.InfoSystem
	Staff          []*org.Staff
	Form           taskForm
	Query          string
	Suggestions    []tasks.Suggestion
	TaskTypes      []tasks.TaskType
	Formats        []tabular.Format
	Problems       []string
	ImportWarnings []string
	Imported       *tasks.SheetImport
	DryRun         bool // the import only checked the file
}

func (v *view) TaskPapers() []tasks.Paper { return tasks.Papers }
func (v *view) TaskModes() []tasks.TargetKind {
	return tasks.Modes
}

// Pct is part of whole as a whole percentage.
func (v *view) Pct(part int, whole int) int {
	if whole == 0 {
		return 0
	}
	return (part*100 + whole/2) / whole
}

// sheetUnit is the unit the sheet page shows: ?unit_id=, else the
// viewer's own unit, else the first unit.
func sheetUnit(r *http.Request, nodes []org.Node) int64 {
	if id, err := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64); err == nil && id > 0 {
		return id
	}
	if u := principal(r).UnitID; u != 0 {
		return u
	}
	if len(nodes) > 0 {
		return nodes[0].Unit.ID
	}
	return 0
}

func (s *Server) tasksSheetPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	units, err := s.svc.Tasks.Readable(r.Context(), p.TenantID, p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := &sheetView{Units: units}
	v.UnitID = sheetUnit(r, v.Units)
	v.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if v.Query != "" {
		v.Suggestions = tasks.SuggestTasks(v.Query, 12)
	}
	if tt := tasks.TaskTypeOf(r.URL.Query().Get("type")); tt != nil {
		// A suggestion chosen: the form starts from the type's preset.
		v.Form = taskForm{Name: r.URL.Query().Get("name"), Paper: tt.Paper, Phone: tt.Phone, FaceToFace: tt.FaceToFace, Equipment: tt.SpecialEquipment}
	}
	s.renderSheet(w, r, http.StatusOK, v, nil)
}

func (s *Server) renderSheet(w http.ResponseWriter, r *http.Request, status int, v *sheetView, ferr error) {
	p := principal(r)
	ctx := r.Context()
	if v.Units == nil {
		units, err := s.svc.Tasks.Readable(ctx, p.TenantID, p)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Units = units
	}
	for _, n := range v.Units {
		if n.Unit.ID == v.UnitID {
			v.UnitPath = strings.Join(n.Unit.Path, " / ")
		}
	}
	if v.UnitID == 0 {
		s.render(w, r, status, "tasks_sheet", "tasks.sheet_title", v, ferr)
		return
	}
	sr, err := s.svc.Tasks.RateSheet(ctx, p.TenantID, p, v.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.CanOwn = s.svc.Tasks.CanOwn(ctx, p.TenantID, p, v.UnitID)
	v.Systems = sr.Catalogue.Systems
	lang := lang(r)
	texts := tasks.NewTexts(lang)
	for i, t := range sr.Tasks {
		row := sheetRow{Task: t, Level: sr.Rated[i].Level, Can: v.CanOwn || (t.Status == tasks.Proposed && t.ProposedBy == p.StaffID && p.StaffID != 0)}
		res := sr.Rated[i].Results
		best := bestPlace(res[2:])
		for _, rr := range []*tasks.Result{&res[0], best, &res[1]} {
			c := modeCell{Rating: tasks.No}
			if rr != nil {
				c.Rating = rr.Rating
				for _, n := range rr.Reasons {
					c.Reasons = append(c.Reasons, texts.Note(n))
				}
				for _, im := range rr.Improvements {
					c.Improvements = append(c.Improvements, texts.Improvement(im))
				}
			} else {
				c.Reasons = []string{i18n.T(lang, "tasks.no_places", nil)}
			}
			row.Modes = append(row.Modes, c)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Summary = sr.Summary
	for _, sc := range sr.Summary.After {
		v.Scenarios = append(v.Scenarios, scenarioRow{Text: sc.Note.Text(lang), Improved: sc.Improved, Hours: sc.ImprovedHours, Counts: sc.Counts})
	}
	v.Chart = summaryChart(lang, sr.Summary)
	if v.CanOwn {
		staff, _, err := s.svc.Org.FindStaff(ctx, p.TenantID, org.StaffFilter{UnitID: v.UnitID, Limit: 500})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Staff = staff
	}
	v.TaskTypes = tasks.TaskTypes
	v.Formats = tabular.Formats
	s.render(w, r, status, "tasks_sheet", "tasks.sheet_title", v, ferr)
}

// bestPlace is the place result with the best rating (nil without places).
func bestPlace(res []tasks.Result) *tasks.Result {
	var best *tasks.Result
	rank := map[tasks.Rating]int{tasks.OK: 0, tasks.Partial: 1, tasks.No: 2}
	for i := range res {
		if best == nil || rank[res[i].Rating] < rank[best.Rating] {
			best = &res[i]
		}
	}
	return best
}

// readTaskForm reads the task form into t.
func readTaskForm(fm *form, t *tasks.SheetTask) taskForm {
	f := taskForm{Name: fm.str("task_name"), Content: fm.str("content"), Timing: fm.str("timing"), Note: fm.str("note"), Hours: fm.str("hours_per_year"),
		Owner: fm.id("owner_staff_id"), Paper: tasks.Paper(fm.str("paper")), Equipment: fm.bool("special_equipment"),
		OnSite: fm.bool("on_site"), FaceToFace: fm.bool("face_to_face"), Phone: fm.bool("phone")}
	for _, x := range fm.r.PostForm["systems"] {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			f.Systems = append(f.Systems, id)
		}
	}
	t.Name, t.Content, t.Timing, t.Note, t.OwnerStaffID = f.Name, f.Content, f.Timing, f.Note, f.Owner
	t.SystemIDs, t.Paper, t.SpecialEquipment, t.OnSite, t.FaceToFace, t.Phone = f.Systems, f.Paper, f.Equipment, f.OnSite, f.FaceToFace, f.Phone
	t.HoursPerYear = int64(fm.int("hours_per_year", 0))
	return f
}

func (s *Server) tasksCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	t := &tasks.SheetTask{UnitID: fm.id("unit_id")}
	f := readTaskForm(fm, t)
	err := fm.v.Err()
	if err == nil {
		err = s.svc.Tasks.CreateTask(r.Context(), p.TenantID, p, t)
	} else {
		// A number that is not one is said together with what else is
		// wrong (an empty name), not on the next try.
		err = fm.merge(t.Validate())
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderSheet(w, r, http.StatusUnprocessableEntity, &sheetView{UnitID: t.UnitID, Form: f}, fm.merge(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	key := "flash.task_added"
	if t.Status == tasks.Proposed {
		key = "flash.task_proposed"
	}
	s.flashRedirect(w, r, "/tasks?unit_id="+strconv.FormatInt(t.UnitID, 10), key)
}

type taskEditView struct {
	TaskTypes []tasks.TaskType
	Task      *tasks.SheetTask
	Form      taskForm
	Systems   []*tasks.InfoSystem
	Staff     []*org.Staff
	CanOwn    bool
	CanEdit   bool
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	t, err := s.svc.Tasks.Task(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := taskForm{Name: t.Name, Content: t.Content, Timing: t.Timing, Note: t.Note, Owner: t.OwnerStaffID, Systems: t.SystemIDs,
		Paper: t.Paper, Equipment: t.SpecialEquipment, OnSite: t.OnSite, FaceToFace: t.FaceToFace, Phone: t.Phone}
	if t.HoursPerYear > 0 {
		f.Hours = strconv.FormatInt(t.HoursPerYear, 10)
	}
	s.renderTask(w, r, http.StatusOK, t, f, nil)
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, status int, t *tasks.SheetTask, f taskForm, ferr error) {
	p := principal(r)
	ctx := r.Context()
	systems, err := s.svc.Tasks.Systems(ctx, p.TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	own := s.svc.Tasks.CanOwn(ctx, p.TenantID, p, t.UnitID)
	v := &taskEditView{TaskTypes: tasks.TaskTypes, Task: t, Form: f, Systems: systems, CanOwn: own,
		CanEdit: own || (t.Status == tasks.Proposed && p.StaffID != 0 && t.ProposedBy == p.StaffID)}
	if own {
		if v.Staff, _, err = s.svc.Org.FindStaff(ctx, p.TenantID, org.StaffFilter{UnitID: t.UnitID, Limit: 500}); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "tasks_task", "tasks.task_title", v, ferr)
}

func (s *Server) taskSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := pathID(r)
	cur, err := s.svc.Tasks.Task(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fm := newForm(r)
	t := *cur
	t.Version = int64(fm.int("version", 0))
	f := readTaskForm(fm, &t)
	err = fm.v.Err()
	if err == nil {
		err = s.svc.Tasks.UpdateTask(r.Context(), p.TenantID, p, &t)
	} else {
		err = fm.merge(t.Validate()) // with the rest of what is wrong, as tasksCreate
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderTask(w, r, http.StatusUnprocessableEntity, cur, f, fm.merge(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks?unit_id="+strconv.FormatInt(cur.UnitID, 10), "flash.task_saved")
}

func (s *Server) taskApprove(w http.ResponseWriter, r *http.Request) {
	s.taskAction(w, r, "flash.task_approved", func(p *auth.Principal, cur *tasks.SheetTask) error {
		return s.svc.Tasks.ApproveTask(r.Context(), p.TenantID, p, cur.ID, int64(newForm(r).int("version", int(cur.Version))))
	})
}

func (s *Server) taskDelete(w http.ResponseWriter, r *http.Request) {
	s.taskAction(w, r, "flash.task_deleted", func(p *auth.Principal, cur *tasks.SheetTask) error {
		return s.svc.Tasks.DeleteTask(r.Context(), p.TenantID, p, cur.ID)
	})
}

// taskAction does one thing to the task of the path and returns to its sheet.
func (s *Server) taskAction(w http.ResponseWriter, r *http.Request, flash string, do func(*auth.Principal, *tasks.SheetTask) error) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := pathID(r)
	cur, err := s.svc.Tasks.Task(r.Context(), p.TenantID, p, id)
	if err == nil {
		err = do(p, cur)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks?unit_id="+strconv.FormatInt(cur.UnitID, 10), flash)
}

// --- import and export of the 見える化シート ---

func (s *Server) tasksExport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f, ok := tabular.ParseFormat(r.URL.Query().Get("format"))
	unitID := sheetUnit(r, nil)
	if !ok || unitID == 0 {
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "error.invalid")
		return
	}
	data, subs, err := s.svc.Tasks.ExportSheet(r.Context(), p.TenantID, p, unitID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route.DownloadTable(w, f, f.FileName("見える化シート"), data, subs)
}

func (s *Server) tasksImport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
			return
		}
		s.renderStatus(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	defer r.MultipartForm.RemoveAll()
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	v := &sheetView{UnitID: unitID}
	fh, _, err := r.FormFile("file")
	if err != nil {
		var val apperr.Validation
		val.Add("file", "import.no_file", nil)
		s.renderSheet(w, r, http.StatusUnprocessableEntity, v, val.Err())
		return
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, importMaxBody+1))
	if err != nil || len(data) > importMaxBody || len(data) == 0 {
		var val apperr.Validation
		key := "import.no_file"
		if err == nil && len(data) == 0 {
			key = "import.empty_file"
		}
		val.Add("file", key, nil)
		s.renderSheet(w, r, http.StatusUnprocessableEntity, v, val.Err())
		return
	}
	v.DryRun = r.PostFormValue("dry_run") == "1"
	res, err := s.svc.Tasks.ImportSheet(r.Context(), p.TenantID, p, unitID, data, v.DryRun)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, pr := range res.Problems {
		v.Problems = append(v.Problems, pr.Message(lang(r)))
	}
	for _, pr := range res.Warnings {
		v.ImportWarnings = append(v.ImportWarnings, pr.Message(lang(r)))
	}
	v.Imported = res
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderSheet(w, r, status, v, nil)
}

// --- the summary chart ---

// summaryChart draws the share of tasks each mode carries now (○, △, ×)
// as horizontal stacked bars. The page shows the same numbers in a table;
// the chart has a title and a description for screen readers, colours
// with a text label in each segment, and no script.
func summaryChart(lang string, sm tasks.Summary) template.HTML {
	if sm.Tasks == 0 {
		return ""
	}
	const width, barH, left, gap = 280, 32, 110, 14
	colours := map[tasks.Rating][2]string{tasks.OK: {"#1d6b3a", "#ffffff"}, tasks.Partial: {"#f2c14e", "#1a1a1a"}, tasks.No: {"#6b6b6b", "#ffffff"}}
	esc := template.HTMLEscapeString
	var b strings.Builder
	h := len(sm.Now)*(barH+gap) + gap + 28
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, left+width+8, h)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title>`, esc(i18n.T(lang, "tasks.chart_title", nil)))
	var desc []string
	for _, c := range sm.Now {
		mode := i18n.T(lang, "tasks.mode."+string(c.Mode), nil)
		desc = append(desc, i18n.T(lang, "tasks.chart_row", map[string]any{"Mode": mode, "OK": c.OK, "Partial": c.Partial, "No": c.No}))
	}
	fmt.Fprintf(&b, `<desc id="chart-desc">%s</desc>`, esc(strings.Join(desc, " ")))
	for i, c := range sm.Now {
		y := gap + i*(barH+gap)
		mode := i18n.T(lang, "tasks.mode."+string(c.Mode), nil)
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="16" fill="#1a1a1a">%s</text>`, y+barH/2+6, esc(mode))
		x := float64(left)
		for _, seg := range []struct {
			r tasks.Rating
			n int
		}{{tasks.OK, c.OK}, {tasks.Partial, c.Partial}, {tasks.No, c.No}} {
			if seg.n == 0 {
				continue
			}
			wd := float64(width) * float64(seg.n) / float64(sm.Tasks)
			col := colours[seg.r]
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" stroke="#ffffff"/>`, x, y, wd, barH, col[0])
			if wd >= 34 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="15" fill="%s" text-anchor="middle">%s%d</text>`, x+wd/2, y+barH/2+5, col[1], string(seg.r), seg.n)
			}
			x += wd
		}
	}
	legendY := h - 8
	for i, r := range []tasks.Rating{tasks.OK, tasks.Partial, tasks.No} {
		lx := i * 132
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/><text x="%d" y="%d" font-size="14" fill="#1a1a1a">%s</text>`,
			lx, legendY-12, colours[r][0], lx+18, legendY, esc(i18n.T(lang, "tasks.rating_label."+ratingKey(r), nil)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text is escaped above
}

func ratingKey(r tasks.Rating) string {
	switch r {
	case tasks.OK:
		return "ok"
	case tasks.Partial:
		return "partial"
	}
	return "no"
}

// RatingClass is the CSS class of a rating cell.
func (v *view) RatingClass(r tasks.Rating) string { return "rating rating--" + ratingKey(r) }

// RatingLabel says a rating in words for screen readers.
func (v *view) RatingLabel(r tasks.Rating) string { return v.T("tasks.rating_label." + ratingKey(r)) }
