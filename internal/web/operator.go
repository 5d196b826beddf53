package web

import (
	"net/http"

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
}

func (s *Server) operatorHome(w http.ResponseWriter, r *http.Request) {
	s.operatorHomeWith(w, r, http.StatusOK, &tenantForm{Tenant: org.Tenant{Kind: org.Municipality}}, nil, nil)
}

func (s *Server) operatorHomeWith(w http.ResponseWriter, r *http.Request, status int, f *tenantForm, created map[string]any, err error) {
	ts, terr := s.db.FindTenants(r.Context())
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	rows := make([]tenantRow, 0, len(ts))
	for _, t := range ts {
		st, us, cerr := s.db.TenantCounts(r.Context(), t.ID)
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
		StaffSize: fm.int("staff_size", 0), GeneralAdminStaff: fm.int("general_admin_staff", 0),
		Version: int64(fm.int("version", 0))}
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
	if f.AdminLogin != "" && !loginRE.MatchString(f.AdminLogin) {
		fm.v.Add("admin_login", "field.login_format", nil)
	}
	if _, ok := policy.TemplateByName(f.Template); f.Template != "" && !ok {
		fm.v.Add("policy_template", "field.choice", nil)
	}
	err := fm.merge(f.Tenant.Validate())
	var temp string
	if err == nil {
		var admin *auth.User
		if f.AdminLogin != "" {
			temp = auth.RandomPassword()
			hash, herr := auth.HashPassword(temp)
			if herr != nil {
				s.serverError(w, r, herr)
				return
			}
			admin = &auth.User{LoginID: f.AdminLogin, PasswordHash: hash, Granted: []auth.Role{auth.HRAdmin}, MustChange: true}
		}
		err = s.db.CreateTenant(r.Context(), actorOf(p), &f.Tenant, admin)
		if err == nil && f.Template != "" {
			v, _ := policy.FirstVersion(f.Template, s.svc.Policy.Today()) // checked above
			err = s.svc.Policy.Save(r.Context(), f.Tenant.ID, actorOf(p), &v)
		}
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.operatorHomeWith(w, r, http.StatusUnprocessableEntity, f, nil, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	created := map[string]any{"Tenant": f.Tenant, "AdminLogin": f.AdminLogin, "TempPassword": temp}
	s.operatorHomeWith(w, r, http.StatusCreated, &tenantForm{Tenant: org.Tenant{Kind: org.Municipality}}, created, nil)
}

func (s *Server) tenantShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	t, err := s.db.FindTenantByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tenant_show", "operator.tenant_title", &tenantForm{Tenant: *t}, nil)
}

func (s *Server) tenantUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	cur, err := s.db.FindTenantByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	fm, f := readTenantForm(r)
	f.Tenant.ID, f.Tenant.Slug = id, cur.Slug
	err = fm.merge(f.Tenant.Validate())
	if err == nil {
		err = s.db.UpdateTenant(r.Context(), actorOf(principal(r)), &f.Tenant, f.Tenant.Version)
	}
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
			s.render(w, r, statusFor(err), "tenant_show", "operator.tenant_title", f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/operator/tenants/"+itoa(id), "flash.saved")
}
