package web

import (
	"context"
	"net/http"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
	"telework/internal/tabular"
	"telework/internal/tasks"
)

// The systems catalogue and the places (IT keeps them; everyone in the
// tenant reads them), and the improvement ranking (HR, IT).

type systemsView struct {
	Systems  []*tasks.InfoSystem
	Places   []*tasks.WorkPlace
	Settings tasks.Settings
	CanEdit  bool
	System   tasks.InfoSystem // the add form
	Place    tasks.WorkPlace
	Common   []tasks.CommonSystem
}

func (v *view) TaskSegments() []tasks.Segment      { return tasks.Segments }
func (v *view) TaskDataClasses() []tasks.DataClass { return tasks.DataClasses }
func (v *view) TaskRoutes() []tasks.Route          { return tasks.Routes }
func (v *view) TaskPlaceKinds() []tasks.PlaceKind  { return tasks.PlaceKinds }
func (v *view) TaskNetworks() []tasks.Network      { return tasks.Networks }

func (s *Server) systemsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSystems(w, r, http.StatusOK, &systemsView{Place: tasks.WorkPlace{Kind: tasks.Branch, Network: tasks.OfficeLAN}}, nil)
}

func (s *Server) renderSystems(w http.ResponseWriter, r *http.Request, status int, v *systemsView, ferr error) {
	p := principal(r)
	ctx := r.Context()
	var err error
	if v.Systems, err = s.svc.Tasks.Systems(ctx, p.TenantID); err == nil {
		if v.Places, err = s.svc.Tasks.Places(ctx, p.TenantID); err == nil {
			v.Settings, err = s.svc.Tasks.Settings(ctx, p.TenantID)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.CanEdit = p.Has(auth.ITAdmin)
	v.Common = tasks.CommonSystems
	s.render(w, r, status, "tasks_systems", "tasks.systems_title", v, ferr)
}

// readSystemForm reads the system form into x.
func readSystemForm(fm *form, x *tasks.InfoSystem) {
	x.Name, x.Note, x.Segment = fm.str("system_name"), fm.str("note"), tasks.Segment(fm.str("segment"))
	x.DataClasses, x.Routes = nil, nil
	for _, c := range fm.r.PostForm["data_classes"] {
		x.DataClasses = append(x.DataClasses, tasks.DataClass(c))
	}
	for _, c := range fm.r.PostForm["routes"] {
		x.Routes = append(x.Routes, tasks.Route(c))
	}
	if x.Segment == "" {
		// A common system chosen by name brings its usual segment and classes.
		for _, c := range tasks.CommonSystems {
			if c.Name == x.Name {
				x.Segment = c.Segment
				if len(x.DataClasses) == 0 {
					x.DataClasses = c.DataClasses
				}
			}
		}
	}
}

// segmentFromCommon explains a missing segment when the form's default,
// 「候補の一般的な区分を使う」, was kept for a name that is no suggestion:
// the service only knows the segment is not one of the list, while the
// person chose the one option that needs a suggested name.
func segmentFromCommon(err error, x *tasks.InfoSystem) error {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid || x.Segment != "" {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if f.Field == "segment" && f.Key == "field.choice" {
			out.Fields[i].Key = "tasks.field.segment_needs_candidate"
		}
	}
	return &out
}

func (s *Server) systemCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	var x tasks.InfoSystem
	readSystemForm(fm, &x)
	if err := segmentFromCommon(s.svc.Tasks.SaveSystem(r.Context(), p.TenantID, p, &x), &x); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderSystems(w, r, http.StatusUnprocessableEntity, &systemsView{System: x, Place: tasks.WorkPlace{Kind: tasks.Branch, Network: tasks.OfficeLAN}}, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks/systems", "flash.system_saved")
}

func (s *Server) taskSettingsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	if err := s.svc.Tasks.SaveSettings(r.Context(), p.TenantID, p, newForm(r).bool("mynumber_at_branch_office")); err != nil {
		s.fail(w, r, err)
		return
	}
	// The device types count only when declared (otherwise the rating
	// leaves devices out, as the stateless API does without them).
	var devices []tasks.Device
	if newForm(r).bool("devices_declared") {
		devices = []tasks.Device{}
		for _, d := range r.PostForm["devices"] {
			devices = append(devices, tasks.Device(d))
		}
	}
	if err := s.svc.Tasks.SaveDevices(r.Context(), p.TenantID, p, devices); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks/systems", "flash.task_settings_saved")
}

func (s *Server) systemPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	editPage(s, w, r, "tasks_system", "tasks.system_title", func(id int64) (*tasks.InfoSystem, error) { return s.svc.Tasks.System(r.Context(), p.TenantID, id) })
}

