package worktime_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestOvertimeRequestLifecycle: a request goes to the approver of the
// person's applications (the 課長 here, as apply routes it), who is told;
// others of the tenant, another section's head and another tenant cannot
// see or decide it; the approval is audited, the person told, and the end
// of the day within the approved time raises no overtime warning while a
// colleague without one gets it.
func TestOvertimeRequestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		today := calendar.DateOf(f.now)
		// Bad input is refused naming the fields.
		_, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today.AddDays(-1), Until: "25:00"})
		var ae *apperr.Error
		if !errors.As(err, &ae) || len(ae.Fields) != 3 {
			t.Fatalf("bad request: %v", err)
		}
		v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today, Until: "19:30", Reason: " 議会資料の 修正 "})
		storetest.Must(t, err)
		if v.ApproverID != f.people["kacho"].ID || v.Status != worktime.OvertimeRequested || v.Reason != "議会資料の 修正" || v.CanDecide || !v.CanWithdraw {
			t.Fatalf("request: %+v", v)
		}
		notes, _ := f.notes.List(ctx, f.a.ID, f.who["kacho"], true, 10, 0)
		if len(notes) != 1 || notes[0].Kind != worktime.NotifyOvertimeRequested ||
			notes[0].Message("ja") != "staff 太郎さんから時間外勤務の事前承認の申請(2026-06-01、19:30まで)が届きました。" {
			t.Fatalf("approver's notifications: %+v", notes)
		}
		// Who sees it and who decides.
		for _, k := range []string{"colleague", "zaisei"} {
			list, err := ot.List(ctx, f.a.ID, f.who[k], calendar.Date{}, calendar.Date{}, nil)
			storetest.Must(t, err)
			if len(list) != 0 {
				t.Errorf("%s sees %d requests", k, len(list))
			}
			_, err = ot.Decide(ctx, f.a.ID, f.who[k], v.ID, true, "", 0)
			mustCode(t, err, apperr.NotFound)
		}
		_, err = ot.Decide(ctx, f.b.ID, f.who["bstaff"], v.ID, true, "", 0)
		mustCode(t, err, apperr.NotFound)
		_, err = ot.Decide(ctx, f.a.ID, f.who["staff"], v.ID, true, "", 0)
		mustCode(t, err, apperr.Forbidden)
		inbox, err := ot.List(ctx, f.a.ID, f.who["kacho"], calendar.Date{}, calendar.Date{}, []string{worktime.OvertimeRequested})
		storetest.Must(t, err)
		if len(inbox) != 1 || !inbox[0].CanDecide || inbox[0].StaffName != "staff 太郎" {
			t.Fatalf("approver's list: %+v", inbox)
		}
		_, err = ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", v.Version+5)
		mustCode(t, err, apperr.Conflict)
		d, err := ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "了解です", inbox[0].Version)
		storetest.Must(t, err)
		if d.Status != worktime.OvertimeApproved || d.DecidedBy != f.people["kacho"].ID || d.CanDecide {
			t.Fatalf("approved: %+v", d)
		}
		_, err = ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, false, "", 0)
		mustCode(t, err, apperr.Conflict)
		if e := apperr.As(err); e.Key != "worktime.overtime_already_approved" {
			t.Errorf("a decision after the approval says %q, not what happened", e.Key)
		}
		mine, _ := f.notes.List(ctx, f.a.ID, f.who["staff"], true, 10, 0)
		if len(mine) != 1 || mine[0].Message("ja") != "時間外勤務の事前承認(2026-06-01、19:30まで)が承認されました。" {
			t.Fatalf("person's notifications: %+v", mine)
		}
		for _, action := range []string{"worktime.overtime_request", "worktime.overtime_approve"} {
			es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: action, Limit: 10})
			storetest.Must(t, err)
			if len(es) != 1 {
				t.Fatalf("%s: %d audit entries", action, len(es))
			}
		}
		// The day: within the approved end no overtime; a colleague without a request is warned.
		for _, k := range []string{"staff", "colleague"} {
			_, err := f.svc.Start(ctx, f.a.ID, f.who[k], 0, worktime.Report{Mode: worktime.Office})
			storetest.Must(t, err)
		}
		f.now = time.Date(2026, time.June, 1, 19, 15, 0, 0, calendar.Tokyo)
		for k, want := range map[string]int{"staff": 0, "colleague": 1} {
			out, err := f.svc.End(ctx, f.a.ID, f.who[k], 0, worktime.Report{})
			storetest.Must(t, err)
			n := 0
			for _, w := range out.Warnings {
				if w.Rule == worktime.RuleOvertime || w.Rule == worktime.RuleOvertimeBeyond {
					n++
				}
			}
			if n != want {
				t.Errorf("%s: overtime warnings %v, want %d", k, rules(out.Warnings), want)
			}
		}
		// The day views read the approval too.
		days, err := f.svc.Days(ctx, f.a.ID, f.who["staff"], 0, today, today)
		storetest.Must(t, err)
		for _, w := range days[0].Warnings {
			if w.Rule == worktime.RuleOvertime {
				t.Errorf("day view warns of approved overtime")
			}
		}
	})
}

