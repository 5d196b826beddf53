package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/route"
)

const (
	sessionCookie = route.SessionCookie
	langCookie    = "telework_lang"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func (s *Server) secureCookie(r *http.Request) bool {
	switch s.cfg.CookieSecure {
	case "always":
		return true
	case "never":
		return false
	}
	return r.TLS != nil || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
}

// loadSession returns the caller's principal from the session cookie, or
// nil (the auth service slides the idle expiry).
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) *auth.Principal {
	return s.sessionOf(r)
}

func (s *Server) sessionOf(r *http.Request) *auth.Principal {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	p, err := s.svc.Auth.Authenticate(r.Context(), c.Value)
	if err != nil {
		if c := apperr.CodeOf(err); c != apperr.NotFound && c != apperr.Forbidden {
			s.log.Error("session", "request_id", requestID(r), "err", err)
		}
		return nil
	}
	return p
}

// clientAddr is the caller's address for throttling; behind a trusted
// proxy, the left-most X-Forwarded-For entry.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type loginForm struct {
	Tenant, LoginID, Next string
	Operator              bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if p := principal(r); p != nil && !p.IsOperator() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	f := loginForm{Tenant: r.URL.Query().Get("tenant"), Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", "login.title", f, nil)
}

func (s *Server) operatorLoginPage(w http.ResponseWriter, r *http.Request) {
	if p := principal(r); p.IsOperator() {
		http.Redirect(w, r, "/operator", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "login.operator_title", loginForm{Operator: true, Next: safeNext(r.URL.Query().Get("next"))}, nil)
}

// safeNext keeps only local paths, so sign-in cannot be used to send people
// to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || len(next) > 500 {
		return ""
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) { s.doLogin(w, r, false) }

func (s *Server) operatorLogin(w http.ResponseWriter, r *http.Request) { s.doLogin(w, r, true) }

func (s *Server) doLogin(w http.ResponseWriter, r *http.Request, operator bool) {
	if !s.parseForm(w, r) {
		return
	}
	f := loginForm{Tenant: strings.ToLower(strings.TrimSpace(r.PostForm.Get("tenant"))), LoginID: strings.TrimSpace(r.PostForm.Get("login_id")),
		Next: safeNext(r.PostForm.Get("next")), Operator: operator}
	title := "login.title"
	if operator {
		title = "login.operator_title"
	}
	in, err := s.svc.Auth.SignIn(r.Context(), auth.SignIn{Tenant: f.Tenant, LoginID: f.LoginID, Password: r.PostForm.Get("password"),
		Operator: operator, ClientAddr: s.clientAddr(r)})
	if err != nil {
		if apperr.As(err) == nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, statusOf(err), "login", title, f, err)
		return
	}
	if err := s.startSession(w, r, in.TenantID, in.UserID, in.LoginID, nil); err != nil {
		s.serverError(w, r, err)
		return
	}
	next := f.Next
	if next == "" {
		next = "/"
		if operator {
			next = "/operator"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
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
	s.setSessionCookie(w, r, token, int(s.cfg.SessionMax.Seconds()))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.svc.Auth.SignOut(r.Context(), c.Value)
	}
	s.setSessionCookie(w, r, "", -1)
	target := "/login"
	if p.IsOperator() {
		target = "/operator/login"
	} else if p != nil {
		target += "?tenant=" + url.QueryEscape(p.TenantSlug)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// setLang switches the language: a cookie for everyone, and the account's
// setting when signed in.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := i18n.Normalize(r.PostForm.Get("lang"))
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	if p := principal(r); p != nil {
		if err := s.saveLocale(r, p, lang, p.Wareki); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	back := safeNext(r.PostForm.Get("next"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) saveLocale(r *http.Request, p *auth.Principal, lang string, wareki bool) error {
	return s.svc.Auth.SaveSettings(r.Context(), p, lang, wareki)
}

func actorOf(p *auth.Principal) audit.Actor { return auth.ActorOf(p) }

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "settings", "settings.title", s.declaration(r), nil)
}

// declaration is the person's own 育児・介護 declaration for the telework
// rules (nil for accounts without a staff record).
func (s *Server) declaration(r *http.Request) map[string]any {
	p := principal(r)
	if p.IsOperator() || p.StaffID == 0 {
		return nil
	}
	f, err := s.svc.Policy.Facts(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		return nil
	}
	return map[string]any{"Reasons": f.Reasons}
}

// saveDeclaration records the reasons the person declares (育児・介護), as a
// fact for eligibility rules; the other facts (terminal, secondment) are
// HR's and stay as they are.
func (s *Server) saveDeclaration(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if p.StaffID == 0 {
		s.renderStatus(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	if err := s.svc.Policy.DeclareReasons(r.Context(), p.TenantID, actorOf(p), p.StaffID, r.PostForm["reasons"]); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/settings", "flash.saved")
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	lang := r.PostForm.Get("lang")
	var v apperr.Validation
	if lang != "ja" && lang != "en" {
		v.Add("lang", "field.choice", nil)
	}
	era := r.PostForm.Get("era")
	if era != "seireki" && era != "wareki" {
		v.Add("era", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "settings", "settings.title", s.declaration(r), err)
		return
	}
	if err := s.saveLocale(r, p, lang, era == "wareki"); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	s.flashRedirect(w, r, settingsPath(p), "flash.saved")
}

func settingsPath(p *auth.Principal) string {
	if p.IsOperator() {
		return "/operator/settings"
	}
	return "/settings"
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", "password.title", nil, nil)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	token, err := s.svc.Auth.ChangePassword(r.Context(), p, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"),
		r.PostForm.Get("confirm_password"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.render(w, r, http.StatusUnprocessableEntity, "password", "password.title", nil, err)
			return
		}
		s.serverError(w, r, err)
		return
	}
	if token != "" {
		s.setSessionCookie(w, r, token, int(s.cfg.SessionMax.Seconds()))
	}
	target := "/"
	if p.IsOperator() {
		target = "/operator"
	}
	s.flashRedirect(w, r, target, "flash.password_changed")
}
