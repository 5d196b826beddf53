package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/policy"
)

const (
	sessionCookie = "telework_session"
	langCookie    = "telework_lang"
	// Sign-in throttling: failures counted over a window, per account and
	// per client address. An address gets more room because a town hall's
	// staff share one NAT address.
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxAddressFailures = 30
)

func withPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

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
// nil. It slides the idle expiry, bounded by the session's maximum life.
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) *auth.Principal {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil
	}
	ctx := r.Context()
	hash := auth.HashToken(c.Value)
	sess, err := s.db.FindSession(ctx, hash)
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			s.log.Error("session lookup", "request_id", requestID(r), "err", err)
		}
		return nil
	}
	now := s.db.Now()
	if now.Sub(sess.CreatedAt) > s.cfg.SessionMax {
		_ = s.db.DeleteSession(ctx, hash)
		return nil
	}
	p, err := s.principalFor(ctx, sess.TenantID, sess.UserID)
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound && apperr.CodeOf(err) != apperr.Forbidden {
			s.log.Error("session principal", "request_id", requestID(r), "err", err)
		}
		_ = s.db.DeleteSession(ctx, hash)
		return nil
	}
	p.SessionID = hash
	// Writing on every request would make each page a write; once a
	// minute is precise enough for a two-hour idle limit.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		exp := now.Add(s.cfg.SessionIdle)
		if limit := sess.CreatedAt.Add(s.cfg.SessionMax); exp.After(limit) {
			exp = limit
		}
		if err := s.db.TouchSession(ctx, hash, exp); err != nil {
			s.log.Error("session touch", "request_id", requestID(r), "err", err)
		}
	}
	return p
}

// principalFor builds the principal of a tenant account (tenantID > 0) or
// an operator (tenantID 0). Disabled accounts get Forbidden.
func (s *Server) principalFor(ctx context.Context, tenantID, userID int64) (*auth.Principal, error) {
	if tenantID == 0 {
		op, err := s.db.FindOperatorByID(ctx, userID)
		if err != nil {
			return nil, err
		}
		return &auth.Principal{UserID: op.ID, LoginID: op.LoginID, Roles: []auth.Role{auth.Operator},
			Locale: op.Locale, Wareki: op.Wareki, MustChange: op.MustChange}, nil
	}
	u, err := s.db.FindUserByID(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, apperr.Forbid()
	}
	t, err := s.db.FindTenantByID(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return &auth.Principal{TenantID: t.ID, TenantSlug: t.Slug, TenantName: t.Name, UserID: u.ID, LoginID: u.LoginID,
		StaffID: u.StaffID, UnitID: u.UnitID, Roles: u.Roles(), Locale: u.Locale, Wareki: u.Wareki, MustChange: u.MustChange}, nil
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
	ctx := r.Context()
	f := loginForm{Tenant: strings.ToLower(strings.TrimSpace(r.PostForm.Get("tenant"))), LoginID: strings.TrimSpace(r.PostForm.Get("login_id")),
		Next: safeNext(r.PostForm.Get("next")), Operator: operator}
	pw := r.PostForm.Get("password")
	title := "login.title"
	if operator {
		title = "login.operator_title"
	}
	var v apperr.Validation
	if !operator && f.Tenant == "" {
		v.Add("tenant", "field.required", nil)
	}
	if f.LoginID == "" {
		v.Add("login_id", "field.required", nil)
	}
	if pw == "" {
		v.Add("password", "field.required", nil)
	}
	if err := v.Err(); err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "login", title, f, err)
		return
	}
	scope := "op"
	if !operator {
		scope = "t:" + f.Tenant
	}
	acctKey := auth.HashToken("acct|" + scope + "|" + strings.ToLower(f.LoginID))
	addrKey := auth.HashToken("addr|" + s.clientAddr(r))
	since := s.db.Now().Add(-throttleWindow)
	na, err1 := s.db.CountLoginFailures(ctx, acctKey, since)
	nb, err2 := s.db.CountLoginFailures(ctx, addrKey, since)
	if err1 != nil || err2 != nil {
		s.serverError(w, r, firstErr(err1, err2))
		return
	}
	if na >= maxAccountFailures || nb >= maxAddressFailures {
		auth.CheckDummy(pw)
		s.render(w, r, http.StatusTooManyRequests, "login", title, f,
			&apperr.Error{Code: apperr.RateLimited, Key: "login.throttled", Args: map[string]any{"Minutes": int(throttleWindow.Minutes())}})
		return
	}
	var tenantID, userID int64
	var hash, login string
	var roles []auth.Role
	ok := false
	if operator {
		if op, err := s.db.FindOperatorByLogin(ctx, f.LoginID); err == nil {
			userID, hash, login = op.ID, op.PasswordHash, op.LoginID
		}
	} else if t, err := s.db.FindTenantBySlug(ctx, f.Tenant); err == nil {
		if u, err := s.db.FindUserByLogin(ctx, t.ID, f.LoginID); err == nil && !u.Disabled {
			tenantID, userID, hash, login, roles = t.ID, u.ID, u.PasswordHash, u.LoginID, u.Roles()
		}
	}
	if hash != "" {
		ok, _ = auth.CheckPassword(hash, pw)
	} else {
		auth.CheckDummy(pw) // same time whether or not the account exists
	}
	if !ok {
		if err := s.db.RecordLoginFailure(ctx, acctKey, addrKey); err != nil {
			s.log.Error("record login failure", "request_id", requestID(r), "err", err)
		}
		if userID != 0 {
			_ = s.db.Audit(ctx, tenantID, audit.Actor{ID: userID, Label: login},
				audit.Change{Action: "auth.login_failed", ObjectType: "user", ObjectID: itoa(userID)})
		}
		s.render(w, r, http.StatusUnauthorized, "login", title, f, apperr.New(apperr.Unauthorized, "login.failed"))
		return
	}
	// SSO mandatory: checked only after the password, so that the answer
	// tells nothing about which accounts exist or hold which roles.
	if !operator {
		if allowed, err := s.passwordSignInAllowed(ctx, tenantID, roles); err != nil {
			s.serverError(w, r, err)
			return
		} else if !allowed {
			s.render(w, r, http.StatusForbidden, "login", title, f, apperr.New(apperr.Forbidden, "sso.password_disabled"))
			return
		}
	}
	_ = s.db.ClearLoginFailures(ctx, acctKey)
	if err := s.startSession(w, r, tenantID, userID, login, nil); err != nil {
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
	ctx := r.Context()
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.db.DeleteSession(ctx, auth.HashToken(c.Value))
	}
	token, th := auth.NewSessionToken()
	sess := &auth.Session{TokenHash: th, TenantID: tenantID, UserID: userID, ExpiresAt: s.db.Now().Add(s.cfg.SessionIdle)}
	if err := s.db.CreateSession(ctx, sess); err != nil {
		return err
	}
	_ = s.db.Audit(ctx, tenantID, audit.Actor{ID: userID, Label: login},
		audit.Change{Action: "auth.login", ObjectType: "user", ObjectID: itoa(userID), After: detail})
	s.setSessionCookie(w, r, token, int(s.cfg.SessionMax.Seconds()))
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.db.DeleteSession(r.Context(), auth.HashToken(c.Value))
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
	actor := actorOf(p)
	if p.IsOperator() {
		return s.db.SetOperatorSettings(r.Context(), actor, p.UserID, lang, wareki)
	}
	_, err := s.db.UpdateUser(r.Context(), p.TenantID, actor, p.UserID,
		auth.UserUpdate{Locale: &lang, Wareki: &wareki, Action: "user.settings"}, p.SessionID)
	return err
}

