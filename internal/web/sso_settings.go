package web

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/sso"
)

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
	st, err := s.svc.SSO.Settings(r.Context(), principal(r).TenantID)
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
	cur, err := s.svc.SSO.Settings(ctx, p.TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fm := newForm(r)
	st := &sso.Settings{TenantID: p.TenantID, Enabled: fm.bool(sso.FieldEnabled), Mandatory: fm.bool(sso.FieldMand),
		Issuer: fm.str(sso.FieldIssuer), ClientID: fm.str(sso.FieldClientID), Claim: sso.Claim(fm.str(sso.FieldClaim)),
		JITLink: fm.bool("sso_jit"), Version: int64(fm.int("version", 0)), SecretSet: cur.SecretSet}
	var newSecret *string
	if secret := fm.str(sso.FieldSecret); secret != "" {
		newSecret = &secret
	} else if fm.bool("sso_clear_secret") {
		newSecret = new(string)
	}
	if err = fm.v.Err(); err == nil {
		err = s.svc.SSO.SaveSettings(ctx, p.TenantID, actorOf(p), st, newSecret)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		if e := apperr.As(err); e.Err != nil {
			s.log.Warn("sso settings: discovery failed", "request_id", requestID(r), "tenant_id", p.TenantID, "err", e.Err.Error())
		}
		s.render(w, r, http.StatusUnprocessableEntity, "sso_settings", "sso.settings_title", s.ssoSettingsView(r, st), fm.merge(err))
		return
	case apperr.Conflict:
		s.render(w, r, http.StatusConflict, "sso_settings", "sso.settings_title", s.ssoSettingsView(r, cur), err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/sso/settings", "flash.saved")
}

// ssoSubjectSave binds an IdP subject to an account by hand, replaces it,
// or unbinds it when the subject is empty.
func (s *Server) ssoSubjectSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := principal(r)
	fm := newForm(r)
	login, subject := fm.str("login_id"), fm.str("sso_subject")
	err := s.svc.SSO.SetSubject(ctx, p.TenantID, actorOf(p), login, subject)
	if apperr.CodeOf(err) == apperr.Invalid {
		st, serr := s.svc.SSO.Settings(ctx, p.TenantID)
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
