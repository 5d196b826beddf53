package api

import (
	"net/http"
	"strings"
	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/route"
)

// Guard authenticates an API request (a bearer token, or else the session
// that session reads from the cookie) and applies the route's rule,
// answering with problem details instead of pages.
func (s *API) Guard(w http.ResponseWriter, r *http.Request, rt route.Route, session func(*http.Request) (*auth.Principal, error)) {
	var p *auth.Principal
	if h := r.Header.Get("Authorization"); h != "" {
		var ok bool
		if p, ok = s.tokenPrincipal(w, r, h); !ok {
			return
		}
	} else {
		var err error
		if p, err = session(r); err != nil && !rt.Rule.Public {
			s.problem(w, r, http.StatusServiceUnavailable, apperr.UnavailableErr(err))
			return
		}
	}
	if p != nil {
		ri := route.InfoOf(r)
		ri.TenantID, ri.UserID = p.TenantID, p.UserID
		r = r.WithContext(route.WithPrincipal(r.Context(), p))
	}
	if !rt.Rule.Public {
		switch {
		case p == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="telework"`)
			s.problem(w, r, http.StatusUnauthorized, apperr.New(apperr.Unauthorized, "api.unauthorized"))
			return
		case !rt.Rule.Allows(p):
			s.problem(w, r, http.StatusForbidden, apperr.Forbid())
			return
		case p.MustChange:
			s.problem(w, r, http.StatusForbidden, apperr.New(apperr.Forbidden, "api.must_change_password"))
			return
		case p.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead:
			s.problem(w, r, http.StatusForbidden, apperr.New(apperr.Forbidden, "api.read_only_token"))
			return
		}
	}
	if rt.BadID(r) {
		s.problem(w, r, http.StatusNotFound, apperr.NotFoundErr(rt.Object))
		return
	}
	if rt.API != nil && rt.API.Idempotent && r.Header.Get("Idempotency-Key") != "" && p != nil {
		s.idempotent(w, r, p, rt.Handler)
		return
	}
	rt.Handler(w, r)
}

// tokenPrincipal resolves "Bearer tw_…" (any case of "Bearer") to the owner's principal. Revoked,
// expired and unknown tokens get the same 401.
func (s *API) tokenPrincipal(w http.ResponseWriter, r *http.Request, header string) (*auth.Principal, bool) {
	// The scheme is case-insensitive (RFC 9110 §11.1): "bearer" and
	// "BEARER" are "Bearer".
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	ok = ok && strings.EqualFold(scheme, "Bearer")
	var p *auth.Principal
	var err error = apperr.New(apperr.Unauthorized, "api.invalid_token")
	if ok {
		p, err = s.svc.Auth.TokenPrincipal(r.Context(), strings.TrimSpace(token))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Unauthorized {
			// The token could not be checked (the database is down, say):
			// not a verdict on the token, which a 401 would be (clients
			// drop a token on 401).
			s.problem(w, r, http.StatusServiceUnavailable, apperr.UnavailableErr(err))
			return nil, false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="telework", error="invalid_token"`)
		s.problem(w, r, http.StatusUnauthorized, apperr.New(apperr.Unauthorized, "api.invalid_token"))
		return nil, false
	}
	return p, true
}
