package places_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestPCsFullLeavesTheSeats: a booking with a PC when the PCs are taken is
// refused as such (places.full_pc) and raises no seat counter either.
func TestPCsFullLeavesTheSeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 12)
		s, a, o := f.svc, f.a.ID, f.officeA // 10 seats, 2 PCs
		book := func(i int, h places.Half, pc bool) error {
			_, err := s.Book(ctx, a, f.people[i], places.Request{OfficeID: o.ID, Day: f.monday, Half: h, PC: pc})
			return err
		}
		for i := range o.PCs {
			if err := book(i, places.FullDay, true); err != nil {
				t.Fatal(err)
			}
		}
		for _, h := range []places.Half{places.AM, places.FullDay} {
			if err := book(o.PCs, h, true); apperr.As(err) == nil || apperr.As(err).Key != "places.full_pc" {
				t.Fatalf("%s with a PC beyond the PCs: %v", h, err)
			}
		}
		// Every other seat is still there, for the morning and the afternoon.
		for i := o.PCs; i < o.Seats; i++ {
			if err := book(i, places.FullDay, false); err != nil {
				t.Fatalf("seat %d after the refused PC bookings: %v", i, err)
			}
		}
		if err := book(o.Seats, places.AM, false); apperr.As(err) == nil || apperr.As(err).Key != "places.full" {
			t.Fatalf("beyond the seats: %v", err)
		}
	})
}

// TestMixedBookingsUnderContention: people book mornings, afternoons and
// full days, with and without a PC, all at once for one office and day.
// Whatever the interleaving (on PostgreSQL a booking is one statement
// whose counters may fill up between its snapshot and its update), each
// counter equals the bookings that hold it and stays within the capacity,
// every refusal is a full office, and each booking made has its half-day
// rows and its audit entry, and only those.
func TestMixedBookingsUnderContention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const people = 40
		f := newFixture(t, db, people)
		s, a, o := f.svc, f.a.ID, f.officeA
		halves := []places.Half{places.AM, places.PM, places.FullDay}
		var wg sync.WaitGroup
		var mu sync.Mutex
		made := 0
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Book(ctx, a, f.people[i], places.Request{OfficeID: o.ID, Day: f.monday, Half: halves[i%3], PC: i%4 == 0})
				if e := apperr.As(err); err != nil && (e == nil || (e.Key != "places.full" && e.Key != "places.full_pc")) {
					t.Errorf("person %d: %v", i, err)
				}
				if err == nil {
					mu.Lock()
					made++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		list, err := s.Bookings(ctx, a, f.it, places.Filter{OfficeID: o.ID, From: f.monday, To: f.monday})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != made || made == 0 {
			t.Fatalf("%d bookings listed, %d made", len(list), made)
		}
		want := map[string]int{}
		for _, b := range list {
			for _, h := range places.HalvesOf(b.Half) {
				want[string(h)+"/seat"]++
				if b.PC {
					want[string(h)+"/pc"]++
				}
			}
		}
		q := fmt.Sprintf(`SELECT half, resource, used FROM place_slots WHERE tenant_id = %d AND office_id = %d AND day = '%s'`, a, o.ID, f.monday)
		rows, err := db.SQL.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for rows.Next() {
			var h, r string
			var n int
			if err := rows.Scan(&h, &r, &n); err != nil {
				t.Fatal(err)
			}
			got[h+"/"+r] = n
		}
		rows.Close()
		for _, k := range []string{"am/seat", "pm/seat", "am/pc", "pm/pc"} {
			limit := o.Seats
			if k[3:] == "pc" {
				limit = o.PCs
			}
			if got[k] != want[k] || got[k] > limit {
				t.Errorf("%s: counter %d, bookings %d, capacity %d", k, got[k], want[k], limit)
			}
		}
		var halfRows, audited int
		storetest.Must(t, db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM booking_halves WHERE tenant_id = %d AND day = '%s'`, a, f.monday)).Scan(&halfRows))
		if halfRows != want["am/seat"]+want["pm/seat"] {
			t.Errorf("%d half-day rows, %d held", halfRows, want["am/seat"]+want["pm/seat"])
		}
		storetest.Must(t, db.SealAudit(ctx, a))
		storetest.Must(t, db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = %d AND action = 'places.book'`, a)).Scan(&audited))
		if audited != made {
			t.Errorf("%d audit entries for %d bookings", audited, made)
		}
	})
}

