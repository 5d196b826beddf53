package apply_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestReportRecordsPlannedHours: the 実施報告 carries the planned hours of
// the day — the application's times, else the part of the policy's
// standard day (08:30–17:15, 60 minutes' break) its time unit covers — and,
// under a planned-vs-actual form, refuses a report without actual times
// (a verbal one recorded by the supervisor needs none).
func TestReportRecordsPlannedHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 3}
		// 時差勤務 allowed: the staggered day's 9:30–18:15 is its hours, not
		// an hour of overtime past 17:15.
		p.Hours.StaggeredWork = true
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		cases := []struct {
			name             string
			date             calendar.Date
			unit             policy.TimeUnit
			start, end       string
			planStart, plEnd string
			planMinutes      int
		}{
			{"full day (default)", day(time.June, 4), "", "", "", "08:30", "17:15", 465},
			{"morning", day(time.June, 5), policy.AM, "", "", "08:30", "12:00", 210},
			{"afternoon", day(time.June, 8), policy.PM, "", "", "12:00", "17:15", 255},
			{"hourly", day(time.June, 9), policy.Hourly, "13:00", "16:00", "13:00", "16:00", 180},
			{"full day staggered", day(time.June, 10), policy.FullDay, "09:30", "18:15", "09:30", "18:15", 465},
			{"afternoon with its times", day(time.June, 3), policy.PM, "13:00", "17:15", "13:00", "17:15", 255},
		}
		ids := map[string]int64{}
		for _, c := range cases {
			req := oneDay(c.date)
			req.TimeUnit, req.Start, req.End = c.unit, c.start, c.end
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
			if err != nil {
				t.Fatalf("%s: create: %v", c.name, err)
			}
			_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
			storetest.Must(t, err)
			ids[c.name] = res.Application.ID
		}
		f.now = time.Date(2026, time.June, 11, 9, 0, 0, 0, calendar.Tokyo)

		// No actual times under a planned-vs-actual form: 422 naming both.
		_, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], ids["full day (default)"], apply.ReportInput{Work: "資料作成"})
		mustCode(t, err, apperr.Invalid)
		if e := apperr.As(err); e == nil || len(e.Fields) != 2 || e.Fields[0].Field != "actual_start" ||
			e.Fields[1].Field != "actual_end" || e.Fields[0].Key != "apply.report_hours_required" {
			t.Fatalf("missing hours: %+v", e)
		}
		_, err = f.svc.Report(ctx, f.a.ID, f.who["staff"], ids["full day (default)"], apply.ReportInput{ActualStart: "08:30", Work: "資料作成"})
		if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "actual_end" {
			t.Fatalf("missing end: %v", err)
		}

		for _, c := range cases {
			a, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], ids[c.name], apply.ReportInput{ActualStart: "08:30",
				ActualEnd: "17:15", BreakMinutes: new(60), Work: "資料作成"})
			if err != nil {
				t.Fatalf("%s: report: %v", c.name, err)
			}
			rep := a.Days[0].Report
			if rep.PlannedStart != c.planStart || rep.PlannedEnd != c.plEnd || rep.PlannedMinutes != c.planMinutes ||
				rep.ActualMinutes != 465 {
				t.Errorf("%s: planned %s–%s %d min, actual %d min", c.name, rep.PlannedStart, rep.PlannedEnd,
					rep.PlannedMinutes, rep.ActualMinutes)
			}
		}

		// A verbal report the supervisor records stays without hours.
		verbal := f.approvedDay(t, "colleague", day(time.June, 15))
		f.now = time.Date(2026, time.June, 16, 9, 0, 0, 0, calendar.Tokyo)
		a, err := f.svc.Report(ctx, f.a.ID, f.who["kacho"], verbal, apply.ReportInput{Verbal: true, Work: "口頭で報告を受けた"})
		storetest.Must(t, err)
		if rep := a.Days[0].Report; !rep.Verbal || rep.PlannedMinutes != 465 || rep.ActualMinutes != 0 {
			t.Fatalf("verbal: %+v", rep)
		}

		// A break left blank is the planned one (the standard 60 minutes of
		// a full day), as the form's hint says; 0 stated is none.
		// A planned break as long as the time worked was not taken (a
		// review saw 30 minutes at work reported as 0 minutes' work).
		blank, none := f.approvedDay(t, "staff", day(time.June, 22)), f.approvedDay(t, "staff", day(time.June, 23))
		short, long := f.approvedDay(t, "staff", day(time.June, 19)), f.approvedDay(t, "staff", day(time.June, 18))
		f.now = time.Date(2026, time.June, 24, 9, 0, 0, 0, calendar.Tokyo)
		for _, c := range []struct {
			id              int64
			end             string
			brk             *int
			wantBreak, want int
		}{{blank, "17:15", nil, 60, 462}, {none, "17:15", new(0), 0, 522}, {short, "09:03", nil, 0, 30}} {
			a, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], c.id, apply.ReportInput{ActualStart: "08:33", ActualEnd: c.end,
				BreakMinutes: c.brk, Work: "資料作成"})
			storetest.Must(t, err)
			if rep := a.Days[0].Report; rep.BreakMinutes != c.wantBreak || rep.ActualMinutes != c.want {
				t.Errorf("break %v: recorded %d min, actual %d min; want %d, %d", c.brk, rep.BreakMinutes, rep.ActualMinutes,
					c.wantBreak, c.want)
			}
		}
		// A break stated as long as the time from start to end: refused
		// naming the field, nothing written.
		for _, brk := range []int{30, 240} {
			_, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], long, apply.ReportInput{ActualStart: "08:30", ActualEnd: "09:00",
				BreakMinutes: new(brk), Work: "資料作成"})
			if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "break_minutes" ||
				e.Fields[0].Key != "apply.break_exceeds_span" {
				t.Errorf("break %d of 30 minutes: %v", brk, err)
			}
		}
	})
}

