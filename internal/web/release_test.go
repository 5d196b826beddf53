package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

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
		res := w.callCookie("POST", "/api/v1/offices", `{"name":"波田支所","kind":"branch","seats":2,"opens":"00:00","closes":"24:00","closed_days":[],"network":"internet"}`, it)
		var o struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal([]byte(res.body), &o)
		if res.code != http.StatusCreated {
			t.Fatalf("office: %d %s", res.code, res.body)
		}
		res = w.callCookie("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"satellite","place":"satellite","place_name":"波田支所","plan":"資料作成"}`, day), staff)
		var a struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		_ = json.Unmarshal([]byte(res.body), &a)
		if res.code != http.StatusCreated {
			t.Fatalf("application: %d %s", res.code, res.body)
		}
		if byIT {
			res = w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"full_day","staff_id":%d}`, o.ID, day, w.staff["a-staff"].ID), it)
		} else {
			res = w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":"%s","half":"full_day","application_id":%d}`, o.ID, day, a.ID), staff)
		}
		if res.code != http.StatusCreated {
			t.Fatalf("booking: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", a.ID), "{}", staff); res.code != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.code, res.body)
		}
		list, err := db.FindBookings(context.Background(), w.a.ID, places.Filter{StaffID: w.staff["a-staff"].ID, IncludeCancelled: true})
		storetest.Must(t, err)
		if len(list) != 1 || list[0].Status != places.Cancelled {
			t.Fatalf("the seat of a withdrawn application: %+v", list[0])
		}
		got, err := db.FindApplication(context.Background(), w.a.ID, a.ID)
		storetest.Must(t, err)
		if got.Decision != apply.Withdrawn {
			t.Errorf("application %s", got.Decision)
		}
	})
}
