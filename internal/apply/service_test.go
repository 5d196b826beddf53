package apply_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func mustCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func TestSubmitApproveRoutesToTheSectionHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		a := res.Application
		if a.Status != apply.Submitted || a.ApproverID != f.people["kacho"].ID || len(a.Days) != 1 || a.Days[0].Status != apply.Submitted {
			t.Fatalf("submitted: %+v", a)
		}
		// The 係長 is not the approver by default; a colleague sees nothing.
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], a.ID, apply.Act{})
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["colleague"], a.ID, apply.Act{})
		mustCode(t, err, apperr.NotFound)
		_, err = f.svc.Get(ctx, f.a.ID, f.who["colleague"], a.ID)
		mustCode(t, err, apperr.NotFound)
		// Another tenant's person cannot reach it either.
		_, err = f.svc.Get(ctx, f.b.ID, f.bPerson, a.ID)
		mustCode(t, err, apperr.NotFound)

		inbox, err := f.svc.Inbox(ctx, f.a.ID, f.who["kacho"], apply.Filter{})
		storetest.Must(t, err)
		if len(inbox) != 1 || inbox[0].ID != a.ID {
			t.Fatalf("inbox: %v", inbox)
		}
		n, _ := f.notes.Unread(ctx, f.a.ID, f.who["kacho"])
		if n != 1 {
			t.Errorf("approver unread = %d, want 1", n)
		}
		r, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], a.ID, apply.Act{Comment: "了解"})
		storetest.Must(t, err)
		if r.Application.Status != apply.Approved || r.Application.Days[0].Status != apply.Approved {
			t.Fatalf("approved: %+v", r.Application)
		}
		d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], a.ID)
		storetest.Must(t, err)
		if len(d.Decisions) != 2 || d.Decisions[1].Action != apply.ActApprove || d.Decisions[1].ByStaffID != f.people["kacho"].ID {
			t.Fatalf("decisions: %+v", d.Decisions)
		}
		ns, _ := f.notes.List(ctx, f.a.ID, f.who["staff"], false, 10, 0)
		if len(ns) != 1 || ns[0].Kind != notify.Approved {
			t.Fatalf("applicant notifications: %+v", ns)
		}
		if len(f.auditActions(t, "application.submit")) != 1 || len(f.auditActions(t, "application.approve")) != 1 {
			t.Error("audit entries missing")
		}
		// A second approval is a clear conflict.
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], a.ID, apply.Act{})
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "apply.state.approved" {
			t.Fatalf("second approval: %v", err)
		}
		cnt, err := db.VerifyAuditChain(ctx, f.a.ID)
		if err != nil || cnt == 0 {
			t.Fatal(cnt, err)
		}
	})
}

