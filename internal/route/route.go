// Package route owns the route table's vocabulary, shared by the pages
// (internal/web) and the JSON API (internal/api): who may reach a route
// (Rule), what a route is (Route, with its OpenAPI operation), what a
// request carries once it passed the guard (the principal, the access-log
// info), and the services a handler may call.
package route

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"telework/internal/tasks"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/devices"
	"telework/internal/emergency"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/notify"
	"telework/internal/oneonone"
	"telework/internal/org"
	"telework/internal/orgio"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/presence"
	"telework/internal/retention"
	"telework/internal/roadmap"
	"telework/internal/rosterplan"
	"telework/internal/schedule"
	"telework/internal/sso"
	"telework/internal/staffio"
	"telework/internal/survey"
	"telework/internal/tabular"
	"telework/internal/telemetry"
	"telework/internal/worktime"
)

// Services are the domain services the handlers call. Handlers never run
// SQL: every workflow is one service method.
type Services struct {
	Org       *org.Service
	Auth      *auth.Service
	Policy    *policy.Service
	SSO       *sso.Service
	Calendar  *calendar.Service
	Retention *retention.Service
	Audit     *audit.Service
	Staffio   *staffio.Service
	Orgio     *orgio.Service
	// Onboarding creates accounts in bulk and redeems invitations.
	Onboarding *auth.Onboarding
	// Trial is running the trial (issue 16): roadmap, incidents, costs,
	// handbook.
	Trial  Trial
	Health Health
	// Idempotency keeps API responses for Idempotency-Key replays.
	Idempotency IdempotencyStore
	// Survey and OneOnOne are the trial's questionnaires and 1on1
	// meetings (issue 16).
	Survey   *survey.Service
	OneOnOne *oneonone.Service
	// Tasks is the task inventory and the feasibility engine (issue 13).
	Tasks *tasks.Service
	// Apply is the application lifecycle; Notify the in-app notifications
	// its events write.
	Apply  *apply.Service
	Notify *notify.Service
	// Worktime is the start and end reports; Presence the current
	// presence and the team board (issue 12).
	Worktime *worktime.Service
	Presence *presence.Service
	// Places are the satellite offices and seat booking; Devices the
	// device and licence pools (issue 14).
	Places  *places.Service
	Devices *devices.Service
	// Emergency is emergency mode (issue 15).
	Emergency *emergency.Service
	// Roster is the rotation roster in the product (issue 15).
	Roster *rosterplan.Service
	// Delivery is notification delivery (issue 12): preferences, SMTP and
	// chat settings, dead letters.
	Delivery *notify.DeliveryService
	// Schedule is the shared schedule's iCalendar feeds (issue 12).
	Schedule *schedule.Service
	// Overtime is the prior overtime requests (issue 12).
	Overtime *worktime.OvertimeService
}

// Health is what /readyz asks of the database.
type Health interface {
	Ping(ctx context.Context) error
	MigrationsCurrent(ctx context.Context) (bool, error)
}

// Idempotent is a stored response for an idempotency key.
type Idempotent struct {
	RequestHash string
	Status      int // 0 = the first request is still running
	ContentType string
	Location    string
	Body        string
	// Abandoned: Status 0 for longer than a request runs — the first
	// request died before it answered (its node stopped), and whether it
	// did its work is not known.
	Abandoned bool
}

// IdempotencyStore claims keys and keeps responses (internal/store).
type IdempotencyStore interface {
	// ClaimIdempotencyKey reserves key for this request: claimed means go
	// ahead; otherwise prev is the stored (or running) entry of an
	// earlier use.
	ClaimIdempotencyKey(ctx context.Context, tenantID, userID int64, key, reqHash string) (claimed bool, prev Idempotent, err error)
	CompleteIdempotencyKey(ctx context.Context, tenantID, userID int64, key string, it Idempotent) error
	ReleaseIdempotencyKey(ctx context.Context, tenantID, userID int64, key string) error
}

