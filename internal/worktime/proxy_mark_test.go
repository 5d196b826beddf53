package worktime_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestProxyReportsMoveTheApplication: a start and an end the supervisor
// enters for the person (図表20: reported by phone) move the day's
// application to 実施中 and 実施済 as the person's own would, and a proxy
// start does not stop the person's own end from finishing the day (a
// review found both left at 実施中).
func TestProxyReportsMoveTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		status := func(id int64) apply.Status {
			a, err := db.FindApplication(ctx, f.a.ID, id)
			storetest.Must(t, err)
			return a.Days[0].Status
		}
		approved := func(d calendar.Date) int64 {
			return f.approved(t, "staff", apply.Request{Dates: []calendar.Date{d}, Mode: policy.Home, Plan: "資料作成"}).ID
		}
		staff := f.people["staff"].ID
		// Both by the supervisor.
		first := approved(calendar.Date{Year: 2026, Month: 6, Day: 4})
		second := approved(calendar.Date{Year: 2026, Month: 6, Day: 5})
		f.now = time.Date(2026, time.June, 4, 8, 40, 0, 0, calendar.Tokyo)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{})
		storetest.Must(t, err)
		if got := status(first); got != apply.Started {
			t.Fatalf("after the proxy start: %s, want started", got)
		}
		f.now = time.Date(2026, time.June, 4, 17, 20, 0, 0, calendar.Tokyo)
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{})
		storetest.Must(t, err)
		if got := status(first); got != apply.Finished {
			t.Fatalf("after the proxy end: %s, want finished", got)
		}
		// Started by the supervisor, ended by the person.
		f.now = time.Date(2026, time.June, 5, 8, 40, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 5, 17, 20, 0, 0, calendar.Tokyo)
		_, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		if got := status(second); got != apply.Finished {
			t.Fatalf("proxy start, own end: %s, want finished", got)
		}
	})
}
