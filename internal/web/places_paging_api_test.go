package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestBookingAndReservationPaging: the lists of bookings and device
// reservations take ?limit= and page with next_cursor, total the whole
// count; a booking cancelled between two pages skips nothing on the next
// (they ignored ?limit= and answered everything in one page).
func TestBookingAndReservationPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		create := func(path, body string) int64 {
			t.Helper()
			res := w.callCookie("POST", path, body, it)
			if res.code != http.StatusCreated {
				t.Fatalf("%s: %d %s", path, res.code, res.body)
			}
			var x struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal([]byte(res.body), &x)
			return x.ID
		}
		office := create("/api/v1/offices", `{"name":"四賀支所","kind":"branch","network":"office_lan","physical_security":true,"seats":5,"pcs":5,"closed_days":[],"opens":"08:30","closes":"17:15"}`)
		pool := create("/api/v1/device-pools", `{"name":"貸出PC","kind":"loan_pc","capacity":5}`)
		var days []calendar.Date
		for d := calendar.DateOf(time.Now()).AddDays(1); len(days) < 5; d = d.AddDays(1) {
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				days = append(days, d)
			}
		}
		for _, tc := range []struct {
			list, post, body string
		}{
			{"/api/v1/bookings", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"half":"full_day","date":%%q}`, office)},
			{"/api/v1/device-reservations", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%%q}`, pool)},
		} {
			t.Run(tc.list, func(t *testing.T) {
				var ids []int64
				for _, d := range days {
					res := w.callCookie("POST", tc.post, fmt.Sprintf(tc.body, d), staff)
					if res.code != http.StatusCreated {
						t.Fatalf("create on %s: %d %s", d, res.code, res.body)
					}
					var x struct {
						ID int64 `json:"id"`
					}
					decode(t, res, &x)
					ids = append(ids, x.ID)
				}
				p1 := pageOf(t, w, staff, tc.list, 2, "")
				if !slices.Equal(p1.ids(), ids[:2]) || p1.Total != 5 || p1.NextCursor == "" {
					t.Fatalf("page 1: %+v, want %v of 5", p1, ids[:2])
				}
				// Cancel the first of page 1: the next page still starts
				// after page 1's last.
				if res := w.callCookie("DELETE", fmt.Sprintf("%s/%d", tc.list, ids[0]), "", staff); res.code != http.StatusNoContent {
					t.Fatalf("cancel: %d %s", res.code, res.body)
				}
				var rest []int64
				for cur := p1.NextCursor; cur != ""; {
					p := pageOf(t, w, staff, tc.list, 2, cur)
					rest, cur = append(rest, p.ids()...), p.NextCursor
					if p.Total != 4 {
						t.Errorf("total %d, want 4", p.Total)
					}
				}
				if !slices.Equal(rest, ids[2:]) {
					t.Fatalf("after page 1: %v, want %v", rest, ids[2:])
				}
				if res := w.callCookie("GET", tc.list+"?limit=0", "", staff); res.code != http.StatusUnprocessableEntity {
					t.Errorf("limit=0: %d", res.code)
				}
			})
		}
	})
}
