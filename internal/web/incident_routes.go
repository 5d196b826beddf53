package web

import (
	"net/http"
	"strconv"
	"strings"

	"telework/internal/auth"
	"telework/internal/cost"
	"telework/internal/incident"
	"telework/internal/route"
	"telework/internal/tabular"
)

// incidentRoutes are the pages of issue 16's incidents and costs: staff
// report (anonymously if they choose) and see their named reports; IT
// admin reviews; the 推進 staff keep the cost register.
func (s *Server) incidentRoutes() []Route {
	itOnly := route.ITOnly
	return []Route{
		{Method: "GET", Pattern: "/incidents/new", Rule: directory, Handler: s.incidentNew},
		{Method: "POST", Pattern: "/incidents", Rule: directory, Handler: s.incidentReport},
		{Method: "GET", Pattern: "/incidents", Rule: itOnly, Handler: s.incidentList},
		{Method: "GET", Pattern: "/incidents/{id}", Rule: itOnly, Object: "incident", Handler: s.incidentShow},
		{Method: "POST", Pattern: "/incidents/{id}/review", Rule: itOnly, Object: "incident", Handler: s.incidentReview},

		{Method: "GET", Pattern: "/costs", Rule: promoters, Handler: s.costsPage},
		{Method: "POST", Pattern: "/costs", Rule: promoters, Handler: s.costAdd},
		{Method: "GET", Pattern: "/costs/export", Rule: promoters, Handler: s.costExport},
		{Method: "GET", Pattern: "/costs/{id}", Rule: promoters, Object: "cost", Handler: s.costEdit},
		{Method: "POST", Pattern: "/costs/{id}", Rule: promoters, Object: "cost", Handler: s.costUpdate},
		{Method: "POST", Pattern: "/costs/{id}/delete", Rule: promoters, Object: "cost", Handler: s.costDelete},
	}
}

type incidentView struct {
	Kinds      []incident.Kind
	Categories []incident.Category
	Statuses   []incident.Status
	Mine       []incident.Incident
	List       []incident.Incident
	Total      int
	Filter     incident.Filter
	In         incident.Incident
	Form       incident.Report
	Next       string
	Counts     incident.Counts
	Guide      *handbookLink // the handbook page in the security slot
}

func (s *Server) incidentNewView(r *http.Request) (*incidentView, error) {
	p := principal(r)
	mine, err := s.svc.Trial.Incident.Mine(r.Context(), p.TenantID, p.UserID)
	return &incidentView{Kinds: incident.Kinds, Categories: incident.Categories, Mine: mine, Form: incident.Report{Kind: incident.KindIncident},
		Guide: s.HandbookLink(r, "security")}, err
}

func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) {
	v, err := s.incidentNewView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "incident_new", "incident.new_title", v, nil)
}

func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	rep := incident.Report{Kind: incident.Kind(f.str("kind")), Category: f.str("category"), OccurredOn: f.date("occurred_on"),
		Summary: f.str("summary"), Detail: f.r.PostForm.Get("detail"), Anonymous: f.bool("anonymous")}
	p := principal(r) // the reporting routes leave no access-log line (unloggedRoutes)
	err := f.v.Err()
	if err == nil {
		_, err = s.svc.Trial.Incident.Report(r.Context(), p.TenantID, actorOf(p), p.UserID, rep)
	}
	if err != nil {
		if !isInvalid(err) {
			s.fail(w, r, err)
			return
		}
		v, lerr := s.incidentNewView(r)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.Form = rep
		s.render(w, r, http.StatusUnprocessableEntity, "incident_new", "incident.new_title", v, f.merge(err))
		return
	}
	key := "flash.incident_reported"
	if rep.Anonymous {
		key = "flash.incident_reported_anonymous"
	}
	s.flashRedirect(w, r, "/incidents/new", key)
}

