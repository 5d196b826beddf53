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

// TestWorkPastMidnight: a day begun in the evening and still open after
// midnight is the person's day of now — the supervisor's day view shows them
// working, a start before the day's window continues it (409
// worktime.still_working) instead of opening a second day beside it, and
// the end ends it (a review found the open day gone from every view and a
// start leaving it open for good). A day whose end was forgotten gives way
// to the next morning's start.
func TestWorkPastMidnight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a := f.a.ID
		june1, june2 := calendar.Date{Year: 2026, Month: time.June, Day: 1}, calendar.Date{Year: 2026, Month: time.June, Day: 2}
		_, err := f.svc.Start(ctx, a, f.who["colleague"], 0, worktime.Report{}) // 09:00, never ended
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 1, 21, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, a, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		row := func(key string) worktime.TeamRow {
			t.Helper()
			rows, err := f.svc.TeamDay(ctx, a, f.who["kakaricho"], 0)
			storetest.Must(t, err)
			for _, r := range rows {
				if r.StaffID == f.people[key].ID {
					return r
				}
			}
			t.Fatalf("%s not in the day view", key)
			return worktime.TeamRow{}
		}
		f.now = time.Date(2026, time.June, 2, 0, 30, 0, 0, calendar.Tokyo)
		if r := row("staff"); r.State != worktime.Working || r.Day == nil || r.Day.Date != june1 {
			t.Fatalf("00:30, working since 21:00: %+v", r)
		}
		if _, err := f.svc.Start(ctx, a, f.who["staff"], 0, worktime.Report{}); apperr.As(err) == nil || apperr.As(err).Key != "worktime.still_working" {
			t.Fatalf("a start at 00:30 while working since 21:00: %v", err)
		}
		out, err := f.svc.End(ctx, a, f.who["staff"], 0, worktime.Report{Result: "議会資料を完成"})
		storetest.Must(t, err)
		if out.Day.Date != june1 || !out.Day.End.Equal(f.now) {
			t.Fatalf("the end at 00:30: %+v", out.Day)
		}
		if r := row("staff"); r.State != worktime.NotStarted {
			t.Errorf("after the end: %+v", r)
		}
		// The colleague's forgotten end: at 4:59 still the night's work;
		// after 5:00 not shown as working (a review found it "working"
		// all day), and the morning's start is a new day.
		f.now = time.Date(2026, time.June, 2, 4, 59, 0, 0, calendar.Tokyo)
		if r := row("colleague"); r.State != worktime.Working || r.Day.Date != june1 {
			t.Errorf("a day left open, at 4:59: %+v", r)
		}
		f.now = time.Date(2026, time.June, 2, 9, 0, 0, 0, calendar.Tokyo)
		if r := row("colleague"); r.State != worktime.NotStarted {
			t.Errorf("a day left open, the next morning: %+v", r)
		}
		out, err = f.svc.Start(ctx, a, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		if out.Day.Date != june2 {
			t.Fatalf("the morning's start after a forgotten end: %+v", out.Day)
		}
		if r := row("colleague"); r.Day == nil || r.Day.Date != june2 {
			t.Errorf("after the morning's start: %+v", r)
		}
	})
}

// TestApplicationDayPastMidnight: a telework day whose end is reported
// after midnight is finished on the application (it stayed 実施中), and its
// report takes the end as the day's own clock, "25:30" (a review found it
// refused as before the start).
func TestApplicationDayPastMidnight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		june4 := calendar.Date{Year: 2026, Month: time.June, Day: 4}
		res, err := f.apply.Create(ctx, f.a.ID, f.who["staff"], apply.Request{Dates: []calendar.Date{june4}, Mode: policy.Home, Plan: "資料作成", Submit: true})
		storetest.Must(t, err)
		id := res.Application.ID
		_, err = f.apply.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 4, 13, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 5, 1, 30, 0, 0, calendar.Tokyo)
		_, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		a, err := db.FindApplication(ctx, f.a.ID, id)
		storetest.Must(t, err)
		if a.Days[0].Status != apply.Finished || !a.Days[0].FinishedAt.Equal(f.now) {
			t.Fatalf("the application day after an end at 01:30: %s %v", a.Days[0].Status, a.Days[0].FinishedAt)
		}
		f.now = time.Date(2026, time.June, 5, 9, 0, 0, 0, calendar.Tokyo)
		rep, err := f.apply.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{ActualStart: "13:00", ActualEnd: "25:30",
			BreakMinutes: new(60), Work: "議会資料"})
		storetest.Must(t, err)
		if r := rep.Days[0].Report; r.ActualMinutes != 750-60 {
			t.Errorf("actual minutes %d, want 690 (13:00–翌1:30 less an hour)", r.ActualMinutes)
		}
		for _, bad := range []string{"48:00", "01:30", "25:61"} {
			_, err := f.apply.Report(ctx, f.a.ID, f.who["colleague"], id, apply.ReportInput{ActualStart: "13:00", ActualEnd: bad, Work: "x"})
			if e := apperr.As(err); e == nil || e.Code != apperr.Invalid {
				t.Errorf("end %s: %v", bad, err)
			}
		}
	})
}
