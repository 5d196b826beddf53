package apply_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRerouteAfterOrganisationChanges: applications waiting for a decision
// follow the organisation (a review found them stuck with a retired
// approver, or decided by a head the applicant had left): a transfer hands
// the person's application to the new unit's head, a retirement hands the
// approver's to the head above; an approver who still may decide keeps
// theirs. Each hand-on is audited and tells the new approver, and the former
// approver can no longer decide.
func TestRerouteAfterOrganisationChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		orgs := org.NewService(db, func() time.Time { return f.now })
		orgs.Changed.Set(func(ctx context.Context, tenantID int64) {
			_, err := f.svc.Reroute(ctx, tenantID)
			storetest.Must(t, err)
		})
		mine, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 10)))
		storetest.Must(t, err)
		theirs, err := f.svc.Create(ctx, f.a.ID, f.who["colleague"], oneDay(day(time.June, 10)))
		storetest.Must(t, err)
		approver := func(id int64) int64 {
			t.Helper()
			a, err := f.svc.Get(ctx, f.a.ID, f.who["jinji"], id)
			storetest.Must(t, err)
			return a.ApproverID
		}
		if approver(mine.Application.ID) != f.people["kacho"].ID || approver(theirs.Application.ID) != f.people["kacho"].ID {
			t.Fatal("fixture: both wait for the 課長")
		}
		// The colleague moves to 財政課 today.
		other := f.units["other"].ID
		_, err = orgs.UpdateStaff(ctx, f.a.ID, hr, f.people["colleague"].ID, org.StaffUpdate{UnitID: &other,
			ExpectVersion: f.people["colleague"].Version, Effective: calendar.DateOf(f.now)})
		storetest.Must(t, err)
		if got := approver(theirs.Application.ID); got != f.people["zaisei"].ID {
			t.Errorf("after the transfer: approver %d, want the head of 財政課 %d", got, f.people["zaisei"].ID)
		}
		if got := approver(mine.Application.ID); got != f.people["kacho"].ID {
			t.Errorf("an approver who still may decide lost the application to %d", got)
		}
		// The 課長 retires: the 部長 decides now.
		kacho, err := orgs.StaffByID(ctx, f.a.ID, f.people["kacho"].ID)
		storetest.Must(t, err)
		storetest.Must(t, orgs.RetireStaff(ctx, f.a.ID, hr, kacho.ID, kacho.Version, true))
		if got := approver(mine.Application.ID); got != f.people["bucho"].ID {
			t.Errorf("after the retirement: approver %d, want the 部長 %d", got, f.people["bucho"].ID)
		}
		if _, err := f.svc.Approve(ctx, f.a.ID, f.who["kacho"], mine.Application.ID, apply.Act{}); apperr.CodeOf(err) != apperr.Forbidden &&
			apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the former approver decided: %v", err)
		}
		if len(f.auditActions(t, "application.reroute")) != 2 {
			t.Errorf("hand-ons audited: %d, want 2", len(f.auditActions(t, "application.reroute")))
		}
		for _, k := range []string{"zaisei", "bucho"} {
			notes, err := f.notes.List(ctx, f.a.ID, f.who[k], true, 10, 0)
			storetest.Must(t, err)
			if len(notes) != 1 || notes[0].Kind != notify.Submitted {
				t.Errorf("%s was not told: %+v", k, notes)
			}
		}
		if _, err := f.svc.Approve(ctx, f.a.ID, f.who["bucho"], mine.Application.ID, apply.Act{}); err != nil {
			t.Errorf("the new approver: %v", err)
		}
		// Nothing left to hand on: a second run moves nothing.
		if n, err := f.svc.Reroute(ctx, f.a.ID); err != nil || n != 0 {
			t.Errorf("a second run: %d, %v", n, err)
		}
	})
}

// TestRerouteTwoSteps: under two-step approval (係長 → 課長), the second
// step follows the organisation too (a review of the hand-on found it left
// out): the 課長 retiring while the 係長 decides sends the second step to
// the 部長; the 係長 retiring while the first step waits makes it one step
// for the 課長, who approves once.
func TestRerouteTwoSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		storetest.Must(t, f.svc.Configure(ctx, f.a.ID, hr, apply.Settings{Approver: apply.ApproverSection, TwoStep: true}))
		orgs := org.NewService(db, func() time.Time { return f.now })
		orgs.Changed.Set(func(ctx context.Context, tenantID int64) {
			_, err := f.svc.Reroute(ctx, tenantID)
			storetest.Must(t, err)
		})
		get := func(id int64) *apply.Detail {
			t.Helper()
			d, err := f.svc.Get(ctx, f.a.ID, f.who["jinji"], id)
			storetest.Must(t, err)
			return d
		}
		retire := func(key string) {
			t.Helper()
			st, err := orgs.StaffByID(ctx, f.a.ID, f.people[key].ID)
			storetest.Must(t, err)
			storetest.Must(t, orgs.RetireStaff(ctx, f.a.ID, hr, st.ID, st.Version, true))
		}
		mine, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 10)))
		storetest.Must(t, err)
		theirs, err := f.svc.Create(ctx, f.a.ID, f.who["colleague"], oneDay(day(time.June, 11)))
		storetest.Must(t, err)
		if a := get(mine.Application.ID); a.Steps != 2 || a.ApproverID != f.people["kakaricho"].ID || a.SecondApproverID != f.people["kacho"].ID {
			t.Fatalf("fixture: %d steps, %d then %d", a.Steps, a.ApproverID, a.SecondApproverID)
		}
		retire("kacho")
		if a := get(mine.Application.ID); a.ApproverID != f.people["kakaricho"].ID || a.SecondApproverID != f.people["bucho"].ID || a.Steps != 2 {
			t.Fatalf("the second step after the 課長 retired: %d then %d (%d steps)", a.ApproverID, a.SecondApproverID, a.Steps)
		}
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], mine.Application.ID, apply.Act{})
		storetest.Must(t, err)
		if a := get(mine.Application.ID); a.Step != 2 || a.ApproverID != f.people["bucho"].ID {
			t.Fatalf("step 2 waits for %d, want the 部長", a.ApproverID)
		}
		retire("kakaricho")
		a := get(theirs.Application.ID)
		if a.Steps != 1 || a.ApproverID != f.people["bucho"].ID {
			t.Fatalf("with the 係長 and the 課長 gone: %d steps, approver %d; want one step for the 部長", a.Steps, a.ApproverID)
		}
		res, err := f.svc.Approve(ctx, f.a.ID, f.who["bucho"], theirs.Application.ID, apply.Act{})
		storetest.Must(t, err)
		if res.Application.Decision != apply.Approved {
			t.Errorf("one approval of a one-step application: %s", res.Application.Decision)
		}
	})
}