func actorOf(p *auth.Principal) audit.Actor { return audit.Actor{ID: p.UserID, Label: p.Label()} }

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
	f, err := s.db.FindPolicyFacts(r.Context(), p.TenantID, p.StaffID)
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
	f, err := s.db.FindPolicyFacts(r.Context(), p.TenantID, p.StaffID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f.Reasons = nil
	for _, x := range r.PostForm["reasons"] {
		if slices.Contains(policy.Reasons, x) && !slices.Contains(f.Reasons, x) {
			f.Reasons = append(f.Reasons, x)
		}
	}
	if err := s.db.SavePolicyFacts(r.Context(), p.TenantID, actorOf(p), p.StaffID, f); err != nil {
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
	ctx := r.Context()
	cur, pw, confirm := r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), r.PostForm.Get("confirm_password")
	var hash string
	if p.IsOperator() {
		op, err := s.db.FindOperatorByID(ctx, p.UserID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		hash = op.PasswordHash
	} else {
		u, err := s.db.FindUserByID(ctx, p.TenantID, p.UserID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		hash = u.PasswordHash
	}
	var v apperr.Validation
	if ok, _ := auth.CheckPassword(hash, cur); !ok {
		v.Add("current_password", "field.password_wrong", nil)
	}
	if err := auth.ValidateNewPassword(pw, confirm, p.LoginID); err != nil {
		for _, f := range apperr.As(err).Fields {
			v.Add(f.Field, f.Key, f.Args)
		}
	}
	if pw != "" && pw == cur && !v.Has("new_password") {
		v.Add("new_password", "field.password_same", nil)
	}
	if err := v.Err(); err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "password", "password.title", nil, err)
		return
	}
	newHash, err := auth.HashPassword(pw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.IsOperator() {
		err = s.db.SetOperatorPassword(ctx, actorOf(p), p.UserID, newHash, false)
		if err == nil {
			// SetOperatorPassword ends every session: start a new one.
			err = s.restartSession(w, r, 0, p.UserID)
		}
	} else {
		f := false
		_, err = s.db.UpdateUser(ctx, p.TenantID, actorOf(p), p.UserID,
			auth.UserUpdate{PasswordHash: &newHash, MustChange: &f, Action: "user.password"}, p.SessionID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	target := "/"
	if p.IsOperator() {
		target = "/operator"
	}
	s.flashRedirect(w, r, target, "flash.password_changed")
}

func (s *Server) restartSession(w http.ResponseWriter, r *http.Request, tenantID, userID int64) error {
	token, th := auth.NewSessionToken()
	if err := s.db.CreateSession(r.Context(), &auth.Session{TokenHash: th, TenantID: tenantID, UserID: userID,
		ExpiresAt: s.db.Now().Add(s.cfg.SessionIdle)}); err != nil {
		return err
	}
	s.setSessionCookie(w, r, token, int(s.cfg.SessionMax.Seconds()))
	return nil
}
