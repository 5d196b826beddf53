package apply

import (
	"testing"
	"time"

	"telework/internal/calendar"
)

// TestDayOf: a finish named no day concerns today — or, before 5:00, last
// night's day still under way (work past midnight); a start is today's.
func TestDayOf(t *testing.T) {
	y, d := calendar.Date{Year: 2026, Month: 12, Day: 1}, calendar.Date{Year: 2026, Month: 12, Day: 2}
	at := func(s string) time.Time {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", s, calendar.Tokyo)
		return tm
	}
	started := &Application{Days: []Day{{Date: y, Status: Started}, {Date: d, Status: Approved}}}
	finished := &Application{Days: []Day{{Date: y, Status: Finished}, {Date: d, Status: Approved}}}
	for _, c := range []struct {
		name string
		a    *Application
		act  Action
		at   string
		want calendar.Date
	}{
		{"finish at 1:30, last night's day under way", started, ActFinish, "2026-12-02 01:30", y},
		{"finish at 5:00", started, ActFinish, "2026-12-02 05:00", d},
		{"finish at 1:30, last night's day finished", finished, ActFinish, "2026-12-02 01:30", d},
		{"start at 1:30", started, ActStart, "2026-12-02 01:30", d},
		{"finish at 1:30, today's day started", &Application{Days: []Day{{Date: y, Status: Started}, {Date: d, Status: Started}}}, ActFinish, "2026-12-02 01:30", d},
	} {
		if got := DayOf(c.a, c.act, at(c.at)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
