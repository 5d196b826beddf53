package web

import (
	"cmp"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"telework/internal/api"
	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/roadmap"
	"telework/internal/route"
)

// promoters are the 推進 staff (issue 16): HR and IT admin.
var promoters = api.Promoters

// roadmapRoutes are the pages of the rollout roadmap (issue 16): the
// board, one step's form, a figure's checklist, evidence files, the PDCA
// reviews and the one-page print for the 推進本部. Steps and items are
// chosen by number and code in the query or form (the same in every
// tenant); only evidence files have an {id}.
func (s *Server) roadmapRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/roadmap", Rule: promoters, Handler: s.roadmapPage},
		{Method: "GET", Pattern: "/roadmap/print", Rule: promoters, Handler: s.roadmapPrint},
		{Method: "GET", Pattern: "/roadmap/step", Rule: promoters, Handler: s.roadmapStepPage},
		{Method: "POST", Pattern: "/roadmap/step", Rule: promoters, Handler: s.roadmapStepSave},
		{Method: "GET", Pattern: "/roadmap/checklist", Rule: promoters, Handler: s.roadmapChecklist},
		{Method: "POST", Pattern: "/roadmap/check", Rule: promoters, Handler: s.roadmapCheck},
		{Method: "POST", Pattern: "/roadmap/evidence", Rule: promoters, Handler: s.roadmapEvidenceAdd, MaxBody: attach.MaxBytes + 64<<10},
		{Method: "GET", Pattern: "/roadmap/evidence/{id}", Rule: promoters, Object: "roadmap_evidence", Handler: s.roadmapEvidenceGet},
		{Method: "POST", Pattern: "/roadmap/evidence/{id}/remove", Rule: promoters, Object: "roadmap_evidence", Handler: s.roadmapEvidenceRemove},
		{Method: "POST", Pattern: "/roadmap/review-settings", Rule: promoters, Handler: s.roadmapCadence},
		{Method: "POST", Pattern: "/roadmap/reviews", Rule: promoters, Handler: s.roadmapReview},
	}
}

// roadmapView is what the roadmap pages show.
type roadmapView struct {
	B        roadmap.Board
	Today    calendar.Date
	Due      bool
	Late     []int
	Steps    []roadmap.StepInfo
	Owners   []roadmap.OwnerInfo
	Figures  []figureView
	Statuses []roadmap.Status
	Step     *roadmap.Step // the step being edited
	Figure   *figureView   // the checklist being shown
	Reviews  []roadmap.Review
	Settings roadmap.ReviewSettings
	Tenant   string
	Progress map[int]roadmap.FigureProgress
}

type figureView struct {
	N, Step int
	JA, EN  string
	Items   []itemView
}

type itemView struct {
	roadmap.Item
	C roadmap.Check
}

func (s *Server) loadRoadmap(r *http.Request) (*roadmapView, error) {
	svc := s.svc.Trial.Roadmap
	b, err := svc.Board(r.Context(), principal(r).TenantID)
	if err != nil {
		return nil, err
	}
	today := svc.Today()
	v := &roadmapView{B: b, Today: today, Due: b.ReviewDue(today), Late: b.Late(today), Steps: roadmap.Steps,
		Owners: roadmap.Owners, Statuses: roadmap.Statuses, Reviews: b.Reviews, Settings: b.Settings, Progress: map[int]roadmap.FigureProgress{}}
	for _, p := range b.Progress() {
		v.Progress[p.Figure] = p
	}
	for _, f := range roadmap.Figures {
		fv := figureView{N: f.N, Step: f.Step, JA: f.JA, EN: f.EN}
		for _, it := range roadmap.Items {
			if it.Figure == f.N {
				fv.Items = append(fv.Items, itemView{it, b.Checks[it.Code]})
			}
		}
		v.Figures = append(v.Figures, fv)
	}
	return v, nil
}

func (s *Server) roadmapPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadRoadmap(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "roadmap", "roadmap.title", v, nil)
}

func (s *Server) roadmapPrint(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadRoadmap(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if t, err := s.svc.Org.TenantByID(r.Context(), principal(r).TenantID); err == nil {
		v.Tenant = t.Name
	}
	s.render(w, r, http.StatusOK, "roadmap_print", "roadmap.print_title", v, nil)
}

// stepNumber reads the step number (1–10) from the query or form; ok
// false for anything else (then the page is a 404 saying so: step 99 once
// showed, and saved, step 1).
func stepNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > len(roadmap.Steps) {
		return 0, false
	}
	return n, true
}

