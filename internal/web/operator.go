package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/policy"
)

type tenantRow struct {
	Tenant       *org.Tenant
	Staff, Users int
}

type tenantForm struct {
	Tenant     org.Tenant
	AdminLogin string
	Template   string // a 第6章 policy template to start with
	// The two counts as typed (「1,200」), shown again as they were when
	// the form comes back with an error — never as a 0.
	StaffSizeText, GeneralAdminText string
	// LoginURL is the tenant's full sign-in address; HRAccounts are its
	// 人事 accounts, whose temporary password the operator can reissue.
	LoginURL   string
	HRAccounts []*auth.User
	Reissued   map[string]any // the reissued password, shown once
}

// countRE is a whole number as people write counts: 1200 or 1,200.
var countRE = regexp.MustCompile(`^(?:\d{1,3}(?:,\d{3})+|\d+)$`)

// count reads a count field typed as 1200, 1,200 or in 全角 (１，２００);
// empty gives 0. Anything else is refused with the text named — never
// read as 0. raw is the text as typed, for showing the form again.
func (f *form) count(name string) (n int, raw string) {
	raw = f.str(name)
	s := strings.TrimSpace(width.Narrow.String(raw))
	if s == "" {
		return 0, raw
	}
	if !countRE.MatchString(s) {
		f.v.Add(name, "trial.field_count", map[string]any{"Value": raw})
		return 0, raw
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		f.v.Add(name, "trial.field_count", map[string]any{"Value": raw})
		return 0, raw
	}
	return n, raw
}

// baseURL is this server as people's browsers reach it: the configured
// public URL (--public-url), else the request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if s.secureCookie(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// loginURL is a tenant's full sign-in address.
func (s *Server) loginURL(r *http.Request, slug string) string {
	return s.baseURL(r) + "/login?tenant=" + slug
}

func (s *Server) operatorHome(w http.ResponseWriter, r *http.Request) {
	s.operatorHomeWith(w, r, http.StatusOK, &tenantForm{Tenant: org.Tenant{Kind: org.Municipality}}, nil, nil)
}

func (s *Server) operatorHomeWith(w http.ResponseWriter, r *http.Request, status int, f *tenantForm, created map[string]any, err error) {
	ts, terr := s.svc.Org.Tenants(r.Context())
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	rows := make([]tenantRow, 0, len(ts))
	for _, t := range ts {
		st, us, cerr := s.svc.Org.TenantCounts(r.Context(), t.ID)
		if cerr != nil {
			s.serverError(w, r, cerr)
			return
		}
		rows = append(rows, tenantRow{t, st, us})
	}
	s.render(w, r, status, "operator_home", "operator.title", map[string]any{
		"Tenants": rows, "Form": f, "Kinds": org.TenantKinds, "Created": created, "Templates": policy.Templates()}, err)
}

func readTenantForm(r *http.Request) (*form, *tenantForm) {
	fm := newForm(r)
	f := &tenantForm{AdminLogin: fm.str("admin_login"), Template: fm.str("policy_template")}
	f.Tenant = org.Tenant{Slug: fm.str("slug"), Name: fm.str("name"), Kind: org.TenantKind(fm.str("kind")),
		Version: int64(fm.int("version", 0))}
	f.Tenant.StaffSize, f.StaffSizeText = fm.count("staff_size")
	f.Tenant.GeneralAdminStaff, f.GeneralAdminText = fm.count("general_admin_staff")
	return fm, f
}

// tenantCreate adds a 団体 and, when a login id is given, its first HR
// admin account with a temporary password shown once.
func (s *Server) tenantCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f := readTenantForm(r)
	var res *org.TenantCreated
	err := fm.v.Err()
	if err == nil {
		res, err = s.svc.Org.CreateTenant(r.Context(), actorOf(p), org.NewTenant{Tenant: f.Tenant, AdminLogin: f.AdminLogin, PolicyTemplate: f.Template})
	} else {
		err = fm.merge(f.Tenant.Validate())
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.operatorHomeWith(w, r, http.StatusUnprocessableEntity, f, nil, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	created := map[string]any{"Tenant": *res.Tenant, "AdminLogin": res.AdminLogin, "TempPassword": res.TempPassword,
		"LoginURL": s.loginURL(r, res.Tenant.Slug)}
	s.operatorHomeWith(w, r, http.StatusCreated, &tenantForm{Tenant: org.Tenant{Kind: org.Municipality}}, created, nil)
}

func (s *Server) tenantShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	t, err := s.svc.Org.TenantByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTenant(w, r, http.StatusOK, &tenantForm{Tenant: *t}, nil)
}

// renderTenant shows the tenant page: its form (the counts as typed when
// given), full sign-in URL and 人事 accounts.
func (s *Server) renderTenant(w http.ResponseWriter, r *http.Request, status int, f *tenantForm, err error) {
	if f.StaffSizeText == "" && f.GeneralAdminText == "" {
		f.StaffSizeText, f.GeneralAdminText = strconv.Itoa(f.Tenant.StaffSize), strconv.Itoa(f.Tenant.GeneralAdminStaff)
	}
	f.LoginURL = s.loginURL(r, f.Tenant.Slug)
	hrs, herr := s.svc.Auth.HRAccounts(r.Context(), f.Tenant.ID)
	if herr != nil {
		s.serverError(w, r, herr)
		return
	}
	f.HRAccounts = hrs
	s.render(w, r, status, "tenant_show", "operator.tenant_title", f, err)
}

// tenantReissue gives one of the tenant's 人事 accounts a new temporary
// password, shown once on the tenant page. An account that has already
// set its own password needs the confirmation box ticked.
func (s *Server) tenantReissue(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	t, err := s.svc.Org.TenantByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	fm := newForm(r)
	userID := fm.id("user_id")
	if userID == 0 && !fm.v.Has("user_id") {
		fm.v.Add("user_id", "field.required", nil)
	}
	f := &tenantForm{Tenant: *t}
	if err := fm.v.Err(); err != nil {
		s.renderTenant(w, r, http.StatusUnprocessableEntity, f, err)
		return
	}
	temp, u, err := s.svc.Auth.ReissueTempPassword(r.Context(), actorOf(principal(r)), id, userID, fm.bool("confirm"))
	if err != nil {
		switch apperr.CodeOf(err) {
		case apperr.Invalid:
			s.renderTenant(w, r, http.StatusUnprocessableEntity, f, err)
		case apperr.NotFound:
			s.notFound(w, r)
		default:
			s.fail(w, r, err)
		}
		return
	}
	f.Reissued = map[string]any{"Login": u.LoginID, "TempPassword": temp}
	s.renderTenant(w, r, http.StatusOK, f, nil)
}

func (s *Server) tenantUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	cur, err := s.svc.Org.TenantByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	fm, f := readTenantForm(r)
	f.Tenant.ID, f.Tenant.Slug = id, cur.Slug
	err = fm.v.Err()
	if err == nil {
		t := f.Tenant
		_, err = s.svc.Org.UpdateTenant(r.Context(), actorOf(principal(r)), id, org.TenantUpdate{Name: &t.Name, Kind: &t.Kind,
			StaffSize: &t.StaffSize, GeneralAdminStaff: &t.GeneralAdminStaff, ExpectVersion: t.Version})
	} else {
		err = fm.merge(f.Tenant.Validate())
	}
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
			s.renderTenant(w, r, statusFor(err), f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/operator/tenants/"+itoa(id), "flash.saved")
}
