package worktime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestPresenceCheckerIsTold: the 在席確認者 named on the day's application
// (渋谷区: 始業・終業をチャットで在席確認者へ) is told in the app of the
// start and the end, linked to the application they may open; a day
// whose application names none tells nobody else, and a checker who turned
// the kind off in the app does not see it.
func TestPresenceCheckerIsTold(t *testing.T) {
	cases := []struct {
		name    string
		checker string // "" none
		off     bool   // the checker turned the kind off in the app
		want    int
	}{
		{"named checker", "kakaricho", false, 2},
		{"no checker", "", false, 0},
		{"checker turned it off", "kakaricho", true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				req := apply.Request{Dates: []calendar.Date{{Year: 2026, Month: 6, Day: 4}}, Mode: policy.Home, Plan: "資料作成"}
				if c.checker != "" {
					req.PresenceCheckerID = f.people[c.checker].ID
				}
				app := f.approved(t, "staff", req)
				if c.off {
					_, err := notify.NewDeliveryService(db, func() time.Time { return f.now }).SavePrefs(ctx, f.a.ID, hr,
						f.who["kakaricho"], []notify.Pref{{Kind: worktime.NotifyPresenceChecker, InApp: false}})
					storetest.Must(t, err)
				}
				f.now = time.Date(2026, time.June, 4, 8, 30, 0, 0, calendar.Tokyo)
				_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
				storetest.Must(t, err)
				f.now = time.Date(2026, time.June, 4, 17, 15, 0, 0, calendar.Tokyo)
				_, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
				storetest.Must(t, err)
				ns, err := f.notes.List(ctx, f.a.ID, f.who["kakaricho"], false, 10, 0)
				storetest.Must(t, err)
				var got []notify.Notification
				for _, n := range ns {
					if n.Kind == worktime.NotifyPresenceChecker {
						got = append(got, n)
					}
				}
				if len(got) != c.want {
					t.Fatalf("%d notifications to the checker, want %d", len(got), c.want)
				}
				if c.want == 0 {
					return
				}
				// Newest first: the end, then the start.
				if got[0].ApplicationID != app.ID || !strings.Contains(got[0].Message("ja"), "17:15に終業しました") ||
					!strings.Contains(got[1].Message("ja"), "08:30に始業しました") {
					t.Fatalf("%+v / %s / %s", got[0], got[0].Message("ja"), got[1].Message("ja"))
				}
				// The link opens the application, which the checker may read.
				_, err = f.apply.Get(ctx, f.a.ID, f.who["kakaricho"], got[0].ApplicationID)
				storetest.Must(t, err)
			})
		})
	}
}