// TestOvertimeDelegateRejectAndAgain: during the approver's absence the
// delegate decides; a rejected request asked again waits again; the person
// withdraws an approved one; HR sees the tenant's.
func TestOvertimeDelegateRejectAndAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		today := calendar.DateOf(f.now)
		_, err := f.apply.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["colleague"].ID,
			Kind: apply.DelegateAbsence, From: today, To: today.AddDays(2)})
		storetest.Must(t, err)
		v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today.AddDays(1), Until: "20:00", Reason: "窓口の延長"})
		storetest.Must(t, err)
		notes, _ := f.notes.List(ctx, f.a.ID, f.who["colleague"], true, 10, 0)
		found := false
		for _, n := range notes {
			found = found || n.Kind == worktime.NotifyOvertimeRequested
		}
		if !found {
			t.Errorf("the delegate was not told: %+v", notes)
		}
		list, err := ot.List(ctx, f.a.ID, f.who["colleague"], calendar.Date{}, calendar.Date{}, nil)
		storetest.Must(t, err)
		if len(list) != 1 || !list[0].CanDecide {
			t.Fatalf("delegate's list: %+v", list)
		}
		r, err := ot.Decide(ctx, f.a.ID, f.who["colleague"], v.ID, false, "明日は不要です", 0)
		storetest.Must(t, err)
		if r.Status != worktime.OvertimeRejected || r.Comment != "明日は不要です" {
			t.Fatalf("rejected: %+v", r)
		}
		again, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today.AddDays(1), Until: "18:30", Reason: "窓口の延長(短縮)"})
		storetest.Must(t, err)
		if again.ID != v.ID || again.Status != worktime.OvertimeRequested || again.Until != "18:30" || again.DecidedBy != 0 || again.Comment != "" {
			t.Fatalf("asked again: %+v", again)
		}
		// The 係長 heads the person's unit: a supervisor over them decides too.
		ok, err := ot.Decide(ctx, f.a.ID, f.who["kakaricho"], v.ID, true, "", 0)
		storetest.Must(t, err)
		if ok.Status != worktime.OvertimeApproved {
			t.Fatalf("approved: %+v", ok)
		}
		_, err = ot.Withdraw(ctx, f.a.ID, f.who["colleague"], v.ID)
		mustCode(t, err, apperr.Forbidden)
		// The person's withdrawal sent as the approval was made is refused
		// (of the two sent at once, one wins); a minute later it is taken.
		if _, err := ot.Withdraw(ctx, f.a.ID, f.who["staff"], v.ID); apperr.As(err) == nil || apperr.As(err).Key != "worktime.overtime_decided_just_now" {
			t.Fatalf("withdrawal at the moment of the approval: %v", err)
		}
		f.now = f.now.Add(time.Minute)
		w, err := ot.Withdraw(ctx, f.a.ID, f.who["staff"], v.ID)
		storetest.Must(t, err)
		if w.Status != worktime.OvertimeWithdrawn {
			t.Fatalf("withdrawn: %+v", w)
		}
		grants, err := db.FindOvertimeGrants(ctx, f.a.ID, []int64{f.people["staff"].ID}, today, today.AddDays(5))
		storetest.Must(t, err)
		if len(grants) != 0 {
			t.Errorf("a withdrawn request still grants: %v", grants)
		}
		hrWho := *f.who["zaisei"]
		hrWho.Roles = append(hrWho.Roles, auth.HRAdmin)
		all, err := ot.List(ctx, f.a.ID, &hrWho, calendar.Date{}, calendar.Date{}, nil)
		storetest.Must(t, err)
		if len(all) != 1 {
			t.Errorf("HR sees %d", len(all))
		}
	})
}

// failingNotes fails the notification write of every request action.
type failingNotes struct{ *store.DB }

func (f failingNotes) InOvertimeTx(ctx context.Context, fn func(worktime.OvertimeTx) error) error {
	return f.DB.InOvertimeTx(ctx, func(tx worktime.OvertimeTx) error { return fn(failingNotesTx{tx}) })
}

type failingNotesTx struct{ worktime.OvertimeTx }

func (failingNotesTx) InsertNotifications(context.Context, int64, []notify.Notification) error {
	return errors.New("injected: outbox unavailable")
}

