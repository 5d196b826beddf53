package web

import (
	"net/http"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"
)

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	const size = 100
	users, total, err := s.svc.Auth.Users(r.Context(), principal(r).TenantID, size, (page-1)*size)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	last := (total + size - 1) / size
	data := map[string]any{"Users": users, "Total": total, "Page": page, "Last": last}
	if page > 1 {
		data["Prev"] = "/accounts?page=" + strconv.Itoa(page-1)
	}
	if page < last {
		data["Next"] = "/accounts?page=" + strconv.Itoa(page+1)
	}
	s.render(w, r, http.StatusOK, "account_list", "accounts.title", data, nil)
}

type accountForm struct {
	LoginID, StaffNo string
	Granted          []auth.Role
	Grantable        []auth.Role
}

func (s *Server) accountNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account_form", "accounts.new_title",
		&accountForm{StaffNo: r.URL.Query().Get("staff_no"), Grantable: grantableBy(principal(r))}, nil)
}

// grantableBy are the roles p may grant: the auditor role only by an
// auditor (or the operator), for separation of duties.
func grantableBy(p *auth.Principal) []auth.Role {
	if auth.MayManageAuditor(p) {
		return auth.GrantableRoles
	}
	return slices.DeleteFunc(slices.Clone(auth.GrantableRoles), func(r auth.Role) bool { return r == auth.Auditor })
}

func readGranted(r *http.Request) []auth.Role {
	var out []auth.Role
	for _, v := range r.PostForm["roles"] {
		if rl := auth.Role(v); slices.Contains(auth.GrantableRoles, rl) && !slices.Contains(out, rl) {
			out = append(out, rl)
		}
	}
	return out
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	f := &accountForm{LoginID: fm.str("login_id"), StaffNo: fm.str("staff_no"), Granted: readGranted(r), Grantable: grantableBy(p)}
	u, temp, err := s.svc.Auth.CreateUser(r.Context(), p, auth.NewUser{LoginID: f.LoginID, StaffNo: f.StaffNo, Granted: f.Granted})
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.render(w, r, http.StatusUnprocessableEntity, "account_form", "accounts.new_title", f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.showAccount(w, r, http.StatusCreated, u.ID, temp, nil)
}

// showAccount renders an account; temp, when set, is a temporary password
// shown this once and never stored in clear.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, status int, id int64, temp string, err error) {
	u, ferr := s.svc.Auth.UserByID(r.Context(), principal(r).TenantID, id)
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	may := auth.MayManageAuditor(principal(r))
	s.render(w, r, status, "account_show", "accounts.show_title", map[string]any{
		"User": u, "Roles": u.Roles(), "Grantable": auth.GrantableRoles, "TempPassword": temp,
		"Self": u.ID == principal(r).UserID, "MayAuditor": may,
		// An auditor's account: HR neither disables it nor resets its
		// password (separation of duties); the form keeps its state.
		"AuditorLocked": !may && slices.Contains(u.Granted, auth.Auditor),
	}, err)
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	s.showAccount(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Auth.UserByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	fm := newForm(r)
	if err := s.svc.Auth.SetRoles(r.Context(), principal(r), id, readGranted(r), fm.bool("disabled"), int64(fm.int("version", 0))); err != nil {
		if c := apperr.CodeOf(err); c == apperr.Conflict || c == apperr.Invalid {
			s.showAccount(w, r, statusFor(err), id, "", err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/accounts/"+itoa(id), "flash.saved")
}

// accountReset gives the account a temporary password that must be changed
// at the next sign-in, and ends its sessions.
func (s *Server) accountReset(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.svc.Auth.UserByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	temp, err := s.svc.Auth.ResetPassword(r.Context(), p, id)
	if apperr.CodeOf(err) == apperr.Invalid {
		s.showAccount(w, r, statusFor(err), id, "", err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAccount(w, r, http.StatusOK, id, temp, nil)
}