// TestReportRefusals: a report (or its confirmation) naming a day the
// application does not hold is refused naming it, with nothing written; a
// report without an end time — a verbal one, or one under a form without
// hours — is not taken on the day before the planned end, unless the day's
// end was reported (all three found by a review); a verbal report shows as
// such in the audit log and the history.
func TestReportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.approvedDay(t, "staff", day(time.June, 4))
		f.now = time.Date(2026, time.June, 4, 8, 0, 0, 0, calendar.Tokyo)
		fieldIs := func(name string, err error, field, key string) {
			t.Helper()
			if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != field || e.Fields[0].Key != key {
				t.Fatalf("%s: %v, want %s on %s", name, err, key, field)
			}
		}
		// The day before, a report naming no day is told the day has not
		// come (not that the approved application does not allow it).
		f.now = time.Date(2026, time.June, 3, 18, 0, 0, 0, calendar.Tokyo)
		_, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{ActualStart: "08:30", ActualEnd: "17:15", Work: "x"})
		fieldIs("a report the day before", err, "dates", "apply.report_future")
		f.now = time.Date(2026, time.June, 4, 8, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Report(ctx, f.a.ID, f.who["kacho"], id, apply.ReportInput{Verbal: true, Work: "電話で聞いた"})
		fieldIs("a verbal report at 08:00 of the day", err, "days", "apply.report_not_done")
		_, err = f.svc.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{Work: "終わった"})
		fieldIs("a report without times at 08:00 of the day", err, "days", "apply.report_not_done")
		f.now = time.Date(2026, time.June, 4, 18, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.Report(ctx, f.a.ID, f.who["kacho"], id, apply.ReportInput{Verbal: true, Work: "電話で聞いた",
			Dates: []calendar.Date{day(time.June, 4), day(time.June, 3)}})
		fieldIs("a day not in the application", err, "days", "apply.date_not_in")
		a, err := f.svc.Report(ctx, f.a.ID, f.who["kacho"], id, apply.ReportInput{Verbal: true, Work: "電話で聞いた"})
		storetest.Must(t, err)
		if a.Status != apply.Reported {
			t.Fatalf("after the planned end: %s", a.Status)
		}
		_, err = f.svc.Confirm(ctx, f.a.ID, f.who["kacho"], id, apply.Act{Dates: []calendar.Date{day(time.June, 4), day(time.June, 5)}})
		fieldIs("confirming a day not in the application", err, "days", "apply.date_not_in")
		// Having approved it gives no lasting right: the 課長 no longer a
		// supervisor (a review) neither confirms nor reads it.
		demoted := *f.who["kacho"]
		demoted.Roles = auth.EffectiveRoles(nil, true, false)
		if _, err := f.svc.Confirm(ctx, f.a.ID, &demoted, id, apply.Act{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a former supervisor confirmed: %v", err)
		}
		if got := f.auditActions(t, "application.report"); len(got) != 1 || !strings.Contains(string(got[0].After), "verbal_reports") {
			t.Errorf("the verbal report's audit entry: %+v", got)
		}
		det, err := f.svc.Get(ctx, f.a.ID, f.who["kacho"], id)
		storetest.Must(t, err)
		last := det.Decisions[len(det.Decisions)-1]
		if !last.VerbalReport(det.StaffID) || det.Decisions[0].VerbalReport(det.StaffID) {
			t.Errorf("the history does not tell the verbal report: %+v", det.Decisions)
		}
	})
}

