package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"telework/internal/auth"
)

// Rule says who may reach a route. Exactly one of Public, Operator,
// AnyUser, Signed or Roles must be set: a route without a rule does not start.
type Rule struct {
	Public   bool        // anyone, signed in or not
	Operator bool        // instance operators only
	AnyUser  bool        // any signed-in tenant account, whatever its roles
	Signed   bool        // any signed-in account, operators included (own API tokens)
	Roles    []auth.Role // tenant accounts holding at least one of these
	// AllowMustChange lets an account that must change its password reach
	// the route (the password page, sign-out).
	AllowMustChange bool
}

// Validate checks that exactly one kind of rule is set.
func (r Rule) Validate() error {
	n := 0
	for _, b := range []bool{r.Public, r.Operator, r.AnyUser, r.Signed, len(r.Roles) > 0} {
		if b {
			n++
		}
	}
	if n != 1 {
		return errors.New("exactly one of Public, Operator, AnyUser, Signed or Roles must be set")
	}
	return nil
}

// Route is one entry of the table. Object names what a {id} path value
// refers to (unit, staff, user, tenant), so the authorisation test can try
// another tenant's id on it.
type Route struct {
	Method  string
	Pattern string
	Rule    Rule
	Object  string
	Handler http.HandlerFunc
	// API documents a /api/v1 operation for the OpenAPI document.
	API *apiOp
	// MaxBody overrides the server's request body limit (file uploads).
	MaxBody int64
}

func (rt Route) isAPI() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

var (
	public     = Rule{Public: true}
	anyUser    = Rule{AnyUser: true}
	operator   = Rule{Operator: true}
	directory  = Rule{Roles: []auth.Role{auth.Staff, auth.Supervisor, auth.HRAdmin, auth.ITAdmin}}
	hrOnly     = Rule{Roles: []auth.Role{auth.HRAdmin}}
	supervisor = Rule{Roles: []auth.Role{auth.Supervisor}}
	auditor    = Rule{Roles: []auth.Role{auth.Auditor}}
)

func (s *Server) routeTable() []Route {
	routes := s.pageRoutes()
	routes = append(routes, s.ssoRoutes()...)
	routes = append(routes, s.apiRoutes()...)
	routes = append(routes, s.calendarRoutes()...)
	routes = append(routes, s.importRoutes()...)
	routes = append(routes, s.policyRoutes()...)
	return routes
}

