package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
	"telework/internal/tasks"
)

// hrOrIT may read the tenant-wide improvement ranking.
var hrOrIT = route.Rule{Roles: []auth.Role{auth.HRAdmin, auth.ITAdmin}}

// tasksCRUDRoutes are the systems catalogue, the places, the task sheets,
// the summary and the ranking (issue 13). Deletions come last in each
// group.
func (s *API) tasksCRUDRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/systems", Rule: route.Directory, Handler: s.apiListSystems,
			API: &route.Op{ID: "listSystems", Summary: "The information-systems catalogue (三層分離 segment, data classes, access routes)", Tag: "tasks", Resp: "InfoSystem", List: true}},
		{Method: "GET", Pattern: "/api/v1/systems/suggest", Rule: route.Directory, Handler: s.apiSuggestSystems,
			API: &route.Op{ID: "suggestSystems", Summary: "Built-in common systems matching what was typed (prefix, reading in かな/カナ)", Tag: "tasks", Resp: "Suggestion", List: true,
				Query: []route.Param{{Name: "q", Type: "string", Desc: "typed text"}}}},
		{Method: "POST", Pattern: "/api/v1/systems", Rule: route.ITOnly, Handler: s.systemRes().create(s),
			API: &route.Op{ID: "createSystem", Summary: "Register a system (IT)", Tag: "tasks", Body: "InfoSystemInput", Resp: "InfoSystem", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/systems/{id}", Rule: route.Directory, Object: "info_system", Handler: s.systemRes().get(s),
			API: &route.Op{ID: "getSystem", Summary: "Get a system", Tag: "tasks", Resp: "InfoSystem"}},
		{Method: "PATCH", Pattern: "/api/v1/systems/{id}", Rule: route.ITOnly, Object: "info_system", Handler: s.systemRes().update(s),
			API: &route.Op{ID: "updateSystem", Summary: "Change a system (IT)", Tag: "tasks", Body: "InfoSystemInput", Resp: "InfoSystem", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/systems/{id}", Rule: route.ITOnly, Object: "info_system", Handler: s.systemRes().remove(s),
			API: &route.Op{ID: "deleteSystem", Summary: "Delete a system no task uses (IT; 409 while tasks use it)", Tag: "tasks", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/task-places", Rule: route.Directory, Handler: s.apiListPlaces,
			API: &route.Op{ID: "listTaskPlaces", Summary: "Places with their capabilities (network, physical security), as the feasibility engine sees them", Tag: "tasks", Resp: "TaskPlace", List: true}},
		{Method: "POST", Pattern: "/api/v1/task-places", Rule: route.ITOnly, Handler: s.placeRes().create(s),
			API: &route.Op{ID: "createTaskPlace", Summary: "Register a place (IT)", Tag: "tasks", Body: "TaskPlaceInput", Resp: "TaskPlace", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/task-places/{id}", Rule: route.Directory, Object: "task_place", Handler: s.placeRes().get(s),
			API: &route.Op{ID: "getTaskPlace", Summary: "Get a place", Tag: "tasks", Resp: "TaskPlace"}},
		{Method: "PATCH", Pattern: "/api/v1/task-places/{id}", Rule: route.ITOnly, Object: "task_place", Handler: s.placeRes().update(s),
			API: &route.Op{ID: "updateTaskPlace", Summary: "Change a place (IT)", Tag: "tasks", Body: "TaskPlaceInput", Resp: "TaskPlace", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/task-places/{id}", Rule: route.ITOnly, Object: "task_place", Handler: s.placeRes().remove(s),
			API: &route.Op{ID: "deleteTaskPlace", Summary: "Delete a place (IT)", Tag: "tasks", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/task-settings", Rule: route.Directory, Handler: s.apiGetTaskSettings,
			API: &route.Op{ID: "getTaskSettings", Summary: "The tenant's decisions the feasibility engine follows", Tag: "tasks", Resp: "TaskSettings"}},
		{Method: "PUT", Pattern: "/api/v1/task-settings", Rule: route.ITOnly, Handler: s.apiPutTaskSettings,
			API: &route.Op{ID: "putTaskSettings", Summary: "Allow or refuse 個人番号利用事務系 at branch offices (IT)", Tag: "tasks", Body: "TaskSettings", Resp: "TaskSettings"}},

		{Method: "GET", Pattern: "/api/v1/tasks", Rule: route.Directory, Handler: s.apiListTasks,
			API: &route.Op{ID: "listTasks", Summary: "A section's task sheet (見える化シート) in sheet order", Tag: "tasks", Resp: "SheetTask", List: true,
				Query: []route.Param{{Name: "unit_id", Type: "integer", Desc: "the section (default: your own unit)"}}}},
		{Method: "GET", Pattern: "/api/v1/tasks/suggest", Rule: route.Directory, Handler: s.apiSuggestTasks,
			API: &route.Op{ID: "suggestTasks", Summary: "The guide's task types and examples matching what was typed (図表14–17), with level and tips", Tag: "tasks", Resp: "Suggestion", List: true,
				Query: []route.Param{{Name: "q", Type: "string", Desc: "typed text"}}}},
		{Method: "POST", Pattern: "/api/v1/tasks", Rule: route.Directory, Handler: s.taskRes().create(s),
			API: &route.Op{ID: "createTask", Summary: "Add a task to a section's sheet (所属長, HR) or propose one (a member of the section)", Tag: "tasks", Body: "SheetTaskInput", Resp: "SheetTask", Status: 201, Idempotent: true}},
		{Method: "GET", Pattern: "/api/v1/tasks/{id}", Rule: route.Directory, Object: "sheet_task", Handler: s.taskRes().get(s),
			API: &route.Op{ID: "getTask", Summary: "Get a task", Tag: "tasks", Resp: "SheetTask"}},
		{Method: "PATCH", Pattern: "/api/v1/tasks/{id}", Rule: route.Directory, Object: "sheet_task", Handler: s.taskRes().update(s),
			API: &route.Op{ID: "updateTask", Summary: "Change a task (the sheet's owner; the proposer while proposed)", Tag: "tasks", Body: "SheetTaskInput", Resp: "SheetTask", IfMatch: true}},
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/approve", Rule: route.Directory, Object: "sheet_task", Handler: s.apiApproveTask,
			API: &route.Op{ID: "approveTask", Summary: "Put a proposed task on the sheet (the sheet's owner)", Tag: "tasks", Resp: "SheetTask", IfMatch: true}},
		{Method: "DELETE", Pattern: "/api/v1/tasks/{id}", Rule: route.Directory, Object: "sheet_task", Handler: s.taskRes().remove(s),
			API: &route.Op{ID: "deleteTask", Summary: "Delete a task (the sheet's owner; the proposer while proposed)", Tag: "tasks", Status: 204}},

		{Method: "GET", Pattern: "/api/v1/feasibility/summary", Rule: route.Directory, Handler: s.apiSheetSummary,
			API: &route.Op{ID: "sheetSummary", Summary: "A section's tasks rated, and the share of tasks and task-hours each mode carries now and after each improvement", Tag: "tasks", Resp: "SheetSummary",
				Query: []route.Param{{Name: "unit_id", Type: "integer", Desc: "the section (default: your own unit)"}}}},
		{Method: "GET", Pattern: "/api/v1/feasibility/ranking", Rule: hrOrIT, Handler: s.apiRanking,
			API: &route.Op{ID: "improvementRanking", Summary: "Improvements ranked by the tasks (then hours) they would open, tenant-wide, with the sections affected (HR, IT)", Tag: "tasks", Resp: "RankedImprovement", List: true}},
	}
}

type systemJSON struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Segment     tasks.Segment     `json:"segment"`
	DataClasses []tasks.DataClass `json:"data_classes"`
	Routes      []tasks.Route     `json:"routes"`
	Note        string            `json:"note"`
	Version     int64             `json:"version"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

func toSystemJSON(x *tasks.InfoSystem) systemJSON {
	return systemJSON{x.ID, x.Name, x.Segment, x.DataClasses, x.Routes, x.Note, x.Version, x.UpdatedAt}
}

type systemInput struct {
	Name        *string            `json:"name"`
	Segment     *tasks.Segment     `json:"segment"`
	DataClasses *[]tasks.DataClass `json:"data_classes"`
	Routes      *[]tasks.Route     `json:"routes"`
	Note        *string            `json:"note"`
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (in *systemInput) apply(x *tasks.InfoSystem) {
	set(&x.Name, in.Name)
	set(&x.Segment, in.Segment)
	set(&x.DataClasses, in.DataClasses)
	set(&x.Routes, in.Routes)
	set(&x.Note, in.Note)
}

func writeList[T any](w http.ResponseWriter, items []T) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, page[T]{Items: items, Total: len(items)})
}

func mapList[A, B any](in []A, f func(A) B) []B {
	out := make([]B, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

func (s *API) apiListSystems(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Tasks.Systems(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeList(w, mapList(list, toSystemJSON))
}

func (s *API) apiSuggestSystems(w http.ResponseWriter, r *http.Request) {
	writeList(w, tasks.SuggestSystems(r.URL.Query().Get("q"), 20))
}

func (s *API) apiSuggestTasks(w http.ResponseWriter, r *http.Request) {
	writeList(w, tasks.SuggestTasks(r.URL.Query().Get("q"), 20))
}

// --- places ---

type placeJSON struct {
	ID               int64           `json:"id"`
	Name             string          `json:"name"`
	Kind             tasks.PlaceKind `json:"kind"`
	Network          tasks.Network   `json:"network"`
	PhysicalSecurity bool            `json:"physical_security"`
	Phone            bool            `json:"phone"`
	Outsiders        bool            `json:"outsiders"`
	Version          int64           `json:"version"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

func toPlaceJSON(x *tasks.WorkPlace) placeJSON {
	return placeJSON{x.ID, x.Name, x.Kind, x.Network, x.PhysicalSecurity, x.Phone, x.Outsiders, x.Version, x.UpdatedAt}
}

type placeInput struct {
	Name             *string          `json:"name"`
	Kind             *tasks.PlaceKind `json:"kind"`
	Network          *tasks.Network   `json:"network"`
	PhysicalSecurity *bool            `json:"physical_security"`
}

func (in *placeInput) apply(x *tasks.WorkPlace) {
	set(&x.Name, in.Name)
	set(&x.Kind, in.Kind)
	set(&x.Network, in.Network)
	set(&x.PhysicalSecurity, in.PhysicalSecurity)
}

func (s *API) apiListPlaces(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Tasks.Places(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeList(w, mapList(list, toPlaceJSON))
}

// --- settings ---

type taskSettingsJSON struct {
	MyNumberAtBranchOffice bool `json:"mynumber_at_branch_office"`
	// Devices: the device types provided for telework; null or absent: not
	// declared (devices play no part in the rating).
	Devices *[]tasks.Device `json:"devices,omitempty"`
}

func (s *API) apiGetTaskSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.svc.Tasks.Settings(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := taskSettingsJSON{MyNumberAtBranchOffice: set.MyNumberAtBranchOffice}
	if set.Devices != nil {
		out.Devices = &set.Devices
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiPutTaskSettings(w http.ResponseWriter, r *http.Request) {
	var in taskSettingsJSON
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	if err := s.svc.Tasks.SaveSettings(r.Context(), p.TenantID, p, in.MyNumberAtBranchOffice); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var devices []tasks.Device
	if in.Devices != nil {
		devices = append([]tasks.Device{}, *in.Devices...)
	}
	if err := s.svc.Tasks.SaveDevices(r.Context(), p.TenantID, p, devices); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// --- tasks ---

type taskJSON struct {
	ID               int64        `json:"id"`
	UnitID           int64        `json:"unit_id"`
	Name             string       `json:"name"`
	Content          string       `json:"content"`
	Timing           string       `json:"timing"`
	Note             string       `json:"note"`
	OwnerStaffID     int64        `json:"owner_staff_id"`
	Systems          []int64      `json:"systems"`
	Paper            tasks.Paper  `json:"paper"`
	SpecialEquipment bool         `json:"special_equipment"`
	OnSite           bool         `json:"on_site"`
	FaceToFace       bool         `json:"face_to_face"`
	Phone            bool         `json:"phone"`
	HoursPerYear     int64        `json:"hours_per_year"`
	Status           tasks.Status `json:"status"`
	ProposedBy       int64        `json:"proposed_by"`
	Version          int64        `json:"version"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

func toTaskJSON(t *tasks.SheetTask) taskJSON {
	sys := t.SystemIDs
	if sys == nil {
		sys = []int64{}
	}
	return taskJSON{t.ID, t.UnitID, t.Name, t.Content, t.Timing, t.Note, t.OwnerStaffID, sys, t.Paper, t.SpecialEquipment,
		t.OnSite, t.FaceToFace, t.Phone, t.HoursPerYear, t.Status, t.ProposedBy, t.Version, t.UpdatedAt}
}

type taskInput struct {
	UnitID           *int64       `json:"unit_id"`
	Name             *string      `json:"name"`
	Content          *string      `json:"content"`
	Timing           *string      `json:"timing"`
	Note             *string      `json:"note"`
	OwnerStaffID     *int64       `json:"owner_staff_id"`
	Systems          *[]int64     `json:"systems"`
	Paper            *tasks.Paper `json:"paper"`
	SpecialEquipment *bool        `json:"special_equipment"`
	OnSite           *bool        `json:"on_site"`
	FaceToFace       *bool        `json:"face_to_face"`
	Phone            *bool        `json:"phone"`
	HoursPerYear     *int64       `json:"hours_per_year"`
}

func (in *taskInput) apply(t *tasks.SheetTask) {
	set(&t.UnitID, in.UnitID)
	set(&t.Name, in.Name)
	set(&t.Content, in.Content)
	set(&t.Timing, in.Timing)
	set(&t.Note, in.Note)
	set(&t.OwnerStaffID, in.OwnerStaffID)
	set(&t.SystemIDs, in.Systems)
	set(&t.Paper, in.Paper)
	set(&t.SpecialEquipment, in.SpecialEquipment)
	set(&t.OnSite, in.OnSite)
	set(&t.FaceToFace, in.FaceToFace)
	set(&t.Phone, in.Phone)
	set(&t.HoursPerYear, in.HoursPerYear)
}

// unitParam reads unit_id, by default the caller's own unit.
func unitParam(r *http.Request) (int64, error) {
	var v apperr.Validation
	id := queryInt(r, "unit_id", &v)
	if id == 0 {
		id = principal(r).UnitID
	}
	if id == 0 && !v.Has("unit_id") {
		v.Add("unit_id", "field.required", nil)
	}
	return id, v.Err()
}

func (s *API) apiListTasks(w http.ResponseWriter, r *http.Request) {
	unitID, err := unitParam(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	list, err := s.svc.Tasks.Sheet(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeList(w, mapList(list, toTaskJSON))
}

func (s *API) apiApproveTask(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, _ := pathID(r)
	if _, err := s.svc.Tasks.Task(r.Context(), p.TenantID, p, id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	version, ok := s.ifMatch(w, r, "task", id)
	if !ok {
		return
	}
	if err := s.svc.Tasks.ApproveTask(r.Context(), p.TenantID, p, id, version); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t, err := s.svc.Tasks.Task(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.taskRes().respond(w, t, http.StatusOK)
}

// --- summary and ranking ---

type countJSON struct {
	Mode         string  `json:"mode"`
	OK           int     `json:"ok"`
	Partial      int     `json:"partial"`
	No           int     `json:"no"`
	OKHours      float64 `json:"ok_hours"`
	PartialHours float64 `json:"partial_hours"`
	NoHours      float64 `json:"no_hours"`
}

func toCounts(cs []tasks.Count) []countJSON {
	return mapList(cs, func(c tasks.Count) countJSON {
		return countJSON{string(c.Mode), c.OK, c.Partial, c.No, c.OKHours, c.PartialHours, c.NoHours}
	})
}

type scenarioJSON struct {
	ID            string      `json:"id"`
	Parts         []string    `json:"parts,omitempty"`
	Text          string      `json:"text"`
	Improved      int         `json:"improved"`
	ImprovedHours float64     `json:"improved_hours"`
	Counts        []countJSON `json:"counts"`
}

func (s *API) apiSheetSummary(w http.ResponseWriter, r *http.Request) {
	unitID, err := unitParam(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := principal(r)
	sr, err := s.svc.Tasks.RateSheet(r.Context(), p.TenantID, p, unitID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	rated := make([]map[string]any, len(sr.Tasks))
	texts := tasks.NewTexts(lang)
	for i, t := range sr.Tasks {
		et := t.EngineTask()
		rated[i] = ratingsJSON(&et, sr.Rated[i], lang, texts)
		rated[i]["task_id"] = t.ID
		rated[i]["status"] = t.Status
	}
	sm := sr.Summary
	after := mapList(sm.After, func(sc tasks.Scenario) scenarioJSON {
		return scenarioJSON{sc.Fix, sc.Parts, sc.Note.Text(lang), sc.Improved, sc.ImprovedHours, toCounts(sc.Counts)}
	})
	w.Header().Set("Content-Language", lang)
	writeJSON(w, http.StatusOK, map[string]any{"unit_id": unitID, "tasks": rated, "total": sm.Tasks, "hours": sm.Hours,
		"levels": sm.Levels[1:], "now": toCounts(sm.Now), "after": after})
}

type rankedJSON struct {
	ID       string  `json:"id"`
	Text     string  `json:"text"`
	Tasks    int     `json:"tasks"`
	Hours    float64 `json:"hours"`
	Sections []int64 `json:"sections"`
	Opened   []int   `json:"opened"`
}

func (s *API) apiRanking(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	rk, _, err := s.svc.Tasks.Ranking(r.Context(), p.TenantID, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	lang := apiLang(r)
	w.Header().Set("Content-Language", lang)
	writeList(w, mapList(rk, func(x tasks.Ranked) rankedJSON {
		return rankedJSON{x.Fix, x.Note.Text(lang), x.Tasks, x.Hours, x.Sections, x.Opened}
	}))
}

// resource is the plumbing of one stored object's API: reading it for the
// caller, applying a JSON patch, saving at the If-Match version, and
// answering with its ETag (and Location when created). The service calls
// take the request's context, tenant and caller.
type resource[T any, In any, J any] struct {
	etag, path   string
	find         func(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (T, error)
	insert, save func(ctx context.Context, tenantID int64, who *auth.Principal, x T) error
	del          func(ctx context.Context, tenantID int64, who *auth.Principal, id, version int64) error // version 0: as it is
	fresh        func() T
	apply        func(in *In, x T)
	toJSON       func(T) J
	meta         func(T) (id, version int64)
	setVersion   func(T, int64)
}

func (res resource[T, In, J]) respond(w http.ResponseWriter, x T, status int) {
	id, version := res.meta(x)
	w.Header().Set("ETag", etag(res.etag, id, version))
	if status == http.StatusCreated {
		w.Header().Set("Location", res.path+itoa(id))
	}
	writeJSON(w, status, res.toJSON(x))
}

func (res resource[T, In, J]) findFor(r *http.Request) (T, error) {
	p := principal(r)
	id, _ := pathID(r)
	return res.find(r.Context(), p.TenantID, p, id)
}

func (res resource[T, In, J]) get(s *API) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		x, err := res.findFor(r)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		res.respond(w, x, http.StatusOK)
	}
}

func (res resource[T, In, J]) create(s *API) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		if err := decodeJSON(r, &in); err != nil {
			s.apiFail(w, r, err)
			return
		}
		x := res.fresh()
		res.apply(&in, x)
		p := principal(r)
		if err := res.insert(r.Context(), p.TenantID, p, x); err != nil {
			s.apiFail(w, r, err)
			return
		}
		res.respond(w, x, http.StatusCreated)
	}
}

func (res resource[T, In, J]) update(s *API) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		x, err := res.findFor(r)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		id, _ := res.meta(x)
		version, ok := s.ifMatch(w, r, res.etag, id)
		if !ok {
			return
		}
		var in In
		if err := decodeJSON(r, &in); err != nil {
			s.apiFail(w, r, err)
			return
		}
		res.apply(&in, x)
		res.setVersion(x, version)
		p := principal(r)
		if err := res.save(r.Context(), p.TenantID, p, x); err != nil {
			s.apiFail(w, r, err)
			return
		}
		res.respond(w, x, http.StatusOK)
	}
}

func (res resource[T, In, J]) remove(s *API) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		id, _ := pathID(r)
		// If-Match is optional on a delete; given, it must name the
		// version there now (a stale one deleted what the caller had not
		// seen).
		var version int64
		if m := strings.TrimSpace(r.Header.Get("If-Match")); m != "" && m != "*" {
			v, ok := s.ifMatch(w, r, res.etag, id)
			if !ok {
				return
			}
			version = v
		}
		// The version is compared in the delete's own transaction: a
		// change committed after it was read is not deleted unseen.
		if err := res.del(r.Context(), p.TenantID, p, id, version); err != nil {
			s.apiFail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// anyone adapts a read that every caller of the route may make.
func anyone[T any](find func(context.Context, int64, int64) (T, error)) func(context.Context, int64, *auth.Principal, int64) (T, error) {
	return func(ctx context.Context, tenantID int64, _ *auth.Principal, id int64) (T, error) {
		return find(ctx, tenantID, id)
	}
}

func (s *API) systemRes() resource[*tasks.InfoSystem, systemInput, systemJSON] {
	t := s.svc.Tasks
	return resource[*tasks.InfoSystem, systemInput, systemJSON]{etag: "system", path: "/api/v1/systems/",
		find: anyone(t.System), insert: t.SaveSystem, save: t.SaveSystem, del: t.DeleteSystemAt,
		fresh: func() *tasks.InfoSystem { return &tasks.InfoSystem{} }, apply: (*systemInput).apply, toJSON: toSystemJSON,
		meta:       func(x *tasks.InfoSystem) (int64, int64) { return x.ID, x.Version },
		setVersion: func(x *tasks.InfoSystem, v int64) { x.Version = v }}
}

func (s *API) placeRes() resource[*tasks.WorkPlace, placeInput, placeJSON] {
	t := s.svc.Tasks
	return resource[*tasks.WorkPlace, placeInput, placeJSON]{etag: "place", path: "/api/v1/task-places/",
		find: anyone(t.Place), insert: t.SavePlace, save: t.SavePlace, del: t.DeletePlaceAt,
		fresh: func() *tasks.WorkPlace { return &tasks.WorkPlace{} }, apply: (*placeInput).apply, toJSON: toPlaceJSON,
		meta:       func(x *tasks.WorkPlace) (int64, int64) { return x.ID, x.Version },
		setVersion: func(x *tasks.WorkPlace, v int64) { x.Version = v }}
}

func (s *API) taskRes() resource[*tasks.SheetTask, taskInput, taskJSON] {
	t := s.svc.Tasks
	return resource[*tasks.SheetTask, taskInput, taskJSON]{etag: "task", path: "/api/v1/tasks/",
		find: t.Task, insert: t.CreateTask, save: t.UpdateTask, del: t.DeleteTaskAt,
		fresh: func() *tasks.SheetTask { return &tasks.SheetTask{} }, apply: (*taskInput).apply, toJSON: toTaskJSON,
		meta:       func(x *tasks.SheetTask) (int64, int64) { return x.ID, x.Version },
		setVersion: func(x *tasks.SheetTask, v int64) { x.Version = v }}
}