// TestReportDueFollowsThePolicy: days approved under a policy without a
// report deadline take the deadline of a version saved later for them (a
// review found them never overdue), once, audited; a day already reported
// keeps its own.
func TestReportDueFollowsThePolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := policy.NewService(db, func() time.Time { return f.now })
		ps.Changed.Set(func(ctx context.Context, tenantID int64) {
			_, err := f.svc.RecomputeReportDue(ctx, tenantID)
			storetest.Must(t, err)
		})
		id := f.approvedDay(t, "staff", day(time.June, 4))
		due := func() calendar.Date {
			a, err := db.FindApplication(ctx, f.a.ID, id)
			storetest.Must(t, err)
			return a.Days[0].ReportDue
		}
		before := due()
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 1}
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		if got := due(); got != day(time.June, 5) {
			t.Fatalf("deadline %s after the new rule (was %s), want 2026-06-05", got, before)
		}
		if n := len(f.auditActions(t, "application.report_due")); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		if n, err := f.svc.RecomputeReportDue(ctx, f.a.ID); err != nil || n != 0 {
			t.Errorf("a second run moved %d: %v", n, err)
		}
	})
}

// TestCanEditAndDelete: the actions a reader may take name editing (a
// draft or a returned application, the applicant only) and deleting (a
// draft), as PUT and DELETE allow them.
func TestCanEditAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		can := func(key string, id int64) []apply.Action {
			t.Helper()
			d, err := f.svc.Get(ctx, f.a.ID, f.who[key], id)
			storetest.Must(t, err)
			return d.Can
		}
		draft := oneDay(day(time.June, 10))
		draft.Submit = false
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], draft)
		storetest.Must(t, err)
		if c := can("staff", res.Application.ID); !slices.Contains(c, apply.ActEdit) || !slices.Contains(c, apply.ActDelete) {
			t.Errorf("a draft: %v", c)
		}
		res, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 11)))
		storetest.Must(t, err)
		id := res.Application.ID
		if c := can("staff", id); slices.Contains(c, apply.ActEdit) || slices.Contains(c, apply.ActDelete) {
			t.Errorf("a submitted application: %v", c)
		}
		_, err = f.svc.Return(ctx, f.a.ID, f.who["kacho"], id, apply.Act{Comment: "日付を確認してください"})
		storetest.Must(t, err)
		if c := can("staff", id); !slices.Contains(c, apply.ActEdit) || slices.Contains(c, apply.ActDelete) {
			t.Errorf("a returned application: %v", c)
		}
		if c := can("kacho", id); slices.Contains(c, apply.ActEdit) {
			t.Errorf("the approver may edit: %v", c)
		}
	})
}
