package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/invisible"

	"telework/internal/auth"
	"telework/internal/route"
)

// The route vocabulary lives in internal/route, shared with the API.
type (
	// Rule says who may reach a route.
	Rule = route.Rule
	// Route is one entry of the table.
	Route = route.Route
)

var (
	public     = route.Public
	anyUser    = route.AnyUser
	operator   = route.Operator
	directory  = route.Directory
	hrOnly     = route.HROnly
	supervisor = route.Supervisor
	auditor    = route.Auditor
)

func (s *Server) routeTable() []Route {
	routes := s.pageRoutes()
	routes = append(routes, s.ssoRoutes()...)
	routes = append(routes, s.api.Routes()...)
	routes = append(routes, s.calendarRoutes()...)
	routes = append(routes, s.importRoutes()...)
	routes = append(routes, s.unitImportRoutes()...)
	routes = append(routes, s.bulkAccountRoutes()...)
	routes = append(routes, s.datedRoutes()...)
	routes = append(routes, s.roadmapRoutes()...)
	routes = append(routes, s.incidentRoutes()...)
	routes = append(routes, s.emergencyRoutes()...)
	routes = append(routes, s.rosterRoutes()...)
	routes = append(routes, s.handbookRoutes()...)
	routes = append(routes, s.policyRoutes()...)
	routes = append(routes, s.placesRoutes()...)
	routes = append(routes, s.authSecurityRoutes()...)
	routes = append(routes, s.auditHeadRoutes()...)
	routes = append(routes, s.trialRoutes()...)
	routes = append(routes, s.auditRoutes()...)
	routes = append(routes, s.surveyRoutes()...)
	routes = append(routes, s.tasksRoutes()...)
	routes = append(routes, s.applyRoutes()...)
	routes = append(routes, s.worktimeRoutes()...)
	routes = append(routes, s.deliveryRoutes()...)
	routes = append(routes, s.worktimeOvertimeRoutes()...) // worktime_overtime.go
	routes = append(routes, s.worktimeSharingRoutes()...)  // worktime_sharing.go
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

		{Method: "GET", Pattern: "/tokens", Rule: directory, Handler: s.tokensPage},
		{Method: "POST", Pattern: "/tokens", Rule: directory, Handler: s.tokenCreate},
		{Method: "POST", Pattern: "/tokens/{id}/revoke", Rule: directory, Object: "token", Handler: s.tokenRevoke},
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
		ri.Route = pattern
		if !s.limitBody(w, r, rt) {
			return
		}
		if !s.cleanQuery(w, r, rt) {
			return
		}
		if rt.IsAPI() && r.Header.Get("Authorization") != "" {
			// API callers with a token carry no session cookie state.
			s.api.Guard(w, r, rt, s.sessionOf)
			return
		}
		p, err := s.sessionOf(r)
		if p != nil {
			ri.TenantID, ri.UserID = p.TenantID, p.UserID
			r = r.WithContext(route.WithPrincipal(r.Context(), p))
		}
		if rt.IsAPI() {
			s.api.Guard(w, r, rt, func(*http.Request) (*auth.Principal, error) { return p, err })
			return
		}
		if err != nil && !rt.Rule.Public {
			s.unavailable(w, r, err)
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
		if rt.BadID(r) {
			s.notFound(w, r)
			return
		}
		rt.Handler(w, r)
	})
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

// cleanQuery refuses a query string holding bytes that are not UTF-8 or a
// control character (NUL above all) before any handler reads it: a search
// for 「a\x00b」 reached PostgreSQL, which answered with a 500 (SQLite
// searched for it). The API answers a problem naming the parameter, a page
// the error page.
func (s *Server) cleanQuery(w http.ResponseWriter, r *http.Request, rt Route) bool {
	if r.URL.RawQuery == "" {
		return true
	}
	for name, vs := range r.URL.Query() {
		for _, v := range append([]string{name}, vs...) {
			key, args := "", map[string]any(nil)
			if !utf8.ValidString(v) {
				key = "field.invalid_utf8"
			} else if c, bad := invisible.Control(v); bad {
				key, args = "field.control_char", map[string]any{"Char": fmt.Sprintf("U+%04X", c)}
			}
			if key == "" {
				continue
			}
			if rt.IsAPI() {
				var verr apperr.Validation
				verr.Add(name, key, args)
				s.api.Problem(w, r, http.StatusUnprocessableEntity, verr.Err())
			} else {
				s.renderStatus(w, r, http.StatusBadRequest, "error.bad_query")
			}
			return false
		}
	}
	return true
}
