package web

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/route"
	"telework/internal/tabular"
)

// auditRoutes are the auditor's: the log (GET /audit, in pageRoutes) and
// its export for the 監査調書. Reading the log changes nothing, so neither
// writes an audit entry; the access log records both requests.
func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/audit/export", Rule: auditor, Handler: s.auditExport},
	}
}

// auditObjectTypes are the kinds of object the object picker offers.
var auditObjectTypes = []string{"staff", "unit", "user", "api_token", "policy_version", "closure_day", "tenant",
	"sso_settings", "staff_import", "staff_export", "retired_staff", "api_tokens"}

// auditForm is the filter as the page's pickers sent it.
type auditForm struct {
	Kind, ObjectType, ObjectID, Object, Person, From, To string
	Problems                                             map[string]string // field → message
}

// parseAuditQuery reads the pickers into the service's query; a date
// that cannot be read is reported on its field and ignored.
func parseAuditQuery(lang string, q url.Values) (audit.Query, auditForm) {
	f := auditForm{Kind: q.Get("kind"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Object: strings.TrimSpace(q.Get("object")), Person: strings.TrimSpace(q.Get("person")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Problems: map[string]string{}}
	aq := audit.Query{Kind: f.Kind, Action: q.Get("action"), ObjectType: f.ObjectType, ObjectID: f.ObjectID, Object: f.Object, Person: f.Person}
	date := func(field, text string) (time.Time, bool) {
		if text == "" {
			return time.Time{}, false
		}
		d, err := calendar.ParseDate(text)
		if err != nil {
			f.Problems[field] = i18n.T(lang, "auditlog.bad_date",
				map[string]any{"Field": i18n.T(lang, "auditlog."+field, nil), "Text": text})
			return time.Time{}, false
		}
		return d.Time(), true
	}
	if t, ok := date("from", f.From); ok {
		aq.From = t
	}
	if t, ok := date("to", f.To); ok {
		aq.To = t.Add(24 * time.Hour)
	}
	aq.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	aq.AfterSeq, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return aq, f
}

// auditPage is what audit.html shows.
type auditPage struct {
	Form          auditForm
	Groups        []audit.KindGroup
	ObjectTypes   []string
	People        []audit.PersonChoice
	Rows          []auditRow
	Newer, Older  string // links, "" when there is nothing that way
	FixedObject   string // the object the page is limited to (object_id)
	Unfix         string
	UnknownObject bool
	UnknownPerson bool
	ExportQuery   url.Values
	Formats       []tabular.Format
}

// auditLog lets the auditor read and filter the tenant's audit log, newest
// first, paging by sequence number both ways.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	l := lang(r)
	q := r.URL.Query()
	aq, form := parseAuditQuery(l, q)
	page, err := s.svc.Audit.Find(r.Context(), p.TenantID, aq)
	if isInvalid(err) {
		// A hand-made link (action= has no box on the page): say why.
		s.render(w, r, http.StatusUnprocessableEntity, "error", "error.invalid",
			map[string]any{"Status": http.StatusUnprocessableEntity, "Message": i18n.Reason(l, err)}, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	people, err := s.svc.Audit.People(r.Context(), p.TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := auditFormatter{lang: l}
	data := &auditPage{Form: form, Groups: audit.KindGroups, ObjectTypes: auditObjectTypes, People: people,
		UnknownObject: page.UnknownObject, UnknownPerson: page.UnknownPerson, Formats: tabular.Formats}
	for _, v := range page.Entries {
		data.Rows = append(data.Rows, f.row(v, q))
	}
	link := func(key string, seq int64) string {
		nq := cloneQuery(q)
		nq.Del("before")
		nq.Del("after")
		nq.Set(key, strconv.FormatInt(seq, 10))
		return "/audit?" + nq.Encode()
	}
	if n := len(page.Entries); n > 0 {
		if page.Newer {
			data.Newer = link("after", page.Entries[0].Seq)
		}
		if page.Older {
			data.Older = link("before", page.Entries[n-1].Seq)
		}
	}
	if form.ObjectID != "" {
		if n := len(page.Entries); n > 0 {
			data.FixedObject = f.object(page.Entries[0])
		} else {
			data.FixedObject = f.objectType(form.ObjectType) + " #" + form.ObjectID
		}
		nq := cloneQuery(q)
		for _, k := range []string{"object_id", "object_type", "before", "after"} {
			nq.Del(k)
		}
		data.Unfix = "/audit?" + nq.Encode()
	}
	data.ExportQuery = cloneQuery(q)
	data.ExportQuery.Del("before")
	data.ExportQuery.Del("after")
	s.render(w, r, http.StatusOK, "audit", "auditlog.title", data, nil)
}

// auditExport writes every entry matching the page's filter, oldest
// first, for the 監査調書: CSV in UTF-8 with BOM or in CP932, or xlsx.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	l := lang(r)
	q := r.URL.Query()
	format, ok := tabular.ParseFormat(q.Get("format"))
	if !ok {
		format = tabular.XLSX
	}
	aq, form := parseAuditQuery(l, q)
	if len(form.Problems) > 0 {
		// The page shows the same message; an export of the whole log in
		// place of the range asked for would mislead the 監査調書.
		msgs := slices.Sorted(maps.Values(form.Problems))
		http.Error(w, strings.Join(msgs, "\n"), http.StatusUnprocessableEntity)
		return
	}
	f := auditFormatter{lang: l}
	rows := [][]string{f.exportHeader()}
	err := s.svc.Audit.Export(r.Context(), p.TenantID, aq, func(v *audit.View) error {
		rows = append(rows, f.exportRow(v))
		return nil
	})
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		http.Error(w, i18n.Reason(l, err), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	subs, err := tabular.Write(&buf, format, i18n.T(l, "auditlog.export_sheet", nil), rows)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	route.DownloadTable(w, format, auditFileName(format, s.svc.Audit.Now()), buf.Bytes(), subs)
}

// auditFileName is audit-log-YYYYMMDD-HHMM with the encoding told apart
// (-sjis) so that two exports of the same minute never overwrite.
func auditFileName(f tabular.Format, now time.Time) string {
	return f.FileName("audit-log-" + now.In(calendar.Tokyo).Format("20060102-1504"))
}
