package worktime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/backup"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// at is 2026-06-01 (the fixture's Monday) at hh:mm in Japan.
func at(hh, mm int) time.Time { return time.Date(2026, time.June, 1, hh, mm, 0, 0, calendar.Tokyo) }

func (f *fixture) inbox(t *testing.T, who string) []notify.Notification {
	t.Helper()
	ns, err := f.notes.List(context.Background(), f.a.ID, f.who[who], false, 50, 0)
	storetest.Must(t, err)
	return ns
}

func kinds(ns []notify.Notification) []notify.Kind {
	var out []notify.Kind
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

// TestWarningNotesNameTheRules: the supervisor's note and the person's
// (when someone else entered the report) name each rule with its numbers,
// in the recipient's language, the same texts as the answer's warnings.
func TestWarningNotesNameTheRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		staff := f.people["staff"].ID
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		f.now = at(22, 30)
		out, err := f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{})
		storetest.Must(t, err)
		if got := strings.Join(rules(out.Warnings), ","); got != "overtime,late_night,long_hours,break_short" {
			t.Fatalf("warnings %s", got)
		}
		for _, tc := range []struct {
			who  string
			kind notify.Kind
			ja   []string
		}{
			{"kakaricho", worktime.NotifyWarning, []string{"staff 太郎さんの勤務記録(2026-06-01)に確認が必要な点が4件あります。"}},
			{"staff", worktime.NotifyWarningSelf, []string{"あなたの勤務記録(2026-06-01)に確認が必要な点が4件あります。"}},
		} {
			ns := f.inbox(t, tc.who)
			if len(ns) != 1 || ns[0].Kind != tc.kind {
				t.Fatalf("%s: notifications %v", tc.who, kinds(ns))
			}
			ja, en := ns[0].Message("ja"), ns[0].Message("en")
			for _, w := range out.Warnings {
				if !strings.Contains(ja, w.Message("ja")) || !strings.Contains(en, w.Message("en")) {
					t.Errorf("%s: %q / %q lacks %q", tc.who, ja, en, w.Message("ja"))
				}
			}
			for _, s := range append(tc.ja, "休憩不足(労働基準法第34条): 勤務時間13時間30分に対して休憩が0分です", "必要: 60分", "長時間勤務: 勤務時間が13時間30分", "30分の深夜勤務があります", "所定の終業17:15より315分超過") {
				if !strings.Contains(ja, s) {
					t.Errorf("%s: %q lacks %q", tc.who, ja, s)
				}
			}
		}
		// The person's own report with a warning: the answer tells them,
		// the supervisor gets the note, no note to the person.
		_, err = f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{Mode: policy.Home})
		storetest.Must(t, err)
		if ns := f.inbox(t, "colleague"); len(ns) != 0 {
			t.Errorf("own start: notes to the person %v", kinds(ns))
		}
		if ns := f.inbox(t, "kakaricho"); len(ns) != 2 || !strings.Contains(ns[0].Message("ja"), "申請なしの勤務: 2026-06-01は") {
			t.Errorf("supervisor notes %v", kinds(ns))
		}
	})
}

// TestStartWithoutModeOrApplication: the one-tap start (mode "": 申請のとおり)
// on a day without an application is flagged as any telework start; a
// start declared as office work is not.
func TestStartWithoutModeOrApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, tc := range []struct {
			who  string
			mode policy.Mode
			want string
		}{
			{"staff", "", worktime.RuleNoApplication},
			{"colleague", worktime.Office, ""},
		} {
			out, err := f.svc.Start(ctx, f.a.ID, f.who[tc.who], 0, worktime.Report{Mode: tc.mode, Plan: "在宅で資料作成"})
			storetest.Must(t, err)
			if got := strings.Join(rules(out.Warnings), ","); got != tc.want {
				t.Errorf("%s mode %q: warnings %q, want %q", tc.who, tc.mode, got, tc.want)
			}
		}
		if ns := f.inbox(t, "kakaricho"); len(ns) != 1 {
			t.Errorf("supervisor notes %v, want the one for the start without mode", kinds(ns))
		}
	})
}

