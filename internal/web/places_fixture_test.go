package web_test

import (
	"context"
	"testing"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
)

// placesWalkDays moves each fixture booking to another day (one seat per
// person and half-day).
var placesWalkDays int

// placesObjects makes a fresh office, booking, pool or reservation in each
// tenant for the route walk (issue 14).
func placesObjects(t *testing.T, w *world, object string) ([2]int64, bool) {
	t.Helper()
	ctx := context.Background()
	ps, ds := places.NewService(w.db, w.db.Now), devices.NewService(w.db, w.db.Now)
	var out [2]int64
	staff := [2]int64{w.staff["a-staff"].ID, w.staff["b-staff"].ID}
	placesWalkDays++
	day := calendar.DateOf(w.db.Now()).AddDays(placesWalkDays)
	for day.Weekday() == 0 || day.Weekday() == 6 {
		day = day.AddDays(1)
	}
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		it := &auth.Principal{TenantID: tn, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		o := places.NewOffice()
		o.Name, o.Seats, o.HorizonDays = "walk "+t.Name(), 5, 366
		var err error
		switch object {
		case "office", "booking":
			if err = ps.CreateOffice(ctx, tn, it, o); err == nil {
				out[i] = o.ID
				if object == "booking" {
					var b *places.Booking
					if b, err = ps.Book(ctx, tn, it, places.Request{OfficeID: o.ID, Day: day, Half: places.AM, StaffID: staff[i]}); err == nil {
						out[i] = b.ID
					}
				}
			}
		case "device_pool", "device_reservation":
			p := &devices.Pool{Name: "walk " + t.Name(), Kind: devices.LTEDongle, Capacity: 5}
			if err = ds.SavePool(ctx, tn, it, p); err == nil {
				out[i] = p.ID
				if object == "device_reservation" {
					var r *devices.Reservation
					if r, err = ds.Reserve(ctx, tn, it, devices.Request{PoolID: p.ID, Day: day, StaffID: staff[i]}); err == nil {
						out[i] = r.ID
					}
				}
			}
		default:
			return out, false
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, true
}
