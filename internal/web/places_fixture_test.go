package web_test

import (
	"context"
	"testing"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/tasks"
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
	day := calendar.DateOf(w.db.Now()).AddDays(placesWalkDays % 300)
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		it := &auth.Principal{TenantID: tn, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		o := places.NewOffice()
		o.Name, o.Seats, o.HorizonDays, o.ClosedDays, o.Network = "walk "+t.Name(), 5, 366, nil, tasks.OfficeLAN
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
		case "personal_device":
			staffOf := [2]*auth.Principal{{TenantID: w.a.ID, UserID: 2, StaffID: staff[0]}, {TenantID: w.b.ID, UserID: 3, StaffID: staff[1]}}
			d := &devices.PersonalDevice{Description: "walk"}
			err, out[i] = ds.RequestPersonalDevice(ctx, tn, staffOf[i], d), d.ID
		default:
			return out, false
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, true
}
