package places_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestCancelKeepsUsedBookings: a booking checked in, or whose day has
// passed, cannot be cancelled (409 with the reason) and stays in the
// utilisation; one of today not checked in can. The statement itself
// refuses, so a check-in committed after the service read is kept (both
// engines).
func TestCancelKeepsUsedBookings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		book := func(i int, h places.Half, day func() places.Request) *places.Booking {
			t.Helper()
			req := day()
			req.Half = h
			b, err := f.svc.Book(ctx, f.a.ID, f.people[i], req)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		today := func() places.Request { return places.Request{OfficeID: f.officeA.ID, Day: f.today} }
		monday := func() places.Request { return places.Request{OfficeID: f.officeA.ID, Day: f.monday} }
		used := book(0, places.AM, today)
		if _, err := f.svc.CheckIn(ctx, f.a.ID, f.people[0], used.ID); err != nil {
			t.Fatal(err)
		}
		past := book(1, places.FullDay, monday)
		open := book(2, places.PM, today)

		// The store statement refuses a checked-in booking by itself.
		storetest.Must(t, db.InPlacesTx(ctx, func(tx places.Tx) error {
			ok, err := tx.CancelBookingRow(ctx, f.a.ID, used.ID, f.today, time.Now())
			if ok {
				t.Error("the statement cancelled a checked-in booking")
			}
			return err
		}))

		later := places.NewService(db, func() time.Time { return f.monday.AddDays(1).Time().Add(10 * time.Hour) })
		for _, c := range []struct {
			name string
			svc  *places.Service
			who  int
			id   int64
			key  string
		}{
			{"checked in", f.svc, 0, used.ID, "places.refused.cancel_checked_in"},
			{"checked in, by IT", f.svc, -1, used.ID, "places.refused.cancel_checked_in"},
			{"the day has passed", later, 1, past.ID, "places.refused.cancel_past"},
			{"today, not checked in", f.svc, 2, open.ID, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				who := f.it
				if c.who >= 0 {
					who = f.people[c.who]
				}
				err := c.svc.Cancel(ctx, f.a.ID, who, c.id)
				if c.key == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != c.key {
					t.Fatalf("want a conflict %s, got %v", c.key, err)
				}
			})
		}
		rows, err := later.UsageReport(ctx, f.a.ID, f.it, nil, f.today, f.monday)
		if err != nil || len(rows) != 2 || rows[0].Count != 1 || rows[1].Count != 1 {
			t.Fatalf("utilisation keeps the used bookings: %+v %v", rows, err)
		}
	})
}
