package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/sso"
	"telework/internal/sso/rp"
)

const (
	// ssoCookie binds a sign-in in progress to the browser that started it,
	// so that nobody can make another person's browser finish their flow
	// (sign-in CSRF). SameSite=Lax: the IdP's redirect back is a top-level
	// GET, which carries it.
	ssoCookie   = "telework_sso"
	ssoStateTTL = 10 * time.Minute
	// idpTimeout bounds every request to an identity provider; discovery
	// documents are kept for idpCacheTTL.
	idpTimeout  = 10 * time.Second
	idpCacheTTL = time.Hour
)

// relyingParty is shared by all servers of the process: its only state is
// the cache of discovery documents, keyed by issuer.
var relyingParty = rp.New(idpTimeout, idpCacheTTL)

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

// ssoSettings returns the tenant's settings, or the defaults (SSO off) when
// it has never saved any.
func (s *Server) ssoSettings(ctx context.Context, tenantID int64) (*sso.Settings, error) {
	st, err := s.db.FindSSOSettings(ctx, tenantID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return sso.Defaults(tenantID), nil
	}
	return st, err
}

// passwordSignInAllowed applies "SSO mandatory" to a password sign-in of
// an account of the tenant (see sso.PasswordAllowed for the break-glass).
func (s *Server) passwordSignInAllowed(ctx context.Context, tenantID int64, roles []auth.Role) (bool, error) {
	st, err := s.ssoSettings(ctx, tenantID)
	if err != nil {
		return false, err
	}
	return sso.PasswordAllowed(st, roles), nil
}

