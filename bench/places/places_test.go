// Package placesbench measures seat booking under contention (issue 14):
// eight clients book the same office and day until it is full, then the
// next day (conditional counter UPDATE, insert, audit entry in one
// transaction), on SQLite and PostgreSQL, and checks that no day was ever
// overbooked. It measures twice, each against its own bare baseline in the
// same run: through POST /api/v1/bookings with each person's token against
// the baseline the issues define (a minimal net/http handler doing one
// INSERT), and by calling places.Service directly against one INSERT
// without HTTP. It only reports: run with TELEWORK_BENCH=1 (see
// docs/benchmarks.md).
package placesbench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"telework/bench/benchkit"
	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
	"telework/internal/telemetry"
	"telework/internal/web"
)

const (
	clients = 8
	seats   = 40
	staffN  = clients * seats
	runFor  = 5 * time.Second
)

func TestBookingNumbers(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		if only := os.Getenv("TELEWORK_BENCH_ENGINE"); only != "" && only != string(eng) {
			continue
		}
		t.Run(string(eng), func(t *testing.T) {
			w := seed(t, storetest.Open(t, eng))
			viaHTTP(t, w)
			direct(t, w)
		})
	}
}

// world: one tenant, staffN people with an account and a token each, and
// one 40-seat office per measurement.
type world struct {
	db      *store.DB
	svc     web.Services
	tenant  int64
	unit    int64
	staff   []int64
	tokens  []string
	offices [2]int64 // HTTP, direct
}

func seed(t *testing.T, db *store.DB) *world {
	ctx := context.Background()
	op := audit.Actor{Label: "bench"}
	w := &world{db: db, svc: app.NewServices(db)}
	f := storetest.F(db)
	tn := &org.Tenant{Slug: "bench", Name: "ベンチ市", Kind: org.Municipality, StaffSize: 1000, GeneralAdminStaff: 800}
	storetest.Must(t, f.CreateTenant(ctx, op, tn, nil))
	u := &org.Unit{Code: "1", Name: "課", Level: "課"}
	storetest.Must(t, f.CreateUnit(ctx, tn.ID, op, u, calendar.Date{}))
	w.tenant, w.unit = tn.ID, u.ID
	for i := range staffN {
		s := &org.Staff{StaffNo: strconv.Itoa(5000 + i), Name: "職員", Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, f.CreateStaff(ctx, tn.ID, op, s, calendar.Date{}))
		us := &auth.User{LoginID: "u" + s.StaffNo, PasswordHash: "x", StaffID: s.ID}
		storetest.Must(t, f.CreateUser(ctx, tn.ID, op, us))
		_, secret, err := w.svc.Auth.IssueToken(ctx, op, tn.ID, us.ID, auth.NewToken{Name: "bench", Days: 30})
		storetest.Must(t, err)
		w.staff, w.tokens = append(w.staff, s.ID), append(w.tokens, secret)
	}
	it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
	for k, name := range []string{"四賀支所", "波田支所"} {
		o := places.NewOffice()
		o.Name, o.Seats, o.ClosedDays, o.HorizonDays, o.Network = name, seats, nil, 0, tasks.OfficeLAN
		storetest.Must(t, w.svc.Places.CreateOffice(ctx, tn.ID, it, o))
		w.offices[k] = o.ID
	}
	return w
}

// contend runs the closed loops: every client books the current day for
// its next person (i is global, so consecutive bookings are different
// people); a 409 (full) moves everyone on to the next day. book reports
// whether the booking was made, or false, nil when the day was full.
func contend(t *testing.T, book func(i int, day calendar.Date) (bool, error)) (float64, []time.Duration, int64) {
	today := calendar.DateOf(time.Now())
	var dayIdx, full atomic.Int64
	rps, lat := benchkit.Load(clients, runFor, -1, func(_, i int) bool {
		for {
			d := dayIdx.Load()
			ok, err := book(i, today.AddDays(int(d)+1))
			if err != nil {
				t.Errorf("book: %v", err)
				return false
			}
			if ok {
				return true
			}
			full.Add(1)
			dayIdx.CompareAndSwap(d, d+1)
		}
	})
	return rps, lat, full.Load()
}