// TestCounterFilledAfterTheSnapshot: on PostgreSQL a booking is one
// statement, which reads the day's counters as of its start and raises them
// as they are when it gets their rows. When the afternoon fills up in
// between (another transaction commits it while the booking waits for the
// row), a full-day booking has raised the morning and cannot raise the
// afternoon: the statement fails as a whole, so the morning is not kept,
// no booking or audit entry is written, and the person is told it is full.
func TestCounterFilledAfterTheSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Engine != store.Postgres {
			t.Skip("SQLite runs one write transaction at a time: no booking sees a counter change under it")
		}
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a := f.svc, f.a.ID
		o := places.NewOffice()
		o.Name, o.Seats, o.Network = "小会議室", 1, tasks.OfficeLAN
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, o))
		// Both counter rows exist, at 0.
		b, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.FullDay})
		storetest.Must(t, err)
		storetest.Must(t, s.Cancel(ctx, a, f.people[0], b.ID))

		slot := func(h string) string {
			return fmt.Sprintf(`tenant_id = %d AND office_id = %d AND day = '%s' AND half = '%s' AND resource = 'seat'`, a, o.ID, f.monday, h)
		}
		other, err := db.SQL.BeginTx(ctx, nil)
		storetest.Must(t, err)
		defer other.Rollback()
		_, err = other.ExecContext(ctx, `UPDATE place_slots SET used = used + 1 WHERE `+slot("pm"))
		storetest.Must(t, err)

		done := bookLater(ctx, s, a, f.people[1], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.FullDay})
		waitForLock(t, db) // the booking, for the afternoon's row
		storetest.Must(t, other.Commit())
		if err := <-done; apperr.As(err) == nil || apperr.As(err).Key != "places.full" {
			t.Fatalf("a full-day booking whose afternoon filled up meanwhile: %v", err)
		}
		for h, want := range map[string]int{"am": 0, "pm": 1} {
			var used int
			storetest.Must(t, db.SQL.QueryRowContext(ctx, `SELECT used FROM place_slots WHERE `+slot(h)).Scan(&used))
			if used != want {
				t.Errorf("%s counter %d, want %d", h, used, want)
			}
		}
		var booked, audited int
		storetest.Must(t, db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM bookings WHERE tenant_id = %d AND office_id = %d AND staff_id = %d`,
			a, o.ID, f.staff[1].ID)).Scan(&booked))
		storetest.Must(t, db.SealAudit(ctx, a))
		storetest.Must(t, db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = %d AND action = 'places.book'`, a)).Scan(&audited))
		if booked != 0 || audited != 1 {
			t.Errorf("after the refusal: %d bookings of the person, %d booking audit entries (want 0 and the first person's 1)", booked, audited)
		}
	})
}