// ssoRedirectURI is this server's callback as the browser sees it; the IdP
// must have exactly this URI registered. It is stored with the flow, so the
// code exchange sends the same one.
func (s *Server) ssoRedirectURI(r *http.Request) string {
	scheme := "http"
	if s.secureCookie(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/sso/callback"
}

// ssoFail shows the sign-in page with a message for the person, and logs
// the technical reason under the request id. Nothing from the ID token
// (e-mail, subject) and no token reaches the log.
func (s *Server) ssoFail(w http.ResponseWriter, r *http.Request, f loginForm, tenantID int64, status int, key, reason string, err error) {
	attrs := []any{"request_id", requestID(r), "tenant_id", tenantID, "reason", reason}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	s.log.Warn("sso sign-in refused", attrs...)
	s.render(w, r, status, "login", "login.title", f,
		&apperr.Error{Code: apperr.Unauthorized, Key: key, Args: map[string]any{"RequestID": requestID(r)}})
}

// ssoStart begins the authorization code flow: it stores state, nonce and
// PKCE verifier for this browser and sends it to the tenant's IdP.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := loginForm{Tenant: strings.ToLower(strings.TrimSpace(q.Get("tenant"))), Next: safeNext(q.Get("next"))}
	if f.Tenant == "" || len(f.Tenant) > 100 {
		var v apperr.Validation
		v.Add("sso_tenant", "field.required", nil)
		s.render(w, r, http.StatusUnprocessableEntity, "login", "login.title", f, v.Err())
		return
	}
	t, err := s.db.FindTenantBySlug(ctx, f.Tenant)
	if apperr.CodeOf(err) == apperr.NotFound {
		// The same answer as "not set up": the page does not tell which
		// tenant codes exist.
		s.ssoFail(w, r, f, 0, http.StatusBadRequest, "sso.error.not_enabled", "unknown tenant", nil)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	st, err := s.ssoSettings(ctx, t.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !st.Enabled {
		s.ssoFail(w, r, f, t.ID, http.StatusBadRequest, "sso.error.not_enabled", "sso not enabled", nil)
		return
	}
	sec := rp.NewSecrets()
	cfg := rp.Config{Issuer: st.Issuer, ClientID: st.ClientID, RedirectURL: s.ssoRedirectURI(r)}
	target, err := relyingParty.AuthURL(ctx, cfg, sec)
	if err != nil {
		s.ssoFail(w, r, f, t.ID, http.StatusBadGateway, "sso.error.unreachable", "discovery failed", err)
		return
	}
	browser, browserHash := auth.NewSessionToken()
	if err := s.db.CreateSSOState(ctx, &sso.State{StateHash: rp.Hash(sec.State), TenantID: t.ID, BrowserHash: browserHash,
		NonceHash: rp.Hash(sec.Nonce), Verifier: sec.Verifier, Issuer: st.Issuer, ClientID: st.ClientID,
		RedirectURI: cfg.RedirectURL, Next: f.Next, ExpiresAt: s.db.Now().Add(ssoStateTTL)}); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: browser, Path: "/sso/", MaxAge: int(ssoStateTTL.Seconds()),
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// ssoCallback finishes the flow: it consumes the state (once), exchanges
// the code with the verifier, verifies the ID token, maps it to an account
// and signs that account in.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var f loginForm
	state := q.Get("state")
	if state == "" || len(state) > 200 {
		s.ssoFail(w, r, f, 0, http.StatusBadRequest, "sso.error.state", "no state", nil)
		return
	}
	flow, err := s.db.ConsumeSSOState(ctx, rp.Hash(state))
	if apperr.CodeOf(err) == apperr.NotFound {
		s.ssoFail(w, r, f, 0, http.StatusBadRequest, "sso.error.state", "state unknown, already used or expired", nil)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	tenantID := flow.TenantID
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/sso/", MaxAge: -1, HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	if t, err := s.db.FindTenantByID(ctx, tenantID); err == nil {
		f.Tenant = t.Slug
	}
	f.Next = flow.Next
	if c, err := r.Cookie(ssoCookie); err != nil || subtle.ConstantTimeCompare([]byte(auth.HashToken(c.Value)), []byte(flow.BrowserHash)) != 1 {
		s.ssoFail(w, r, f, tenantID, http.StatusBadRequest, "sso.error.state", "state was started in another browser", nil)
		return
	}
	if e := q.Get("error"); e != "" {
		s.ssoFail(w, r, f, tenantID, http.StatusUnauthorized, "sso.error.denied", "provider answered error "+rp.SafeCode(e), nil)
		return
	}
	code := q.Get("code")
	if code == "" || len(code) > 4096 {
		s.ssoFail(w, r, f, tenantID, http.StatusBadRequest, "sso.error.failed", "no code in the callback", nil)
		return
	}
	st, err := s.ssoSettings(ctx, tenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !st.Enabled || st.Issuer != flow.Issuer || st.ClientID != flow.ClientID {
		s.ssoFail(w, r, f, tenantID, http.StatusBadRequest, "sso.error.not_enabled", "settings changed during the sign-in", nil)
		return
	}
	secret, err := s.db.SSOClientSecret(ctx, tenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cfg := rp.Config{Issuer: st.Issuer, ClientID: st.ClientID, ClientSecret: secret, RedirectURL: flow.RedirectURI}
	id, err := relyingParty.Exchange(ctx, cfg, code, flow.Verifier, flow.NonceHash)
	if err != nil {
		switch rp.KindOf(err) {
		case rp.Unreachable:
			s.ssoFail(w, r, f, tenantID, http.StatusBadGateway, "sso.error.unreachable", "provider unreachable", err)
		case rp.Expired:
			s.ssoFail(w, r, f, tenantID, http.StatusUnauthorized, "sso.error.expired", "ID token expired", err)
		default:
			s.ssoFail(w, r, f, tenantID, http.StatusUnauthorized, "sso.error.failed", "exchange or ID token refused", err)
		}
		return
	}
	subject := ""
	if st.Claim == sso.ClaimSub {
		subject = id.Subject
	}
	cands, err := s.db.FindSSOCandidates(ctx, tenantID, subject, id.Email)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := sso.Decide(st, id, cands)
	var userID int64
	switch d.Outcome {
	case sso.Refuse:
		status := http.StatusUnauthorized
		if d.Reason == sso.Disabled || d.Reason == sso.Retired {
			status = http.StatusForbidden
		}
		s.ssoFail(w, r, f, tenantID, status, "sso.error."+string(d.Reason), "no usable account: "+string(d.Reason), nil)
		return
	case sso.Provision:
		hash, err := unusablePasswordHash()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		bind := ""
		if d.Bind {
			bind = id.Subject
		}
		u, err := s.db.ProvisionSSOUser(ctx, tenantID, d.StaffID, bind, hash)
		if apperr.CodeOf(err) == apperr.Conflict {
			s.ssoFail(w, r, f, tenantID, http.StatusConflict, "sso.error.failed", "account creation raced another sign-in", err)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		userID = u.ID
	case sso.SignIn:
		userID = d.UserID
	}
	u, err := s.db.FindUserByID(ctx, tenantID, userID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.Disabled { // disabled between the lookup and now
		s.ssoFail(w, r, f, tenantID, http.StatusForbidden, "sso.error.disabled", "no usable account: disabled", nil)
		return
	}
	actor := audit.Actor{ID: u.ID, Label: u.LoginID}
	if d.Outcome == sso.SignIn && d.Bind {
		if err := s.db.BindSSOSubject(ctx, tenantID, u.ID, actor, id.Subject); apperr.CodeOf(err) == apperr.Conflict {
			s.ssoFail(w, r, f, tenantID, http.StatusConflict, "sso.error.bound_elsewhere", "subject already bound", err)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if u.MustChange && !slices.Contains(u.Roles(), auth.ITAdmin) {
		// A temporary password from HR is not needed by someone who signs
		// in through the IdP, and keeping it would leave a known password
		// behind: it is replaced by one nobody knows. IT admins keep theirs,
		// as it is the break-glass and they are asked to set their own.
		hash, err := unusablePasswordHash()
		if err == nil {
			no := false
			_, err = s.svc.Auth.UpdateUser(ctx, tenantID, actor, u.ID,
				auth.UserUpdate{PasswordHash: &hash, MustChange: &no, Action: "user.password_sso"})
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.startSession(w, r, tenantID, u.ID, u.LoginID, map[string]any{"via": "sso", "claim": string(st.Claim)}); err != nil {
		s.serverError(w, r, err)
		return
	}
	next := flow.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// unusablePasswordHash is a real argon2id hash of 256 random bits that are
// then forgotten: the account has no password anyone knows, yet a password
// sign-in against it costs the same time as against any other.
func unusablePasswordHash() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return auth.HashPassword(base64.RawStdEncoding.EncodeToString(b))
}

// ssoSettingsView is what sso_settings.html receives.
type ssoSettingsView struct {
	S           *sso.Settings
	Claims      []sso.Claim
	RedirectURI string
	// The subject form.
	SubjectLogin, Subject string
}

func (s *Server) ssoSettingsView(r *http.Request, st *sso.Settings) *ssoSettingsView {
	return &ssoSettingsView{S: st, Claims: sso.Claims, RedirectURI: s.ssoRedirectURI(r)}
}

func (s *Server) ssoSettingsPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.ssoSettings(r.Context(), principal(r).TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "sso_settings", "sso.settings_title", s.ssoSettingsView(r, st), nil)
}

func (s *Server) ssoSettingsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := principal(r)
	cur, err := s.ssoSettings(ctx, p.TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fm := newForm(r)
	st := &sso.Settings{TenantID: p.TenantID, Enabled: fm.bool(sso.FieldEnabled), Mandatory: fm.bool(sso.FieldMand),
		Issuer: fm.str(sso.FieldIssuer), ClientID: fm.str(sso.FieldClientID), Claim: sso.Claim(fm.str(sso.FieldClaim)),
		JITLink: fm.bool("sso_jit"), Version: int64(fm.int("version", 0)), SecretSet: cur.SecretSet}
	secret := fm.str(sso.FieldSecret)
	var newSecret *string
	if secret != "" {
		newSecret = &secret
	} else if fm.bool("sso_clear_secret") {
		newSecret = new(string)
	}
	err = fm.merge(st.Validate(secret))
	if err == nil && st.Enabled {
		// Catch a mistyped issuer now, not at the first sign-in.
		if _, derr := relyingParty.AuthURL(ctx, rp.Config{Issuer: st.Issuer, ClientID: st.ClientID}, rp.NewSecrets()); derr != nil {
			s.log.Warn("sso settings: discovery failed", "request_id", requestID(r), "tenant_id", p.TenantID, "err", derr.Error())
			fm.v.Add(sso.FieldIssuer, "field.sso_discovery", nil)
			err = fm.v.Err()
		}
	}
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "sso_settings", "sso.settings_title", s.ssoSettingsView(r, st), err)
		return
	}
	if err := s.db.SaveSSOSettings(ctx, p.TenantID, actorOf(p), st, newSecret); err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			s.render(w, r, http.StatusConflict, "sso_settings", "sso.settings_title", s.ssoSettingsView(r, cur), err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/sso/settings", "flash.saved")
}

// ssoSubjectSave binds an IdP subject to an account by hand (accounts
// without a staff record, such as an auditor's, have no e-mail to be found
// by), replaces it, or unbinds it when the subject is empty.
func (s *Server) ssoSubjectSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := principal(r)
	fm := newForm(r)
	login, subject := fm.str("login_id"), fm.str("sso_subject")
	var u *auth.User
	if login == "" {
		fm.v.Add("login_id", "field.required", nil)
	} else if found, err := s.db.FindUserByLogin(ctx, p.TenantID, login); apperr.CodeOf(err) == apperr.NotFound {
		fm.v.Add("login_id", "field.account_unknown", nil)
	} else if err != nil {
		s.serverError(w, r, err)
		return
	} else {
		u = found
	}
	if len(subject) > 255 {
		fm.v.Add("sso_subject", "field.too_long", map[string]any{"Max": 255})
	}
	err := fm.v.Err()
	if err == nil {
		err = s.db.SetSSOSubject(ctx, p.TenantID, actorOf(p), u.ID, subject)
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		st, serr := s.ssoSettings(ctx, p.TenantID)
		if serr != nil {
			s.serverError(w, r, serr)
			return
		}
		v := s.ssoSettingsView(r, st)
		v.SubjectLogin, v.Subject = login, subject
		s.render(w, r, http.StatusUnprocessableEntity, "sso_settings", "sso.settings_title", v, err)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	key := "flash.sso_subject_bound"
	if subject == "" {
		key = "flash.sso_subject_unbound"
	}
	s.flashRedirect(w, r, "/sso/settings", key)
}
