package worktime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

func TestExpectedStart(t *testing.T) {
	std := policy.Hours{Start: "08:30", End: "17:15"}
	flexCore := policy.Hours{Start: "08:30", End: "17:15", Flex: true, CoreStart: "10:00", CoreEnd: "15:00"}
	staggered := policy.Hours{Start: "08:30", End: "17:15", StaggeredWork: true}
	for _, c := range []struct {
		name  string
		h     policy.Hours
		unit  string
		start string
		want  int
		known bool
	}{
		{"standard day", std, "full_day", "", 8*60 + 30, true},
		{"morning", std, "am", "", 8*60 + 30, true},
		{"the application's own time", std, "hourly", "13:00", 13 * 60, true},
		{"a whole day with times given", staggered, "full_day", "10:30", 10*60 + 30, true},
		{"afternoon without times", std, "pm", "", 0, false},
		{"flextime: the core time", flexCore, "full_day", "", 10 * 60, true},
		{"時差勤務 without a core time", staggered, "full_day", "", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := worktime.ExpectedStart(policy.Policy{Hours: c.h}, worktime.MissingStart{TimeUnit: c.unit, StartHM: c.start})
			if ok != c.known || (ok && got != c.want) {
				t.Fatalf("ExpectedStart = %d, %v; want %d, %v", got, ok, c.want, c.known)
			}
		})
	}
}

// TestSweepTellsOfMissingStart: an approved telework day without a start
// report is told to the person and the heads of their unit once, an hour
// after the expected start (08:30 under 松本市's hours), whichever node
// runs; a person who started, and a person without an application, are
// not told.
func TestSweepTellsOfMissingStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		day := calendar.Date{Year: 2026, Month: 6, Day: 4}
		for _, who := range []string{"staff", "colleague"} {
			f.approved(t, who, apply.Request{Dates: []calendar.Date{day}, Mode: policy.Home, Plan: "資料作成"})
		}
		f.now = time.Date(2026, time.June, 4, 8, 40, 0, 0, calendar.Tokyo)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		for i, step := range []struct {
			hh, mm int
			told   int
		}{{9, 29, 0}, {9, 31, 1}, {10, 40, 0}} {
			f.now = time.Date(2026, time.June, 4, step.hh, step.mm, 0, 0, calendar.Tokyo)
			n, err := f.svc.SweepStartMissing(ctx, f.a.ID)
			storetest.Must(t, err)
			if n != step.told {
				t.Fatalf("run %d at %02d:%02d told %d, want %d", i, step.hh, step.mm, n, step.told)
			}
		}
		for who, kind := range map[string]string{"staff": string(worktime.NotifyWarningSelf), "kakaricho": string(worktime.NotifyWarning)} {
			var got []string
			for _, n := range f.inbox(t, who) {
				if m := n.Message("ja"); string(n.Kind) == kind && strings.Contains(m, "始業報告なし") {
					got = append(got, m)
				}
			}
			if len(got) != 1 || !strings.Contains(got[0], "08:30の始業予定から1時間を過ぎても始業報告がありません") {
				t.Errorf("%s: %q", who, got)
			}
		}
		for _, n := range f.inbox(t, "colleague") {
			if strings.Contains(n.Message("ja"), "始業報告なし") {
				t.Errorf("a person who started was told: %s", n.Message("ja"))
			}
		}
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.no_clock_in", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 || !strings.Contains(string(es[0].After), `"expected_start":"08:30"`) {
			t.Fatalf("audit entries %v, want 1", es)
		}
		// The hourly run does both sweeps; the day stays told.
		res, err := f.svc.RunClockOutSweep(ctx, "node-b")
		storetest.Must(t, err)
		if !res.Ran || res.ToldStart != 0 {
			t.Fatalf("hourly run: %+v", res)
		}
		// A late start is still recorded, and moves the day on.
		_, err = f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
	})
}
