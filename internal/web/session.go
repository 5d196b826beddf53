package web

import (
	"net/http"
	"net/url"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/route"
)

const (
	sessionCookie = route.SessionCookie
	langCookie    = "telework_lang"
	// langChosenCookie marks a language chosen while signed out (on the
	// sign-in page), for the sign-in to save to the account.
	langChosenCookie = "telework_lang_chosen"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// secureCookie tells whether cookies get Secure (and links https): as
// configured, else when the request came over HTTPS by the same test as
// HSTS (overHTTPS), so a proxy's "X-Forwarded-Proto: HTTPS" cannot get
// HSTS and an insecure session cookie at once.
func (s *Server) secureCookie(r *http.Request) bool {
	switch s.cfg.CookieSecure {
	case "always":
		return true
	case "never":
		return false
	}
	return s.overHTTPS(r)
}

// setSessionCookie sets the session cookie as a browser-session cookie (no
// Max-Age or Expires: it ends when the browser closes), or clears it when
// token is "". The session's idle and absolute limits are kept on the
// server (auth.Limits), whatever the browser does with the cookie.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	c := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// sessionOf returns the caller's principal from the session cookie, or
// nil (no session, or one that ended; the auth service slides the idle
// expiry). An error is a session that could not be checked (the database
// is down): not a sign-out, so the caller answers 503, not the login page.
func (s *Server) sessionOf(r *http.Request) (*auth.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	p, err := s.svc.Auth.Authenticate(r.Context(), c.Value)
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.NotFound || c == apperr.Forbidden || c == apperr.Unauthorized {
			return nil, nil
		}
		return nil, err
	}
	return p, nil
}

// startSession signs an account in: a new session on every sign-in (a
// session id planted before sign-in, fixation, is never promoted), the
// auth.login audit entry (detail says how, e.g. via SSO; nil for a
// password) and the cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, tenantID, userID int64, login string, detail any) error {
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	token, err := s.svc.Auth.StartSession(r.Context(), tenantID, userID, login, detail, old)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	if c, err := r.Cookie(langChosenCookie); err == nil {
		// The language the person chose on the sign-in page just before
		// is theirs from now on (a review found English chosen there
		// dropped at sign-in for the account's Japanese).
		http.SetCookie(w, &http.Cookie{Name: langChosenCookie, Path: "/", MaxAge: -1})
		if lang := i18n.Normalize(c.Value); lang != "" {
			p, err := s.svc.Auth.Authenticate(r.Context(), token)
			if err != nil {
				return err
			}
			if p.Locale != lang {
				if err := s.saveLocale(r, p, lang, p.Wareki); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.svc.Auth.SignOut(r.Context(), c.Value)
	}
	s.setSessionCookie(w, r, "")
	target := "/login"
	if p.IsOperator() {
		target = "/operator/login"
	} else if p != nil {
		target += "?tenant=" + url.QueryEscape(p.TenantSlug)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func actorOf(p *auth.Principal) audit.Actor { return auth.ActorOf(p) }