// roadmapNotFound is the 404 of a step or figure that does not exist,
// saying which ones do.
func (s *Server) roadmapNotFound(w http.ResponseWriter, r *http.Request, key, value string) {
	s.roadmapNoSuch(w, r, http.StatusNotFound, key, value)
}

// roadmapNoSuch answers status with the page saying which steps or
// figures exist.
func (s *Server) roadmapNoSuch(w http.ResponseWriter, r *http.Request, status int, key, value string) {
	figures := make([]string, len(roadmap.Figures))
	for i, f := range roadmap.Figures {
		figures[i] = strconv.Itoa(f.N)
	}
	msg := i18n.T(lang(r), key, map[string]any{"Value": value, "Max": len(roadmap.Steps), "Figures": strings.Join(figures, i18n.T(lang(r), "roadmap.figure_sep", nil))})
	title := "error.not_found_page"
	if status != http.StatusNotFound {
		title = "error.invalid"
	}
	s.render(w, r, status, "error", title, map[string]any{"Status": status, "Message": msg}, nil)
}

func (s *Server) roadmapStepPage(w http.ResponseWriter, r *http.Request) {
	// No number: the first step (the board links each); a number that is
	// no step: a 404.
	n, ok := stepNumber(cmp.Or(r.URL.Query().Get("n"), "1"))
	if !ok {
		s.roadmapNotFound(w, r, "roadmap.no_such_step", r.URL.Query().Get("n"))
		return
	}
	v, err := s.loadRoadmap(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := v.B.Steps[n-1]
	v.Step = &st
	s.render(w, r, http.StatusOK, "roadmap_step", "roadmap.step_title", v, nil)
}

func (s *Server) roadmapStepSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	n, ok := stepNumber(f.str("step"))
	if !ok {
		// Saved nowhere (a number that is no step once saved step 1).
		s.roadmapNoSuch(w, r, http.StatusUnprocessableEntity, "roadmap.no_such_step", f.str("step"))
		return
	}
	st := roadmap.Step{N: n, Status: roadmap.Status(f.str("status")), PlannedStart: f.date("planned_start"),
		PlannedEnd: f.date("planned_end"), DoneOn: f.date("done_on"), Note: f.r.PostForm.Get("note"), Version: f.id("version")}
	for _, o := range r.PostForm["owners"] {
		st.Owners = append(st.Owners, roadmap.Owner(o))
	}
	err := f.v.Err()
	if err == nil {
		p := principal(r)
		_, err = s.svc.Trial.Roadmap.SaveStep(r.Context(), p.TenantID, actorOf(p), st)
	}
	if err != nil {
		if !isInvalid(err) {
			s.fail(w, r, err)
			return
		}
		v, lerr := s.loadRoadmap(r)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.Step = &st
		s.render(w, r, http.StatusUnprocessableEntity, "roadmap_step", "roadmap.step_title", v, f.merge(err))
		return
	}
	s.flashRedirect(w, r, "/roadmap", "flash.roadmap_saved")
}

func (s *Server) roadmapChecklist(w http.ResponseWriter, r *http.Request) {
	// No figure: the first one; a figure the guide does not have is a 404
	// (figure 7 once showed figure 4 as if it were 7).
	figure := r.URL.Query().Get("figure")
	known := false
	for _, f := range roadmap.Figures {
		known = known || strconv.Itoa(f.N) == figure
	}
	if figure != "" && !known {
		s.roadmapNotFound(w, r, "roadmap.no_such_figure", figure)
		return
	}
	s.showChecklist(w, r, http.StatusOK, figure, nil)
}

func (s *Server) showChecklist(w http.ResponseWriter, r *http.Request, status int, figure string, err error) {
	v, lerr := s.loadRoadmap(r)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v.Figure = &v.Figures[0]
	for i := range v.Figures {
		if strconv.Itoa(v.Figures[i].N) == figure {
			v.Figure = &v.Figures[i]
		}
	}
	s.render(w, r, status, "roadmap_checklist", "roadmap.checklist_title", v, err)
}

// itemFields names the errors of one of a page's repeated forms after it
// ("file" of item f4.1 is "file-f4.1", as its input f-file-f4.1 is), so the
// summary's link lands on the form that was refused and the message is
// shown there only; labels keeps each field's label (a field the product
// has no label for would be named as sent).
func itemFields(err error, suffix string, labels map[string]string) error {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, fe := range out.Fields {
		label, ok := labels[fe.Field]
		if !ok {
			continue
		}
		args := maps.Clone(fe.Args)
		if args == nil {
			args = map[string]any{}
		}
		if _, set := args["LabelKey"]; !set {
			args["LabelKey"] = label
		}
		out.Fields[i].Field, out.Fields[i].Args = fe.Field+suffix, args
	}
	return &out
}

