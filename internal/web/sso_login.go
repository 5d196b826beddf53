package web

import (
	"errors"
	"net/http"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/sso"
)

// ssoCookie binds a sign-in in progress to the browser that started it,
// so that nobody can make another person's browser finish their flow
// (sign-in CSRF). SameSite=Lax: the IdP's redirect back is a top-level
// GET, which carries it.
const ssoCookie = "telework_sso"

var itAdminOnly = Rule{Roles: []auth.Role{auth.ITAdmin}}

// ssoRoutes are the single sign-on (OpenID Connect) routes; see issue 4.
func (s *Server) ssoRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/sso/start", Rule: public, Handler: s.ssoStart},
		{Method: "GET", Pattern: "/sso/callback", Rule: public, Handler: s.ssoCallback},
		{Method: "GET", Pattern: "/sso/settings", Rule: itAdminOnly, Handler: s.ssoSettingsPage},
		{Method: "POST", Pattern: "/sso/settings", Rule: itAdminOnly, Handler: s.ssoSettingsSave},
		{Method: "POST", Pattern: "/sso/subject", Rule: itAdminOnly, Handler: s.ssoSubjectSave},
	}
}

// ssoRedirectURI is this server's callback as the browser sees it; the IdP
// must have exactly this URI registered. It is built from the configured
// public URL (--public-url); only without one from the Host header, which
// the client chooses.
func (s *Server) ssoRedirectURI(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/") + "/sso/callback"
	}
	scheme := "http"
	if s.secureCookie(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/sso/callback"
}

// ssoStatus is the answer to each kind of refused sign-in.
func ssoStatus(k sso.FailureKind) int {
	switch k {
	case sso.FailBadRequest:
		return http.StatusBadRequest
	case sso.FailUnreachable:
		return http.StatusBadGateway
	case sso.FailForbidden:
		return http.StatusForbidden
	case sso.FailConflict:
		return http.StatusConflict
	}
	return http.StatusUnauthorized
}

// ssoFail shows the sign-in page with the refusal's message for the
// person, and logs its technical reason under the request id. Nothing from
// the ID token (e-mail, subject) and no token reaches the log. Errors that
// are not refusals are server errors.
func (s *Server) ssoFail(w http.ResponseWriter, r *http.Request, err error) {
	var f *sso.Failure
	if !errors.As(err, &f) {
		s.serverError(w, r, err)
		return
	}
	attrs := []any{"request_id", requestID(r), "tenant_id", f.TenantID, "reason", f.Reason}
	if f.Err != nil {
		attrs = append(attrs, "err", f.Err.Error())
	}
	s.log.Warn("sso sign-in refused", attrs...)
	s.render(w, r, ssoStatus(f.Kind), "login", "login.title", loginForm{Tenant: f.Tenant, Next: f.Next},
		&apperr.Error{Code: apperr.Unauthorized, Key: f.Key, Args: map[string]any{"RequestID": requestID(r)}})
}

func (s *Server) ssoCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: ssoCookie, Value: value, Path: "/sso/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode}
}

// ssoStart begins the authorization code flow and sends the browser to the
// tenant's IdP.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := loginForm{Tenant: strings.ToLower(strings.TrimSpace(q.Get("tenant"))), Next: localPath(q.Get("next"))}
	if f.Tenant == "" || len(f.Tenant) > 100 {
		var v apperr.Validation
		v.Add("sso_tenant", "field.required", nil)
		s.render(w, r, http.StatusUnprocessableEntity, "login", "login.title", f, v.Err())
		return
	}
	st, err := s.svc.SSO.StartSignIn(r.Context(), f.Tenant, s.ssoRedirectURI(r), f.Next)
	if err != nil {
		s.ssoFail(w, r, err)
		return
	}
	http.SetCookie(w, s.ssoCookie(r, st.BrowserToken, int(sso.StateTTL.Seconds())))
	http.Redirect(w, r, st.AuthURL, http.StatusSeeOther)
}

// ssoCallback finishes the flow through the service and signs the account
// in.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	in := sso.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if c, err := r.Cookie(ssoCookie); err == nil {
		in.BrowserToken = c.Value
	}
	done, err := s.svc.SSO.FinishSignIn(r.Context(), in)
	// The flow's state is used up once the service has found it (a
	// Failure with its tenant, or a sign-in): the cookie goes with it.
	var f *sso.Failure
	if err == nil || errors.As(err, &f) && f.TenantID != 0 {
		http.SetCookie(w, s.ssoCookie(r, "", -1))
	}
	if err != nil {
		s.ssoFail(w, r, err)
		return
	}
	u := done.User
	if err := s.startSession(w, r, done.TenantID, u.ID, u.LoginID, map[string]any{"via": "sso", "claim": string(done.Claim)}); err != nil {
		s.serverError(w, r, err)
		return
	}
	next := done.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