// TestSecondSeatBeforeFull: a second seat for a half the person holds is
// told as such (at the date field) even when the office is full, on both
// engines: the same person at the same office, and a full day at a full
// office by someone who holds the morning elsewhere.
func TestSecondSeatBeforeFull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a := f.svc, f.a.ID
		o := places.NewOffice()
		o.Name, o.Seats, o.Network = "小会議室", 1, tasks.OfficeLAN
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, o))
		book := func(i int, office int64, h places.Half) error {
			_, err := s.Book(ctx, a, f.people[i], places.Request{OfficeID: office, Day: f.monday, Half: h})
			return err
		}
		storetest.Must(t, book(0, o.ID, places.AM))
		storetest.Must(t, book(1, f.officeA.ID, places.AM))
		for name, err := range map[string]error{
			"the same person again at the full office":             book(0, o.ID, places.AM),
			"a full day at the full office, the morning elsewhere": book(1, o.ID, places.FullDay),
		} {
			if e := apperr.As(err); e == nil || e.Key != "places.refused.second_seat" || len(e.Fields) != 1 || e.Fields[0].Field != "date" {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// pgOnly skips on SQLite, whose writers never interleave.
func pgOnly(t *testing.T, db *store.DB) {
	if db.Engine != store.Postgres {
		t.Skip("SQLite runs one write transaction at a time: nothing interleaves")
	}
}

// TestCancelAndRebookDoNotDeadlock: a person cancels their morning while
// booking it again (PostgreSQL), many times. A cancellation releases the
// counter first, as a booking takes it, so the two never wait for each
// other crosswise (a review found them doing so: 40P01, a 500): the booking
// either comes after the cancellation and gets the seat, or sees the
// morning still held and is told it is a second seat.
func TestCancelAndRebookDoNotDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pgOnly(t, db)
		ctx := context.Background()
		f := newFixture(t, db, 2)
		s, a, o := f.svc, f.a.ID, f.officeA
		_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		for range 100 {
			list, err := s.Bookings(ctx, a, f.it, places.Filter{OfficeID: o.ID, From: f.monday, To: f.monday})
			storetest.Must(t, err)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Add(2)
			go func() { defer wg.Done(); errs[0] = s.Cancel(ctx, a, f.people[0], list[0].ID) }()
			go func() {
				defer wg.Done()
				_, errs[1] = s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
			}()
			wg.Wait()
			storetest.Must(t, errs[0])
			if e := apperr.As(errs[1]); errs[1] != nil && (e == nil || e.Key != "places.refused.second_seat") {
				t.Fatalf("booking while cancelling: %v", errs[1])
			}
			if errs[1] != nil {
				_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
				storetest.Must(t, err)
			}
		}
		var used int
		storetest.Must(t, db.SQL.QueryRowContext(ctx, `SELECT used FROM place_slots WHERE tenant_id = $1 AND office_id = $2 AND day = $3
			AND half = 'am' AND resource = 'seat'`, a, o.ID, f.monday.String()).Scan(&used))
		if used != 1 {
			t.Errorf("counter %d after the cancellations and bookings, want 1", used)
		}
	})
}

// TestBehalfAndOwnBookingDoNotDeadlock: a supervisor books for a person
// (a transaction of several statements, with the person's notification)
// while the person books the same half (one statement), PostgreSQL. Both
// take the counter before the half-day rows, so the later one waits and is
// told it is a second seat (a review found them waiting crosswise).
func TestBehalfAndOwnBookingDoNotDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pgOnly(t, db)
		ctx := context.Background()
		f := newFixture(t, db, 2)
		s, a, o := f.svc, f.a.ID, f.officeA
		x, err := db.SQL.BeginTx(ctx, nil)
		storetest.Must(t, err)
		defer x.Rollback()
		// The on-behalf booking's first write: the counter.
		_, err = x.ExecContext(ctx, `INSERT INTO place_slots (tenant_id, office_id, day, half, resource, used) VALUES ($1, $2, $3, 'am', 'seat', 1)
			ON CONFLICT (tenant_id, office_id, day, half, resource) DO UPDATE SET used = place_slots.used + 1`, a, o.ID, f.monday.String())
		storetest.Must(t, err)
		done := bookLater(ctx, s, a, f.people[1], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
		waitForLock(t, db)
		var id int64
		storetest.Must(t, x.QueryRowContext(ctx, `INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, pc, status, booked_by, created_at)
			VALUES ($1, $2, $3, $4, 'am', FALSE, 'booked', 2, 1) RETURNING id`, a, o.ID, f.staff[1].ID, f.monday.String()).Scan(&id))
		_, err = x.ExecContext(ctx, `INSERT INTO booking_halves (tenant_id, staff_id, day, half, booking_id) VALUES ($1, $2, $3, 'am', $4)`,
			a, f.staff[1].ID, f.monday.String(), id)
		storetest.Must(t, err)
		storetest.Must(t, x.Commit())
		if e := apperr.As(<-done); e == nil || e.Key != "places.refused.second_seat" {
			t.Fatalf("the person's own booking after the one made for them: %v", e)
		}
		// Both through the service at once, many times.
		for range 60 {
			var wg sync.WaitGroup
			var bs [2]*places.Booking
			var errs [2]error
			wg.Add(2)
			go func() {
				defer wg.Done()
				bs[0], errs[0] = s.Book(ctx, a, f.boss, places.Request{OfficeID: o.ID, Day: f.monday.AddDays(1), Half: places.AM, StaffID: f.staff[1].ID})
			}()
			go func() {
				defer wg.Done()
				bs[1], errs[1] = s.Book(ctx, a, f.people[1], places.Request{OfficeID: o.ID, Day: f.monday.AddDays(1), Half: places.AM})
			}()
			wg.Wait()
			made := 0
			for i, err := range errs {
				if err == nil {
					made++
					storetest.Must(t, s.Cancel(ctx, a, f.people[1], bs[i].ID))
				} else if e := apperr.As(err); e == nil || e.Key != "places.refused.second_seat" {
					t.Fatalf("booking %d: %v", i, err)
				}
			}
			if made != 1 {
				t.Fatalf("%d of the two bookings made", made)
			}
		}
	})
}