func (s *Server) pageRoutes() []Route {
	mustChange := func(r Rule) Rule { r.AllowMustChange = true; return r }
	return []Route{
		{Method: "GET", Pattern: "/healthz", Rule: public, Handler: s.healthz},
		{Method: "GET", Pattern: "/readyz", Rule: public, Handler: s.readyz},
		{Method: "GET", Pattern: "/metrics", Rule: public, Handler: s.metricsHandler},
		{Method: "GET", Pattern: "/static/", Rule: public, Handler: s.static},
		{Method: "POST", Pattern: "/lang", Rule: public, Handler: s.setLang},

		{Method: "GET", Pattern: "/login", Rule: public, Handler: s.loginPage},
		{Method: "POST", Pattern: "/login", Rule: public, Handler: s.login},
		{Method: "GET", Pattern: "/operator/login", Rule: public, Handler: s.operatorLoginPage},
		{Method: "POST", Pattern: "/operator/login", Rule: public, Handler: s.operatorLogin},
		{Method: "POST", Pattern: "/logout", Rule: public, Handler: s.logout},

		{Method: "GET", Pattern: "/{$}", Rule: anyUser, Handler: s.home},
		{Method: "GET", Pattern: "/password", Rule: mustChange(anyUser), Handler: s.passwordPage},
		{Method: "POST", Pattern: "/password", Rule: mustChange(anyUser), Handler: s.changePassword},
		{Method: "GET", Pattern: "/settings", Rule: anyUser, Handler: s.settingsPage},
		{Method: "POST", Pattern: "/settings", Rule: anyUser, Handler: s.saveSettings},
		{Method: "POST", Pattern: "/settings/declaration", Rule: anyUser, Handler: s.saveDeclaration},

		{Method: "GET", Pattern: "/units", Rule: directory, Handler: s.unitTree},
		{Method: "GET", Pattern: "/units/new", Rule: hrOnly, Handler: s.unitNew},
		{Method: "POST", Pattern: "/units", Rule: hrOnly, Handler: s.unitCreate},
		{Method: "GET", Pattern: "/units/{id}", Rule: directory, Object: "unit", Handler: s.unitShow},
		{Method: "GET", Pattern: "/units/{id}/edit", Rule: hrOnly, Object: "unit", Handler: s.unitEdit},
		{Method: "POST", Pattern: "/units/{id}", Rule: hrOnly, Object: "unit", Handler: s.unitUpdate},
		{Method: "POST", Pattern: "/units/{id}/retire", Rule: hrOnly, Object: "unit", Handler: s.unitRetire},

		{Method: "GET", Pattern: "/staff", Rule: directory, Handler: s.staffSearch},
		{Method: "GET", Pattern: "/staff/new", Rule: hrOnly, Handler: s.staffNew},
		{Method: "POST", Pattern: "/staff", Rule: hrOnly, Handler: s.staffCreate},
		{Method: "GET", Pattern: "/staff/{id}", Rule: directory, Object: "staff", Handler: s.staffShow},
		{Method: "GET", Pattern: "/staff/{id}/edit", Rule: hrOnly, Object: "staff", Handler: s.staffEdit},
		{Method: "POST", Pattern: "/staff/{id}", Rule: hrOnly, Object: "staff", Handler: s.staffUpdate},
		{Method: "POST", Pattern: "/staff/{id}/retire", Rule: hrOnly, Object: "staff", Handler: s.staffRetire},
		{Method: "GET", Pattern: "/team", Rule: supervisor, Handler: s.team},

		{Method: "GET", Pattern: "/accounts", Rule: hrOnly, Handler: s.accountList},
		{Method: "GET", Pattern: "/accounts/new", Rule: hrOnly, Handler: s.accountNew},
		{Method: "POST", Pattern: "/accounts", Rule: hrOnly, Handler: s.accountCreate},
		{Method: "GET", Pattern: "/accounts/{id}", Rule: hrOnly, Object: "user", Handler: s.accountShow},
		{Method: "POST", Pattern: "/accounts/{id}", Rule: hrOnly, Object: "user", Handler: s.accountUpdate},
		{Method: "POST", Pattern: "/accounts/{id}/reset", Rule: hrOnly, Object: "user", Handler: s.accountReset},

		{Method: "GET", Pattern: "/audit", Rule: auditor, Handler: s.auditLog},
		{Method: "GET", Pattern: "/retention", Rule: hrOnly, Handler: s.retentionPage},
		{Method: "POST", Pattern: "/retention", Rule: hrOnly, Handler: s.retentionSave},

		{Method: "GET", Pattern: "/tokens", Rule: anyUser, Handler: s.tokensPage},
		{Method: "POST", Pattern: "/tokens", Rule: anyUser, Handler: s.tokenCreate},
		{Method: "POST", Pattern: "/tokens/{id}/revoke", Rule: anyUser, Object: "token", Handler: s.tokenRevoke},
		{Method: "GET", Pattern: "/operator/tokens", Rule: operator, Handler: s.tokensPage},
		{Method: "POST", Pattern: "/operator/tokens", Rule: operator, Handler: s.tokenCreate},
		{Method: "POST", Pattern: "/operator/tokens/{id}/revoke", Rule: operator, Object: "token", Handler: s.tokenRevoke},
		{Method: "GET", Pattern: "/api/docs", Rule: public, Handler: s.apiDocsPage},

		{Method: "GET", Pattern: "/operator", Rule: operator, Handler: s.operatorHome},
		{Method: "POST", Pattern: "/operator/tenants", Rule: operator, Handler: s.tenantCreate},
		{Method: "GET", Pattern: "/operator/tenants/{id}", Rule: operator, Object: "tenant", Handler: s.tenantShow},
		{Method: "POST", Pattern: "/operator/tenants/{id}", Rule: operator, Object: "tenant", Handler: s.tenantUpdate},
		{Method: "GET", Pattern: "/operator/settings", Rule: mustChange(operator), Handler: s.settingsPage},
		{Method: "POST", Pattern: "/operator/settings", Rule: mustChange(operator), Handler: s.saveSettings},
		{Method: "GET", Pattern: "/operator/password", Rule: mustChange(operator), Handler: s.passwordPage},
		{Method: "POST", Pattern: "/operator/password", Rule: mustChange(operator), Handler: s.changePassword},
	}
}

// guard loads the session and enforces the route's rule before the handler:
// anonymous callers go to sign-in, wrong roles get 403.
func (s *Server) guard(rt Route) http.Handler {
	pattern := rt.Method + " " + rt.Pattern
	if rt.Method == "" {
		pattern = "unmatched"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r)
		ri.route = pattern
		if !s.limitBody(w, r, rt) {
			return
		}
		if rt.isAPI() && r.Header.Get("Authorization") != "" {
			// API callers with a token carry no session cookie state.
			s.guardAPI(w, r, rt)
			return
		}
		p := s.loadSession(w, r)
		if p != nil {
			ri.tenantID, ri.userID = p.TenantID, p.UserID
			r = r.WithContext(withPrincipal(r.Context(), p))
		}
		if rt.isAPI() {
			s.guardAPI(w, r, rt)
			return
		}
		if !rt.Rule.Public {
			if p == nil {
				s.redirectToLogin(w, r, rt.Rule.Operator)
				return
			}
			if !rt.Rule.Allows(p) {
				s.renderStatus(w, r, http.StatusForbidden, "error.forbidden")
				return
			}
			if p.MustChange && !rt.Rule.AllowMustChange {
				if p.IsOperator() {
					http.Redirect(w, r, "/operator/password", http.StatusSeeOther)
				} else {
					http.Redirect(w, r, "/password", http.StatusSeeOther)
				}
				return
			}
		}
		rt.Handler(w, r)
	})
}

// Allows reports whether the principal may reach a route with this rule.
func (r Rule) Allows(p *auth.Principal) bool {
	switch {
	case r.Public:
		return true
	case r.Operator:
		return p.IsOperator()
	case r.Signed:
		return true
	case p.IsOperator():
		return false
	case r.AnyUser:
		return true
	default:
		return slices.ContainsFunc(r.Roles, p.Has)
	}
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request, op bool) {
	target := "/login"
	if op || strings.HasPrefix(r.URL.Path, "/operator") {
		target = "/operator/login"
	}
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + urlQueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
