package web

import (
	"net/http"
	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/i18n"
)

// Own settings: language, era display, the 育児・介護 declaration.

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
	} else {
		// Chosen on the sign-in page: the sign-in that follows keeps it
		// (the account's stored language would otherwise win at once).
		http.SetCookie(w, &http.Cookie{Name: langChosenCookie, Value: lang, Path: "/", MaxAge: 3600,
			HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode})
	}
	back := localPath(r.PostForm.Get("next"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) saveLocale(r *http.Request, p *auth.Principal, lang string, wareki bool) error {
	return s.svc.Auth.SaveSettings(r.Context(), p, lang, wareki)
}

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