func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := incident.Filter{Status: incident.Status(q.Get("status")), Kind: incident.Kind(q.Get("kind")), Limit: 50}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		f.Offset = n
	}
	list, total, err := s.svc.Trial.Incident.List(r.Context(), principal(r).TenantID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.svc.Trial.Incident.Summary(r.Context(), principal(r).TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &incidentView{Kinds: incident.Kinds, Categories: incident.Categories, Statuses: incident.Statuses, List: list, Total: total, Filter: f,
		Counts: counts}
	if f.Offset+len(list) < total {
		nq := cloneQuery(q)
		nq.Set("offset", strconv.Itoa(f.Offset+len(list)))
		v.Next = "/incidents?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "incident_list", "incident.list_title", v, nil)
}

func (s *Server) incidentShow(w http.ResponseWriter, r *http.Request) {
	in, _, ok := found(s, w, r, s.svc.Trial.Incident.Get)
	if ok {
		s.render(w, r, http.StatusOK, "incident_show", "incident.show_title",
			&incidentView{In: in, Categories: incident.Categories, Statuses: incident.Statuses}, nil)
	}
}

func (s *Server) incidentReview(w http.ResponseWriter, r *http.Request) {
	in, id, ok := found(s, w, r, s.svc.Trial.Incident.Get)
	if !ok {
		return
	}
	_ = r.ParseForm()
	f := newForm(r)
	version := f.id("version")
	to := incident.Status(f.str("status"))
	p := principal(r)
	_, err := s.svc.Trial.Incident.Review(r.Context(), p.TenantID, actorOf(p), id, version, to, f.r.PostForm.Get("note"))
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/incidents/"+itoa(id), "flash.incident_reviewed")
	case isInvalid(err):
		s.render(w, r, http.StatusUnprocessableEntity, "incident_show", "incident.show_title",
			&incidentView{In: in, Categories: incident.Categories, Statuses: incident.Statuses}, f.merge(err))
	default:
		s.fail(w, r, err)
	}
}

// --- costs ---

type costView struct {
	Year    int
	Years   []int
	List    []cost.Cost
	Totals  cost.Totals
	Kinds   []cost.Kind
	C       cost.Cost
	Formats []tabular.Format
	Rate    float64
	Action  string // where the cost form posts
}

// Yen writes an amount with thousands separators (1,234,567).
func (v *costView) Yen(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (s *Server) costYear(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("fiscal_year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return s.svc.Trial.Cost.ThisYear()
}

func (s *Server) costView(r *http.Request, fy int) (*costView, error) {
	tn := principal(r).TenantID
	svc := s.svc.Trial.Cost
	list, err := svc.List(r.Context(), tn, fy)
	if err != nil {
		return nil, err
	}
	years, err := svc.Years(r.Context(), tn)
	if err != nil {
		return nil, err
	}
	return &costView{Year: fy, Years: years, List: list, Totals: cost.Sum(fy, list), Kinds: cost.Kinds, Formats: tabular.Formats,
		Rate: cost.GrantRate, C: cost.Cost{Kind: cost.Kinds[0].Code}, Action: "/costs"}, nil
}

func (s *Server) costsPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.costView(r, s.costYear(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "costs", "cost.title", v, nil)
}

func costFromForm(f *form) cost.Cost {
	return cost.Cost{Kind: f.str("kind"), Description: f.str("description"), AmountYen: int64(f.int("amount_yen", 0)),
		PaidOn: f.date("paid_on"), Initial: f.bool("initial"), SpecialGrant: f.bool("special_grant"), Note: f.r.PostForm.Get("note")}
}

func (s *Server) costAdd(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	c := costFromForm(f)
	err := f.v.Err()
	p := principal(r)
	if err == nil {
		c, err = s.svc.Trial.Cost.Add(r.Context(), p.TenantID, actorOf(p), c)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/costs?fiscal_year="+strconv.Itoa(c.FiscalYear), "flash.cost_added")
	case isInvalid(err):
		v, lerr := s.costView(r, s.costYear(r))
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v.C = c
		s.render(w, r, http.StatusUnprocessableEntity, "costs", "cost.title", v, f.merge(err))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) costExport(w http.ResponseWriter, r *http.Request) {
	fy := s.costYear(r)
	format, ok := tabular.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		format = tabular.XLSX
	}
	data, subs, err := s.svc.Trial.Cost.Export(r.Context(), principal(r).TenantID, fy, format, lang(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	route.DownloadTable(w, format, format.FileName("costs-"+strconv.Itoa(fy)), data, subs)
}

func (s *Server) costEdit(w http.ResponseWriter, r *http.Request) {
	c, _, ok := found(s, w, r, s.svc.Trial.Cost.Get)
	if ok {
		s.render(w, r, http.StatusOK, "cost_edit", "cost.edit_title", &costView{C: c, Kinds: cost.Kinds, Year: c.FiscalYear, Action: "/costs/" + itoa(c.ID)}, nil)
	}
}

func (s *Server) costUpdate(w http.ResponseWriter, r *http.Request) {
	cur, id, ok := found(s, w, r, s.svc.Trial.Cost.Get)
	if !ok {
		return
	}
	_ = r.ParseForm()
	f := newForm(r)
	c := costFromForm(f)
	c.ID, c.Version = id, f.id("version")
	err := f.v.Err()
	p := principal(r)
	if err == nil {
		c, err = s.svc.Trial.Cost.Update(r.Context(), p.TenantID, actorOf(p), c)
	}
	switch {
	case err == nil:
		s.flashRedirect(w, r, "/costs?fiscal_year="+strconv.Itoa(c.FiscalYear), "flash.cost_saved")
	case isInvalid(err):
		c.ID, c.Version = cur.ID, cur.Version
		s.render(w, r, http.StatusUnprocessableEntity, "cost_edit", "cost.edit_title", &costView{C: c, Kinds: cost.Kinds, Year: cur.FiscalYear, Action: "/costs/" + itoa(cur.ID)}, f.merge(err))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) costDelete(w http.ResponseWriter, r *http.Request) {
	c, id, ok := found(s, w, r, s.svc.Trial.Cost.Get)
	if !ok {
		return
	}
	_ = r.ParseForm()
	p := principal(r)
	if err := s.svc.Trial.Cost.Delete(r.Context(), p.TenantID, actorOf(p), id, newForm(r).id("version")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/costs?fiscal_year="+strconv.Itoa(c.FiscalYear), "flash.cost_deleted")
}

// isHRAdmin reports whether the signed-in account edits the handbook.
func isHRAdmin(r *http.Request) bool { return principal(r).Has(auth.HRAdmin) }