// bookLater books req for who on a goroutine of its own; the channel gets
// the booking's error.
func bookLater(ctx context.Context, s *places.Service, tenantID int64, who *auth.Principal, req places.Request) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := s.Book(ctx, tenantID, who, req)
		done <- err
	}()
	return done
}

// waitForWaiters returns once n sessions wait for a lock (PostgreSQL).
func waitForWaiters(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for range 2000 {
		var waiting int
		storetest.Must(t, db.SQL.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting))
		if waiting >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fewer than %d sessions waited for a lock", n)
}

// holdCounter opens a transaction holding the morning seat counter of
// office o on day (its rows made by a booking and its cancellation).
func holdCounter(t *testing.T, db *store.DB, f *fixture, o *places.Office) *sql.Tx {
	t.Helper()
	ctx := context.Background()
	b, err := f.svc.Book(ctx, f.a.ID, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
	storetest.Must(t, err)
	storetest.Must(t, f.svc.Cancel(ctx, f.a.ID, f.people[0], b.ID))
	x, err := db.SQL.BeginTx(ctx, nil)
	storetest.Must(t, err)
	_, err = x.ExecContext(ctx, `SELECT 1 FROM place_slots WHERE tenant_id = $1 AND office_id = $2 AND day = $3 AND half = 'am'
		AND resource = 'seat' FOR UPDATE`, f.a.ID, o.ID, f.monday.String())
	storetest.Must(t, err)
	return x
}

// TestDoubleClickOnTheLastSeat: the same person books the last seat twice
// at once (PostgreSQL: both wait for the counter, then one takes it). The
// other is told it is a second seat, as on SQLite, not that the office is
// full (a review found "full").
func TestDoubleClickOnTheLastSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pgOnly(t, db)
		ctx := context.Background()
		f := newFixture(t, db, 3)
		o := places.NewOffice()
		o.Name, o.Seats, o.Network = "小会議室", 1, tasks.OfficeLAN
		storetest.Must(t, f.svc.CreateOffice(ctx, f.a.ID, f.it, o))
		x := holdCounter(t, db, f, o)
		defer x.Rollback()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []*auth.Principal{f.people[1], f.it} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Book(ctx, f.a.ID, who, places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM, StaffID: f.staff[1].ID})
			}()
		}
		waitForWaiters(t, db, 2)
		storetest.Must(t, x.Rollback())
		wg.Wait()
		made, second := 0, 0
		for _, err := range errs {
			switch e := apperr.As(err); {
			case err == nil:
				made++
			case e != nil && e.Key == "places.refused.second_seat":
				second++
			default:
				t.Errorf("the other click: %v", err)
			}
		}
		if made != 1 || second != 1 {
			t.Fatalf("%d made, %d told second seat: %v", made, second, errs)
		}
	})
}