// TestEndTakesModeAndPlace: the end's mode and place correct the day's,
// audited, and the checks read the new mode.
func TestEndTakesModeAndPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office, Place: "本庁舎"})
		storetest.Must(t, err)
		f.now = at(12, 0)
		out, err := f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: policy.Home, Place: "自宅", Result: "済"})
		storetest.Must(t, err)
		if out.Day.Mode != policy.Home || out.Day.Place != "自宅" || out.Day.Result != "済" {
			t.Fatalf("day %+v", out.Day)
		}
		if got := strings.Join(rules(out.Warnings), ","); got != worktime.RuleNoApplication {
			t.Errorf("warnings %q", got)
		}
		days, err := f.svc.Days(ctx, f.a.ID, f.who["staff"], 0, calendar.DateOf(f.now), calendar.DateOf(f.now))
		storetest.Must(t, err)
		if len(days) != 1 || days[0].Day.Mode != policy.Home || days[0].Day.Place != "自宅" {
			t.Fatalf("stored day %+v", days)
		}
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.end", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 || !strings.Contains(string(es[0].Before), `"mode":"office"`) || !strings.Contains(string(es[0].After), `"mode":"home"`) {
			t.Fatalf("audit %+v", es)
		}
		_, err = f.svc.End(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{Mode: "moon"})
		mustCode(t, err, apperr.Invalid)
	})
}

// TestBreakAnswerCarriesTheWarnings: a break's answer shows the warnings
// the list shows for the day.
func TestBreakAnswerCarriesTheWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: policy.Home})
		storetest.Must(t, err)
		for i, start := range []bool{true, false} {
			f.now = at(12, i*45)
			out, err := f.svc.Break(ctx, f.a.ID, f.who["staff"], start, false)
			storetest.Must(t, err)
			days, err := f.svc.Days(ctx, f.a.ID, f.who["staff"], 0, calendar.DateOf(f.now), calendar.DateOf(f.now))
			storetest.Must(t, err)
			if got, want := strings.Join(rules(out.Warnings), ","), strings.Join(rules(days[0].Warnings), ","); got != want || got != worktime.RuleNoApplication {
				t.Errorf("break %v: answer %q, list %q", start, got, want)
			}
		}
	})
}

// TestStartAfterEndResumes: work after the end report is recorded: the
// gap becomes a break, the end is cleared until the next end, audited.
func TestStartAfterEndResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office, Plan: "午前"})
		storetest.Must(t, err)
		f.now = at(12, 0)
		_, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Result: "午前の分"})
		storetest.Must(t, err)
		f.now = at(13, 0)
		out, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Plan: "午後"})
		storetest.Must(t, err)
		d := out.Day
		if !d.End.IsZero() || !d.Start.Equal(at(9, 0)) || len(d.Breaks) != 1 || !d.Breaks[0].Start.Equal(at(12, 0)) ||
			!d.Breaks[0].End.Equal(at(13, 0)) || d.Breaks[0].Hourly || d.Plan != "午後" || d.Mode != worktime.Office || len(out.Warnings) != 0 {
			t.Fatalf("resumed day %+v %v", d, rules(out.Warnings))
		}
		_, err = f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		mustCode(t, err, apperr.Conflict)
		f.now = at(17, 0)
		out, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		if worktime.WorkedMinutes(out.Day) != 7*60 || out.Day.Result != "午前の分" || len(out.Warnings) != 0 {
			t.Fatalf("day %+v worked %d warnings %v", out.Day, worktime.WorkedMinutes(out.Day), rules(out.Warnings))
		}
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.resume", Limit: 10})
		storetest.Must(t, err)
		var before, after map[string]any
		if len(es) == 1 {
			_ = json.Unmarshal(es[0].Before, &before)
			_ = json.Unmarshal(es[0].After, &after)
		}
		// The day's end is cleared; the break from the end to the resumption
		// is recorded.
		if _, ended := after["end"]; len(es) != 1 || before["end"] != "12:00" || ended ||
			!strings.Contains(string(es[0].After), `"breaks":[{"end":"13:00","start":"12:00"}]`) {
			t.Fatalf("audit %s → %s", es[0].Before, es[0].After)
		}
	})
}

