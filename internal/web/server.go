// Package web serves the server-rendered pages, the health and metrics
// endpoints and the static assets, all embedded in the binary. Every route
// is declared in one table with the rule of who may reach it.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"telework/internal/api"
	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/invisible"
	"telework/internal/route"
	"telework/internal/telemetry"
)

// Config holds the server's settings.
type Config struct {
	// CookieSecure: "auto" (Secure when the request came over TLS or via a
	// proxy that says X-Forwarded-Proto: https), "always" or "never".
	CookieSecure string
	// MaxBodyBytes caps request bodies (forms; imports set their own).
	MaxBodyBytes int64
	// SessionIdle and SessionMax bound a session's life.
	SessionIdle, SessionMax time.Duration
	// TrustProxy uses X-Forwarded-For for the client address (behind nginx).
	TrustProxy bool

	// HSTSMaxAge is the max-age of the Strict-Transport-Security header,
	// sent on every answer to a request that came over HTTPS (TLS on this
	// server, or X-Forwarded-Proto: https from a trusted proxy); 0 sends
	// none. Never on plain http, where a browser ignores it anyway.
	HSTSMaxAge time.Duration
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// MetricsElsewhere: /metrics is served on its own listener
	// (--metrics-addr, see MetricsHandler) and answers 404 here.
	MetricsElsewhere bool
	// PublicURL is the server's address as people's browsers reach it
	// (https://telework.city.example.lg.jp, no path). The SSO redirect_uri
	// is built from it; without it, from the request's Host header.
	PublicURL string
	// TrustedProxies are the addresses of our own proxies (--trusted-proxies):
	// the client address is the right-most X-Forwarded-For hop not in this
	// list. Empty: the connection's peer is the one trusted proxy.
	TrustedProxies []netip.Prefix
}

// DefaultHSTSMaxAge is a year, the usual value once HTTPS is for good.
const DefaultHSTSMaxAge = 365 * 24 * time.Hour

// DefaultConfig is what `telework serve` uses unless told otherwise.
func DefaultConfig() Config {
	return Config{CookieSecure: "auto", MaxBodyBytes: 1 << 20, SessionIdle: 2 * time.Hour, SessionMax: 12 * time.Hour,
		HSTSMaxAge: DefaultHSTSMaxAge}
}

// Services are the domain services the handlers call (see route.Services).
type Services = route.Services

// Health is what /readyz asks of the database.
type Health = route.Health

// Server is the HTTP side of the product.
type Server struct {
	svc     Services
	api     *api.API
	log     *slog.Logger
	metrics *telemetry.Metrics
	cfg     Config
	tmpl    *templates
	routes  []Route
	mux     *http.ServeMux
	handler http.Handler
	// closing is closed by CloseStreams: the event streams end.
	closing     chan struct{}
	closingOnce sync.Once
}

// CloseStreams ends every open event stream (the team board's): the
// server is shutting down, and http.Server.Shutdown waits for no
// long-lived response (it would wait its whole timeout; a review found a
// stop with a board open taking 20 s and failing). Register it with
// http.Server.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.closingOnce.Do(func() { close(s.closing) }) }

func (s *Server) streamsClosing() <-chan struct{} { return s.closing }

// New builds the server and its route table. It fails when a template is
// missing or broken, so a bad build never starts.
func New(svc Services, log *slog.Logger, metrics *telemetry.Metrics, cfg Config) (*Server, error) {
	s := &Server{svc: svc, log: log, metrics: metrics, cfg: cfg, mux: http.NewServeMux(), closing: make(chan struct{})}
	l := svc.Auth.Limits()
	l.SessionIdle, l.SessionMax = cfg.SessionIdle, cfg.SessionMax
	svc.Auth.SetLimits(l)
	var err error
	if s.tmpl, err = loadTemplates(); err != nil {
		return nil, err
	}
	s.api = api.New(svc, log, func() []Route { return s.routes })
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		if err := rt.Rule.Validate(); err != nil {
			return nil, fmt.Errorf("web: route %s %s: %w", rt.Method, rt.Pattern, err)
		}
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	s.mux.Handle("/", s.guard(Route{Pattern: "/", Rule: Rule{Public: true}, Handler: s.notFound}))
	s.mux.Handle("/api/", s.guard(Route{Pattern: "/api/", Rule: Rule{Public: true}, Handler: s.apiUnknown}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	guarded := cop.Handler(s.mux)
	s.handler = s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An API call carrying its own credential (Authorization: a
		// token) is authenticated by it alone — the API ignores the
		// session cookie then — so a cross-site page has nothing ambient
		// to forge with it: a groupware page calling the API with a token
		// is not refused as a forgery (a review found it answered with an
		// HTML page).
		if strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("Authorization") != "" {
			s.mux.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	}))
	return s, nil
}

// Routes exposes the route table (for the authorisation test).
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// unloggedRoutes leave no request-log line at all, only the aggregated
// metrics: a presence change (the inactivity timer's away and back among
// them) with a time would let the log rebuild each person's idle and away
// periods, and presence keeps no history (issue 12: only the current state
// exists). A line without the account is not enough: the redirect that
// follows it, or the same person's next request, carries the account a few
// milliseconds later. No line carries the response's size either: the
// pages that show presence (the work page, the board) differ in size by
// the states on them.
//
// Incident and worry reports are anonymous when the person chooses
// (docs/trial.md: who reported is kept nowhere), so the reporting routes
// leave no line either, named reports included (an anonymous report must
// not stand out by its missing account): an anonymous POST logged without
// its account was followed 2–5 ms later by the redirect's GET
// /incidents/new with it. The IT admin's review routes are logged as
// usual; they name no reporter.
//
// Saving a survey answer (the submission, the save button and the form's
// autosave, on the page and in the API) leaves no line either: with the
// account and the time, a line said who answered when, and that time
// matched against the order of the answer rows (docs/survey.md 4.1) said
// what they answered; without the account, the redirect or the next
// request would say it as above.
var unloggedRoutes = map[string]bool{
	"POST /presence": true, "PUT /api/v1/presence": true,
	"GET /incidents/new": true, "POST /incidents": true,
	"POST /api/v1/incidents": true, "GET /api/v1/incidents/mine": true,
	"POST /surveys/{id}/answer": true, "PUT /api/v1/me/surveys/{id}/answer": true,
}

// observe gives each request an id, recovers panics, and records the access
// log line and metrics under the route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := telemetry.NewRequestID()
		ri := &route.Info{Route: "unmatched"}
		ctx := telemetry.WithRequestID(route.WithInfo(r.Context(), ri), rid)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", rid)
		setSecurityHeaders(sw.Header())
		if s.cfg.HSTSMaxAge > 0 && s.overHTTPS(r) {
			sw.Header().Set("Strict-Transport-Security", "max-age="+strconv.FormatInt(int64(s.cfg.HSTSMaxAge/time.Second), 10))
		}
		s.metrics.InFlight.Inc()
		defer func() {
			s.metrics.InFlight.Dec()
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", rid, "route", ri.Route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "Internal Server Error", http.StatusInternalServerError)
				}
				sw.status = http.StatusInternalServerError
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			status := strconv.Itoa(sw.status)
			method := metricMethod(r.Method)
			s.metrics.Requests.WithLabelValues(ri.Route, method, status).Inc()
			s.metrics.Duration.WithLabelValues(ri.Route, method).Observe(d.Seconds())
			if ri.Route == "GET /static/" || ri.Route == "GET /healthz" || ri.Route == "GET /metrics" {
				return // too frequent to be worth a line each
			}
			if unloggedRoutes[ri.Route] {
				return
			}
			s.log.Info("request", "request_id", rid, "method", r.Method, "route", ri.Route, "status", sw.status,
				"duration_ms", float64(d.Microseconds())/1000, "tenant_id", ri.TenantID, "user_id", ri.UserID)
		}()
		next.ServeHTTP(sw, r)
	})
}