// TestRenameWhileBooking: an office renamed while a booking of it waits
// for its counter (PostgreSQL). The rename waits for the booking and both
// succeed (a review found them waiting for each other: 40P01).
func TestRenameWhileBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pgOnly(t, db)
		ctx := context.Background()
		f := newFixture(t, db, 3)
		o := f.officeA
		x := holdCounter(t, db, f, o)
		defer x.Rollback()
		done := make(chan error, 2)
		go func() {
			_, err := f.svc.Book(ctx, f.a.ID, f.people[1], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
			done <- err
		}()
		waitForWaiters(t, db, 1)
		go func() {
			cur, err := f.svc.Office(ctx, f.a.ID, o.ID)
			if err == nil {
				cur.Name = "四賀支所(新)"
				_, err = f.svc.UpdateOffice(ctx, f.a.ID, f.it, cur)
			}
			done <- err
		}()
		waitForWaiters(t, db, 2)
		storetest.Must(t, x.Rollback())
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("booking or rename: %v", err)
			}
		}
	})
}

// changeElsewhere changes an office the way another node would, behind
// this process's back: office_details SET set, and the version advanced,
// the name given suffix.
func changeElsewhere(t *testing.T, db *store.DB, tenantID, officeID int64, set, suffix string) {
	t.Helper()
	ctx := context.Background()
	_, err := db.SQL.ExecContext(ctx, fmt.Sprintf(`UPDATE office_details SET %s WHERE tenant_id = %d AND office_id = %d`, set, tenantID, officeID))
	storetest.Must(t, err)
	_, err = db.SQL.ExecContext(ctx, fmt.Sprintf(`UPDATE task_places SET version = version + 1, name = name || '%s' WHERE tenant_id = %d AND id = %d`,
		suffix, tenantID, officeID))
	storetest.Must(t, err)
}

// TestOfficeChangedElsewhere: the office a booking is checked against may
// be this process's earlier read of it. Changed behind its back (another
// node, here plain SQL), the booking is checked again against the office as
// it now is: a day closed since is refused, and a full office is named by
// its new name.
func TestOfficeChangedElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a, o := f.svc, f.a.ID, f.officeA
		_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		tuesday := f.monday.AddDays(1)
		change := func(set string) { changeElsewhere(t, db, a, o.ID, set, "別館") }
		change(fmt.Sprintf(`closed_days = 'sat,sun,%s'`, tuesday))
		if _, err := s.Book(ctx, a, f.people[1], places.Request{OfficeID: o.ID, Day: tuesday, Half: places.AM}); apperr.As(err) == nil ||
			apperr.As(err).Key != "places.refused.closed_day" {
			t.Fatalf("a day closed since the office was read: %v", err)
		}
		change(`seats = 1`)
		_, err = s.Book(ctx, a, f.people[1], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
		if e := apperr.As(err); e == nil || e.Key != "places.full" || e.Args["Office"] != o.Name+"別館別館" {
			t.Fatalf("full after the seats were cut and the office renamed: %v", err)
		}
	})
}

// TestStaleOfficeNeverRefuses: a refusal by the rules made against this
// process's earlier read of the office is confirmed against the office as
// it now is. Reopened elsewhere (a closed day, PCs from 0), the office takes
// the bookings at once (a review found the old read refusing them for good).
func TestStaleOfficeNeverRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a, o := f.svc, f.a.ID, f.officeA
		tuesday := f.monday.AddDays(1)
		set := func(cols string) { changeElsewhere(t, db, a, o.ID, cols, "") }
		set(fmt.Sprintf(`closed_days = 'sat,sun,%s', pcs = 0`, tuesday))
		_, err := s.Office(ctx, a, o.ID) // read (and kept) as closed, without PCs
		storetest.Must(t, err)
		set(`closed_days = 'sat,sun', pcs = 2`)
		if _, err := s.Book(ctx, a, f.people[1], places.Request{OfficeID: o.ID, Day: tuesday, Half: places.AM}); err != nil {
			t.Fatalf("a day reopened since the office was read: %v", err)
		}
		if _, err := s.Book(ctx, a, f.people[2], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM, PC: true}); err != nil {
			t.Fatalf("a PC since the office was read without any: %v", err)
		}
		// A refusal that stands stays one.
		if _, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.today.AddDays(-1), Half: places.AM}); apperr.As(err) == nil ||
			apperr.As(err).Key != "places.refused.past" {
			t.Fatalf("past: %v", err)
		}
	})
}

