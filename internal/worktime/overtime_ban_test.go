package worktime_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestOvertimeBanRefusesRequests: under a policy that prohibits overtime
// during telework (神戸市, 茨城県), a prior overtime request for a day an
// approved telework application holds is refused naming the date, and
// nothing is written; a day at the office is still open to a request (a
// review found a ban approved away).
func TestOvertimeBanRefusesRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		clock := func() time.Time { return f.now }
		kobe, _ := policy.TemplateByName("kobe")
		pol := kobe.Policy
		pol.Eligibility = policy.Eligibility{}
		pol.Deadline = policy.Deadline{On: "none"}
		storetest.Must(t, policy.NewService(db, clock).Save(ctx, f.a.ID, hr, &policy.Version{Effective: calendar.DateOf(f.now).AddDays(1), Policy: pol}))
		home := calendar.Date{Year: 2026, Month: 6, Day: 4}
		f.approved(t, "staff", apply.Request{Dates: []calendar.Date{home}, Mode: policy.Home, Plan: "資料作成"})
		ot := worktime.NewOvertimeService(db, f.apply, clock)
		_, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: home, Until: "19:00", Reason: "議会答弁の準備"})
		if e := apperr.As(err); e == nil || e.Key != "worktime.overtime_prohibited" || len(e.Fields) != 1 || e.Fields[0].Field != "date" {
			t.Fatalf("request on a telework day under a ban: %v", err)
		}
		var n int
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM worktime_overtime`).Scan(&n))
		if n != 0 {
			t.Fatalf("%d requests written", n)
		}
		office := calendar.Date{Year: 2026, Month: 6, Day: 5}
		if _, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: office, Until: "19:00", Reason: "議会答弁の準備"}); err != nil {
			t.Fatalf("request for an office day: %v", err)
		}
	})
}
