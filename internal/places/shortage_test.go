package places_test

import (
	"context"
	"testing"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/devices"
	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestShortageWarningsOncePerWeek: the daily job warns the IT admins of a
// pool and an office whose forecast demand exceeds capacity, once per
// resource and week (a second run, or a second day, tells nothing new),
// audited as the system's action; another tenant hears nothing.
func TestShortageWarningsOncePerWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 4)
		a := f.a.ID
		// IT admins: one with a staff record (told), one without (cannot be).
		admin := &auth.User{LoginID: "it01", PasswordHash: "x", StaffID: f.staff[3].ID, Granted: []auth.Role{auth.Staff, auth.ITAdmin}}
		if err := storetest.F(db).CreateUser(ctx, a, op, admin); err != nil {
			t.Fatal(err)
		}
		hr := &auth.User{LoginID: "hr01", PasswordHash: "x", StaffID: f.staff[2].ID, Granted: []auth.Role{auth.Staff, auth.HRAdmin}}
		if err := storetest.F(db).CreateUser(ctx, a, op, hr); err != nil {
			t.Fatal(err)
		}
		bAdmin := &auth.User{LoginID: "it02", PasswordHash: "x", Granted: []auth.Role{auth.ITAdmin}}
		if err := storetest.F(db).CreateUser(ctx, f.b.ID, op, bAdmin); err != nil {
			t.Fatal(err)
		}
		// Nothing is short yet.
		if ws, err := f.svc.WarnShortages(ctx, a); err != nil || len(ws) != 0 {
			t.Fatalf("nothing short: %v %v", ws, err)
		}
		// Three dongles reserved for Monday, then the pool cut to 2; three
		// seats booked, then the office cut to 1.
		dev := devices.NewService(db, db.Now)
		pool := &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 3, LoanDays: 1}
		if err := dev.SavePool(ctx, a, f.it, pool); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, err := dev.Reserve(ctx, a, f.people[i], devices.Request{PoolID: pool.ID, Day: f.monday}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Book(ctx, a, f.people[i], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM}); err != nil {
				t.Fatal(err)
			}
		}
		pool.Capacity = 2
		if err := dev.SavePool(ctx, a, f.it, pool); err != nil {
			t.Fatal(err)
		}
		o, _ := f.svc.Office(ctx, a, f.officeA.ID)
		o.Seats = 1
		if _, err := f.svc.UpdateOffice(ctx, a, f.it, o); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RunShortageWarnings(ctx, "node-1")
		if err != nil || !res.Ran || res.Warned != 2 {
			t.Fatalf("first run: %+v %v", res, err)
		}
		ws, err := f.svc.ShortageWarnings(ctx, a, f.it)
		if err != nil || len(ws) != 2 {
			t.Fatalf("stored: %v %v", ws, err)
		}
		byType := map[string]*places.ShortageWarning{}
		for _, w := range ws {
			byType[w.Type] = w
		}
		if w := byType["pool"]; w == nil || w.ID != pool.ID || w.Peak != 3 || w.Capacity != 2 || w.PeakDay != f.monday || w.WeekOf != f.monday {
			t.Errorf("pool warning: %+v", w)
		}
		if w := byType["office"]; w == nil || w.ID != f.officeA.ID || w.Peak != 3 || w.Capacity != 1 {
			t.Errorf("office warning: %+v", w)
		}
		count := func(staffID int64) int {
			return storetest.CountNotifications(t, db, a, staffID, notify.ShortageForecast)
		}
		if got := count(f.staff[3].ID); got != 2 {
			t.Errorf("the IT admin got %d warnings, want 2", got)
		}
		if got := count(f.staff[2].ID); got != 0 {
			t.Errorf("HR got %d warnings", got)
		}
		// The same day again: not claimed; another day: nothing new.
		if res, err := f.svc.RunShortageWarnings(ctx, "node-2"); err != nil || res.Ran {
			t.Fatalf("second run the same day: %+v %v", res, err)
		}
		if ws, err := f.svc.WarnShortages(ctx, a); err != nil || len(ws) != 0 {
			t.Fatalf("told twice: %v %v", ws, err)
		}
		if got := count(f.staff[3].ID); got != 2 {
			t.Errorf("the IT admin got %d warnings after a rerun, want 2", got)
		}
		ents, err := db.FindAuditEntries(ctx, a, audit.Filter{Action: "places.shortage_warning"})
		if err != nil || len(ents) != 2 || ents[0].ActorLabel != "system:places" {
			t.Fatalf("audit: %v %v", ents, err)
		}
		// Only HR and IT read them; the other tenant has none.
		if _, err := f.svc.ShortageWarnings(ctx, a, f.people[0]); err == nil {
			t.Error("staff read the warnings")
		}
		if ws, err := f.svc.ShortageWarnings(ctx, f.b.ID, f.bIT); err != nil || len(ws) != 0 {
			t.Errorf("other tenant: %v %v", ws, err)
		}
	})
}

func TestShortagesOfForecast(t *testing.T) {
	fc := []places.ResourceForecast{
		{Capacity: places.Capacity{Type: "pool", ID: 1, Name: "LTE", Capacity: 2}, Weeks: []places.WeekForecast{
			{Peak: 2, Capacity: 2, Level: "warning"}, {Peak: 3, Capacity: 2, Level: "shortage"}}},
		{Capacity: places.Capacity{Type: "office", ID: 2, Name: "支所", Capacity: -1}, Weeks: []places.WeekForecast{{Peak: 30, Capacity: -1, Level: "ok"}}},
	}
	got := places.Shortages(fc)
	if len(got) != 1 || got[0].Type != "pool" || got[0].Peak != 3 || got[0].Key() != "pool:1" {
		t.Fatalf("got %+v", got)
	}
}