func figureOf(item string) string {
	if it, ok := roadmap.ItemByCode(item); ok {
		return strconv.Itoa(it.Figure)
	}
	return ""
}

func (s *Server) roadmapCheck(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	item := f.str("item")
	version := f.id("version")
	p := principal(r)
	_, err := s.svc.Trial.Roadmap.SetCheck(r.Context(), p.TenantID, actorOf(p), item, f.bool("done"), f.r.PostForm.Get("note"), version)
	if err != nil {
		if isInvalid(err) {
			s.showChecklist(w, r, http.StatusUnprocessableEntity, figureOf(item), itemFields(err, "-"+item, map[string]string{"note": "roadmap.evidence_note"}))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/roadmap/checklist?figure="+figureOf(item)+"#item-"+item, "flash.roadmap_checked")
}

// uploadedFile reads the "file" part of a multipart form (at most
// attach.MaxBytes); a missing or oversized file is a field error on file.
func uploadedFile(r *http.Request) (name string, data []byte, err error) {
	fileErr := func(key string) error {
		var v apperr.Validation
		v.Add("file", key, map[string]any{"Max": attach.MaxBytes >> 20})
		return v.Err()
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, fileErr("field.attach_size")
		}
		return "", nil, fileErr("field.file_required")
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, fileErr("field.file_required")
	}
	defer fh.Close()
	data, err = io.ReadAll(io.LimitReader(fh, attach.MaxBytes+1))
	if err != nil {
		return "", nil, fileErr("field.file_required")
	}
	return hdr.Filename, data, nil
}

func (s *Server) roadmapEvidenceAdd(w http.ResponseWriter, r *http.Request) {
	name, data, err := uploadedFile(r)
	item := r.FormValue("item")
	if err == nil {
		p := principal(r)
		_, err = s.svc.Trial.Roadmap.AttachEvidence(r.Context(), p.TenantID, actorOf(p), item, name, data)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		if isInvalid(err) {
			s.showChecklist(w, r, http.StatusUnprocessableEntity, figureOf(item), itemFields(err, "-"+item, map[string]string{"file": "roadmap.evidence_file"}))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/roadmap/checklist?figure="+figureOf(item)+"#item-"+item, "flash.roadmap_file_added")
}

func (s *Server) roadmapEvidenceGet(w http.ResponseWriter, r *http.Request) {
	f, _, ok := found(s, w, r, s.svc.Trial.Roadmap.Evidence)
	if ok {
		serveAttachment(w, f)
	}
}

// serveAttachment sends an attached file as a download, never rendered
// in the page's origin.
func serveAttachment(w http.ResponseWriter, f attach.File) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	route.Download(w, f.ContentType, f.Name, f.Data)
}

func (s *Server) roadmapEvidenceRemove(w http.ResponseWriter, r *http.Request) {
	f, id, ok := found(s, w, r, s.svc.Trial.Roadmap.Evidence)
	if !ok {
		return
	}
	p := principal(r)
	if err := s.svc.Trial.Roadmap.RemoveEvidence(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/roadmap/checklist?figure="+figureOf(f.Owner.CheckItem), "flash.roadmap_file_removed")
}

func (s *Server) roadmapCadence(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	months, next := f.int("interval_months", 0), f.date("next_on")
	roadmap.CheckInterval(&f.v, months) // with an unreadable date, both are reported at once
	err := f.v.Err()
	if err == nil {
		p := principal(r)
		err = s.svc.Trial.Roadmap.SetReviewCadence(r.Context(), p.TenantID, actorOf(p), months, next)
	}
	s.roadmapAfter(w, r, f, err, "flash.roadmap_cadence_saved")
}

func (s *Server) roadmapReview(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	held := f.date("held_on")
	err := f.v.Err()
	if err == nil {
		p := principal(r)
		_, err = s.svc.Trial.Roadmap.RecordReview(r.Context(), p.TenantID, actorOf(p), held, f.r.PostForm.Get("note"))
	}
	s.roadmapAfter(w, r, f, err, "flash.roadmap_review_saved")
}

// roadmapAfter shows the board again with the form's errors, or goes back
// to it with a flash.
func (s *Server) roadmapAfter(w http.ResponseWriter, r *http.Request, f *form, err error, flash string) {
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/roadmap#pdca", flash)
	case isInvalid(err):
		v, lerr := s.loadRoadmap(r)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "roadmap", "roadmap.title", v, f.merge(err))
	default:
		s.fail(w, r, err)
	}
}

// isInvalid reports a validation error (shown on the form, 422).
