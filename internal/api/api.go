package api

// The /api/v1 conventions, which every later capability follows:
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

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
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
	return append(s.apiRoutes(), s.featureRoutes()...)
}

// MaxImportBytes caps an uploaded staff file: 50,000 staff as xlsx or CSV
// are a few MB.
const MaxImportBytes = 30 << 20

func (s *API) apiRoutes() []route.Route {
	signed := route.Signed
	return []route.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Rule: route.Public, Handler: s.apiOpenAPI},
		{Method: "GET", Pattern: "/api/v1/me", Rule: route.AnyUser, Handler: s.apiMe,
			API: &route.Op{ID: "getMe", Summary: "The caller's own account and staff record", Tag: "me", Resp: "Me"}},

		{Method: "GET", Pattern: "/api/v1/units", Rule: route.Directory, Handler: s.apiListUnits,
			API: &route.Op{ID: "listUnits", Summary: "List units (部・課・係) in tree order", Tag: "units", Resp: "Unit", List: true,
				Query: append([]route.Param{{Name: "parent_id", Type: "integer", Desc: "only direct children of this unit (0 = top level)"}, {Name: "include_retired", Type: "boolean", Desc: "include closed units"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/units/{id}", Rule: route.Directory, Object: "unit", Handler: s.apiGetUnit,
			API: &route.Op{ID: "getUnit", Summary: "Get a unit", Tag: "units", Resp: "Unit"}},
		{Method: "POST", Pattern: "/api/v1/units", Rule: route.HROnly, Handler: s.apiCreateUnit,
			API: &route.Op{ID: "createUnit", Summary: "Create a unit", Tag: "units", Body: "UnitInput", Resp: "Unit", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/units/{id}", Rule: route.HROnly, Object: "unit", Handler: s.apiUpdateUnit,
			API: &route.Op{ID: "updateUnit", Summary: "Rename, move or reorder a unit", Tag: "units", Body: "UnitPatch", Resp: "Unit", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/staff", Rule: route.Directory, Handler: s.apiListStaff,
			API: &route.Op{ID: "listStaff", Summary: "Search staff", Tag: "staff", Resp: "Staff", List: true,
				Query: append([]route.Param{{Name: "q", Type: "string", Desc: "氏名・かな・職員番号 (かな/全角半角 folded)"}, {Name: "unit_id", Type: "integer", Desc: "unit and its subtree"},
					{Name: "employment", Type: "string", Desc: "employment category"}, {Name: "job_type", Type: "string", Desc: "job type"}, {Name: "include_retired", Type: "boolean", Desc: "include staff who left (HR only)"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/staff/{id}", Rule: route.Directory, Object: "staff", Handler: s.apiGetStaff,
			API: &route.Op{ID: "getStaff", Summary: "Get a staff member", Tag: "staff", Resp: "Staff"}},
		{Method: "POST", Pattern: "/api/v1/staff", Rule: route.HROnly, Handler: s.apiCreateStaff,
			API: &route.Op{ID: "createStaff", Summary: "Register a staff member", Tag: "staff", Body: "StaffInput", Resp: "Staff", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/staff/{id}", Rule: route.HROnly, Object: "staff", Handler: s.apiUpdateStaff,
			API: &route.Op{ID: "updateStaff", Summary: "Change a staff member (transfers take effective_date)", Tag: "staff", Body: "StaffPatch", Resp: "Staff", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/tenants", Rule: route.Operator, Handler: s.apiListTenants,
			API: &route.Op{ID: "listTenants", Summary: "List tenants (operator)", Tag: "tenants", Resp: "Tenant", List: true, Query: pagingParams}},
		{Method: "GET", Pattern: "/api/v1/tenants/{id}", Rule: route.Operator, Object: "tenant", Handler: s.apiGetTenant,
			API: &route.Op{ID: "getTenant", Summary: "Get a tenant (operator)", Tag: "tenants", Resp: "Tenant"}},
		{Method: "POST", Pattern: "/api/v1/tenants", Rule: route.Operator, Handler: s.apiCreateTenant,
			API: &route.Op{ID: "createTenant", Summary: "Create a tenant (operator)", Tag: "tenants", Body: "TenantInput", Resp: "Tenant", Status: 201, Idempotent: true}},
		{Method: "PATCH", Pattern: "/api/v1/tenants/{id}", Rule: route.Operator, Object: "tenant", Handler: s.apiUpdateTenant,
			API: &route.Op{ID: "updateTenant", Summary: "Change a tenant's name, type or sizes (operator)", Tag: "tenants", Body: "TenantPatch", Resp: "Tenant", IfMatch: true}},

		{Method: "GET", Pattern: "/api/v1/tokens", Rule: signed, Handler: s.apiListTokens,
			API: &route.Op{ID: "listTokens", Summary: "List your API tokens", Tag: "tokens", Resp: "Token", List: true, Query: pagingParams}},
		{Method: "POST", Pattern: "/api/v1/tokens", Rule: signed, Handler: s.apiCreateToken,
			API: &route.Op{ID: "createToken", Summary: "Create an API token (the secret is returned once)", Tag: "tokens", Body: "TokenInput", Resp: "NewToken", Status: 201, Idempotent: true}},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Rule: signed, Object: "token", Handler: s.apiRevokeToken,
			API: &route.Op{ID: "revokeToken", Summary: "Revoke one of your API tokens", Tag: "tokens", Status: 204}},
	}
}

// Guard authenticates an API request (a bearer token, or else the session
// that session reads from the cookie) and applies the route's rule,
// answering with problem details instead of pages.
func (s *API) Guard(w http.ResponseWriter, r *http.Request, rt route.Route, session func(*http.Request) *auth.Principal) {
	var p *auth.Principal
	if h := r.Header.Get("Authorization"); h != "" {
		var ok bool
		if p, ok = s.tokenPrincipal(w, r, h); !ok {
			return
		}
	} else {
		p = session(r)
	}
	if p != nil {
		ri := route.InfoOf(r)
		ri.TenantID, ri.UserID = p.TenantID, p.UserID
		r = r.WithContext(route.WithPrincipal(r.Context(), p))
	}
	if !rt.Rule.Public {
		switch {
		case p == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="telework"`)
			s.problem(w, r, http.StatusUnauthorized, apperr.New(apperr.Unauthorized, "api.unauthorized"))
			return
		case !rt.Rule.Allows(p):
			s.problem(w, r, http.StatusForbidden, apperr.Forbid())
			return
		case p.MustChange:
			s.problem(w, r, http.StatusForbidden, apperr.New(apperr.Forbidden, "api.must_change_password"))
			return
		case p.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead:
			s.problem(w, r, http.StatusForbidden, apperr.New(apperr.Forbidden, "api.read_only_token"))
			return
		}
	}
	if rt.API != nil && rt.API.Idempotent && r.Header.Get("Idempotency-Key") != "" && p != nil {
		s.idempotent(w, r, p, rt.Handler)
		return
	}
	rt.Handler(w, r)
}

// tokenPrincipal resolves "Bearer tw_…" to the owner's principal. Revoked,
// expired and unknown tokens get the same 401.
func (s *API) tokenPrincipal(w http.ResponseWriter, r *http.Request, header string) (*auth.Principal, bool) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	var p *auth.Principal
	var err error = apperr.New(apperr.Unauthorized, "api.invalid_token")
	if ok {
		p, err = s.svc.Auth.TokenPrincipal(r.Context(), strings.TrimSpace(token))
	}
	if err != nil {
		if apperr.CodeOf(err) != apperr.Unauthorized {
			s.log.Error("token lookup", "request_id", requestID(r), "err", err)
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="telework", error="invalid_token"`)
		s.problem(w, r, http.StatusUnauthorized, apperr.New(apperr.Unauthorized, "api.invalid_token"))
		return nil, false
	}
	return p, true
}

// problemBody is RFC 9457 problem details plus per-field errors.
type problemBody struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance"`
	RequestID string         `json:"request_id"`
	Errors    []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
	// Line and Column locate a problem in an uploaded file (imports): the
	// row number as Excel shows it and the column's header as written.
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
}

func apiLang(r *http.Request) string { return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")) }

// Problem writes err as problem details in the caller's language with the
// given status (the server uses it for API requests it refuses itself).
func (s *API) Problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	s.problem(w, r, status, err)
}

// problem writes err as problem details in the caller's language.
func (s *API) problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	lang := apiLang(r)
	code := apperr.CodeOf(err)
	if status >= 500 || code == apperr.Internal {
		s.log.Error("internal error", "request_id", requestID(r), "route", route.InfoOf(r).Route, "err", err)
		status, err = http.StatusInternalServerError, apperr.New(apperr.Internal, "error.internal")
		code = apperr.Internal
	}
	body := problemBody{Type: "urn:telework:problem:" + string(code), Title: i18n.T(lang, "problem."+string(code), nil),
		Status: status, Detail: i18n.Error(lang, err), Instance: r.URL.Path, RequestID: requestID(r)}
	if e := apperr.As(err); e != nil {
		msgs := i18n.FieldMessages(lang, err)
		for _, f := range e.Fields {
			if m, ok := msgs[f.Field]; ok {
				body.Errors = append(body.Errors, problemField{Field: f.Field, Detail: m})
				delete(msgs, f.Field)
			}
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// apiFail maps an application error to its status.
func (s *API) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if e := apperr.As(err); e != nil && e.Code == apperr.Conflict && e.Key == "error.stale" {
		status = http.StatusPreconditionFailed
	}
	s.problem(w, r, status, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeJSON reads a JSON object into dst, refusing unknown fields and
// wrong types with a field error naming the field.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.Invalid, "api.content_type")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var v apperr.Validation
		var te *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return apperr.New(apperr.Invalid, "error.too_large")
		case errors.As(err, &te):
			v.Add(te.Field, "field.json_type", map[string]any{"Type": te.Type.String()})
			return v.Err()
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			v.Add(name, "field.unknown", nil)
			return v.Err()
		case errors.Is(err, io.EOF):
			return apperr.New(apperr.Invalid, "api.empty_body")
		default:
			return apperr.New(apperr.Invalid, "api.bad_json")
		}
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "api.bad_json")
	}
	return nil
}

// etag is a resource's version as an entity tag.
func etag(kind string, id, version int64) string {
	return fmt.Sprintf(`"%s-%d-v%d"`, kind, id, version)
}

// ifMatch reads the version from If-Match. It answers 428 when the header
// is missing and 412 when it names another object.
func (s *API) ifMatch(w http.ResponseWriter, r *http.Request, kind string, id int64) (int64, bool) {
	h := strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/")
	if h == "" {
		s.problem(w, r, http.StatusPreconditionRequired, apperr.New(apperr.Invalid, "api.if_match_required"))
		return 0, false
	}
	prefix := fmt.Sprintf(`"%s-%d-v`, kind, id)
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, `"`) {
		s.problem(w, r, http.StatusPreconditionFailed, apperr.ConflictStale())
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(h, prefix), `"`), 10, 64)
	if err != nil {
		s.problem(w, r, http.StatusPreconditionFailed, apperr.ConflictStale())
		return 0, false
	}
	return v, true
}

// page is the list envelope.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      int    `json:"total"`
}

func encodeCursor(afterID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(afterID, 10)))
}

// paging reads limit and cursor; a malformed one is a field error.
func paging(r *http.Request) (limit int, after int64, err error) {
	var v apperr.Validation
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 200 {
			v.Add("limit", "field.range", map[string]any{"Min": 1, "Max": 200})
		}
		limit = n
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		b, derr := base64.RawURLEncoding.DecodeString(c)
		rest, ok := strings.CutPrefix(string(b), "id:")
		n, perr := strconv.ParseInt(rest, 10, 64)
		if derr != nil || !ok || perr != nil || n < 0 {
			v.Add("cursor", "field.cursor", nil)
		}
		after = n
	}
	return limit, after, v.Err()
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string, v *apperr.Validation) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		v.Add(name, "field.integer", nil)
	}
	return n
}