func setSecurityHeaders(h http.Header) {
	// Everything is served from this origin: no CDN, no inline script.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// overHTTPS reports whether the browser's request came over HTTPS: TLS on
// this server, or a trusted proxy's X-Forwarded-Proto: https.
func (s *Server) overHTTPS(r *http.Request) bool {
	return r.TLS != nil || (s.cfg.TrustProxy && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"))
}

// limitBody caps a request body at the route's limit (the server default
// unless the route sets MaxBody, as file imports do). It answers 413 itself
// and returns false when the declared length is already too large.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request, rt Route) bool {
	limit := s.cfg.MaxBodyBytes
	if rt.MaxBody > 0 {
		limit = rt.MaxBody
	}
	if r.ContentLength > limit {
		if rt.IsAPI() {
			s.api.Problem(w, r, http.StatusRequestEntityTooLarge, apperr.New(apperr.Invalid, "error.too_large"))
		} else {
			s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		}
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return true
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// Nothing under /api/ answers in HTML (docs/api.md).
		s.api.Problem(w, r, http.StatusForbidden, apperr.New(apperr.Forbidden, "error.cross_origin"))
		return
	}
	s.renderStatus(w, r, http.StatusForbidden, "error.cross_origin")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, http.StatusNotFound, "error.page_not_found")
}

// parseForm reads a form body, answering 413 or 400 itself when it cannot.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		} else {
			s.renderStatus(w, r, http.StatusBadRequest, "error.bad_form")
		}
		return false
	}
	return s.refuseControl(w, r)
}

// refuseControl answers 422 when a form value holds a control character
// other than a line break or a tab (NUL above all: PostgreSQL refuses it,
// SQLite would store it). It reports whether the form is free of them.
func (s *Server) refuseControl(w http.ResponseWriter, r *http.Request) bool {
	vals := []url.Values{r.Form}
	if r.MultipartForm != nil {
		vals = append(vals, r.MultipartForm.Value)
	}
	for _, vs := range vals {
		for _, list := range vs {
			for _, v := range list {
				if _, bad := invisible.Control(v); bad {
					s.renderStatus(w, r, http.StatusUnprocessableEntity, "error.control_char")
					return false
				}
			}
		}
	}
	return true
}

// principal returns the signed-in caller (nil when anonymous).
func principal(r *http.Request) *auth.Principal { return route.PrincipalOf(r) }

func info(r *http.Request) *route.Info { return route.InfoOf(r) }

// OpenAPIJSON is the API's OpenAPI document as served.
func (s *Server) OpenAPIJSON() []byte { return s.api.OpenAPIJSON() }

// apiUnknown answers an /api/ request no route takes, as problem details:
// 405 with Allow when the path exists with other methods, 404 otherwise.
func (s *Server) apiUnknown(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/api/" && pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.api.Problem(w, r, http.StatusMethodNotAllowed, apperr.New(apperr.MethodNotAllowed, "api.method_not_allowed"))
		return
	}
	s.api.Problem(w, r, http.StatusNotFound, apperr.New(apperr.NotFound, "api.not_found"))
}

// metricMethod is the method as a metrics label: a method HTTP defines, or
// OTHER. The method is the client's to choose, and every new label value
// is a series kept for the life of the process (a stream of made-up
// methods grew /metrics without bound).
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}