// TestDayClosedWhileBooking: a change of the office that holds its details
// but has not committed when a booking begins (its rules checked against
// the office before the change) closes the booking's day. The booking waits
// for the change, finds the office at another version, is checked again
// and refused: on PostgreSQL both the one statement of one's own booking and
// the transaction of a booking on someone's behalf. (Before, the version
// was read as the statement's snapshot had it, and the booking was written
// on the day just closed.)
func TestDayClosedWhileBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pgOnly(t, db)
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a, o := f.svc, f.a.ID, f.officeA
		for i, req := range []struct {
			who   int
			staff int64
		}{{who: 1}, {who: -1, staff: f.staff[2].ID}} {
			day := f.monday.AddDays(1 + i)
			_, err := s.Office(ctx, a, o.ID) // this process's copy: day open
			storetest.Must(t, err)
			x, err := db.SQL.BeginTx(ctx, nil)
			storetest.Must(t, err)
			// As UpdateOffice does: the details first (lockOfficeDetails).
			_, err = x.ExecContext(ctx, `SELECT 1 FROM office_details WHERE tenant_id = $1 AND office_id = $2 FOR UPDATE`, a, o.ID)
			storetest.Must(t, err)
			who := f.boss
			if req.who >= 0 {
				who = f.people[req.who]
			}
			done := bookLater(ctx, s, a, who, places.Request{OfficeID: o.ID, Day: day, Half: places.AM, StaffID: req.staff})
			waitForWaiters(t, db, 1)
			_, err = x.ExecContext(ctx, fmt.Sprintf(`UPDATE office_details SET closed_days = 'sat,sun,%s' WHERE tenant_id = $1 AND office_id = $2`, day), a, o.ID)
			storetest.Must(t, err)
			_, err = x.ExecContext(ctx, `UPDATE task_places SET version = version + 1 WHERE tenant_id = $1 AND id = $2`, a, o.ID)
			storetest.Must(t, err)
			storetest.Must(t, x.Commit())
			if e := apperr.As(<-done); e == nil || e.Key != "places.refused.closed_day" {
				t.Fatalf("booking %d on a day closed while it waited: %v", i, e)
			}
		}
	})
}

// TestDeleteBookedOffice: deleting an office where seats were booked is a
// 409 naming why (tasks.place_booked), not a 500 from the bookings'
// foreign key (a review); an office never booked is deleted.
func TestDeleteBookedOffice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 1)
		ts := tasks.NewService(db, db.Now)
		_, err := f.svc.Book(ctx, f.a.ID, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		if err := ts.DeletePlace(ctx, f.a.ID, f.it, f.officeA.ID); apperr.As(err) == nil || apperr.As(err).Key != "tasks.place_booked" {
			t.Fatalf("deleting a booked office: %v", err)
		}
		empty := &places.Office{WorkPlace: tasks.WorkPlace{Name: "空き室", Kind: f.officeA.Kind, Network: f.officeA.Network,
			PhysicalSecurity: f.officeA.PhysicalSecurity}, Seats: 2, Opens: "08:30", Closes: "17:15", ClosedDays: []string{"sat", "sun"}, HorizonDays: 30}
		storetest.Must(t, f.svc.CreateOffice(ctx, f.a.ID, f.it, empty))
		storetest.Must(t, ts.DeletePlace(ctx, f.a.ID, f.it, empty.ID))
	})
}