func queryBool(r *http.Request, name string, v *apperr.Validation) bool {
	switch r.URL.Query().Get(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	v.Add(name, "field.boolean", nil)
	return false
}

// recorder keeps a copy of what a handler wrote, for idempotent replay.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (rw *recorder) WriteHeader(code int) { rw.status = code; rw.ResponseWriter.WriteHeader(code) }
func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.buf.Write(b)
	return rw.ResponseWriter.Write(b)
}

// idempotent runs a POST once per Idempotency-Key: a retry with the same
// key and body replays the stored response; the same key with another body
// is refused; a retry while the first is still running gets 409.
func (s *API) idempotent(w http.ResponseWriter, r *http.Request, p *auth.Principal, next http.HandlerFunc) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		var v apperr.Validation
		v.Add("Idempotency-Key", "field.too_long", map[string]any{"Max": 200})
		s.problem(w, r, http.StatusBadRequest, v.Err())
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.problem(w, r, http.StatusRequestEntityTooLarge, apperr.New(apperr.Invalid, "error.too_large"))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	claimed, prev, err := s.svc.Idempotency.ClaimIdempotencyKey(r.Context(), p.TenantID, p.UserID, key, hash)
	if err != nil {
		s.problem(w, r, http.StatusInternalServerError, err)
		return
	}
	if !claimed {
		switch {
		case prev.RequestHash != hash:
			s.problem(w, r, http.StatusUnprocessableEntity, apperr.New(apperr.Invalid, "api.idempotency_mismatch"))
		case prev.Status == 0:
			s.problem(w, r, http.StatusConflict, apperr.New(apperr.Conflict, "api.idempotency_running"))
		default:
			if prev.Location != "" {
				w.Header().Set("Location", prev.Location)
			}
			w.Header().Set("Content-Type", prev.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			_, _ = io.WriteString(w, prev.Body)
		}
		return
	}
	rec := &recorder{ResponseWriter: w}
	next(rec, r)
	ctx := r.Context()
	if rec.status >= 500 || rec.status == 0 {
		_ = s.svc.Idempotency.ReleaseIdempotencyKey(ctx, p.TenantID, p.UserID, key)
		return
	}
	if err := s.svc.Idempotency.CompleteIdempotencyKey(ctx, p.TenantID, p.UserID, key, storeIdem(rec)); err != nil {
		s.log.Error("idempotency store", "request_id", requestID(r), "err", err)
	}
}

func storeIdem(rec *recorder) route.Idempotent {
	return route.Idempotent{Status: rec.status, ContentType: rec.Header().Get("Content-Type"),
		Location: rec.Header().Get("Location"), Body: rec.buf.String()}
}

// Small helpers every handler file uses.

func principal(r *http.Request) *auth.Principal { return route.PrincipalOf(r) }

func actorOf(p *auth.Principal) audit.Actor { return auth.ActorOf(p) }

func requestID(r *http.Request) string { return route.RequestID(r) }

func pathID(r *http.Request) (int64, bool) { return route.PathID(r) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// tree is the caller's tenant's organisation tree.
func (s *API) tree(r *http.Request) (*org.Tree, error) {
	return s.svc.Org.Tree(r.Context(), principal(r).TenantID)
}

// statusOf is the HTTP status of an error's code.
func statusOf(err error) int {
	switch apperr.CodeOf(err) {
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
