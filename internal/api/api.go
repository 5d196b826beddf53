// Package api serves /api/v1: the JSON handlers on the same services as the
// pages, their guard (tokens or the session), problem details, paging,
// ETags, idempotency and the OpenAPI document built from the route table.
//
// The conventions, which every later capability follows:
//   - authentication by personal API token (Authorization: Bearer tw_…) or
//     the browser session; a token acts with its owner's current roles and
//     a read-only token may only read;
//   - errors are RFC 9457 problem details (application/problem+json) in
//     Japanese or English by Accept-Language, with per-field errors;
//   - lists are pages {"items": […], "next_cursor": "…", "total": N} with an
//     opaque cursor and ?limit= (1–200, default 50);
//   - every resource has a version; GET returns it as an ETag and PATCH
//     requires If-Match (428 without it, 412 when it is stale);
//   - POST accepts an Idempotency-Key header: a retry with the same key and
//     body gets the first response again instead of a second object.
package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/route"
)

var pagingParams = []route.Param{
	{Name: "limit", Type: "integer", Desc: "page size, 1–200 (default 50)"},
	{Name: "cursor", Type: "string", Desc: "next_cursor of the previous page"},
}

// API serves /api/v1: its routes, their guard and their handlers.
type API struct {
	svc route.Services
	log *slog.Logger

	// table returns the whole route table (pages included), for the
	// OpenAPI document and the method check of unknown paths.
	table func() []route.Route

	openAPIOnce sync.Once
	openAPIJSON []byte
}

// New returns the API over the services. table is the server's complete
// route table (the API's own routes included).
func New(svc route.Services, log *slog.Logger, table func() []route.Route) *API {
	return &API{svc: svc, log: log, table: table}
}

// Routes are every /api/v1 route.
func (s *API) Routes() []route.Route {
	routes := append(s.apiRoutes(), s.featureRoutes()...)
	routes = append(routes, s.tenantTokenRoutes()...)
	routes = append(routes, s.unitImportRoutes()...)
	routes = append(routes, s.trialRoutes()...)
	routes = append(routes, s.emergencyRoutes()...)
	routes = append(routes, s.rosterRoutes()...)
	routes = append(routes, s.surveyRoutes()...)
	routes = append(routes, s.tasksRoutes()...)
	routes = append(routes, append(s.applicationRoutes(), s.approvalRoutes()...)...)
	routes = append(routes, s.worktimeRoutes()...)
	routes = append(routes, s.placesRoutes()...)
	routes = append(routes, s.deliveryRoutes()...)
	routes = append(routes, s.overtimeRoutes()...)    // worktime_overtime.go
	routes = append(routes, s.planSharingRoutes()...) // worktime_sharing.go
	return routes
}

// MaxImportBytes caps an uploaded staff file: 50,000 staff as xlsx or CSV
// are a few MB.
const MaxImportBytes = 30 << 20

func principal(r *http.Request) *auth.Principal { return route.PrincipalOf(r) }

func actorOf(p *auth.Principal) audit.Actor { return auth.ActorOf(p) }

func requestID(r *http.Request) string { return route.RequestID(r) }

func pathID(r *http.Request) (int64, bool) { return route.PathID(r) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// tree is the caller's tenant's organisation tree.
func (s *API) tree(r *http.Request) (*org.Tree, error) {
	return s.svc.Org.Tree(r.Context(), principal(r).TenantID)
}

func statusOf(err error) int { return route.StatusOf(err) }