// viaHTTP: POST /api/v1/bookings, each person signed in with their own
// token, against the net/http one-INSERT baseline.
func viaHTTP(t *testing.T, w *world) {
	srv, err := web.New(w.svc, telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
	storetest.Must(t, err)
	url := benchkit.Serve(t, srv) + "/api/v1/bookings"
	client := benchkit.NewClient(clients)
	stats := benchkit.PGStatements(t, w.db.SQL, w.db.Engine == store.Postgres)
	stop := benchkit.Profile(t, "places-"+string(w.db.Engine))
	cpu0 := benchkit.CPUTime()
	rps, lat, full := contend(t, func(i int, day calendar.Date) (bool, error) {
		body := fmt.Appendf(nil, `{"office_id":%d,"date":"%s","half":"full_day"}`, w.offices[0], day)
		code, b, err := client.Do("POST", url, body, "Authorization", "Bearer "+w.tokens[i%staffN])
		switch {
		case err != nil:
			return false, err
		case code == http.StatusCreated:
			return true, nil
		case code == http.StatusConflict:
			return false, nil
		}
		return false, fmt.Errorf("%d %s", code, b)
	})
	cpu := (benchkit.CPUTime() - cpu0) / time.Duration(max(len(lat), 1))
	stop()
	stats(len(lat))
	bare := benchkit.BareHTTP(t, benchkit.DB{SQL: w.db.SQL, Postgres: w.db.Engine == store.Postgres}, w.tenant, clients, runFor, http.StatusCreated)
	report(t, w, "HTTP", 0, rps, lat, full, bare)
	t.Logf("Go CPU per booking (server and client) %v, per bare request %v", cpu.Round(time.Microsecond), bare.CPU.Round(time.Microsecond))
}

// direct: places.Service.Book called in-process, against one INSERT per
// call without HTTP.
func direct(t *testing.T, w *world) {
	ctx := context.Background()
	rps, lat, full := contend(t, func(i int, day calendar.Date) (bool, error) {
		// As signed in: the account's staff record (unit, name) is read with
		// the account. Each person books their own seat (a booking on
		// someone's behalf also writes the person's notification).
		who := &auth.Principal{TenantID: w.tenant, StaffID: w.staff[i%staffN], UnitID: w.unit, StaffName: "職員", Roles: []auth.Role{auth.Staff}}
		_, err := w.svc.Places.Book(ctx, w.tenant, who, places.Request{OfficeID: w.offices[1], Day: day, Half: places.FullDay})
		if e := apperr.As(err); e != nil && e.Code == apperr.Conflict {
			return false, nil
		}
		return err == nil, err
	})
	bare := benchkit.BareDirect(t, benchkit.DB{SQL: w.db.SQL, Postgres: w.db.Engine == store.Postgres}, w.tenant, clients, runFor)
	report(t, w, "direct", 1, rps, lat, full, bare)
}

// report logs the run and checks zero overbooking: per day of the office,
// rows ≤ seats and the counter equals the rows.
func report(t *testing.T, w *world, how string, office int, rps float64, lat []time.Duration, full int64, bare benchkit.Bare) {
	rows, err := w.db.SQL.Query(`SELECT b.day, COUNT(*), MAX(s.used) FROM bookings b JOIN place_slots s ON s.tenant_id = b.tenant_id
		AND s.office_id = b.office_id AND s.day = b.day AND s.half = 'am' AND s.resource = 'seat'
		WHERE b.status = 'booked' AND b.office_id = ` + strconv.FormatInt(w.offices[office], 10) + ` GROUP BY b.day`)
	storetest.Must(t, err)
	defer rows.Close()
	over, days := 0, 0
	for rows.Next() {
		var day string
		var n, used int
		storetest.Must(t, rows.Scan(&day, &n, &used))
		days++
		if n > seats || used != n {
			over++
			t.Errorf("%s: %d bookings, counter %d, %d seats", day, n, used, seats)
		}
	}
	storetest.Must(t, rows.Err())
	t.Logf("%s %s: bookings %.0f/s (p50 %v, p99 %v) over %d days, %d full-day refusals; bare INSERT %.0f/s (p99 %v); ratio %.0f%%; overbooked days: %d",
		w.db.Engine, how, rps, benchkit.Percentile(lat, 50).Round(10*time.Microsecond), benchkit.Percentile(lat, 99).Round(10*time.Microsecond),
		days, full, bare.RPS, bare.P99.Round(10*time.Microsecond), 100*rps/bare.RPS, over)
}
