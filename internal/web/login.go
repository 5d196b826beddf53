package web

import (
	"net/http"
	"strings"
	"telework/internal/apperr"
	"telework/internal/auth"
)

// Sign-in pages for tenant accounts and operators.

type loginForm struct {
	Tenant, LoginID, Next string
	Operator              bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if p := principal(r); p != nil && !p.IsOperator() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	f := loginForm{Tenant: r.URL.Query().Get("tenant"), Next: localPath(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", "login.title", f, nil)
}

func (s *Server) operatorLoginPage(w http.ResponseWriter, r *http.Request) {
	if p := principal(r); p.IsOperator() {
		http.Redirect(w, r, "/operator", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "login.operator_title", loginForm{Operator: true, Next: localPath(r.URL.Query().Get("next"))}, nil)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) { s.doLogin(w, r, false) }

func (s *Server) operatorLogin(w http.ResponseWriter, r *http.Request) { s.doLogin(w, r, true) }

func (s *Server) doLogin(w http.ResponseWriter, r *http.Request, operator bool) {
	if !s.parseForm(w, r) {
		return
	}
	f := loginForm{Tenant: strings.ToLower(strings.TrimSpace(r.PostForm.Get("tenant"))), LoginID: strings.TrimSpace(r.PostForm.Get("login_id")),
		Next: localPath(r.PostForm.Get("next")), Operator: operator}
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
