package apply_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestOneDecisionWinsWithoutVersion: on both engines, two approvers
// approving while the applicant cancels and withdraws the same
// application, all at once and none sending a version: exactly one wins
// each round, the others get a 409, and the audit log shows one decision.
// (A cancel read after the approval committed would otherwise be taken
// too: apply.decided_just_now refuses it.)
func TestOneDecisionWinsWithoutVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy})
		storetest.Must(t, err)
		decisions := func(id int64) int {
			n := 0
			for _, act := range []string{"approve", "cancel", "withdraw"} {
				for _, e := range f.auditActions(t, "application."+act) {
					if e.ObjectID == strconv.FormatInt(id, 10) {
						n++
					}
				}
			}
			return n
		}
		var days []calendar.Date
		for d := day(time.June, 9); len(days) < 12; d = d.AddDays(1) {
			if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
				days = append(days, d)
			}
		}
		for round, d := range days {
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			storetest.Must(t, err)
			id := res.Application.ID
			f.now = f.now.Add(time.Minute) // the approvers open it a while after it was submitted
			var wg sync.WaitGroup
			errs := make([]error, 4)
			start := make(chan struct{})
			// Every other round the take-backs leave a few milliseconds
			// after the approvals: "at once" for people, and the order in
			// which a cancel reads the approval just committed.
			run := func(i int, fn func() error) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if round%2 == 1 && i >= 2 {
						time.Sleep(20 * time.Millisecond)
					}
					errs[i] = fn()
				}()
			}
			run(0, func() error { _, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{}); return err })
			run(1, func() error { _, err := f.svc.Approve(ctx, f.a.ID, f.who["hosa"], id, apply.Act{}); return err })
			run(2, func() error { _, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], id, apply.Act{}); return err })
			run(3, func() error { _, err := f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], id, apply.Act{}); return err })
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case apperr.CodeOf(err) != apperr.Conflict || apperr.IsStale(err):
					t.Fatalf("round %d: want a state conflict, got %v", round, err)
				}
			}
			if wins != 1 || decisions(id) != 1 {
				t.Fatalf("round %d: %d winners, %d decisions in the audit log (%v)", round, wins, decisions(id), errs)
			}
		}
	})
}

// TestCancelRightAfterAnApproval: a cancel sent without a version seconds
// after someone else approved is refused with apply.decided_just_now; with
// the version the person saw, or once JustDecided has passed, it is taken.
// The applicant's own earlier action does not count.
func TestCancelRightAfterAnApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		approved := func(d calendar.Date) *apply.Application {
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			storetest.Must(t, err)
			r, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
			storetest.Must(t, err)
			return r.Application
		}
		a := approved(day(time.June, 9))
		f.now = f.now.Add(time.Second)
		_, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{})
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "apply.decided_just_now" {
			t.Fatalf("cancel a second after the approval: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], a.ID, apply.Act{Version: a.Version}); err != nil {
			t.Fatalf("cancel with the version seen: %v", err)
		}
		b := approved(day(time.June, 10))
		f.now = f.now.Add(apply.JustDecided + time.Second)
		if _, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], b.ID, apply.Act{}); err != nil {
			t.Fatalf("cancel 11 s after the approval: %v", err)
		}
		// Submitted and withdrawn by the applicant at once: their own.
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 11)))
		storetest.Must(t, err)
		if _, err := f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], res.Application.ID, apply.Act{}); err != nil {
			t.Fatalf("withdraw right after the submission: %v", err)
		}
	})
}
