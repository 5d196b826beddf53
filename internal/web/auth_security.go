package web

import (
	"net/http"
	"strings"

	"telework/internal/apperr"
)

// Pages of issue 10's sign-in and account findings: HR's list of every API
// token of the tenant (item 2) and the operator's grant of the auditor role
// (item 14, separation of duties).

func (s *Server) authSecurityRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/accounts/tokens", Rule: hrOnly, Handler: s.tenantTokensPage},
		{Method: "POST", Pattern: "/accounts/tokens/{id}/revoke", Rule: hrOnly, Object: "token", Handler: s.tenantTokenRevoke},
		{Method: "GET", Pattern: "/operator/tenants/{id}/auditors", Rule: operator, Object: "tenant", Handler: s.auditorsPage},
		{Method: "POST", Pattern: "/operator/tenants/{id}/auditors", Rule: operator, Object: "tenant", Handler: s.auditorsSave},
	}
}

func (s *Server) tenantTokensPage(w http.ResponseWriter, r *http.Request) {
	ts, err := s.svc.Auth.TenantTokens(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.svc.Auth.Now()
	rows := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, map[string]any{"T": t, "Active": t.Active(now)})
	}
	s.render(w, r, http.StatusOK, "tenant_tokens", "tenant_tokens.title", map[string]any{"Tokens": rows}, nil)
}

func (s *Server) tenantTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Auth.RevokeTenantToken(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/accounts/tokens", "flash.token_revoked")
}

type auditorsForm struct {
	LoginID string
}

func (s *Server) auditorsPage(w http.ResponseWriter, r *http.Request) {
	s.auditorsPageWith(w, r, http.StatusOK, auditorsForm{}, nil)
}

func (s *Server) auditorsPageWith(w http.ResponseWriter, r *http.Request, status int, f auditorsForm, err error) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	t, ferr := s.svc.Org.TenantByID(r.Context(), id)
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	us, ferr := s.svc.Auth.Auditors(r.Context(), id)
	if ferr != nil {
		s.serverError(w, r, ferr)
		return
	}
	s.render(w, r, status, "tenant_auditors", "auditors.title", map[string]any{"Tenant": t, "Auditors": us, "Form": f}, err)
}

// auditorsSave grants (action=grant) or removes (action=remove) the
// auditor role of the account named by login_id.
func (s *Server) auditorsSave(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.svc.Org.TenantByID(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	f := auditorsForm{LoginID: strings.TrimSpace(r.PostForm.Get("login_id"))}
	_, err := s.svc.Auth.SetAuditor(r.Context(), principal(r), id, f.LoginID, r.PostForm.Get("action") != "remove")
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.auditorsPageWith(w, r, http.StatusUnprocessableEntity, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/operator/tenants/"+itoa(id)+"/auditors", "flash.saved")
}