// Rule says who may reach a route. Exactly one of Public, Operator,
// AnyUser, Signed or Roles must be set: a route without a rule does not start.
type Rule struct {
	Public   bool        // anyone, signed in or not
	Operator bool        // instance operators only
	AnyUser  bool        // any signed-in tenant account, whatever its roles
	Signed   bool        // any signed-in account, operators included (own API tokens)
	Roles    []auth.Role // tenant accounts holding at least one of these
	// AlsoOperator, with Roles, lets instance operators in as well (their
	// own API tokens): a tenant account still needs one of Roles.
	AlsoOperator bool
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
	if r.AlsoOperator && len(r.Roles) == 0 {
		return errors.New("AlsoOperator goes with Roles")
	}
	return nil
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
		return r.AlsoOperator
	case r.AnyUser:
		return true
	default:
		return slices.ContainsFunc(r.Roles, p.Has)
	}
}

var directoryRoles = []auth.Role{auth.Staff, auth.Supervisor, auth.HRAdmin, auth.ITAdmin}

// The rules most routes use.
var (
	Public    = Rule{Public: true}
	AnyUser   = Rule{AnyUser: true}
	Signed    = Rule{Signed: true}
	Operator  = Rule{Operator: true}
	Directory = Rule{Roles: directoryRoles}
	// OwnTokens: the accounts that have an API to use — operators and every
	// tenant role but the auditor's alone (SPEC §2: the auditor reads the
	// audit log on its pages and nothing else).
	OwnTokens  = Rule{Roles: directoryRoles, AlsoOperator: true}
	HROnly     = Rule{Roles: []auth.Role{auth.HRAdmin}}
	ITOnly     = Rule{Roles: []auth.Role{auth.ITAdmin}}
	Supervisor = Rule{Roles: []auth.Role{auth.Supervisor}}
	Auditor    = Rule{Roles: []auth.Role{auth.Auditor}}
)

// Route is one entry of the table. Object names what a {id} path value
// refers to (unit, staff, user, tenant, token), so the authorisation test
// can try another tenant's id on it.
type Route struct {
	Method  string
	Pattern string
	Rule    Rule
	Object  string
	Handler http.HandlerFunc
	// API documents a /api/v1 operation for the OpenAPI document.
	API *Op
	// MaxBody overrides the server's request body limit (file uploads).
	MaxBody int64
}

// IsAPI reports whether the route answers JSON (problem details) rather
// than pages.
func (rt Route) IsAPI() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

// Op documents one API operation; the OpenAPI document is built from these.
type Op struct {
	ID         string // operationId
	Summary    string
	Tag        string
	Query      []Param
	Body       string // request schema name
	Resp       string // response schema name ("" = no body)
	Status     int    // success status (default 200)
	List       bool   // the response is a page of Resp
	IfMatch    bool   // PATCH with If-Match
	Idempotent bool   // POST honours Idempotency-Key
	// OptionalBody: the JSON body may be left out (every member optional);
	// SeenVersion: an optional If-Match naming the version the caller saw
	// (a stale one is the 409 of Conflict, not 412).
	OptionalBody bool
	SeenVersion  bool
	// Refusal names the schema of the 422 body when it carries more than
	// problem details (an application's findings); Conflict describes the
	// 409 the operation answers when the object's state or a capacity
	// refuses it.
	Refusal  string
	Conflict string
	// BodyTypes are the media types of a raw request body (a file upload)
	// when the body is not JSON; RespTypes those of a non-JSON response
	// (a file download).
	BodyTypes []string
	RespTypes []string
}

// Param is a documented query parameter.
type Param struct {
	Name, Type, Desc string
}

// --- what a request carries ---

type principalKey struct{}

// WithPrincipal records the signed-in caller.
func WithPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalOf returns the signed-in caller (nil when anonymous).
func PrincipalOf(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey{}).(*auth.Principal)
	return p
}

