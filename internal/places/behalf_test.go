package places_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestBookOnBehalf: the unit's supervisor and HR/IT book for someone, the
// person is told and the audit entry names both; anyone else is refused
// with the Japanese reason.
func TestBookOnBehalf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 4)
		s, a := f.svc, f.a.ID
		hr := &auth.Principal{TenantID: a, UserID: 5, LoginID: "jinji", Roles: []auth.Role{auth.HRAdmin}}
		cases := []struct {
			name   string
			who    *auth.Principal
			target int
			half   places.Half
			key    string // refusal, "" = booked
		}{
			{"supervisor of the unit", f.boss, 1, places.AM, ""},
			{"HR for anyone", hr, 2, places.AM, ""},
			{"IT for anyone", f.it, 3, places.AM, ""},
			{"another unit's supervisor", f.outsider, 1, places.PM, "places.refused.on_behalf"},
			{"a colleague", f.people[2], 1, places.PM, "places.refused.on_behalf"},
		}
		for _, c := range cases {
			target := f.staff[c.target]
			b, err := s.Book(ctx, a, c.who, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: c.half, StaffID: target.ID})
			if c.key != "" {
				e := apperr.As(err)
				if e == nil || e.Code != apperr.Forbidden || e.Key != c.key {
					t.Errorf("%s: want %s, got %v", c.name, c.key, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if b.StaffID != target.ID || b.BookedBy != c.who.UserID {
				t.Errorf("%s: booking %+v", c.name, b)
			}
			ents, err := db.FindAuditEntries(ctx, a, audit.Filter{Action: "places.book", ObjectID: strconv.FormatInt(b.ID, 10)})
			if err != nil || len(ents) != 1 {
				t.Fatalf("%s: audit %v %v", c.name, ents, err)
			}
			if ents[0].ActorID != c.who.UserID || !strings.Contains(string(ents[0].After), `"on_behalf":true`) ||
				!strings.Contains(string(ents[0].After), `"staff_id":`+strconv.FormatInt(target.ID, 10)) {
				t.Errorf("%s: audit %d %s", c.name, ents[0].ActorID, ents[0].After)
			}
		}
		for i, want := range []int{1, 1, 1} {
			if got := storetest.CountNotifications(t, db, a, f.staff[i+1].ID, notify.BookedForYou); got != want {
				t.Errorf("person %d told %d times, want %d", i+1, got, want)
			}
		}
		// A supervisor acts for the units below theirs too (係 under 課).
		team := &org.Unit{Code: "111", Name: "係111", Level: "係", ParentID: f.staff[0].UnitID}
		if err := storetest.F(db).CreateUnit(ctx, a, op, team, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		member := &org.Staff{StaffNo: "t111", Name: "係員", Kana: "かかりいん", UnitID: team.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		if err := storetest.F(db).CreateStaff(ctx, a, op, member, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Book(ctx, a, f.boss, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM, StaffID: member.ID}); err != nil {
			t.Fatalf("the 課's supervisor for the 係's member: %v", err)
		}
		if _, err := s.Book(ctx, a, f.outsider, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM, StaffID: member.ID}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("another 課's supervisor: %v", err)
		}
		// Booking for oneself tells nobody.
		if _, err := s.Book(ctx, a, f.people[2], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM}); err != nil {
			t.Fatal(err)
		}
		if got := storetest.CountNotifications(t, db, a, f.staff[2].ID, notify.BookedForYou); got != 1 {
			t.Errorf("own booking notified: %d", got)
		}
		// Cancelling on someone's behalf tells them and is audited as such;
		// cancelling one's own tells nobody.
		mine, err := s.Book(ctx, a, f.people[3], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Cancel(ctx, a, f.boss, mine.ID); err != nil {
			t.Fatalf("the supervisor cancels for the person: %v", err)
		}
		if got := storetest.CountNotifications(t, db, a, f.staff[3].ID, notify.CancelledForYou); got != 1 {
			t.Errorf("cancelled on behalf: told %d times, want 1", got)
		}
		ents, err := db.FindAuditEntries(ctx, a, audit.Filter{Action: "places.cancel", ObjectID: strconv.FormatInt(mine.ID, 10)})
		if err != nil || len(ents) != 1 || !strings.Contains(string(ents[0].After), `"on_behalf":true`) {
			t.Fatalf("cancel on behalf audit: %v %v", ents, err)
		}
		again, err := s.Book(ctx, a, f.people[3], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Cancel(ctx, a, f.people[3], again.ID); err != nil {
			t.Fatal(err)
		}
		if got := storetest.CountNotifications(t, db, a, f.staff[3].ID, notify.CancelledForYou); got != 1 {
			t.Errorf("own cancellation notified: %d in all, want still 1", got)
		}
		// A supervisor's peer in the same unit (a supervisor too) cannot
		// book for them.
		peer := &org.Staff{StaffNo: "p1", Name: "課長補佐", Kana: "かちょうほさ", UnitID: f.staff[0].UnitID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", IsSupervisor: true}
		if err := storetest.F(db).CreateStaff(ctx, a, op, peer, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Book(ctx, a, f.boss, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM, StaffID: peer.ID}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a supervisor for a supervisor of the same unit: %v", err)
		}
		// Another tenant's person is not found, not bookable.
		if _, err := s.Book(ctx, f.b.ID, f.bIT, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM, StaffID: f.staff[1].ID}); err == nil {
			t.Fatal("cross-tenant booking on behalf")
		}
	})
}

// TestCapacityCutWaitsForBookingsInFlight: a seat taken by a transaction
// not yet committed when IT lowers the seats is among those listed (the
// cap is read with the counter, under the office's row lock): no booking
// slips past a concurrent reduction.
func TestCapacityCutWaitsForBookingsInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		a := f.a.ID
		took := make(chan struct{})
		commit := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.InPlacesTx(ctx, func(tx places.Tx) error {
				b := &places.Booking{OfficeID: f.officeA.ID, StaffID: f.staff[1].ID, Day: f.monday, Half: places.AM, Status: places.Booked}
				if err := tx.InsertBooking(ctx, a, b, db.Now()); err != nil {
					return err
				}
				ok, err := tx.TakePlaceSlots(ctx, a, f.officeA.ID, f.monday, []places.Half{places.AM}, places.Seat)
				if err != nil || !ok {
					t.Errorf("take: %v %v", ok, err)
				}
				close(took)
				<-commit
				return nil
			})
		}()
		<-took
		cut := make(chan []*places.Booking, 1)
		go func() {
			o, err := f.svc.Office(ctx, a, f.officeA.ID)
			if err != nil {
				t.Error(err)
			}
			o.Seats = 0
			affected, err := f.svc.UpdateOffice(ctx, a, f.it, o)
			if err != nil {
				t.Error(err)
			}
			cut <- affected
		}()
		waitForLock(t, db)
		close(commit)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		affected := <-cut
		if len(affected) != 1 || affected[0].StaffID != f.staff[1].ID {
			t.Fatalf("the booking in flight was not listed: %v", affected)
		}
		// After the cut, the counter refuses at once (the cap is read in the statement).
		if _, err := f.svc.Book(ctx, a, f.people[2], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("booking after the cut: %v", err)
		}
	})
}

// waitForLock returns once another session waits for a lock (PostgreSQL);
// on SQLite the second writer waits for the first by construction.
func waitForLock(t *testing.T, db *store.DB) {
	t.Helper()
	if db.Engine != store.Postgres {
		time.Sleep(50 * time.Millisecond) // lets the change start; the outcome does not depend on it
		return
	}
	waitForWaiters(t, db, 1)
}
