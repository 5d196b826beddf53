// Package placesbench measures seat booking under contention (issue 14):
// eight clients book the same office and day until it is full, then the
// next day, through places.Service (conditional counter UPDATE, insert,
// audit entry in one transaction), against a bare one-INSERT baseline in
// the same run, on SQLite and PostgreSQL, and checks that no day was ever
// overbooked. It only reports: run with TELEWORK_BENCH=1 (see
// docs/benchmarks.md).
package placesbench

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"telework/bench/benchkit"
	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
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
		t.Run(string(eng), func(t *testing.T) { measure(t, storetest.Open(t, eng)) })
	}
}

func measure(t *testing.T, db *store.DB) {
	ctx := context.Background()
	op := audit.Actor{Label: "bench"}
	f := storetest.F(db)
	tn := &org.Tenant{Slug: "bench", Name: "ベンチ市", Kind: org.Municipality, StaffSize: 1000, GeneralAdminStaff: 800}
	if err := f.CreateTenant(ctx, op, tn, nil); err != nil {
		t.Fatal(err)
	}
	u := &org.Unit{Code: "1", Name: "課", Level: "課"}
	if err := f.CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	staff := make([]int64, staffN)
	for i := range staff {
		s := &org.Staff{StaffNo: strconv.Itoa(5000 + i), Name: "職員", Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		if err := f.CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		staff[i] = s.ID
	}
	it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
	svc := places.NewService(db, db.Now)
	o := places.NewOffice()
	o.Name, o.Seats, o.ClosedDays, o.HorizonDays, o.Network = "四賀支所", seats, nil, 0, tasks.OfficeLAN
	if err := svc.CreateOffice(ctx, tn.ID, it, o); err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(db.Now())

	// Bookings: every client books the current day for its next person;
	// a 409 (full) moves everyone on to the next day.
	var dayIdx atomic.Int64
	var conflicts atomic.Int64
	rps, lat := benchkit.Load(clients, runFor, -1, func(c, i int) bool {
		for {
			d := dayIdx.Load()
			// Each person books their own seat (the common case; a booking
			// on someone's behalf also writes the person's notification).
			sid := staff[i%staffN] // i is global: consecutive bookings are different people
			// As signed in: the account's staff record (unit, name) is read
			// with the account.
			who := &auth.Principal{TenantID: tn.ID, StaffID: sid, UnitID: u.ID, StaffName: "職員", Roles: []auth.Role{auth.Staff}}
			_, err := svc.Book(ctx, tn.ID, who, places.Request{OfficeID: o.ID, Day: today.AddDays(int(d) + 1), Half: places.FullDay})
			if err == nil {
				return true
			}
			if e := apperr.As(err); e != nil && e.Code == apperr.Conflict {
				conflicts.Add(1)
				dayIdx.CompareAndSwap(d, d+1)
				continue
			}
			t.Errorf("book: %v", err)
			return false
		}
	})
	// The same run: one INSERT per call, autocommit.
	bare := benchkit.BareDirect(t, benchkit.DB{SQL: db.SQL, Postgres: db.Engine == store.Postgres}, tn.ID, clients, runFor)
	// Zero overbooking: per day, rows ≤ seats and the counter equals the rows.
	over := 0
	rows, err := db.SQL.Query(`SELECT b.day, COUNT(*), MAX(s.used) FROM bookings b JOIN place_slots s ON s.tenant_id = b.tenant_id
		AND s.office_id = b.office_id AND s.day = b.day AND s.half = 'am' AND s.resource = 'seat' WHERE b.status = 'booked' GROUP BY b.day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	days := 0
	for rows.Next() {
		var day string
		var n, used int
		if err := rows.Scan(&day, &n, &used); err != nil {
			t.Fatal(err)
		}
		days++
		if n > seats || used != n {
			over++
			t.Errorf("%s: %d bookings, counter %d, %d seats", day, n, used, seats)
		}
	}
	t.Logf("%s: bookings %.0f/s (p50 %v, p99 %v) over %d days, %d full-day refusals; bare INSERT %.0f/s (p99 %v); ratio %.0f%%; overbooked days: %d",
		db.Engine, rps, benchkit.Percentile(lat, 50).Round(10*time.Microsecond), benchkit.Percentile(lat, 99).Round(10*time.Microsecond), days, conflicts.Load(), bare.RPS, bare.P99.Round(10*time.Microsecond), 100*rps/bare.RPS, over)
}
