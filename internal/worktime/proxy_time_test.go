package worktime_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestProxyTime: a supervisor entering a report the person gave by phone
// (図表20) records the time the person named — the start this morning, the
// end of a day left open yesterday — not the moment of entry; the person
// cannot backdate their own report, and no one records a time to come.
func TestProxyTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		staff, colleague := f.people["staff"].ID, f.people["colleague"].ID
		refused := func(err error, key string) { t.Helper(); refusedAt(t, err, "time", key) }
		f.now = time.Date(2026, time.June, 1, 9, 10, 0, 0, calendar.Tokyo)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{At: "08:30"})
		refused(err, "worktime.time_proxy_only")
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "09:30"})
		refused(err, "worktime.time_future")
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "8時半"})
		refused(err, "field.time_hm")
		out, err := f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "08:30"})
		storetest.Must(t, err)
		if want := time.Date(2026, time.June, 1, 8, 30, 0, 0, calendar.Tokyo); !out.Day.Start.Equal(want) || out.Day.StartProxy == 0 {
			t.Fatalf("proxy start %v (proxy %d), want %v", out.Day.Start, out.Day.StartProxy, want)
		}
		// The colleague worked into the night and forgot to close the day;
		// the next morning the supervisor enters the end they reported.
		f.now = time.Date(2026, time.June, 1, 21, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 2, 8, 50, 0, 0, calendar.Tokyo)
		out, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "01:30"})
		storetest.Must(t, err)
		if want := time.Date(2026, time.June, 2, 1, 30, 0, 0, calendar.Tokyo); !out.Day.End.Equal(want) || out.Day.EndProxy == 0 ||
			out.Day.Date != (calendar.Date{Year: 2026, Month: 6, Day: 1}) {
			t.Fatalf("proxy end of yesterday %v on %s, want %v", out.Day.End, out.Day.Date, want)
		}
		// An end named after now is refused.
		f.now = time.Date(2026, time.June, 2, 9, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "17:15"})
		refused(err, "worktime.time_future")
		// An end told by phone before the start is said as such (not as
		// a time still to come).
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "08:00"})
		refused(err, "worktime.time_before_start")
		// After the person's end, a start told by phone at a time before
		// it does not reopen the day (it would erase the end report); one
		// after it is going back to work.
		f.now = time.Date(2026, time.June, 2, 12, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.End(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 2, 13, 30, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "09:00"})
		refused(err, "worktime.start_before_end")
		out, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "13:00"})
		storetest.Must(t, err)
		if !out.Day.End.IsZero() || len(out.Day.Breaks) != 1 {
			t.Fatalf("resumed by phone at 13:00: %+v", out.Day)
		}
	})
}

// TestProxyBreakMinutes: a supervisor entering the end the person gave by
// phone also enters the break they took (from noon, marked reported), so
// a full day entered by phone is not flagged as short of breaks; the
// minutes are refused for the person's own end, at a start, on a day with
// breaks recorded, and when as long as the day.
func TestProxyBreakMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		staff, colleague := f.people["staff"].ID, f.people["colleague"].ID
		refused := func(err error, key string) { t.Helper(); refusedAt(t, err, "break_minutes", key) }
		f.now = time.Date(2026, time.June, 1, 18, 0, 0, 0, calendar.Tokyo)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "08:45", BreakMinutes: new(60)})
		refused(err, "worktime.break_at_end")
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "08:45"})
		storetest.Must(t, err)
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "17:30", BreakMinutes: new(241)})
		if e := apperr.As(err); e == nil || e.Fields[0].Field != "break_minutes" || e.Fields[0].Key != "field.range" {
			t.Fatalf("241 minutes: %v", err)
		}
		out, err := f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "17:30", BreakMinutes: new(60)})
		storetest.Must(t, err)
		noon := time.Date(2026, time.June, 1, 12, 0, 0, 0, calendar.Tokyo)
		if b := out.Day.Breaks; len(b) != 1 || !b[0].Reported || !b[0].Start.Equal(noon) || !b[0].End.Equal(noon.Add(time.Hour)) {
			t.Fatalf("the reported break: %+v", b)
		}
		for _, w := range out.Warnings {
			if w.Rule == worktime.RuleBreakShort {
				t.Errorf("a full day with its reported hour's break is flagged: %+v", w)
			}
		}
		june1 := calendar.Date{Year: 2026, Month: 6, Day: 1}
		stored, err := db.FindWorktimeDays(ctx, f.a.ID, []int64{staff}, june1, june1)
		storetest.Must(t, err)
		if len(stored) != 1 || len(stored[0].Breaks) != 1 || !stored[0].Breaks[0].Reported || worktime.WorkedMinutes(stored[0]) != 465 {
			t.Fatalf("stored: %+v", stored)
		}
		// The colleague took a break themselves, and ends on their own.
		f.now = time.Date(2026, time.June, 2, 8, 30, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 2, 12, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Break(ctx, f.a.ID, f.who["colleague"], true, false)
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 2, 12, 45, 0, 0, calendar.Tokyo)
		_, err = f.svc.Break(ctx, f.a.ID, f.who["colleague"], false, false)
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 2, 17, 30, 0, 0, calendar.Tokyo)
		_, err = f.svc.End(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{BreakMinutes: new(60)})
		refused(err, "worktime.break_proxy_only")
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], colleague, worktime.Report{At: "17:15", BreakMinutes: new(60)})
		refused(err, "worktime.breaks_recorded")
		// A short morning told by phone: the break before its end.
		f.now = time.Date(2026, time.June, 3, 11, 30, 0, 0, calendar.Tokyo)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "08:30"})
		storetest.Must(t, err)
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "10:30", BreakMinutes: new(120)})
		refused(err, "worktime.break_too_long")
		out, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{At: "11:00", BreakMinutes: new(15)})
		storetest.Must(t, err)
		if b := out.Day.Breaks; len(b) != 1 || b[0].End.In(calendar.Tokyo).Format("15:04") != "11:00" || b[0].Start.In(calendar.Tokyo).Format("15:04") != "10:45" {
			t.Fatalf("a morning's reported break: %+v", b)
		}
	})
}

// refusedAt fails unless err is a refusal of the one field with key.
func refusedAt(t *testing.T, err error, field, key string) {
	t.Helper()
	if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != field || e.Fields[0].Key != key {
		t.Fatalf("want %s on %s, got %v", key, field, err)
	}
}

// TestBreakUnderAMinute: a break ended within the minute it began is taken
// back (not kept as a 0-minute 「18:10〜18:10」); a longer one is kept.
func TestBreakUnderAMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.now = time.Date(2026, time.June, 1, 9, 0, 0, 0, calendar.Tokyo)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		for _, c := range []struct {
			length    time.Duration
			discarded bool
			breaks    int
		}{{40 * time.Second, true, 0}, {61 * time.Second, false, 1}} {
			f.now = f.now.Add(time.Hour)
			_, err := f.svc.Break(ctx, f.a.ID, f.who["staff"], true, false)
			storetest.Must(t, err)
			f.now = f.now.Add(c.length)
			out, err := f.svc.Break(ctx, f.a.ID, f.who["staff"], false, false)
			storetest.Must(t, err)
			if out.Discarded != c.discarded || len(out.Day.Breaks) != c.breaks {
				t.Errorf("a break of %v: discarded %v, breaks %+v", c.length, out.Discarded, out.Day.Breaks)
			}
		}
	})
}
