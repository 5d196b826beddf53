package web

import (
	"context"
	"html/template"
	"net/http"

	"telework/internal/attach"
	"telework/internal/auth"
	"telework/internal/handbook"
	"telework/internal/roadmap"
)

// handbookRoutes are the tenant's handbook (issue 16): everyone reads the
// published pages and the briefing sessions; HR writes pages in Markdown
// (previewed, rendered and sanitised on the server), attaches files, puts
// a page in a slot so other pages link to it, and lists the 説明会.
func (s *Server) handbookRoutes() []Route {
	// A page (and its files) can be read during the first sign-in, before
	// the forced password change: the first_signin slot links it there.
	readable := directory
	readable.AllowMustChange = true
	return []Route{
		{Method: "GET", Pattern: "/handbook", Rule: directory, Handler: s.handbookIndex},
		{Method: "GET", Pattern: "/handbook/pages/new", Rule: hrOnly, Handler: s.handbookNew},
		{Method: "POST", Pattern: "/handbook/pages", Rule: hrOnly, Handler: s.handbookCreate},
		{Method: "GET", Pattern: "/handbook/pages/{id}", Rule: readable, Object: "handbook_page", Handler: s.handbookShow},
		{Method: "GET", Pattern: "/handbook/pages/{id}/edit", Rule: hrOnly, Object: "handbook_page", Handler: s.handbookEdit},
		{Method: "POST", Pattern: "/handbook/pages/{id}", Rule: hrOnly, Object: "handbook_page", Handler: s.handbookUpdate},
		{Method: "POST", Pattern: "/handbook/pages/{id}/delete", Rule: hrOnly, Object: "handbook_page", Handler: s.handbookDelete},
		{Method: "POST", Pattern: "/handbook/pages/{id}/files", Rule: hrOnly, Object: "handbook_page", Handler: s.handbookAttach, MaxBody: attach.MaxBytes + 64<<10},
		{Method: "GET", Pattern: "/handbook/files/{id}", Rule: readable, Object: "handbook_file", Handler: s.handbookFile},
		{Method: "POST", Pattern: "/handbook/files/{id}/remove", Rule: hrOnly, Object: "handbook_file", Handler: s.handbookFileRemove},
		{Method: "POST", Pattern: "/handbook/briefings", Rule: hrOnly, Handler: s.briefingCreate},
		{Method: "GET", Pattern: "/handbook/briefings/{id}/edit", Rule: hrOnly, Object: "briefing", Handler: s.briefingEdit},
		{Method: "POST", Pattern: "/handbook/briefings/{id}", Rule: hrOnly, Object: "briefing", Handler: s.briefingUpdate},
		{Method: "POST", Pattern: "/handbook/briefings/{id}/delete", Rule: hrOnly, Object: "briefing", Handler: s.briefingDelete},
		{Method: "POST", Pattern: "/handbook/briefings/{id}/files", Rule: hrOnly, Object: "briefing", Handler: s.briefingAttach, MaxBody: attach.MaxBytes + 64<<10},
	}
}

type handbookView struct {
	Pages     []handbook.Page
	Briefings []handbook.Briefing
	Page      handbook.Page
	HTML      template.HTML
	Preview   bool
	Slots     []handbook.Slot
	Topics    []roadmap.Item
	Editor    bool
	B         handbook.Briefing
}

// TopicName is a 図表5 item's words in the page's language.
func (v *handbookView) TopicName(code, lang string) string {
	if it, ok := roadmap.ItemByCode(code); ok {
		if lang == "en" {
			return it.EN
		}
		return it.JA
	}
	return code
}

// SlotName is a slot's place in the page's language.
func (v *handbookView) SlotName(code, lang string) string {
	for _, s := range v.Slots {
		if s.Code == code {
			if lang == "en" {
				return s.EN
			}
			return s.JA
		}
	}
	return ""
}

func (s *Server) handbookIndexView(r *http.Request) (*handbookView, error) {
	tn, hr := principal(r).TenantID, isHRAdmin(r)
	pages, err := s.svc.Trial.Handbook.Pages(r.Context(), tn, hr)
	if err != nil {
		return nil, err
	}
	bs, err := s.svc.Trial.Handbook.Briefings(r.Context(), tn)
	if err != nil {
		return nil, err
	}
	return &handbookView{Pages: pages, Briefings: bs, Slots: handbook.Slots, Topics: roadmap.Figure5Items(), Editor: hr}, nil
}

func (s *Server) handbookIndex(w http.ResponseWriter, r *http.Request) {
	v, err := s.handbookIndexView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "handbook", "handbook.title", v, nil)
}

func (s *Server) handbookNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "handbook_edit", "handbook.new_title", &handbookView{Slots: handbook.Slots, Editor: true}, nil)
}

