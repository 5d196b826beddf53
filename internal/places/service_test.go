package places_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

var op = audit.Actor{Label: "op"}

type fixture struct {
	svc           *places.Service
	a, b          *org.Tenant
	it, bIT, boss *auth.Principal
	people        []*auth.Principal
	staff         []*org.Staff
	outsider      *auth.Principal
	today         calendar.Date
	monday        calendar.Date
	officeA       *places.Office
}

func newFixture(t *testing.T, db *store.DB, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	// Tuesday 2026-12-01 09:00 in Tokyo.
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	f := &fixture{svc: places.NewService(db, db.Now), today: calendar.DateOf(now)}
	f.monday = f.today.AddDays(6)
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, op, tn, nil); err != nil {
			t.Fatal(err)
		}
		return tn
	}
	f.a, f.b = mk("matsumoto"), mk("kobe")
	unit := func(tn *org.Tenant, code string) *org.Unit {
		u := &org.Unit{Code: code, Name: "課" + code, Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	sect, other := unit(f.a, "110"), unit(f.a, "120")
	person := func(no string, u *org.Unit) *org.Staff {
		s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
		if err := storetest.F(db).CreateStaff(ctx, f.a.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for i := range n {
		s := person(string(rune('A'+i/26))+string(rune('a'+i%26))+"9", sect)
		f.staff = append(f.staff, s)
		// As signed in: the staff record (unit, name) read with the account.
		f.people = append(f.people, &auth.Principal{TenantID: f.a.ID, UserID: int64(100 + i), StaffID: s.ID, UnitID: sect.ID,
			StaffName: s.Name, Roles: []auth.Role{auth.Staff}})
	}
	o := person("out1", other)
	f.outsider = &auth.Principal{TenantID: f.a.ID, UserID: 3, StaffID: o.ID, UnitID: other.ID, Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	f.boss = &auth.Principal{TenantID: f.a.ID, UserID: 2, StaffID: f.staff[0].ID, UnitID: sect.ID, Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	f.it = &auth.Principal{TenantID: f.a.ID, UserID: 4, Roles: []auth.Role{auth.ITAdmin}}
	f.bIT = &auth.Principal{TenantID: f.b.ID, UserID: 6, Roles: []auth.Role{auth.ITAdmin}}
	f.officeA = places.NewOffice()
	f.officeA.Name, f.officeA.Seats, f.officeA.PCs, f.officeA.Network = "四賀支所", 10, 2, tasks.OfficeLAN
	if err := f.svc.CreateOffice(ctx, f.a.ID, f.it, f.officeA); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBookingRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 4)
		s, a := f.svc, f.a.ID
		me := f.people[1]
		req := places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.FullDay}
		b, err := s.Book(ctx, a, me, req)
		if err != nil {
			t.Fatal(err)
		}
		if b.StaffID != f.staff[1].ID || b.StaffName != f.staff[1].Name {
			t.Fatalf("booked for %d %q, want %d %q", b.StaffID, b.StaffName, f.staff[1].ID, f.staff[1].Name)
		}
		bare := *f.people[2]
		bare.StaffName = "" // a principal without the record: it is read
		if b2, err := s.Book(ctx, a, &bare, places.Request{OfficeID: f.officeA.ID, Day: f.monday.AddDays(1), Half: places.AM}); err != nil ||
			b2.StaffName != f.staff[2].Name {
			t.Fatalf("booked without the name in the principal: %+v %v", b2, err)
		} else if err := s.Cancel(ctx, a, f.people[2], b2.ID); err != nil {
			t.Fatal(err)
		}
		// A second seat for the same person and half, even elsewhere half-day.
		if _, err := s.Book(ctx, a, me, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM}); apperr.As(err) == nil || apperr.As(err).Key != "places.refused.second_seat" ||
			len(apperr.As(err).Fields) != 1 || apperr.As(err).Fields[0].Field != "date" {
			t.Fatalf("second seat: %v", err)
		}
		cases := map[string]places.Request{
			"places.refused.past":        {OfficeID: f.officeA.ID, Day: f.today.AddDays(-1), Half: places.AM},
			"places.refused.horizon":     {OfficeID: f.officeA.ID, Day: f.today.AddDays(45), Half: places.AM},
			"places.refused.closed_day":  {OfficeID: f.officeA.ID, Day: f.today.AddDays(4), Half: places.AM}, // Saturday
			"places.refused.no_pc_valid": {},
		}
		delete(cases, "places.refused.no_pc_valid")
		for key, r := range cases {
			// A refusal about the day names the date, where a form shows it.
			if _, err := s.Book(ctx, a, f.people[2], r); apperr.As(err) == nil || apperr.As(err).Key != key ||
				len(apperr.As(err).Fields) != 1 || apperr.As(err).Fields[0].Field != "date" {
				t.Errorf("%s: got %v", key, err)
			}
		}
		// Pre-registration, then hours.
		share := places.NewOffice()
		share.Name, share.Kind, share.Network, share.Hourly, share.PreRegistration, share.Opens, share.Closes = "コワーキング駅前", tasks.PrivateShare, tasks.InternetOnly, true, true, "13:00", "21:00"
		if err := s.CreateOffice(ctx, a, f.it, share); err != nil {
			t.Fatal(err)
		}
		if !share.Outsiders {
			t.Error("a private share office has 部外者")
		}
		if _, err := s.Book(ctx, a, f.people[2], places.Request{OfficeID: share.ID, Day: f.monday, Half: places.PM}); apperr.As(err) == nil || apperr.As(err).Key != "places.refused.pre_registration" {
			t.Fatalf("pre-registration: %v", err)
		}
		for range 2 { // a second record is a no-op, on both engines
			if err := s.Register(ctx, a, f.it, share.ID, f.staff[2].ID); err != nil {
				t.Fatal(err)
			}
		}
		if regs, err := s.Registrations(ctx, a, f.it, share.ID); err != nil || len(regs) != 1 || regs[0].StaffID != f.staff[2].ID || regs[0].StaffName == "" {
			t.Fatalf("registrations: %+v %v", regs, err)
		}
		if _, err := s.Registrations(ctx, a, f.people[2], share.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff reads the registrations: %v", err)
		}
		if _, err := s.Registrations(ctx, f.b.ID, f.bIT, share.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant reads the registrations: %v", err)
		}
		if _, err := s.Book(ctx, a, f.people[2], places.Request{OfficeID: share.ID, Day: f.monday, Half: places.AM}); apperr.As(err) == nil || apperr.As(err).Key != "places.refused.hours" {
			t.Fatalf("hours: %v", err)
		}
		if _, err := s.Book(ctx, a, f.people[2], places.Request{OfficeID: share.ID, Day: f.monday, Half: places.PM}); err != nil {
			t.Fatal(err)
		}
		// On behalf: the supervisor of the unit yes, another unit's no.
		if _, err := s.Book(ctx, a, f.boss, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM, StaffID: f.staff[3].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Book(ctx, a, f.outsider, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM, StaffID: f.staff[3].ID}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("other unit's supervisor: %v", err)
		}
		// Another tenant sees nothing.
		if _, err := s.Book(ctx, f.b.ID, f.bIT, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM, StaffID: f.staff[1].ID}); err == nil {
			t.Fatal("cross-tenant booking")
		}
		if _, err := s.Office(ctx, f.b.ID, f.officeA.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("cross-tenant office: %v", err)
		}
		if err := s.Cancel(ctx, f.b.ID, f.bIT, b.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("cross-tenant cancel: %v", err)
		}
		// My bookings; another person cannot read or cancel mine.
		mine, err := s.Bookings(ctx, a, me, places.Filter{})
		if err != nil || len(mine) != 1 || mine[0].ID != b.ID {
			t.Fatalf("mine: %v %v", mine, err)
		}
		if err := s.Cancel(ctx, a, f.people[2], b.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("someone else's: %v", err)
		}
		if err := s.Cancel(ctx, a, me, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Cancel(ctx, a, me, b.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("twice: %v", err)
		}
		if _, err := s.Book(ctx, a, me, places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.PM}); err != nil {
			t.Fatalf("after cancelling: %v", err)
		}
	})
}

