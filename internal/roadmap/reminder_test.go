package roadmap_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/roadmap"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestReminderDue: the reminder of a review date is due from
// ReminderLeadDays before it ("approaching", up to the date itself) and
// after it ("overdue"), each once; a date first reminded after it passed
// gets the overdue one only; no cadence, none.
func TestReminderDue(t *testing.T) {
	due := calendar.Date{Year: 2026, Month: 10, Day: 1}
	set := roadmap.ReviewSettings{IntervalMonths: 3, NextOn: due}
	sent := func(approaching, overdue bool) roadmap.ReviewSettings {
		s := set
		if approaching {
			s.RemindedFor = due
		}
		if overdue {
			s.OverdueRemindedFor = due
		}
		return s
	}
	for _, c := range []struct {
		name  string
		s     roadmap.ReviewSettings
		today calendar.Date
		want  string
	}{
		{"15 days before", set, due.AddDays(-15), ""},
		{"14 days before", set, due.AddDays(-roadmap.ReminderLeadDays), "approaching"},
		{"13 days before, reminded", sent(true, false), due.AddDays(-13), ""},
		{"on the date, not reminded", set, due, "approaching"},
		{"on the date, reminded", sent(true, false), due, ""},
		{"the day after", sent(true, false), due.AddDays(1), "overdue"},
		{"two months after, never reminded", set, due.AddDays(61), "overdue"},
		{"two months after, both sent", sent(true, true), due.AddDays(61), ""},
		{"no cadence", roadmap.ReviewSettings{NextOn: due}, due, ""},
	} {
		if got := c.s.ReminderDue(c.today); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestReviewRemindersBeforeAndAfter (issue 16 review): the reminder said
// 「…の期日が近づいています(2026年10月1日)」 two months after the date, as
// it was sent only once the date had come. On both engines: 14 days
// before, the approaching reminder; after the date, the overdue one; each
// once, whatever the days the job runs on.
func TestReviewRemindersBeforeAndAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _, _ := storetest.TrialTenants(t, db)
		due := calendar.Date{Year: 2026, Month: 10, Day: 1}
		day := due.AddDays(-30)
		clock := func() time.Time { return time.Date(day.Year, day.Month, day.Day, 1, 0, 0, 0, time.UTC) }
		svc := roadmap.NewService(db, clock)
		var got []string
		svc.SetReviewNotifier(func(_ context.Context, _ roadmap.Tx, tenantID int64, d calendar.Date, overdue bool) error {
			if tenantID == a.ID {
				n := notify.New(1, notify.ReviewReminder, 0, map[string]any{"Due": d.String(), "Overdue": overdue})
				got = append(got, day.String()+" "+n.Message("ja"))
			}
			return nil
		})
		storetest.Must(t, svc.SetReviewCadence(ctx, a.ID, hr, 3, due))
		for ; !due.AddDays(40).Before(day); day = day.AddDays(1) {
			if _, err := svc.RunReviewReminders(ctx, "n1"); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"2026-09-17 テレワーク導入のふり返り(PDCA)の期日が近づいています(2026-10-01)。",
			"2026-10-02 テレワーク導入のふり返り(PDCA)の期日を過ぎています(2026-10-01)。"}
		if len(got) != 2 || got[0] != want[0] || !strings.HasPrefix(got[1], want[1]) {
			t.Fatalf("reminders:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if en := (notify.New(1, notify.ReviewReminder, 0, map[string]any{"Due": "2026-10-01", "Overdue": true})).Message("en"); !strings.Contains(en, "overdue") {
			t.Fatalf("English overdue wording: %q", en)
		}
	})
}

// TestStepDoneNotInFuture (issue 16 review): a step's done_on could be in
// the future (2099-01-01 was saved); it is refused on done_on as a review
// held in the future is.
func TestStepDoneNotInFuture(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 3}
	for _, c := range []struct {
		done calendar.Date
		ok   bool
	}{{today, true}, {today.AddDays(-30), true}, {today.AddDays(1), false}, {calendar.Date{Year: 2099, Month: 1, Day: 1}, false}} {
		st := roadmap.Step{N: 3, Status: roadmap.Done, DoneOn: c.done}
		err := st.Validate(today)
		if c.ok != (err == nil) {
			t.Errorf("done on %s: %v", c.done, err)
		}
		if !c.ok {
			if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "done_on" ||
				!strings.Contains(i18n.FieldMessages("ja", err)["done_on"], "「完了日」に未来の日付は指定できません") {
				t.Errorf("done on %s: %v", c.done, err)
			}
		}
	}
}
