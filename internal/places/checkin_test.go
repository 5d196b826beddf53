package places_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestCheckInOnce: on both engines, a booking is checked in once. A second
// check-in is a 409 naming the first time, which stays, and writes no
// audit entry; the one entry shows the check-in before (none) and after
// (the time). Check-ins of the same bookings fired at once leave exactly
// one entry per booking.
func TestCheckInOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 10
		f := newFixture(t, db, n)
		var bookings []*places.Booking
		for i := range n {
			b, err := f.svc.Book(ctx, f.a.ID, f.people[i], places.Request{OfficeID: f.officeA.ID, Day: f.today, Half: places.AM})
			storetest.Must(t, err)
			bookings = append(bookings, b)
		}
		entries := func(id int64) []string {
			rows, err := db.SQL.Query(`SELECT before_json, after_json FROM audit_log WHERE action = 'places.check_in' AND object_id = $1`,
				strconv.FormatInt(id, 10))
			storetest.Must(t, err)
			defer rows.Close()
			var out []string
			for rows.Next() {
				var before, after string
				storetest.Must(t, rows.Scan(&before, &after))
				out = append(out, before, after)
			}
			return out
		}

		// Sequential: the first stands, the second is refused.
		first := bookings[0]
		in, err := f.svc.CheckIn(ctx, f.a.ID, f.people[0], first.ID)
		storetest.Must(t, err)
		later := places.NewService(db, func() time.Time { return in.CheckedInAt.Add(time.Hour) })
		_, err = later.CheckIn(ctx, f.a.ID, f.people[0], first.ID)
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "places.error.checked_in" || e.Args["At"] != "09:00" {
			t.Fatalf("second check-in: %v", err)
		}
		got, err := f.svc.Booking(ctx, f.a.ID, f.people[0], first.ID)
		storetest.Must(t, err)
		if !got.CheckedInAt.Equal(in.CheckedInAt) {
			t.Fatalf("check-in time %v, want the first %v", got.CheckedInAt, in.CheckedInAt)
		}
		e := entries(first.ID)
		if len(e) != 2 {
			t.Fatalf("%d audit entries, want 1", len(e)/2)
		}
		var before, after map[string]any
		storetest.Must(t, json.Unmarshal([]byte(e[0]), &before))
		storetest.Must(t, json.Unmarshal([]byte(e[1]), &after))
		if before["checked_in"] != false || before["checked_in_at"] != "" || after["checked_in"] != true || after["checked_in_at"] == "" {
			t.Fatalf("audit before %s after %s", e[0], e[1])
		}

		// Concurrent: three check-ins of each other booking at once.
		var wg sync.WaitGroup
		for i, b := range bookings[1:] {
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.svc.CheckIn(ctx, f.a.ID, f.people[i+1], b.ID)
					if e := apperr.As(err); err != nil && (e == nil || e.Key != "places.error.checked_in") {
						t.Errorf("check-in %d: %v", b.ID, err)
					}
				}()
			}
		}
		wg.Wait()
		for _, b := range bookings[1:] {
			if e := entries(b.ID); len(e) != 2 {
				t.Errorf("booking %d: %d audit entries, want 1", b.ID, len(e)/2)
			}
		}
	})
}