// TestCapacityNeverExceeded books the last seats from many goroutines.
func TestCapacityNeverExceeded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 40)
		var ok atomic.Int32
		var wg sync.WaitGroup
		ids := make(chan int64, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := f.svc.Book(ctx, f.a.ID, f.people[i], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.FullDay, PC: i%2 == 0})
				if err == nil {
					ok.Add(1)
					ids <- b.ID
				} else if e := apperr.As(err); e == nil || e.Code != apperr.Conflict {
					t.Errorf("want a conflict: %v", err)
				}
			}()
		}
		wg.Wait()
		close(ids)
		use, err := f.svc.Bookings(ctx, f.a.ID, f.it, places.Filter{OfficeID: f.officeA.ID})
		if err != nil {
			t.Fatal(err)
		}
		pcs := 0
		for _, b := range use {
			if b.PC {
				pcs++
			}
		}
		if int(ok.Load()) != len(use) || len(use) != 10 || pcs != 2 {
			t.Fatalf("booked %d (%d listed, %d PCs) of 10 seats and 2 PCs", ok.Load(), len(use), pcs)
		}
		// Reduce to 3 seats: nobody is removed, the overflow is listed and notified.
		o, _ := f.svc.Office(ctx, f.a.ID, f.officeA.ID)
		o.Seats = 3
		affected, err := f.svc.UpdateOffice(ctx, f.a.ID, f.it, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(affected) != len(use)-3 {
			t.Fatalf("affected %d, want %d", len(affected), len(use)-3)
		}
		after, _ := f.svc.Bookings(ctx, f.a.ID, f.it, places.Filter{OfficeID: f.officeA.ID})
		if len(after) != len(use) {
			t.Fatal("bookings were removed")
		}
	})
}

