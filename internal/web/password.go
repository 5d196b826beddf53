package web

import (
	"net/http"
	"telework/internal/apperr"
)

// Own password change (forced after a reset).

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", "password.title", s.passwordData(r), nil)
}

// passwordData links the tenant's handbook page for the first sign-in
// (slot first_signin, issue 16), when HR has published one.
func (s *Server) passwordData(r *http.Request) map[string]any {
	return map[string]any{"Guide": s.HandbookLink(r, "first_signin")}
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
			s.render(w, r, http.StatusUnprocessableEntity, "password", "password.title", s.passwordData(r), err)
			return
		}
		s.serverError(w, r, err)
		return
	}
	// The session was rotated: the old token ended with every other
	// session of the person.
	s.setSessionCookie(w, r, token)
	target := "/"
	if p.IsOperator() {
		target = "/operator"
	}
	s.flashRedirect(w, r, target, "flash.password_changed")
}
