package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// world is two tenants with a person for every role, and an operator.
type world struct {
	db    *store.DB
	srv   *web.Server
	logs  *syncBuffer
	a, b  *org.Tenant
	units map[string]*org.Unit  // a-dept, a-sect, a-team, b-dept
	staff map[string]*org.Staff // a-staff, a-super, a-hr, a-it, a-other, b-staff
	users map[string]*auth.User
	opID  int64
	api   *apiChecker
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var sys = audit.Actor{Label: "test"}

// cheapHash is one real argon2id hash reused for fixture accounts.
var cheapHash, _ = auth.HashPassword("fixture-password")

const fixturePassword = "fixture-password"

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, logs: &syncBuffer{}, units: map[string]*org.Unit{}, staff: map[string]*org.Staff{}, users: map[string]*auth.User{}}
	mk := func(slug, name string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: name, Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, sys, tn, nil); err != nil {
			t.Fatal(err)
		}
		return tn
	}
	w.a, w.b = mk("matsumoto", "松本市"), mk("kakegawa", "掛川市")
	unit := func(key string, tn *org.Tenant, parent int64, code, name, level string) {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, sys, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		w.units[key] = u
	}
	unit("a-dept", w.a, 0, "100", "総務部", "部")
	unit("a-sect", w.a, w.units["a-dept"].ID, "110", "人事課", "課")
	unit("a-team", w.a, w.units["a-sect"].ID, "111", "人事係", "係")
	unit("a-other", w.a, 0, "200", "市民部", "部")
	unit("b-dept", w.b, 0, "100", "総務部", "部")
	person := func(key string, tn *org.Tenant, unitKey, no, name, kana string, sup bool) {
		s := &org.Staff{StaffNo: no, Name: name, Kana: kana, Email: "p" + no + "@city.example.lg.jp", UnitID: w.units[unitKey].ID,
			Title: "主事", Rank: org.RankStaff, IsSupervisor: sup, Employment: org.Regular, JobType: "general",
			Sensitive: &org.Sensitive{Gender: "female", AgeBand: "30s", Care: "childcare", CommuteMinutes: 45}}
		if err := storetest.F(db).CreateStaff(ctx, tn.ID, sys, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		w.staff[key] = s
	}
	person("a-staff", w.a, "a-team", "1001", "山田 太郎", "やまだ たろう", false)
	person("a-super", w.a, "a-sect", "1002", "佐藤 花子", "さとう はなこ", true)
	person("a-hr", w.a, "a-team", "1003", "鈴木 一郎", "すずき いちろう", false)
	person("a-it", w.a, "a-other", "1004", "髙橋 次郎", "たかはし じろう", false)
	person("a-other", w.a, "a-other", "1005", "渡邉 三郎", "わたなべ さぶろう", false)
	person("b-staff", w.b, "b-dept", "1001", "掛川 太郎", "かけがわ たろう", false)
	user := func(key string, tn *org.Tenant, login, staffKey string, roles ...auth.Role) {
		u := &auth.User{LoginID: login, PasswordHash: cheapHash, Granted: roles}
		if staffKey != "" {
			u.StaffID = w.staff[staffKey].ID
		}
		if err := storetest.F(db).CreateUser(ctx, tn.ID, sys, u); err != nil {
			t.Fatal(err)
		}
		w.users[key] = u
	}
	user("staff", w.a, "staff", "a-staff")
	user("supervisor", w.a, "supervisor", "a-super")
	user("hr", w.a, "hr", "a-hr", auth.HRAdmin)
	user("it", w.a, "it", "a-it", auth.ITAdmin)
	user("auditor", w.a, "auditor", "", auth.Auditor)
	user("spare", w.a, "spare", "a-other") // the object of account routes (password resets end its sessions)
	user("b-hr", w.b, "hr", "b-staff", auth.HRAdmin)
	op, err := storetest.F(db).Auth.CreateOperator(ctx, sys, "operator", cheapHash, false)
	if err != nil {
		t.Fatal(err)
	}
	w.opID = op.ID
	metrics := telemetry.NewMetrics(nil)
	w.srv, err = web.New(app.NewServices(db), telemetry.NewLogger(w.logs, slog.LevelDebug), metrics, web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if w.api, err = newAPIChecker(w.srv.OpenAPIJSON()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, p := range w.api.report() {
			t.Error(p)
		}
	})
	return w
}

// session signs an account in directly (no password hashing) and returns
// its cookie. key "operator" is the operator.
func (w *world) session(t *testing.T, key string) *http.Cookie {
	t.Helper()
	token, hash := auth.NewSessionToken()
	// An hour from now by whichever clock is later: a test that sets the
	// services' clock to a morning in Japan runs it ahead of the real one
	// after midnight there (15:00–24:00 UTC), where a session expiring an
	// hour from the real now would already read as expired.
	s := &auth.Session{TokenHash: hash, ExpiresAt: later(time.Now(), w.db.Now()).Add(time.Hour)}
	switch key {
	case "operator":
		s.UserID = w.opID
	case "b-hr":
		s.TenantID, s.UserID = w.b.ID, w.users[key].ID
	default:
		s.TenantID, s.UserID = w.a.ID, w.users[key].ID
	}
	if err := w.db.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: "telework_session", Value: token}
}

type resp struct {
	code     int
	location string
	body     string
	header   http.Header
	cookies  []*http.Cookie
}

func (w *world) do(method, target string, form url.Values, cookie *http.Cookie, hdr ...string) resp {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
	res := rec.Result()
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header(), cookies: res.Cookies()}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