func pageFromForm(f *form) handbook.Page {
	return handbook.Page{Title: f.str("title"), Body: f.r.PostForm.Get("body"), Slot: f.str("slot"), Published: f.bool("published"),
		Sort: f.int("sort", 0), Version: f.id("version")}
}

// savePageForm previews or saves the page in the form (id 0: a new one).
func (s *Server) savePageForm(w http.ResponseWriter, r *http.Request, id int64) {
	_ = r.ParseForm()
	f := newForm(r)
	pg := pageFromForm(f)
	pg.ID = id
	title := "handbook.edit_title"
	if id == 0 {
		title = "handbook.new_title"
	}
	if f.r.PostForm.Get("preview") != "" {
		s.render(w, r, http.StatusOK, "handbook_edit", title,
			&handbookView{Page: pg, HTML: handbook.Render(pg.Body), Preview: true, Slots: handbook.Slots, Editor: true}, f.v.Err())
		return
	}
	err := f.v.Err()
	p := principal(r)
	if err == nil {
		pg, err = s.svc.Trial.Handbook.SavePage(r.Context(), p.TenantID, actorOf(p), pg)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/handbook/pages/"+itoa(pg.ID), "flash.handbook_saved")
	case isInvalid(err):
		s.render(w, r, http.StatusUnprocessableEntity, "handbook_edit", title, &handbookView{Page: pg, Slots: handbook.Slots, Editor: true}, f.merge(err))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) handbookCreate(w http.ResponseWriter, r *http.Request) { s.savePageForm(w, r, 0) }

// pageFor reads the {id} page: drafts only for HR.
func (s *Server) pageFor(r *http.Request) func(ctx context.Context, tenantID, id int64) (handbook.Page, error) {
	hr := isHRAdmin(r)
	return func(ctx context.Context, tenantID, id int64) (handbook.Page, error) {
		return s.svc.Trial.Handbook.Page(ctx, tenantID, id, hr)
	}
}

func (s *Server) handbookShow(w http.ResponseWriter, r *http.Request) {
	pg, _, ok := found(s, w, r, s.pageFor(r))
	if ok {
		s.render(w, r, http.StatusOK, "handbook_page", "handbook.title",
			&handbookView{Page: pg, HTML: handbook.Render(pg.Body), Slots: handbook.Slots, Editor: isHRAdmin(r)}, nil)
	}
}

func (s *Server) handbookEdit(w http.ResponseWriter, r *http.Request) {
	pg, _, ok := found(s, w, r, s.pageFor(r))
	if ok {
		s.render(w, r, http.StatusOK, "handbook_edit", "handbook.edit_title", &handbookView{Page: pg, Slots: handbook.Slots, Editor: true}, nil)
	}
}

func (s *Server) handbookUpdate(w http.ResponseWriter, r *http.Request) {
	if _, id, ok := found(s, w, r, s.pageFor(r)); ok {
		s.savePageForm(w, r, id)
	}
}

func (s *Server) handbookDelete(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.pageFor(r))
	if !ok {
		return
	}
	p := principal(r)
	if err := s.svc.Trial.Handbook.DeletePage(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/handbook", "flash.handbook_deleted")
}

// attachTo uploads the form's file to owner and goes back to back.
func (s *Server) attachTo(w http.ResponseWriter, r *http.Request, owner attach.Owner, back string, onInvalid func(error)) {
	name, data, err := uploadedFile(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err == nil {
		p := principal(r)
		_, err = s.svc.Trial.Handbook.Attach(r.Context(), p.TenantID, actorOf(p), owner, name, data)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, back, "flash.handbook_file_added")
	case isInvalid(err):
		onInvalid(err)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) handbookAttach(w http.ResponseWriter, r *http.Request) {
	pg, id, ok := found(s, w, r, s.pageFor(r))
	if !ok {
		return
	}
	s.attachTo(w, r, attach.Owner{PageID: id}, "/handbook/pages/"+itoa(id)+"/edit", func(err error) {
		s.render(w, r, http.StatusUnprocessableEntity, "handbook_edit", "handbook.edit_title", &handbookView{Page: pg, Slots: handbook.Slots, Editor: true}, err)
	})
}

// fileFor reads a page's or briefing's file: a draft page's only for HR.
func (s *Server) fileFor(r *http.Request) func(ctx context.Context, tenantID, id int64) (attach.File, error) {
	hr := isHRAdmin(r)
	return func(ctx context.Context, tenantID, id int64) (attach.File, error) {
		return s.svc.Trial.Handbook.File(ctx, tenantID, id, hr)
	}
}

func (s *Server) handbookFile(w http.ResponseWriter, r *http.Request) {
	if f, _, ok := found(s, w, r, s.fileFor(r)); ok {
		serveAttachment(w, f)
	}
}

func (s *Server) handbookFileRemove(w http.ResponseWriter, r *http.Request) {
	f, id, ok := found(s, w, r, s.fileFor(r))
	if !ok {
		return
	}
	p := principal(r)
	if err := s.svc.Trial.Handbook.RemoveFile(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/handbook"
	if f.Owner.PageID != 0 {
		back = "/handbook/pages/" + itoa(f.Owner.PageID) + "/edit"
	}
	s.flashRedirect(w, r, back, "flash.handbook_file_removed")
}

func (s *Server) briefingCreate(w http.ResponseWriter, r *http.Request) { s.saveBriefingForm(w, r, 0) }

func (s *Server) briefingEdit(w http.ResponseWriter, r *http.Request) {
	b, _, ok := found(s, w, r, s.svc.Trial.Handbook.Briefing)
	if ok {
		s.render(w, r, http.StatusOK, "briefing_edit", "handbook.briefing_edit_title", &handbookView{B: b, Topics: roadmap.Figure5Items(), Editor: true}, nil)
	}
}

func (s *Server) briefingUpdate(w http.ResponseWriter, r *http.Request) {
	if _, id, ok := found(s, w, r, s.svc.Trial.Handbook.Briefing); ok {
		s.saveBriefingForm(w, r, id)
	}
}

// saveBriefingForm creates (id 0) or changes the briefing in the form.
func (s *Server) saveBriefingForm(w http.ResponseWriter, r *http.Request, id int64) {
	_ = r.ParseForm()
	f := newForm(r)
	b := handbook.Briefing{ID: id, Version: f.id("version"), Title: f.str("title"), HeldOn: f.date("held_on"), StartTime: f.str("start_time"),
		Place: f.str("place"), Audience: f.str("audience"), Topics: r.PostForm["topics"], Note: f.r.PostForm.Get("note")}
	err := f.v.Err()
	p := principal(r)
	if err == nil {
		_, err = s.svc.Trial.Handbook.SaveBriefing(r.Context(), p.TenantID, actorOf(p), b)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/handbook#briefings", "flash.briefing_saved")
	case !isInvalid(err):
		s.fail(w, r, err)
	case id != 0:
		s.render(w, r, http.StatusUnprocessableEntity, "briefing_edit", "handbook.briefing_edit_title",
			&handbookView{B: b, Topics: roadmap.Figure5Items(), Editor: true}, f.merge(err))
	default:
		v, lerr := s.handbookIndexView(r)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.B = b
		s.render(w, r, http.StatusUnprocessableEntity, "handbook", "handbook.title", v, f.merge(err))
	}
}

func (s *Server) briefingDelete(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Trial.Handbook.Briefing)
	if !ok {
		return
	}
	p := principal(r)
	if err := s.svc.Trial.Handbook.DeleteBriefing(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/handbook#briefings", "flash.briefing_deleted")
}

func (s *Server) briefingAttach(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Trial.Handbook.Briefing)
	if !ok {
		return
	}
	s.attachTo(w, r, attach.Owner{BriefingID: id}, "/handbook#briefing-"+itoa(id), func(err error) {
		v, lerr := s.handbookIndexView(r)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "handbook", "handbook.title", v, itemFields(err, "-b"+itoa(id), map[string]string{"file": "handbook.material"}))
	})
}

// handbookLink is the published handbook page in a slot, for the pages
// that link to it (nil when the slot is empty).
type handbookLink struct {
	Href, Title string
}

// HandbookLink looks a slot up for another page's handler: e.g.
// s.HandbookLink(r, "first_signin") on the password page. Errors are
// treated as "no link": a missing link must not break the page around it.
func (s *Server) HandbookLink(r *http.Request, slot string) *handbookLink {
	p := principal(r)
	// No link for those who may not open the handbook (the auditor reads
	// the rules page but not the handbook): it would answer 403.
	if p == nil || p.TenantID == 0 || !p.HasAny(directory.Roles...) {
		return nil
	}
	pg, ok, err := s.svc.Trial.Handbook.BySlot(r.Context(), p.TenantID, slot)
	if err != nil || !ok {
		return nil
	}
	return &handbookLink{Href: "/handbook/pages/" + itoa(pg.ID), Title: pg.Title}
}

// trialNav is issue 16's one menu entry: the roadmap for the 推進 staff
// (it links the costs, incidents and handbook), the handbook for everyone
// else (it links the incident report).
func trialNav(p *auth.Principal) (href, key string) {
	if p.HasAny(auth.HRAdmin, auth.ITAdmin) {
		return "/roadmap", "nav.trialops"
	}
	return "/handbook", "nav.handbook"
}
