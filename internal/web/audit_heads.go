package web

import (
	"net/http"
	"strings"

	"telework/internal/audit"
)

// auditHeadRoutes are the operator's view of the audit chains' heads.
func (s *Server) auditHeadRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/operator/audit-heads", Rule: operator, Handler: s.auditHeads},
	}
}

type auditHeadRow struct {
	Head audit.Head
	Name string // the tenant's name; "" for the instance's chain
}

// auditHeads shows every chain's head (last seq and hash) and the same
// heads as audit-head lines, for the operator to print, mail or copy to a
// write-once share: `telework audit verify --head` checks the chains
// against them later.
func (s *Server) auditHeads(w http.ResponseWriter, r *http.Request) {
	now := s.svc.Audit.Now()
	heads, err := s.svc.Audit.Heads(r.Context(), nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ts, err := s.svc.Org.Tenants(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := make(map[int64]string, len(ts))
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	rows := make([]auditHeadRow, 0, len(heads))
	for _, h := range heads {
		rows = append(rows, auditHeadRow{Head: h, Name: names[h.TenantID]})
	}
	var lines strings.Builder
	if err := audit.WriteHeads(&lines, now, heads); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "operator_audit_heads", "audit_heads.title",
		map[string]any{"Rows": rows, "Lines": lines.String(), "TakenAt": now}, nil)
}
