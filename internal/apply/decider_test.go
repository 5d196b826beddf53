package apply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDecisionOnTheRecordAsItIs: a decision is judged on the decider's and
// the applicant's records as they are when it commits, not on the
// session's: the 課長 whose head flag HR removed a moment ago, or the 課長
// of a person HR moved to another 課 a moment ago, decides nothing, before
// any hand-on (an outside review saw both approvals land after the change).
func TestDecisionOnTheRecordAsItIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		first, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		second, err := f.svc.Create(ctx, f.a.ID, f.who["colleague"], oneDay(day(time.June, 5)))
		storetest.Must(t, err)

		// The colleague moves to 財政課: the 総務課長 no longer heads them.
		moved := *f.people["colleague"]
		moved.UnitID = f.units["other"].ID
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, f.a.ID, hr, &moved, moved.Version, calendar.Date{}))
		if _, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], second.Application.ID, apply.Act{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("approved for a person moved away: %v", err)
		}

		// The 課長 is no longer marked as a head; the session still says so.
		demoted := *f.people["kacho"]
		demoted.IsSupervisor = false
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, f.a.ID, hr, &demoted, demoted.Version, calendar.Date{}))
		if _, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], first.Application.ID, apply.Act{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("approved after the head flag was removed: %v", err)
		}
		if d, _ := f.svc.Get(ctx, f.a.ID, f.who["staff"], first.Application.ID); d.Status != apply.Submitted {
			t.Fatalf("the application is %s", d.Status)
		}
	})
}

// TestDecisionWaitsForAnOrganisationChange: an approval sent while HR's
// change of the approver's head flag is in flight waits for it (the
// tenant's organisation lock on PostgreSQL, the single writer on SQLite)
// and is then judged on the change: refused.
func TestDecisionWaitsForAnOrganisationChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		done := make(chan error, 1)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			demoted := *f.people["kacho"]
			demoted.IsSupervisor = false
			if err := tx.UpdateStaffRow(ctx, f.a.ID, &demoted, demoted.Version); err != nil {
				return err
			}
			go func() {
				_, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
				done <- err
			}()
			time.Sleep(300 * time.Millisecond) // the approval reaches the lock and waits there
			select {
			case err := <-done:
				return fmt.Errorf("the approval did not wait for the change: %v", err)
			default:
				return nil
			}
		})
		storetest.Must(t, err)
		if err := <-done; apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the approval after the change: %v", err)
		}
	})
}

// TestNoDecisionInTheNameOfAFormerHead: the 代決者 of a 課長 whose head flag
// was removed decides nothing in the 課長's name, before any hand-on.
func TestNoDecisionInTheNameOfAFormerHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy})
		storetest.Must(t, err)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		demoted := *f.people["kacho"]
		demoted.IsSupervisor = false
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, f.a.ID, hr, &demoted, demoted.Version, calendar.Date{}))
		if _, err := f.svc.Approve(ctx, f.a.ID, f.who["hosa"], res.Application.ID, apply.Act{}); err == nil {
			t.Fatal("the proxy of a former head approved in their name")
		}
	})
}

// TestDecisionAfterAUnitMoves: an approval sent while HR moves the
// applicant's 係 under another 課 waits for the move and is judged on the
// tree after it (read again in its transaction): the former 課長 heads the
// person no more. The applicant's own withdrawal of another application
// does not wait for the change.
func TestDecisionAfterAUnitMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		own, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 5)))
		storetest.Must(t, err)
		done := make(chan error, 1)
		withdrawn := make(chan error, 1)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			moved := *f.units["kakari"]
			moved.ParentID = f.units["other"].ID
			if err := tx.UpdateUnitRow(ctx, f.a.ID, &moved, moved.Version); err != nil {
				return err
			}
			go func() {
				_, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
				done <- err
			}()
			if db.Engine == store.Postgres {
				// Not on SQLite, whose single writer this transaction holds.
				go func() {
					_, err := f.svc.Withdraw(ctx, f.a.ID, f.who["staff"], own.Application.ID, apply.Act{})
					withdrawn <- err
				}()
				select {
				case err := <-withdrawn:
					if err != nil {
						return fmt.Errorf("the applicant's withdrawal: %v", err)
					}
				case <-time.After(30 * time.Second): // a bound on a wait that must not happen, not a timing
					return fmt.Errorf("the applicant's withdrawal waited for the organisation change")
				}
			}
			time.Sleep(300 * time.Millisecond) // the approval reaches the lock and waits there
			return nil
		})
		storetest.Must(t, err)
		if err := <-done; apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the approval after the move: %v", err)
		}
	})
}
