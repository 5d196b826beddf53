package web

import (
	"net/http"
	"strconv"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
)

// auditLog lets the auditor read and filter the tenant's audit log, newest
// first, paging back by sequence number.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q := r.URL.Query()
	f := audit.Filter{Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Actor: q.Get("actor"), Limit: 50}
	f.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if d, err := calendar.ParseDate(q.Get("from")); err == nil {
		f.From = d.Time()
	}
	if d, err := calendar.ParseDate(q.Get("to")); err == nil {
		f.To = d.Time().Add(24 * time.Hour)
	}
	entries, err := s.svc.Audit.FindEntries(r.Context(), p.TenantID, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := map[string]any{"Entries": entries, "Q": q}
	if len(entries) == f.Limit {
		nq := cloneQuery(q)
		nq.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		data["Older"] = "/audit?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", "audit.title", data, nil)
}