func TestTeamRoutingTwoStepsAndDelegation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		hr := f.who["jinji"]
		storetest.Must(t, f.svc.SaveSettings(ctx, f.a.ID, hr, apply.Settings{Approver: apply.ApproverTeam, ReminderHours: 24}))
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		if res.Application.ApproverID != f.people["kakaricho"].ID {
			t.Fatalf("team routing: approver %d", res.Application.ApproverID)
		}
		// The 係長 applies: the next head up, the 課長.
		res2, err := f.svc.Create(ctx, f.a.ID, f.who["kakaricho"], oneDay(day(time.June, 5)))
		storetest.Must(t, err)
		if res2.Application.ApproverID != f.people["kacho"].ID {
			t.Fatalf("a head's application: approver %d", res2.Application.ApproverID)
		}
		set, _ := f.svc.Settings(ctx, f.a.ID)
		set.TwoStepUnits = []int64{f.units["ka"].ID}
		storetest.Must(t, f.svc.SaveSettings(ctx, f.a.ID, hr, set))
		res3, err := f.svc.Create(ctx, f.a.ID, f.who["colleague"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		a := res3.Application
		if a.Steps != 2 || a.ApproverID != f.people["kakaricho"].ID {
			t.Fatalf("two steps: %+v", a)
		}
		r, err := f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], a.ID, apply.Act{})
		storetest.Must(t, err)
		if r.Application.Status != apply.Submitted || r.Application.ApproverID != f.people["kacho"].ID || r.Application.Step != 2 {
			t.Fatalf("after step 1: %+v", r.Application)
		}
		// The 課長 is away; the 課長補佐 decides in the 課長's name (代決).
		_, err = f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID,
			Kind: apply.DelegateAbsence, From: day(time.June, 1), To: day(time.June, 3)})
		storetest.Must(t, err)
		// hosa's own application, waiting for the 課長 like the others,
		// is not in hosa's inbox as the 課長's delegate.
		own, err := f.svc.Create(ctx, f.a.ID, f.who["hosa"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		if own.Application.ApproverID != f.people["kacho"].ID {
			t.Fatalf("hosa's application waits for %d, not the 課長", own.Application.ApproverID)
		}
		inbox, err := f.svc.Inbox(ctx, f.a.ID, f.who["hosa"], apply.Filter{})
		storetest.Must(t, err)
		if len(inbox) != 2 || slices.ContainsFunc(inbox, func(x *apply.Application) bool { return x.StaffID == f.people["hosa"].ID }) {
			t.Fatalf("delegate's inbox: %d", len(inbox))
		}
		r, err = f.svc.Approve(ctx, f.a.ID, f.who["hosa"], a.ID, apply.Act{})
		storetest.Must(t, err)
		if r.Application.Status != apply.Approved {
			t.Fatalf("final: %+v", r.Application)
		}
		d, _ := f.svc.Get(ctx, f.a.ID, f.who["colleague"], a.ID)
		last := d.Decisions[len(d.Decisions)-1]
		if !last.Proxy || last.OnBehalfOf != f.people["kacho"].ID || last.ByStaffID != f.people["hosa"].ID || len(last.Findings) == 0 && false {
			t.Fatalf("代決 not recorded: %+v", last)
		}
		// The absence delegate covers open work only: the decided
		// application and the person's history are not theirs to read.
		if _, err := f.svc.Get(ctx, f.a.ID, f.who["hosa"], a.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("absence delegate reading a decided application: %v", err)
		}
		if _, err := f.svc.List(ctx, f.a.ID, f.who["hosa"], apply.Filter{StaffIDs: []int64{f.people["colleague"].ID}}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("absence delegate listing the person's applications: %v", err)
		}
		ns, _ := f.notes.List(ctx, f.a.ID, f.who["hosa"], false, 10, 0)
		if !slices.ContainsFunc(ns, func(n notify.Notification) bool { return n.Kind == notify.DelegationStarted }) {
			t.Errorf("delegate not told: %+v", ns)
		}
		// After the absence, the delegate decides nothing.
		f.now = f.now.Add(3 * 24 * time.Hour)
		inbox, _ = f.svc.Inbox(ctx, f.a.ID, f.who["hosa"], apply.Filter{})
		if len(inbox) != 0 {
			t.Errorf("delegation outlived its end: %d", len(inbox))
		}
	})
}

func TestRefusalsWriteNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		before := f.countApplications(t)
		cases := []struct {
			name string
			req  apply.Request
			rule string
		}{
			{"past", oneDay(day(time.May, 29)), "date.past"},
			{"deadline", oneDay(day(time.June, 2)), "deadline.submission"},
			{"duplicate", oneDay(day(time.June, 4)), "caps.duplicate"},
			{"place", func() apply.Request {
				r := oneDay(day(time.June, 5))
				r.Place, r.PlaceKind, r.PlaceReason = policy.PlaceHomeEquivalent, "parents_home", "介護"
				return r
			}(), "place.home_equivalent_disabled"},
		}
		for _, c := range cases {
			_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], c.req)
			var ref *apply.Refused
			if !errors.As(err, &ref) {
				t.Fatalf("%s: want refused, got %v", c.name, err)
			}
			if !slices.ContainsFunc(ref.Findings, func(x policy.Finding) bool { return x.Rule == c.rule && x.Severity == policy.Error }) {
				t.Errorf("%s: no %s in %+v", c.name, c.rule, ref.Findings)
			}
			for _, x := range ref.Findings {
				if x.Severity == policy.Error && x.Message("ja") == "" {
					t.Errorf("%s: empty message", c.name)
				}
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("%s: code %s", c.name, apperr.CodeOf(err))
			}
		}
		// Out of range: too far ahead, a backwards range.
		_, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 1).AddDays(500)))
		mustCode(t, err, apperr.Invalid)
		_, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], apply.Request{From: day(time.June, 10), To: day(time.June, 8), Mode: policy.Home, Submit: true})
		mustCode(t, err, apperr.Invalid)
		if after := f.countApplications(t); after != before {
			t.Errorf("refusals wrote %d applications", after-before)
		}
	})
}