func TestOverflowKeepsTheEarliest(t *testing.T) {
	d := calendar.Date{Year: 2026, Month: 12, Day: 7}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	bs := []*places.Booking{
		{ID: 1, Day: d, Half: places.FullDay, Status: places.Booked, CreatedAt: t0},
		{ID: 2, Day: d, Half: places.AM, Status: places.Booked, CreatedAt: t0.Add(time.Second), PC: true},
		{ID: 3, Day: d, Half: places.PM, Status: places.Booked, CreatedAt: t0.Add(2 * time.Second), PC: true},
		{ID: 4, Day: d, Half: places.PM, Status: places.Cancelled, CreatedAt: t0.Add(3 * time.Second)},
	}
	got := places.Overflow(bs, 1, 0)
	if len(got) != 2 || got[0].ID != 2 || got[1].ID != 3 {
		t.Fatalf("got %v", got)
	}
	if got := places.Overflow(bs, 2, 1); len(got) != 0 {
		t.Fatalf("within capacity: %v", got)
	}
}

func TestForecastMethod(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 1} // Tuesday
	res := []places.Capacity{{Type: "office", ID: 1, Name: "四賀支所", Capacity: 10}, {Type: "pool", ID: 7, Name: "LTE", Kind: "lte_dongle", Capacity: 5}}
	in := &places.DemandInputs{Eligible: 40}
	// Four past Wednesdays with 9 bookings: the trend says 9 next Wednesday (≥ 90 %).
	for back := 1; back <= 4; back++ {
		in.Bookings = append(in.Bookings, places.DayCount{Key: 1, Day: today.AddDays(1 - 7*back), Count: 9})
	}
	// Thursday: 6 booked and 5 applications without a booking → shortage.
	in.Bookings = append(in.Bookings, places.DayCount{Key: 1, Day: today.AddDays(2), Count: 6})
	in.SatelliteDays = []places.DayCount{{Name: "四賀支所", Day: today.AddDays(2), Count: 5}}
	in.DeviceDays = []places.DayCount{{Kinds: []string{"loan_pc", "lte_dongle"}, Day: today.AddDays(8), Count: 3}}
	in.Reservations = []places.DayCount{{Key: 7, Day: today.AddDays(8), Count: 2}}
	got := places.Forecast(res, in, today, 2)
	w := got[0].Weeks[0]
	if w.Peak != 11 || w.PeakDay != today.AddDays(2) || w.Level != "shortage" || w.Known != 6 || w.Pending != 5 {
		t.Fatalf("office week 1: %+v", w)
	}
	if w := got[0].Weeks[1]; w.Peak != 9 || w.Level != "warning" || w.Trend != 9 {
		t.Fatalf("office week 2 from the trend: %+v", w)
	}
	if w := got[1].Weeks[1]; w.Peak != 5 || w.Level != "warning" {
		t.Fatalf("pool week 2: %+v", w)
	}
	if got[1].WhatIf != 40 || got[1].WhatIfLevel != "shortage" || got[0].WhatIf != -1 {
		t.Fatalf("what-if: %+v", got)
	}
}

func TestReportsReadBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		for i := range 3 {
			if _, err := f.svc.Book(ctx, f.a.ID, f.people[i], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.FullDay}); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := f.svc.UsageReport(ctx, f.a.ID, f.it, nil, f.today, f.monday)
		if err != nil || len(rows) != 1 || rows[0].Count != 3 || rows[0].Hours != 3*2*places.HalfDayHours || rows[0].Occupancy != 0.3 {
			t.Fatalf("usage: %+v %v", rows, err)
		}
		fc, err := f.svc.ForecastReport(ctx, f.a.ID, f.it, nil, 2)
		if err != nil || len(fc) != 1 || fc[0].Weeks[1].Peak != 3 {
			t.Fatalf("forecast: %+v %v", fc, err)
		}
		if _, err := f.svc.ForecastReport(ctx, f.a.ID, f.people[0], nil, 2); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff: %v", err)
		}
	})
}

// TestFullDayTakesBothHalvesOrNeither: a full-day booking raises the
// morning and afternoon counters in one statement; when the morning is
// full it is refused and leaves the afternoon untouched (and the reverse).
func TestFullDayTakesBothHalvesOrNeither(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 12)
		s, a, seats := f.svc, f.a.ID, f.officeA.Seats
		book := func(i int, d calendar.Date, h places.Half) error {
			_, err := s.Book(ctx, a, f.people[i], places.Request{OfficeID: f.officeA.ID, Day: d, Half: h})
			return err
		}
		for _, c := range []struct {
			day        calendar.Date
			full, free places.Half
		}{{f.monday, places.AM, places.PM}, {f.monday.AddDays(1), places.PM, places.AM}} {
			for i := range seats {
				if err := book(i, c.day, c.full); err != nil {
					t.Fatalf("%s %s seat %d: %v", c.day, c.full, i, err)
				}
			}
			if err := book(seats, c.day, places.FullDay); apperr.As(err) == nil || apperr.As(err).Key != "places.full" {
				t.Fatalf("%s: a full day with the %s full: %v", c.day, c.full, err)
			}
			// Every seat of the other half is still free.
			for i := range seats {
				if err := book(i, c.day, c.free); err != nil {
					t.Fatalf("%s %s seat %d after the refused full day: %v", c.day, c.free, i, err)
				}
			}
			if err := book(seats, c.day, c.free); apperr.As(err) == nil || apperr.As(err).Key != "places.full" {
				t.Fatalf("%s: %s beyond the seats: %v", c.day, c.free, err)
			}
		}
	})
}
