package apply_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDailyJobTellsEachReportOnce: the daily job tells the applicant on
// the report's last day, then the applicant and the approver once it is
// late — also after days the job did not run — and never twice.
func TestDailyJobTellsEachReportOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 0}
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		// Reminders to approvers are another story: off.
		set, _ := f.svc.Settings(ctx, f.a.ID)
		set.ReminderHours = 0
		storetest.Must(t, f.svc.SaveSettings(ctx, f.a.ID, f.who["jinji"], set))
		var ids []int64
		for _, d := range []calendar.Date{day(time.June, 4), day(time.June, 5)} {
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			storetest.Must(t, err)
			_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
			storetest.Must(t, err)
			ids = append(ids, res.Application.ID)
		}
		count := func(kind string, staffID int64) int {
			t.Helper()
			var n int
			storetest.Must(t, db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ? AND kind = ? AND staff_id = ?`),
				f.a.ID, kind, staffID).Scan(&n))
			return n
		}
		staff, kacho := f.people["staff"].ID, f.people["kacho"].ID
		steps := []struct {
			name                      string
			at                        calendar.Date
			sent                      int
			due, lateStaff, lateKacho int
		}{
			{"the first report's day: due today", day(time.June, 4), 1, 1, 0, 0},
			// The job does not run on June 5 (the second report's last
			// day); on June 8 both reports are late, each told once.
			{"after a missed run: both late", day(time.June, 8), 4, 1, 2, 2},
			{"the next day: nothing new", day(time.June, 9), 0, 1, 2, 2},
			{"a week on: nothing new", day(time.June, 16), 0, 1, 2, 2},
		}
		for _, s := range steps {
			f.now = time.Date(s.at.Year, s.at.Month, s.at.Day, 7, 0, 0, 0, calendar.Tokyo)
			res, err := f.svc.RunDaily(ctx, "n1")
			storetest.Must(t, err)
			if !res.Ran || res.Sent != s.sent {
				t.Errorf("%s: ran %v, sent %d, want %d", s.name, res.Ran, res.Sent, s.sent)
			}
			if d, ls, lk := count("report_due", staff), count("report_overdue", staff), count("report_overdue", kacho); d != s.due || ls != s.lateStaff || lk != s.lateKacho {
				t.Errorf("%s: due %d, late to staff %d, late to approver %d", s.name, d, ls, lk)
			}
		}
		// The person is told of their own late report as theirs; the
		// approver, by the person's name.
		for who, want := range map[int64]string{staff: "あなたの", kacho: f.people["staff"].Name + "さんの"} {
			ns, err := db.FindNotifications(ctx, f.a.ID, who, notify.Filter{}, 50, 0)
			storetest.Must(t, err)
			i := slices.IndexFunc(ns, func(n notify.Notification) bool { return n.Kind == notify.ReportOverdue })
			if i < 0 || !strings.HasPrefix(ns[i].Message("ja"), want) || strings.Contains(ns[i].Message("en"), "no value") {
				t.Errorf("the overdue notice to %d does not begin %q", who, want)
			} else if who == staff && !strings.HasPrefix(ns[i].Message("en"), "Your telework report") {
				t.Errorf("the person's own notice in English: %s", ns[i].Message("en"))
			}
		}
		// A report filed late is not told again, and the overdue lists drop it.
		_, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], ids[0], apply.ReportInput{ActualStart: "08:30", ActualEnd: "17:15",
			BreakMinutes: new(60), Work: "資料作成"})
		storetest.Must(t, err)
		late, err := f.svc.Overdue(ctx, f.a.ID, f.who["staff"], false, apply.Filter{})
		storetest.Must(t, err)
		if len(late) != 1 || late[0].ID != ids[1] {
			t.Errorf("overdue after one report: %d", len(late))
		}
	})
}