func TestRangeSkipsHolidaysAndCancelsOneDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// 7/13 (Mon) – 7/21 (Tue): 7/18–19 weekend, 7/20 海の日.
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], apply.Request{Recurrence: &apply.Recurrence{
			From: day(time.July, 13), To: day(time.July, 21), Weekdays: []time.Weekday{time.Monday, time.Tuesday}},
			Mode: policy.Home, Plan: "例規集の改正案の読み合わせ", Submit: true})
		storetest.Must(t, err)
		a := res.Application
		if got := a.Dates(); len(got) != 3 || len(res.Skipped) != 1 || res.Skipped[0].Date != day(time.July, 20) {
			t.Fatalf("days %v skipped %+v", got, res.Skipped)
		}
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], a.ID, apply.Act{})
		storetest.Must(t, err)
		f.now = f.now.Add(apply.JustDecided) // the applicant sees the approval, then cancels a day
		c, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{Dates: []calendar.Date{day(time.July, 14)}})
		storetest.Must(t, err)
		var states []apply.Status
		for _, d := range c.Days {
			states = append(states, d.Status)
		}
		if c.Status != apply.Approved || !slices.Equal(states, []apply.Status{apply.Approved, apply.Cancelled, apply.Approved}) {
			t.Fatalf("after cancelling one day: %s %v", c.Status, states)
		}
		// The day is free again.
		_, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.July, 14)))
		storetest.Must(t, err)
		c, err = f.svc.Cancel(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{From: day(time.July, 13)})
		storetest.Must(t, err)
		if c.Status != apply.Cancelled {
			t.Fatalf("all cancelled: %s", c.Status)
		}
		_, err = f.svc.Cancel(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{})
		mustCode(t, err, apperr.Conflict)
	})
}

func TestWithdrawReturnResubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		w, err := f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], res.Application.ID, apply.Act{})
		storetest.Must(t, err)
		if w.Status != apply.Withdrawn {
			t.Fatalf("withdrawn reads %s", w.Status)
		}
		res, err = f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		_, err = f.svc.Return(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
		mustCode(t, err, apperr.Invalid) // a return says why
		r, err := f.svc.Return(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{Comment: "業務内容を具体的に"})
		storetest.Must(t, err)
		if r.Application.Status != apply.Returned {
			t.Fatal(r.Application.Status)
		}
		req := oneDay(day(time.June, 5))
		req.Plan = "予算資料の作成(第3章まで)"
		u, err := f.svc.Update(ctx, f.a.ID, f.who["staff"], res.Application.ID, req, 0)
		storetest.Must(t, err)
		if u.Application.Status != apply.Submitted || u.Application.Days[0].Date != day(time.June, 5) {
			t.Fatalf("resubmitted: %+v", u.Application)
		}
		// Rejected.
		j, err := f.svc.Reject(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{Comment: "繁忙期のため"})
		storetest.Must(t, err)
		if j.Application.Status != apply.Rejected {
			t.Fatal(j.Application.Status)
		}
	})
}

func TestReportConfirmAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// A policy with a report due the same day (planned vs actual).
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.Report = policy.Report{Required: true, Form: "planned_actual", DueDays: 0}
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		req := oneDay(day(time.June, 4))
		req.TimeUnit, req.Start, req.End = policy.FullDay, "08:30", "17:15"
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		storetest.Must(t, err)
		id := res.Application.ID
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
		storetest.Must(t, err)
		// Not before the day (said as such: 422 naming the day).
		_, err = f.svc.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{Work: "資料作成"})
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Fields[0].Key != "apply.report_future" {
			t.Fatalf("a report before the day: %v", err)
		}
		f.now = time.Date(2026, time.June, 4, 8, 0, 0, 0, calendar.Tokyo)
		_, err = f.svc.StartDay(ctx, f.a.ID, f.who["staff"], id, day(time.June, 4), time.Time{})
		storetest.Must(t, err)
		// The working-time end marks the day inside its own transaction.
		storetest.Must(t, db.InTx(ctx, func(tx *store.Tx) error {
			return f.svc.MarkWorkIn(ctx, tx, f.a.ID, f.who["staff"], f.who["staff"].StaffID, id, calendar.DateOf(f.now.Add(9*time.Hour)), apply.ActFinish, f.now.Add(9*time.Hour))
		}))
		// Another person's account cannot mark it, and nothing is written.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return f.svc.MarkWorkIn(ctx, tx, f.a.ID, f.who["colleague"], f.who["colleague"].StaffID, id, calendar.DateOf(f.now.Add(9*time.Hour)), apply.ActFinish, f.now.Add(9*time.Hour))
		})
		mustCode(t, err, apperr.NotFound)
		f.now = time.Date(2026, time.June, 5, 9, 0, 0, 0, calendar.Tokyo)
		late, err := f.svc.Overdue(ctx, f.a.ID, f.who["staff"], false, apply.Filter{})
		storetest.Must(t, err)
		sup, err := f.svc.Overdue(ctx, f.a.ID, f.who["kacho"], true, apply.Filter{})
		storetest.Must(t, err)
		if len(late) != 1 || len(sup) != 1 {
			t.Fatalf("overdue: own %d, supervisor %d", len(late), len(sup))
		}
		a, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{ActualStart: "08:30", ActualEnd: "18:00",
			BreakMinutes: new(60), Work: "予算資料", Products: "資料案"})
		storetest.Must(t, err)
		rep := a.Days[0].Report
		if a.Status != apply.Reported || rep.PlannedMinutes != 465 || rep.ActualMinutes != 510 {
			t.Fatalf("report: %s %+v", a.Status, rep)
		}
		// The colleague cannot confirm; the 課長 confirms in bulk.
		_, err = f.svc.Confirm(ctx, f.a.ID, f.who["colleague"], id, apply.Act{})
		mustCode(t, err, apperr.NotFound)
		br, err := f.svc.Bulk(ctx, f.a.ID, f.who["kacho"], []int64{id}, apply.ActConfirm, apply.Act{})
		storetest.Must(t, err)
		if len(br.Done) != 1 || br.Done[0].Status != apply.Confirmed {
			t.Fatalf("bulk confirm: %+v", br)
		}
	})
}

func TestVerbalReportBySupervisor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.approvedDay(t, "staff", day(time.June, 4))
		f.now = time.Date(2026, time.June, 5, 9, 0, 0, 0, calendar.Tokyo)
		_, err := f.svc.Report(ctx, f.a.ID, f.who["staff"], id, apply.ReportInput{Verbal: true})
		mustCode(t, err, apperr.Forbidden) // only a supervisor records a verbal report
		a, err := f.svc.Report(ctx, f.a.ID, f.who["kacho"], id, apply.ReportInput{Verbal: true, Work: "口頭で報告を受けた"})
		storetest.Must(t, err)
		if !a.Days[0].Report.Verbal || a.Days[0].Report.RecordedBy != f.people["kacho"].ID {
			t.Fatalf("verbal: %+v", a.Days[0].Report)
		}
	})
}