// TestSweepTellsOfMissingEnd: past the cut-off (17:15 + 2 h under 松本市's
// rules) a day without an end report is told to the person and the
// supervisor once, whatever the number of runs.
func TestSweepTellsOfMissingEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, who := range []string{"staff", "colleague"} {
			_, err := f.svc.Start(ctx, f.a.ID, f.who[who], 0, worktime.Report{Mode: worktime.Office})
			storetest.Must(t, err)
		}
		f.now = at(17, 0)
		_, err := f.svc.End(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = at(18, 50)
		res, err := f.svc.RunClockOutSweep(ctx, "node-a")
		storetest.Must(t, err)
		if !res.Ran || res.Told != 0 {
			t.Fatalf("before the cut-off: %+v", res)
		}
		for i, step := range []struct {
			at   time.Time
			node string
			ran  bool
			told int
		}{
			{at(19, 20), "node-a", true, 1},
			{at(19, 40), "node-b", false, 0}, // the hour is node-a's
			{at(20, 5), "node-b", true, 0},   // told already
			{at(21, 5). /* next day */ Add(24 * time.Hour), "node-a", true, 0},
		} {
			f.now = step.at
			res, err := f.svc.RunClockOutSweep(ctx, step.node)
			storetest.Must(t, err)
			if res.Ran != step.ran || res.Told != step.told {
				t.Fatalf("run %d: %+v", i, res)
			}
		}
		if n, err := f.svc.SweepClockOut(ctx, f.a.ID); err != nil || n != 0 {
			t.Fatalf("another sweep told %d (%v)", n, err)
		}
		for who, kind := range map[string]notify.Kind{"staff": worktime.NotifyWarningSelf, "kakaricho": worktime.NotifyWarning} {
			var got []string
			for _, n := range f.inbox(t, who) {
				if m := n.Message("ja"); n.Kind == kind && strings.Contains(m, "終業報告なし") {
					got = append(got, m)
				}
			}
			if len(got) != 1 || !strings.Contains(got[0], "終業報告なし: 19:15を過ぎても終業報告がありません") {
				t.Errorf("%s: %q", who, got)
			}
		}
		if ns := f.inbox(t, "colleague"); len(ns) != 0 {
			t.Errorf("an ended day was told: %v", kinds(ns))
		}
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.no_clock_out", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 {
			t.Fatalf("audit entries %d, want 1", len(es))
		}
	})
}

// TestStartAfterTheCutoffIsNoMissingEnd: a start at 21:00, past the
// day's cut-off (17:15 + 2 h under 松本市's rules), has missed no end
// report: neither its answer nor a notice says so, nor the sweep that
// evening; the next day's cut-off (19:15) is its own.
func TestStartAfterTheCutoffIsNoMissingEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.now = at(21, 0)
		out, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		if len(out.Warnings) != 0 {
			t.Fatalf("the start's warnings: %v", rules(out.Warnings))
		}
		told := func() int {
			n := 0
			for _, who := range []string{"staff", "kakaricho"} {
				for _, m := range f.inbox(t, who) {
					if strings.Contains(m.Message("ja"), "終業報告なし") {
						n++
					}
				}
			}
			return n
		}
		for i, step := range []struct {
			at    time.Time
			told  int // days the run told of
			notes int // notices of the missing end so far
		}{
			{at(22, 5), 0, 0},
			{at(18, 50).AddDate(0, 0, 1), 0, 0},
			{at(19, 20).AddDate(0, 0, 1), 1, 2},
		} {
			f.now = step.at
			res, err := f.svc.RunClockOutSweep(ctx, "node-a")
			storetest.Must(t, err)
			if !res.Ran || res.Told != step.told || told() != step.notes {
				t.Fatalf("run %d at %s: told %d, notices %d; want %d, %d", i, step.at.Format("01-02 15:04"), res.Told, told(), step.told, step.notes)
			}
		}
	})
}