// TestOvertimeRollsBack: when the notification cannot be written, neither
// the request (or the decision) nor its audit entry stays.
func TestOvertimeRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		clock := func() time.Time { return f.now }
		today := calendar.DateOf(f.now)
		bad := worktime.NewOvertimeService(failingNotes{db}, f.apply, clock)
		if _, err := bad.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today, Until: "19:00", Reason: "資料"}); err == nil {
			t.Fatal("request succeeded without its notification")
		}
		all, err := db.FindOvertimes(ctx, f.a.ID, worktime.OvertimeFilter{From: today, To: today, All: true})
		storetest.Must(t, err)
		es, _ := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.overtime_request", Limit: 10})
		if len(all) != 0 || len(es) != 0 {
			t.Fatalf("left behind: %d requests, %d audit entries", len(all), len(es))
		}
		good := worktime.NewOvertimeService(db, f.apply, clock)
		v, err := good.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today, Until: "19:00", Reason: "資料"})
		storetest.Must(t, err)
		if _, err := bad.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0); err == nil {
			t.Fatal("decision succeeded without its notification")
		}
		o, err := db.FindOvertime(ctx, f.a.ID, v.ID)
		storetest.Must(t, err)
		if o.Status != worktime.OvertimeRequested || o.Version != v.Version {
			t.Fatalf("decision left behind: %+v", o)
		}
	})
}

// TestOvertimeWithdrawWindow: a waiting request may be withdrawn until its
// day ends, an approved one only before its day (from then on it is the
// record of the prior approval); later ones are a conflict naming the rule,
// and the list offers 取り下げる exactly when Withdraw would succeed.
func TestOvertimeWithdrawWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		base := f.now
		cases := []struct {
			name    string
			status  string
			shift   int // days from the request's day to the withdrawal
			late    bool
			wantKey string
		}{
			{"waiting, the day before", worktime.OvertimeRequested, -1, false, ""},
			{"waiting, late on its day", worktime.OvertimeRequested, 0, true, ""},
			{"waiting, the day after", worktime.OvertimeRequested, 1, false, "worktime.overtime_withdraw_past"},
			{"approved, the day before", worktime.OvertimeApproved, -1, true, ""},
			{"approved, on its day", worktime.OvertimeApproved, 0, false, "worktime.overtime_withdraw_approved_day"},
			{"approved, weeks after", worktime.OvertimeApproved, 19, false, "worktime.overtime_withdraw_approved_day"},
			{"rejected, before its day", worktime.OvertimeRejected, -1, false, "worktime.overtime_already_rejected"},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				f.now = base
				day := calendar.DateOf(base).AddDays(5 + 2*i)
				v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: day, Until: "19:00", Reason: "決算資料"})
				storetest.Must(t, err)
				if c.status != worktime.OvertimeRequested {
					_, err := ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, c.status == worktime.OvertimeApproved, "", 0)
					storetest.Must(t, err)
				}
				f.now = day.AddDays(c.shift).Time().Add(10 * time.Hour)
				if c.late {
					f.now = day.AddDays(c.shift).Time().Add(23*time.Hour + 30*time.Minute)
				}
				defer func() { f.now = base }()
				list, err := ot.List(ctx, f.a.ID, f.who["staff"], day, day, nil)
				storetest.Must(t, err)
				if len(list) != 1 || list[0].CanWithdraw != (c.wantKey == "") {
					t.Fatalf("list offers withdrawal %v, want %v", list[0].CanWithdraw, c.wantKey == "")
				}
				w, err := ot.Withdraw(ctx, f.a.ID, f.who["staff"], v.ID)
				if c.wantKey == "" {
					storetest.Must(t, err)
					if w.Status != worktime.OvertimeWithdrawn {
						t.Fatalf("withdrawn: %+v", w)
					}
					return
				}
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Code != apperr.Conflict || ae.Key != c.wantKey {
					t.Fatalf("err = %v, want conflict %s", err, c.wantKey)
				}
			})
		}
	})
}

// TestOvertimeDecisionsAtOnce: two approvals, a rejection and the person's
// withdrawal of one request at the same moment. Whatever wins, the others
// are told the request's state (409), never that "someone changed it after
// you opened the page" (412) for a version they did not send (a review found
// the 412), and the request ends in one state its audit log explains.
func TestOvertimeDecisionsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		today := calendar.DateOf(f.now)
		for i := range 15 {
			v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today.AddDays(1 + i), Until: "19:30", Reason: "資料作成"})
			storetest.Must(t, err)
			acts := []func() (*worktime.OvertimeView, error){
				func() (*worktime.OvertimeView, error) {
					return ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0)
				},
				func() (*worktime.OvertimeView, error) {
					return ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0)
				},
				func() (*worktime.OvertimeView, error) {
					return ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, false, "不要です", 0)
				},
				func() (*worktime.OvertimeView, error) { return ot.Withdraw(ctx, f.a.ID, f.who["staff"], v.ID) },
			}
			errs := make([]error, len(acts))
			var wg sync.WaitGroup
			for k, act := range acts {
				wg.Go(func() { _, errs[k] = act() })
			}
			wg.Wait()
			decided := 0
			for k, err := range errs {
				if err == nil {
					if k < 3 {
						decided++
					}
					continue
				}
				if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || apperr.IsStale(err) {
					t.Fatalf("round %d, action %d: %v, want a 409 naming the state", i, k, err)
				}
			}
			if decided > 1 {
				t.Fatalf("round %d: %d decisions taken", i, decided)
			}
		}
	})
}