// TestOneDecisionWins: two approvers (the approver and a standing proxy)
// approve while the applicant cancels, at once: exactly one wins, the
// others get a state conflict, and the audit log shows one decision.
func TestOneDecisionWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy})
		storetest.Must(t, err)
		for round := range 3 {
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay([]calendar.Date{day(time.June, 4), day(time.June, 5), day(time.June, 8)}[round]))
			storetest.Must(t, err)
			id, seen := res.Application.ID, apply.Act{Version: res.Application.Version}
			var wg sync.WaitGroup
			errs := make([]error, 3)
			start := make(chan struct{})
			run := func(i int, fn func() error) {
				wg.Add(1)
				go func() { defer wg.Done(); <-start; errs[i] = fn() }()
			}
			run(0, func() error { _, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, seen); return err })
			run(1, func() error { _, err := f.svc.Approve(ctx, f.a.ID, f.who["hosa"], id, seen); return err })
			run(2, func() error { _, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], id, seen); return err })
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case apperr.CodeOf(err) != apperr.Conflict:
					t.Fatalf("round %d: want a conflict, got %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
			}
			d, _ := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
			if len(d.Decisions) != 2 {
				t.Errorf("round %d: %d decisions", round, len(d.Decisions))
			}
		}
		n := len(f.auditActions(t, "application.approve")) + len(f.auditActions(t, "application.cancel"))
		if n != 3 {
			t.Errorf("audit shows %d decisions for 3 applications", n)
		}
	})
}

func TestAutoApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := policy.NewService(db, func() time.Time { return f.now })
		tp, _ := policy.TemplateByName("matsumoto")
		p := tp.Policy
		p.AutoApproval, p.TravelOrder = true, true
		storetest.Must(t, ps.Save(ctx, f.a.ID, hr, &policy.Version{Effective: day(time.June, 2), Policy: p}))
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		if !res.AutoApproved || res.Application.Status != apply.Approved || !res.Application.TravelOrder {
			t.Fatalf("auto: %+v", res.Application)
		}
	})
}

func TestNotificationsMarkRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for i := range 2 {
			_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4+i)))
			storetest.Must(t, err)
		}
		k := f.who["kacho"]
		ns, _ := f.notes.List(ctx, f.a.ID, k, false, 10, 0)
		if len(ns) != 2 || ns[0].Message("ja") == "" {
			t.Fatalf("%+v", ns)
		}
		// Another person's ids are left alone.
		n, _ := f.notes.MarkRead(ctx, f.a.ID, f.who["staff"], []int64{ns[0].ID})
		if n != 0 {
			t.Fatal("marked another person's notification")
		}
		n, _ = f.notes.MarkRead(ctx, f.a.ID, k, []int64{ns[0].ID})
		u, _ := f.notes.Unread(ctx, f.a.ID, k)
		if n != 1 || u != 1 {
			t.Fatalf("marked %d, unread %d", n, u)
		}
		// Reminders: a day later the daily job reminds the approver once.
		f.now = f.now.Add(25 * time.Hour)
		r, err := f.svc.RunDaily(ctx, "n1")
		storetest.Must(t, err)
		r2, _ := f.svc.RunDaily(ctx, "n2")
		if !r.Ran || r2.Ran || r.Sent != 1 {
			t.Fatalf("daily: %+v %+v", r, r2)
		}
	})
}

var _ = auth.Staff

func TestListByUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, k := range []string{"staff", "colleague"} {
			_, err := f.svc.Create(ctx, f.a.ID, f.who[k], oneDay(day(time.June, 4)))
			storetest.Must(t, err)
		}
		list, err := f.svc.List(ctx, f.a.ID, f.who["kacho"], apply.Filter{UnitIDs: []int64{f.units["ka"].ID}})
		storetest.Must(t, err)
		if len(list) != 2 {
			t.Fatalf("the 課長's section: %d", len(list))
		}
		_, err = f.svc.List(ctx, f.a.ID, f.who["kakaricho"], apply.Filter{UnitIDs: []int64{f.units["ka"].ID}})
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.List(ctx, f.a.ID, f.who["staff"], apply.Filter{UnitIDs: []int64{f.units["kakari"].ID}})
		mustCode(t, err, apperr.Forbidden)
		list, err = f.svc.List(ctx, f.a.ID, f.who["jinji"], apply.Filter{UnitIDs: []int64{f.units["bu"].ID}})
		storetest.Must(t, err)
		if len(list) != 2 {
			t.Fatalf("HR: %d", len(list))
		}
	})
}

func TestApproversListTheirPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		staffID := []int64{f.people["staff"].ID}
		// The 課長補佐 is not a supervisor: only as the 課長's proxy.
		_, err = f.svc.List(ctx, f.a.ID, f.who["hosa"], apply.Filter{StaffIDs: staffID})
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy})
		storetest.Must(t, err)
		list, err := f.svc.List(ctx, f.a.ID, f.who["hosa"], apply.Filter{StaffIDs: staffID})
		storetest.Must(t, err)
		if len(list) != 1 {
			t.Fatalf("proxy's list: %d", len(list))
		}
		_, err = f.svc.List(ctx, f.a.ID, f.who["zaisei"], apply.Filter{StaffIDs: staffID})
		mustCode(t, err, apperr.Forbidden)
	})
}

// TestDraftsAreTheAuthorsOwn: a draft is read by its author only — not by
// the section head, HR or the named 在席確認者, singly or in lists, by
// person or by unit — until it is submitted (both engines).
func TestDraftsAreTheAuthorsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		req := oneDay(day(time.June, 4))
		req.Submit = false
		req.PresenceCheckerID = f.people["kakaricho"].ID
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		storetest.Must(t, err)
		draft := res.Application
		sent, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 5)))
		storetest.Must(t, err)
		ids := func(list []*apply.Application) []int64 {
			var out []int64
			for _, a := range list {
				out = append(out, a.ID)
			}
			return out
		}
		mine, err := f.svc.List(ctx, f.a.ID, f.who["staff"], apply.Filter{})
		storetest.Must(t, err)
		if !slices.Contains(ids(mine), draft.ID) {
			t.Fatalf("the author's own list lacks the draft: %v", ids(mine))
		}
		_, err = f.svc.Get(ctx, f.a.ID, f.who["staff"], draft.ID)
		storetest.Must(t, err)
		for _, k := range []string{"kacho", "jinji", "colleague"} {
			_, err := f.svc.Get(ctx, f.a.ID, f.who[k], draft.ID)
			mustCode(t, err, apperr.NotFound)
			if _, err := f.svc.Get(ctx, f.a.ID, f.who[k], sent.Application.ID); k != "colleague" && err != nil {
				t.Errorf("%s: the submitted one: %v", k, err)
			}
		}
		for _, c := range []struct {
			who string
			f   apply.Filter
		}{
			{"kacho", apply.Filter{StaffIDs: []int64{f.people["staff"].ID}}},
			{"kacho", apply.Filter{UnitIDs: []int64{f.units["ka"].ID}}},
			{"jinji", apply.Filter{StaffIDs: []int64{f.people["staff"].ID}}},
			{"jinji", apply.Filter{UnitIDs: []int64{f.units["bu"].ID}}},
		} {
			list, err := f.svc.List(ctx, f.a.ID, f.who[c.who], c.f)
			storetest.Must(t, err)
			if got := ids(list); slices.Contains(got, draft.ID) || !slices.Contains(got, sent.Application.ID) {
				t.Errorf("%s %+v: %v, want %d without the draft %d", c.who, c.f, got, sent.Application.ID, draft.ID)
			}
		}
		// Submitted, it is the approver's to read.
		_, err = f.svc.Submit(ctx, f.a.ID, f.who["staff"], draft.ID, 0)
		storetest.Must(t, err)
		_, err = f.svc.Get(ctx, f.a.ID, f.who["kacho"], draft.ID)
		storetest.Must(t, err)
	})
}
