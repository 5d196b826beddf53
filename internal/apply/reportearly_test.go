package apply_test

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
)

// TestReportNotBeforeTheWork: an hourly application 16:10–17:00 on 6/4 is
// not reported (by the person, nor verbally by the supervisor) with an
// actual end still to come; once the end has passed it is.
func TestReportNotBeforeTheWork(t *testing.T) {
	tests := []struct {
		name   string
		at     time.Time
		who    string
		in     apply.ReportInput
		dates  bool // name the day
		field  string
		status apply.Status
	}{
		{"the day still ahead", time.Date(2026, time.June, 3, 18, 0, 0, 0, calendar.Tokyo), "staff",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Work: "資料作成"}, true, "dates", ""},
		{"the end still to come", time.Date(2026, time.June, 4, 13, 53, 0, 0, calendar.Tokyo), "staff",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Work: "資料作成"}, false, "actual_end", ""},
		{"the end still to come, named day", time.Date(2026, time.June, 4, 16, 59, 0, 0, calendar.Tokyo), "staff",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Work: "資料作成"}, true, "actual_end", ""},
		{"verbal, the end still to come", time.Date(2026, time.June, 4, 13, 53, 0, 0, calendar.Tokyo), "kacho",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Verbal: true}, false, "actual_end", ""},
		{"after the end", time.Date(2026, time.June, 4, 17, 0, 0, 0, calendar.Tokyo), "staff",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Work: "資料作成"}, false, "", apply.Reported},
		{"verbal, after the end", time.Date(2026, time.June, 4, 17, 5, 0, 0, calendar.Tokyo), "kacho",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Verbal: true}, false, "", apply.Reported},
		{"the next day", time.Date(2026, time.June, 5, 9, 0, 0, 0, calendar.Tokyo), "staff",
			apply.ReportInput{ActualStart: "16:10", ActualEnd: "17:00", Work: "資料作成"}, false, "", apply.Reported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				req := oneDay(day(time.June, 4))
				req.TimeUnit, req.Start, req.End = policy.Hourly, "16:10", "17:00"
				res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
				storetest.Must(t, err)
				id := res.Application.ID
				_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
				storetest.Must(t, err)
				f.now = tc.at
				in := tc.in
				if tc.dates {
					in.Dates = []calendar.Date{day(time.June, 4)}
				}
				a, err := f.svc.Report(ctx, f.a.ID, f.who[tc.who], id, in)
				if tc.field == "" {
					storetest.Must(t, err)
					if a.Days[0].Status != tc.status {
						t.Fatalf("status %s", a.Days[0].Status)
					}
					return
				}
				e := apperr.As(err)
				if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
					t.Fatalf("want invalid %s, got %v", tc.field, err)
				}
				d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
				storetest.Must(t, err)
				if d.Days[0].Report != nil {
					t.Fatal("a report was written")
				}
			})
		})
	}
}