// Info is filled in as a request passes through, for the access log.
type Info struct {
	Route    string
	TenantID int64
	UserID   int64
}

type infoKey struct{}

// WithInfo attaches the request's access-log info.
func WithInfo(ctx context.Context, ri *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, ri)
}

// InfoOf returns the request's access-log info (a throwaway when none).
func InfoOf(r *http.Request) *Info {
	if ri, ok := r.Context().Value(infoKey{}).(*Info); ok {
		return ri
	}
	return &Info{}
}

// RequestID is the request's id (in every log line and error page).
func RequestID(r *http.Request) string { return telemetry.RequestID(r.Context()) }

// PathID reads the {id} path value: canonical decimal digits only.
// BadID reports whether the route takes an {id} and the request's is not
// a positive number ("abc", "0", "undefined"): such a request is a 404
// before any handler runs. Handlers that ignored PathID's ok read id 0,
// which several finders took as "no filter" and answered with the
// tenant's first record (a review edited and deleted records that way).
func (rt Route) BadID(r *http.Request) bool {
	if !strings.Contains(rt.Pattern, "{id}") {
		return false
	}
	_, ok := PathID(r)
	return !ok
}

func PathID(r *http.Request) (int64, bool) {
	s := r.PathValue("id")
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false // ParseInt would take "+1" for 1
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// SessionCookie is the name of the browser session's cookie.
const SessionCookie = "telework_session"

// Download answers with a file to save (Content-Disposition: attachment),
// its name in UTF-8 for every browser (ContentDisposition).
func Download(w http.ResponseWriter, contentType, name string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", ContentDisposition(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// SubstitutedHeader lists the rows of a Shift_JIS (CP932) download written
// with 〓 for the characters the encoding lacks ("3, 17"); absent when
// there are none.
const SubstitutedHeader = "Telework-Substituted-Lines"

// DownloadTable sends a table that tabular wrote in format f, as Download
// does; subs are the cells a Shift_JIS export wrote with 〓, whose rows
// SubstitutedHeader names. Every export of a table goes through it, so no
// Shift_JIS file loses a character without saying where.
func DownloadTable(w http.ResponseWriter, f tabular.Format, name string, data []byte, subs []tabular.Substitution) {
	if len(subs) > 0 {
		w.Header().Set(SubstitutedHeader, tabular.SubstitutedLines(subs))
	}
	Download(w, f.ContentType(), name, data)
}

// ContentDisposition is "attachment" naming the file name: an ASCII
// fallback in quotes (every character that is not printable ASCII, and
// '"', '\\', ';' and '%', replaced by '_') and the exact name in RFC 5987
// form (filename*, every byte but the attr-chars percent-encoded). A name
// can thus never close the quotes and add parameters of its own (a review
// made browsers save a listed "….pdf" as setup.exe that way).
func ContentDisposition(name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || strings.ContainsRune(`"\;%`, r) {
			ascii.WriteByte('_')
			continue
		}
		ascii.WriteRune(r)
	}
	const attrChars = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attrChars, b) >= 0) {
			ext.WriteByte(b)
			continue
		}
		fmt.Fprintf(&ext, "%%%02X", b)
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// CleanFileName keeps the last element of an uploaded file's name (as
// browsers on Windows send a whole path), at most 100 characters.
func CleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return ""
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	return name
}

// StatusOf is the HTTP status of an error's code: the one mapping for
// pages and the API alike.
func StatusOf(err error) int {
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
	case apperr.MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case apperr.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Trial groups the services of issue 16.
type Trial struct {
	Roadmap  *roadmap.Service
	Incident *incident.Service
	Cost     *cost.Service
	Handbook *handbook.Service
}

// StatusClientGone is what the access log and the metrics record for a
// request whose client hung up before its answer (nginx's 499): not a
// server error, which would page an operator for nothing.
const StatusClientGone = 499

// ClientGone reports whether err is the cancellation of a request whose
// client went away (its context done), not a fault of the server's.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
