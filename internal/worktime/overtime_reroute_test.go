package worktime_test

import (
	"context"
	"slices"
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

// TestOvertimeReroute: a waiting request follows the organisation. The
// person moves to another section: Reroute hands the request to the head
// there (told, audited), and the former approver can no longer decide or
// see it. An approver no longer marked as a head decides nothing, even
// before any hand-on.
func TestOvertimeReroute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		today := calendar.DateOf(f.now)
		v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: today, Until: "19:30", Reason: "議会資料"})
		storetest.Must(t, err)
		if v.ApproverID != f.people["kacho"].ID {
			t.Fatalf("routed to %d", v.ApproverID)
		}
		// The 課長 as a principal who is no longer a supervisor.
		demoted := *f.who["kacho"]
		demoted.Roles = auth.EffectiveRoles(nil, true, false)
		_, err = ot.Decide(ctx, f.a.ID, &demoted, v.ID, true, "", 0)
		mustCode(t, err, apperr.NotFound)

		// Nothing changed: nothing is handed on.
		if n, err := ot.Reroute(ctx, f.a.ID); err != nil || n != 0 {
			t.Fatalf("reroute with no change: %d %v", n, err)
		}
		// The 財政課長 is away today: their absence delegate hears of
		// requests handed to them too.
		_, err = f.apply.Delegate(ctx, f.a.ID, f.who["zaisei"], apply.Delegation{DelegateID: f.people["kakaricho"].ID,
			Kind: apply.DelegateAbsence, From: today, To: today})
		storetest.Must(t, err)
		moved := *f.people["staff"]
		moved.UnitID = f.people["zaisei"].UnitID
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, f.a.ID, hr, &moved, moved.Version, calendar.Date{}))
		if n, err := ot.Reroute(ctx, f.a.ID); err != nil || n != 1 {
			t.Fatalf("reroute after the transfer: %d %v", n, err)
		}
		_, err = ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0)
		mustCode(t, err, apperr.NotFound)
		zaisei := *f.who["zaisei"]
		d, err := ot.Decide(ctx, f.a.ID, &zaisei, v.ID, true, "", 0)
		if err != nil || d.Status != worktime.OvertimeApproved || d.DecidedBy != f.people["zaisei"].ID {
			t.Fatalf("the new approver's decision: %+v %v", d, err)
		}
		for _, k := range []string{"zaisei", "kakaricho"} {
			notes, _ := f.notes.List(ctx, f.a.ID, f.who[k], true, 10, 0)
			if !slices.ContainsFunc(notes, func(n notify.Notification) bool { return n.Kind == worktime.NotifyOvertimeRequested }) {
				t.Errorf("%s was not told: %+v", k, notes)
			}
		}
		es, _ := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.overtime_reroute"})
		if len(es) != 1 || es[0].ActorLabel != "system:reroute" {
			t.Errorf("audit: %+v", es)
		}
		if n, err := ot.RerouteAll(ctx); err != nil || n != 0 {
			t.Errorf("a decided request was handed on: %d %v", n, err)
		}
	})
}

// TestOvertimeDecisionOnTheRecordAsItIs: the 課長 whose head flag HR
// removed a moment ago decides nothing though the session still says
// 所属長, before any hand-on.
func TestOvertimeDecisionOnTheRecordAsItIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: calendar.DateOf(f.now), Until: "19:30", Reason: "議会資料"})
		storetest.Must(t, err)
		demoted := *f.people["kacho"]
		demoted.IsSupervisor = false
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, f.a.ID, hr, &demoted, demoted.Version, calendar.Date{}))
		if _, err := ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("approved after the head flag was removed: %v", err)
		}
	})
}

// TestOvertimeDecisionAfterAUnitMoves: a decision sent while HR moves the
// person's 係 under another 課 waits for the move and is judged on the tree
// after it: the former 課長 heads the person no more.
func TestOvertimeDecisionAfterAUnitMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ot := worktime.NewOvertimeService(db, f.apply, func() time.Time { return f.now })
		v, err := ot.Request(ctx, f.a.ID, f.who["staff"], worktime.OvertimeRequest{Date: calendar.DateOf(f.now), Until: "19:30", Reason: "議会資料"})
		storetest.Must(t, err)
		kakari, err := db.FindUnitByID(ctx, f.a.ID, f.people["staff"].UnitID)
		storetest.Must(t, err)
		done := make(chan error, 1)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			moved := *kakari
			moved.ParentID = f.people["zaisei"].UnitID
			if err := tx.UpdateUnitRow(ctx, f.a.ID, &moved, moved.Version); err != nil {
				return err
			}
			go func() {
				_, err := ot.Decide(ctx, f.a.ID, f.who["kacho"], v.ID, true, "", 0)
				done <- err
			}()
			time.Sleep(300 * time.Millisecond) // the decision reaches the lock and waits there
			return nil
		})
		storetest.Must(t, err)
		if err := <-done; apperr.CodeOf(err) != apperr.Forbidden && apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the decision after the move: %v", err)
		}
	})
}
