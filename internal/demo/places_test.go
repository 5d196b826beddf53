package demo_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/web"
	"telework/internal/worktime"
)

// TestDemoPlacesAndDevices: the demo's offices have seats and hours and
// bookings ahead (the account staff's own, one made by the supervisor on
// someone's behalf, one checked in last week); its pools have reservations,
// a loan out, one returned and one overdue; a personal device is approved
// and the staff's waits; the supervisor has a prior overtime request to
// decide and approved one before.
func TestDemoPlacesAndDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, res, now := seedWithHistory(t, db)
		tid := res.Tenant.ID
		today := calendar.DateOf(now)
		it, staff, sup := signedIn(t, svc, tid, "it", auth.ITAdmin), signedIn(t, svc, tid, "staff"), signedIn(t, svc, tid, "supervisor")

		offices, err := svc.Places.Offices(ctx, tid)
		storetest.Must(t, err)
		byName := map[string]*places.Office{}
		for _, o := range offices {
			byName[o.Name] = o
		}
		east, share := byName["東部支所"], byName["駅前シェアオフィス"]
		if east == nil || east.Seats != 8 || east.PCs != 4 || east.Opens == "" || east.HorizonDays == 0 {
			t.Fatalf("東部支所: %+v", east)
		}
		if share == nil || !share.Hourly || !share.PreRegistration || !share.Outsiders {
			t.Errorf("駅前シェアオフィス: %+v", share)
		}
		if lib := byName["中央図書館 学習室"]; lib == nil || lib.Seats == 0 || lib.PCs != 0 || !lib.ClosedOn(calendar.Date{Year: 2026, Month: time.December, Day: 7}) {
			t.Errorf("中央図書館: %+v", lib)
		}
		day, err := svc.Places.Bookings(ctx, tid, it, places.Filter{OfficeID: east.ID, From: today.AddDays(-14)})
		storetest.Must(t, err)
		var ahead, checkedIn, behalf int
		for _, b := range day {
			switch {
			case !b.CheckedInAt.IsZero() && b.Day.Before(today):
				checkedIn++
			case !b.Day.Before(today) && b.Status == places.Booked:
				ahead++
				if b.BookedBy == sup.UserID && b.StaffID != sup.StaffID {
					behalf++
				}
			}
		}
		if ahead < 4 || checkedIn != 1 || behalf != 1 {
			t.Errorf("東部支所: %d bookings ahead, %d checked in, %d on someone's behalf (%d in all)", ahead, checkedIn, behalf, len(day))
		}
		mine, err := svc.Places.Bookings(ctx, tid, staff, places.Filter{From: today})
		storetest.Must(t, err)
		if len(mine) == 0 {
			t.Error("the account staff has no booking ahead")
		}

		pools, err := svc.Devices.Pools(ctx, tid)
		storetest.Must(t, err)
		if len(pools) < 4 {
			t.Fatalf("%d pools", len(pools))
		}
		states := map[devices.Status]int{}
		for _, p := range pools {
			if p.Capacity == 0 {
				t.Errorf("pool %s has no capacity", p.Name)
			}
			list, err := svc.Devices.Reservations(ctx, tid, it, devices.Filter{PoolID: p.ID})
			storetest.Must(t, err)
			for _, r := range list {
				states[r.Status]++
			}
		}
		overdue, err := svc.Devices.Overdue(ctx, tid, it, devices.Filter{})
		storetest.Must(t, err)
		if states[devices.Reserved] < 4 || states[devices.Lent] != 2 || states[devices.Returned] != 1 || len(overdue) != 1 {
			t.Errorf("reservations by status %v, %d overdue", states, len(overdue))
		}
		byod, err := svc.Devices.PersonalDevices(ctx, tid, it, true)
		storetest.Must(t, err)
		got := map[devices.PersonalStatus]int{}
		for _, d := range byod {
			got[d.Status]++
			if d.Status == devices.Requested && d.StaffID != staff.StaffID {
				t.Errorf("the waiting personal device is %s's", d.StaffName)
			}
		}
		if got[devices.Approved] != 1 || got[devices.Requested] != 1 {
			t.Errorf("personal devices by status %v", got)
		}

		ot, err := svc.Overtime.List(ctx, tid, sup, today.AddDays(-60), today.AddDays(30), nil)
		storetest.Must(t, err)
		var waiting, approved int
		for _, o := range ot {
			switch {
			case o.Status == worktime.OvertimeRequested && o.CanDecide && !o.Date.Before(today):
				waiting++
			case o.Status == worktime.OvertimeApproved && o.Date.Before(today):
				approved++
			}
		}
		if waiting != 1 || approved != 1 {
			t.Errorf("overtime for the supervisor: %d waiting, %d approved before (%d in all)", waiting, approved, len(ot))
		}
	})
}

// signedIn is a demo account as the services see it signed in: its staff
// record's unit and supervisor role, and the roles given.
func signedIn(t *testing.T, svc web.Services, tid int64, login string, roles ...auth.Role) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := svc.Auth.UserByLogin(ctx, tid, login)
	storetest.Must(t, err)
	st, err := svc.Org.StaffByID(ctx, tid, u.StaffID)
	storetest.Must(t, err)
	p := &auth.Principal{TenantID: tid, UserID: u.ID, StaffID: u.StaffID, UnitID: st.UnitID, LoginID: login,
		Roles: append([]auth.Role{auth.Staff}, roles...)}
	if st.IsSupervisor {
		p.Roles = append(p.Roles, auth.Supervisor)
	}
	return p
}

// seedWithHistory seeds the whole demo, history included, on 2026-12-01
// 10:30 in Tokyo.
func seedWithHistory(t *testing.T, db *store.DB) (web.Services, *demo.Result, time.Time) {
	t.Helper()
	now := time.Date(2026, time.December, 1, 10, 30, 0, 0, calendar.Tokyo)
	db.Now = func() time.Time { return now }
	svc := app.NewServices(db)
	res, err := demo.Seed(context.Background(), app.DemoServices(db, svc), now)
	if err != nil {
		t.Fatal(err)
	}
	return svc, res, now
}
