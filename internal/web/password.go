package web

import (
	"net/http"
	"telework/internal/apperr"
)

// Own password change (forced after a reset).

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
	// The session was rotated: the old token ended with every other
	// session of the person.
	s.setSessionCookie(w, r, token)
	target := "/"
	if p.IsOperator() {
		target = "/operator"
	}
	s.flashRedirect(w, r, target, "flash.password_changed")
}
