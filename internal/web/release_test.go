package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestWithdrawFreesTheSeat: a seat booked for an application's day is
// freed when the application is withdrawn (or its day cancelled or the
// application rejected), at once (issue 14: "linked to the application";
// a review found the seat kept for nobody).
func TestWithdrawFreesTheSeat(t *testing.T) {
	// Booked by the person with the application's number, or by IT for
	// the person without one (the desk does not ask for it): both are
	// for the day that no longer happens.
	for _, byIT := range []bool{false, true} {
		t.Run(fmt.Sprintf("by IT %v", byIT), func(t *testing.T) { withdrawFreesTheSeat(t, byIT) })
	}
}

func withdrawFreesTheSeat(t *testing.T, byIT bool) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		office := releaseOffice(t, w, it)
		app := postApplication(t, w, staff, fmt.Sprintf(`{"dates":["%s"],"mode":"satellite","place":"satellite","place_name":"波田支所","plan":"資料作成"}`, day))
		var res resp
		if byIT {
			res = w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"full_day","staff_id":%d}`, office, day, w.staff["a-staff"].ID), it)
		} else {
			res = w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"full_day","application_id":%d}`, office, day, app), staff)
		}
		if res.code != http.StatusCreated {
			t.Fatalf("booking: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", app), "{}", staff); res.code != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.code, res.body)
		}
		list, err := db.FindBookings(context.Background(), w.a.ID, places.Filter{StaffID: w.staff["a-staff"].ID, IncludeCancelled: true})
		storetest.Must(t, err)
		if len(list) != 1 || list[0].Status != places.Cancelled {
			t.Fatalf("the seat of a withdrawn application: %+v", list[0])
		}
		got, err := db.FindApplication(context.Background(), w.a.ID, app)
		storetest.Must(t, err)
		if got.Decision != apply.Withdrawn {
			t.Errorf("application %s", got.Decision)
		}
	})
}

// TestMorningWithdrawKeepsAfternoonSeat: a morning application and an afternoon application on one day;
// IT books the afternoon's seat at the desk (no application id). Withdrawing
// the morning's application must not free the afternoon's seat.
func TestMorningWithdrawKeepsAfternoonSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		office := releaseOffice(t, w, it)
		am := postApplication(t, w, staff, fmt.Sprintf(`{"dates":["%s"],"mode":"home","place":"home","time_unit":"am","plan":"資料作成"}`, day))
		pm := postApplication(t, w, staff, fmt.Sprintf(`{"dates":["%s"],"mode":"satellite","place":"satellite","place_name":"波田支所","time_unit":"pm","plan":"資料作成"}`, day))
		_ = pm
		res := w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"pm","staff_id":%d}`, office, day, w.staff["a-staff"].ID), it)
		if res.code != http.StatusCreated {
			t.Fatalf("booking: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", am), "{}", staff); res.code != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.code, res.body)
		}
		list, err := db.FindBookings(context.Background(), w.a.ID, places.Filter{StaffID: w.staff["a-staff"].ID, IncludeCancelled: true})
		storetest.Must(t, err)
		for _, b := range list {
			if b.Status == places.Cancelled {
				t.Errorf("withdrawing the morning's application cancelled the afternoon's seat (application %d still active)", pm)
			}
		}
	})
}

// Review: every later take-back of application A re-releases all of A's
// days cancelled earlier; with unlinked bookings now freed too, a seat
// booked for a new application B on such a day is cancelled.
func TestCancelKeepsAnotherApplicationsSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, d1 := applyWorld(t, db)
		cal, _ := db.LoadCalendar(ctx, w.a.ID, d1.Year, d1.Year+1)
		d2 := cal.AddBusinessDays(d1, 1)
		it, staff, sup := w.session(t, "it"), w.session(t, "staff"), w.session(t, "supervisor")
		office := releaseOffice(t, w, it)
		a := postApplication(t, w, staff, fmt.Sprintf(`{"dates":["%s","%s"],"mode":"home","place":"home","plan":"資料作成"}`, d1, d2))
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/approve", a), "{}", sup); res.code != http.StatusOK {
			t.Fatalf("approve: %d %s", res.code, res.body)
		}
		defer func() { db.Now = time.Now }()
		db.Now = func() time.Time { return time.Now().Add(time.Minute) }
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/cancel", a), fmt.Sprintf(`{"days":["%s"]}`, d1), staff); res.code != http.StatusOK {
			t.Fatalf("cancel d1: %d %s", res.code, res.body)
		}
		b := postApplication(t, w, staff, fmt.Sprintf(`{"dates":["%s"],"mode":"satellite","place":"satellite","place_name":"波田支所","plan":"資料作成"}`, d1))
		res := w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"full_day","staff_id":%d}`, office, d1, w.staff["a-staff"].ID), it)
		if res.code != http.StatusCreated {
			t.Fatalf("booking: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/cancel", a), fmt.Sprintf(`{"days":["%s"]}`, d2), staff); res.code != http.StatusOK {
			t.Fatalf("cancel d2: %d %s", res.code, res.body)
		}
		list, err := db.FindBookings(ctx, w.a.ID, places.Filter{StaffID: w.staff["a-staff"].ID, IncludeCancelled: true})
		storetest.Must(t, err)
		for _, bk := range list {
			if bk.Status == places.Cancelled {
				t.Errorf("cancelling %s of application %d cancelled the seat on %s booked for application %d", d2, a, bk.Day, b)
			}
		}
	})
}

// releaseOffice registers the satellite office the release tests book.
func releaseOffice(t *testing.T, w *world, it *http.Cookie) int64 {
	t.Helper()
	res := w.callCookie("POST", "/api/v1/offices", `{"name":"波田支所","kind":"branch","seats":2,"opens":"00:00","closes":"24:00","closed_days":[],"network":"internet"}`, it)
	var o struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal([]byte(res.body), &o)
	if res.code != http.StatusCreated {
		t.Fatalf("office: %d %s", res.code, res.body)
	}
	return o.ID
}

// postApplication applies with body as c and returns the new id.
func postApplication(t *testing.T, w *world, c *http.Cookie, body string) int64 {
	t.Helper()
	res := w.callCookie("POST", "/api/v1/applications", body, c)
	var a struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal([]byte(res.body), &a)
	if res.code != http.StatusCreated {
		t.Fatalf("application: %d %s", res.code, res.body)
	}
	return a.ID
}