// TestSweepToldSurvivesRestore: a day told of its missing end report stays
// told after a backup and a restore (job_runs, which backups leave out,
// no longer holds the claim): the next sweep on the restored database
// sends nothing and writes no second audit entry.
func TestSweepToldSurvivesRestore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		f.now = at(19, 20)
		res, err := f.svc.RunClockOutSweep(ctx, "node-a")
		storetest.Must(t, err)
		if res.Told != 1 {
			t.Fatalf("first sweep: %+v", res)
		}
		var buf bytes.Buffer
		_, err = backup.Create(ctx, db, &buf, backup.Options{Producer: "test"})
		storetest.Must(t, err)
		a, err := backup.Open(bytes.NewReader(buf.Bytes()))
		storetest.Must(t, err)
		storetest.Must(t, a.Verify(nil, true))
		dst := storetest.Open(t, db.Engine)
		dst.Now = db.Now
		storetest.Must(t, a.Restore(ctx, dst))

		f.now = at(20, 5) // the next hour: the restored instance runs the sweep
		res, err = worktime.NewService(dst, func() time.Time { return f.now }).RunClockOutSweep(ctx, "node-b")
		storetest.Must(t, err)
		if !res.Ran || res.Told != 0 {
			t.Fatalf("sweep after the restore: %+v, want nothing told again", res)
		}
		es, err := dst.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.no_clock_out", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 {
			t.Fatalf("audit entries after the restore %d, want 1", len(es))
		}
		var n int
		storetest.Must(t, dst.SQL.QueryRow(dst.Rebind(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ? AND kind = ?`),
			f.a.ID, string(worktime.NotifyWarningSelf)).Scan(&n))
		if n != 1 {
			t.Errorf("notices to the person after the restore: %d, want 1", n)
		}
	})
}

// TestReportsGoToTheSectionChannel: every start and end report writes its
// outbox row for the section's chat channel (notify.WorkReport) in its own
// transaction, marked when a supervisor entered it; the person's own list
// does not show them.
func TestReportsGoToTheSectionChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		f.now = at(17, 20)
		_, err = f.svc.End(ctx, f.a.ID, f.who["kakaricho"], f.people["staff"].ID, worktime.Report{})
		storetest.Must(t, err)
		// Work again at 19:30: the channel hears 19:30, not the morning's start.
		f.now = at(19, 30)
		_, err = f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		rows, err := db.SQL.QueryContext(ctx, db.Rebind(`SELECT kind, args FROM notifications WHERE tenant_id = ? AND staff_id = ? AND kind IN ('worktime_started', 'worktime_ended') ORDER BY id`),
			f.a.ID, f.people["staff"].ID)
		storetest.Must(t, err)
		var got []string
		for rows.Next() {
			var kind, args string
			storetest.Must(t, rows.Scan(&kind, &args))
			got = append(got, kind+" "+args)
		}
		rows.Close()
		if len(got) != 3 || !strings.HasPrefix(got[0], "worktime_started") || !strings.Contains(got[0], `"Proxy":false`) ||
			!strings.HasPrefix(got[1], "worktime_ended") || !strings.Contains(got[1], `"Proxy":true`) || !strings.Contains(got[1], "17:20") ||
			!strings.HasPrefix(got[2], "worktime_started") || !strings.Contains(got[2], "19:30") {
			t.Fatalf("section reports: %v", got)
		}
		for _, n := range f.inbox(t, "staff") {
			if n.Kind == notify.WorkStarted || n.Kind == notify.WorkEnded {
				t.Errorf("a report in the person's own list: %v", n.Kind)
			}
		}
	})
}
