package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/auth"
)

var loginRE = regexp.MustCompile(`^[A-Za-z0-9._@-]{2,64}$`)

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	const size = 100
	users, total, err := s.db.FindUsers(r.Context(), principal(r).TenantID, size, (page-1)*size)
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
		&accountForm{StaffNo: r.URL.Query().Get("staff_no"), Grantable: auth.GrantableRoles}, nil)
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
	f := &accountForm{LoginID: fm.str("login_id"), StaffNo: fm.str("staff_no"), Granted: readGranted(r), Grantable: auth.GrantableRoles}
	if !loginRE.MatchString(f.LoginID) {
		fm.v.Add("login_id", "field.login_format", nil)
	}
	var staffID int64
	if f.StaffNo != "" {
		st, err := s.db.FindStaffByNo(r.Context(), p.TenantID, f.StaffNo)
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
			fm.v.Add("staff_no", "field.staff_unknown", nil)
		case err != nil:
			s.serverError(w, r, err)
			return
		case st.Retired:
			fm.v.Add("staff_no", "field.staff_retired", nil)
		default:
			staffID = st.ID
		}
	} else if len(f.Granted) == 0 {
		// An account with neither a staff record nor a role could do nothing.
		fm.v.Add("staff_no", "field.staff_or_role", nil)
	}
	if err := fm.v.Err(); err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "account_form", "accounts.new_title", f, err)
		return
	}
	temp := auth.RandomPassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u := &auth.User{LoginID: f.LoginID, PasswordHash: hash, StaffID: staffID, Granted: f.Granted, MustChange: true}
	if err := s.db.CreateUser(r.Context(), p.TenantID, actorOf(p), u); err != nil {
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
	u, ferr := s.db.FindUserByID(r.Context(), principal(r).TenantID, id)
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	s.render(w, r, status, "account_show", "accounts.show_title", map[string]any{
		"User": u, "Roles": u.Roles(), "Grantable": auth.GrantableRoles, "TempPassword": temp,
		"Self": u.ID == principal(r).UserID,
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
	_, id, ok := found(s, w, r, s.db.FindUserByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	granted := readGranted(r)
	disabled := fm.bool("disabled")
	version := int64(fm.int("version", 0))
	if id == p.UserID && (disabled || !slices.Contains(granted, auth.HRAdmin)) {
		// HR cannot lock itself out: another HR admin must do that.
		fm.v.Add("roles", "field.self_lockout", nil)
	}
	if err := fm.v.Err(); err != nil {
		s.showAccount(w, r, http.StatusUnprocessableEntity, id, "", err)
		return
	}
	if _, err := s.db.UpdateUser(r.Context(), p.TenantID, actorOf(p), id,
		auth.UserUpdate{Granted: &granted, Disabled: &disabled, ExpectVersion: version, Action: "user.roles"}, ""); err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			s.showAccount(w, r, http.StatusConflict, id, "", err)
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
	_, id, ok := found(s, w, r, s.db.FindUserByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	temp := auth.RandomPassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t := true
	if _, err := s.db.UpdateUser(r.Context(), p.TenantID, actorOf(p), id,
		auth.UserUpdate{PasswordHash: &hash, MustChange: &t, Action: "user.password_reset"}, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAccount(w, r, http.StatusOK, id, temp, nil)
}
