package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestNotificationsOpenTheirPage: 開く on a notification of every
// registered kind opens a page its recipient may open — the working-time
// warning the supervisor's day view, the person's own the working-time
// page, a booking the seat bookings, a device reservation the devices
// page … — never the list of notifications again.
func TestNotificationsOpenTheirPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		recipient := map[notify.Kind]string{notify.WorktimeWarning: "supervisor", notify.Submitted: "supervisor", notify.Withdrawn: "supervisor",
			notify.Cancelled: "supervisor", notify.Reported: "supervisor", notify.Reminder: "supervisor", notify.DelegationStarted: "supervisor",
			notify.ReportOverdue: "supervisor", worktime.NotifyOvertimeRequested: "supervisor", notify.ShortageForecast: "it", notify.ReviewReminder: "hr"}
		staffKey := map[string]string{"staff": "a-staff", "supervisor": "a-super", "it": "a-it", "hr": "a-hr"}
		want := map[notify.Kind]string{notify.WorktimeWarning: "/worktime/team", worktime.NotifyWarningSelf: "/worktime",
			notify.PlaceCapacityReduced: "/places", notify.DeviceOverdue: "/devices/reservations", notify.BookedForYou: "/places"}
		type note struct {
			kind   notify.Kind
			args   map[string]any
			target string
		}
		notes := []note{{notify.CancelledForYou, map[string]any{"Object": places.ObjectReservation}, "/devices/reservations"}}
		for _, ki := range notify.KindList() {
			notes = append(notes, note{ki.Kind, map[string]any{"Object": places.ObjectBooking}, want[ki.Kind]})
		}
		for _, n := range notes {
			who := recipient[n.kind]
			if who == "" {
				who = "staff"
			}
			ns := []notify.Notification{notify.New(w.staff[staffKey[who]].ID, n.kind, 0, n.args)}
			storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
			list, err := db.FindNotifications(ctx, w.a.ID, w.staff[staffKey[who]].ID, notify.Filter{}, 1, 0)
			storetest.Must(t, err)
			c := w.session(t, who)
			res := w.do("POST", fmt.Sprintf("/notifications/%d/read", list[0].ID), nil, c)
			if res.code != http.StatusSeeOther || res.location == "/notifications" || n.target != "" && res.location != n.target {
				t.Errorf("%s (to %s) opens %d %q, want %q", n.kind, who, res.code, res.location, n.target)
				continue
			}
			if page := w.do("GET", res.location, nil, c); page.code != http.StatusOK {
				t.Errorf("%s (to %s): %s answers %d", n.kind, who, res.location, page.code)
			}
		}
	})
}