func (s *Server) systemSave(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	savePage(s, w, r, "tasks_system", "tasks.system_title", "flash.system_saved",
		func(id int64) (*tasks.InfoSystem, error) { return s.svc.Tasks.System(r.Context(), p.TenantID, id) },
		func(fm *form, x *tasks.InfoSystem) error {
			readSystemForm(fm, x)
			x.Version = int64(fm.int("version", 0))
			return segmentFromCommon(s.svc.Tasks.SaveSystem(r.Context(), p.TenantID, p, x), x)
		})
}

func (s *Server) systemDelete(w http.ResponseWriter, r *http.Request) {
	s.deleteRecord(w, r, "flash.system_deleted", s.svc.Tasks.DeleteSystem)
}

// editPage shows the edit form of the record of the path.
func editPage[T any](s *Server, w http.ResponseWriter, r *http.Request, page, title string, find func(int64) (T, error)) {
	id, _ := pathID(r)
	x, err := find(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, page, title, x, nil)
}

// savePage saves the edit form of the record of the path and returns to
// the catalogue, or shows the form again with its errors.
func savePage[T any](s *Server, w http.ResponseWriter, r *http.Request, page, title, flash string, find func(int64) (T, error), save func(*form, T) error) {
	if !s.parseForm(w, r) {
		return
	}
	id, _ := pathID(r)
	x, err := find(id)
	if err == nil {
		err = save(newForm(r), x)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.render(w, r, http.StatusUnprocessableEntity, page, title, x, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks/systems", flash)
}

// deleteRecord deletes the record of the path and returns to the catalogue.
func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request, flash string, del func(context.Context, int64, *auth.Principal, int64) error) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	id, _ := pathID(r)
	if err := del(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks/systems", flash)
}

func readPlaceForm(fm *form, x *tasks.WorkPlace) {
	x.Name, x.Kind, x.Network = fm.str("place_name"), tasks.PlaceKind(fm.str("place_kind")), tasks.Network(fm.str("network"))
	x.PhysicalSecurity = fm.bool("physical_security")
}

func (s *Server) placeCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	var x tasks.WorkPlace
	readPlaceForm(newForm(r), &x)
	if err := s.svc.Tasks.SavePlace(r.Context(), p.TenantID, p, &x); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderSystems(w, r, http.StatusUnprocessableEntity, &systemsView{Place: x}, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/tasks/systems", "flash.place_saved")
}

func (s *Server) placePage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	editPage(s, w, r, "tasks_place", "tasks.place_title", func(id int64) (*tasks.WorkPlace, error) { return s.svc.Tasks.Place(r.Context(), p.TenantID, id) })
}

func (s *Server) placeSave(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	savePage(s, w, r, "tasks_place", "tasks.place_title", "flash.place_saved",
		func(id int64) (*tasks.WorkPlace, error) { return s.svc.Tasks.Place(r.Context(), p.TenantID, id) },
		func(fm *form, x *tasks.WorkPlace) error {
			readPlaceForm(fm, x)
			x.Version = int64(fm.int("version", 0))
			return s.svc.Tasks.SavePlace(r.Context(), p.TenantID, p, x)
		})
}

func (s *Server) placeDelete(w http.ResponseWriter, r *http.Request) {
	s.deleteRecord(w, r, "flash.place_deleted", s.svc.Tasks.DeletePlace)
}

// --- the ranking ---

type rankingView struct {
	Header  []string
	Rows    [][]string
	Formats []tabular.Format
}

func (s *Server) rankingPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	rows, err := s.svc.Tasks.RankingRows(r.Context(), p.TenantID, p, lang(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tasks_ranking", "tasks.ranking_title", &rankingView{Header: rows[0], Rows: rows[1:], Formats: tabular.Formats}, nil)
}

func (s *Server) rankingExport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f, ok := tabular.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		s.renderStatus(w, r, http.StatusUnprocessableEntity, "error.invalid")
		return
	}
	data, subs, err := s.svc.Tasks.ExportRanking(r.Context(), p.TenantID, p, lang(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route.DownloadTable(w, f, f.FileName("改善策ランキング"), data, subs)
}

// taskItem carries an object and the view into a partial template.
type taskItem struct {
	View *view
	Item any
}

// TaskItem pairs the view with an object for the system and place fields.
func (v *view) TaskItem(item any) taskItem { return taskItem{View: v, Item: item} }

// CommonSystems are the built-in suggestions of the catalogue.
func (v *view) CommonSystems() []tasks.CommonSystem { return tasks.CommonSystems }
