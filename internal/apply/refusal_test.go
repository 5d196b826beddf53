package apply_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRefusalsNameTheRule: a refused action says the rule it broke, not
// a state the application is not in (the review found "already approved"
// for a cancel on the day and for a confirmation of nothing reported, and
// a bare "forbidden" for an applicant approving their own application).
func TestRefusalsNameTheRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		approved := func(d calendar.Date) int64 {
			t.Helper()
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(d))
			storetest.Must(t, err)
			_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
			storetest.Must(t, err)
			return res.Application.ID
		}
		onDay := approved(day(time.June, 4))
		nothingReported := approved(day(time.June, 5))
		twoDays := oneDay(day(time.June, 10))
		twoDays.Dates = append(twoDays.Dates, day(time.June, 11))
		multi, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], twoDays)
		storetest.Must(t, err)
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], multi.Application.ID, apply.Act{})
		storetest.Must(t, err)
		pending, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 8)))
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 5, 9, 0, 0, 0, calendar.Tokyo)

		cases := []struct {
			name string
			do   func() error
			code apperr.Code
			key  string
		}{
			{"cancel on the day, no days named", func() error {
				_, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], nothingReported, apply.Act{})
				return err
			}, apperr.Conflict, "apply.cancel_only_before"},
			{"cancel after the day, no days named", func() error {
				_, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], onDay, apply.Act{})
				return err
			}, apperr.Conflict, "apply.cancel_only_before"},
			{"confirm with nothing reported", func() error {
				_, err := f.svc.Confirm(ctx, f.a.ID, f.who["kacho"], onDay, apply.Act{})
				return err
			}, apperr.Conflict, "apply.nothing_to_confirm"},
			{"confirm a named day not reported", func() error {
				_, err := f.svc.Confirm(ctx, f.a.ID, f.who["kacho"], onDay, apply.Act{Dates: []calendar.Date{day(time.June, 4)}})
				return err
			}, apperr.Conflict, "apply.nothing_to_confirm"},
			{"bulk confirm with nothing reported", func() error {
				res, err := f.svc.Bulk(ctx, f.a.ID, f.who["kacho"], []int64{nothingReported}, apply.ActConfirm, apply.Act{})
				if err != nil || len(res.Failed) != 1 {
					t.Fatalf("bulk: %+v %v", res, err)
				}
				return res.Failed[0].Err
			}, apperr.Conflict, "apply.nothing_to_confirm"},
			{"approve one's own application", func() error {
				_, err := f.svc.Approve(ctx, f.a.ID, f.who["staff"], pending.Application.ID, apply.Act{})
				return err
			}, apperr.Forbidden, "apply.decide_own"},
			{"reject one's own application", func() error {
				_, err := f.svc.Reject(ctx, f.a.ID, f.who["staff"], pending.Application.ID, apply.Act{Comment: "x"})
				return err
			}, apperr.Forbidden, "apply.decide_own"},
			{"approve one's own approved application", func() error {
				_, err := f.svc.Approve(ctx, f.a.ID, f.who["staff"], onDay, apply.Act{})
				return err
			}, apperr.Forbidden, "apply.decide_own"},
			{"cancel a day already cancelled", func() error {
				// The state still speaks where it is the reason.
				_, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], pending.Application.ID, apply.Act{})
				storetest.Must(t, err)
				_, err = f.svc.Cancel(ctx, f.a.ID, f.who["staff"], pending.Application.ID, apply.Act{})
				return err
			}, apperr.Conflict, "apply.state.cancelled"},
			{"cancel a named day already cancelled, the others still approved", func() error {
				// The day, not the application, is cancelled already.
				one := apply.Act{Dates: []calendar.Date{day(time.June, 10)}}
				_, err := f.svc.Cancel(ctx, f.a.ID, f.who["staff"], multi.Application.ID, one)
				storetest.Must(t, err)
				_, err = f.svc.Cancel(ctx, f.a.ID, f.who["staff"], multi.Application.ID, one)
				return err
			}, apperr.Conflict, "apply.day_already_cancelled"},
		}
		for _, c := range cases {
			err := c.do()
			e := apperr.As(err)
			if e == nil || e.Code != c.code || e.Key != c.key {
				t.Errorf("%s: want %s %s, got %v", c.name, c.code, c.key, err)
			}
		}
	})
}

// TestTwoStepApproveAnswersTheNextApprover: the first step's approval
// answers with the second approver's id and name, as a read does.
func TestTwoStepApproveAnswersTheNextApprover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		set, _ := f.svc.Settings(ctx, f.a.ID)
		set.Approver, set.TwoStep = apply.ApproverTeam, true
		storetest.Must(t, f.svc.SaveSettings(ctx, f.a.ID, f.who["jinji"], set))
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		id := res.Application.ID
		r, err := f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], id, apply.Act{})
		storetest.Must(t, err)
		got, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
		storetest.Must(t, err)
		a := r.Application
		if a.ApproverID != f.people["kacho"].ID || a.ApproverName != f.people["kacho"].Name ||
			a.ApproverID != got.ApproverID || a.ApproverName != got.ApproverName {
			t.Fatalf("step 1 answer: %d %q; read: %d %q", a.ApproverID, a.ApproverName, got.ApproverID, got.ApproverName)
		}
		// An absence delegate of the first approver covers open work
		// only: once the first step is decided, the application is not
		// theirs to read.
		if _, err := f.svc.Delegate(ctx, f.a.ID, f.who["kakaricho"], apply.Delegation{DelegateID: f.people["colleague"].ID,
			Kind: apply.DelegateAbsence, From: f.svc.Today(), To: f.svc.Today().AddDays(5)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(ctx, f.a.ID, f.who["colleague"], id); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the absence delegate reads a decided first step: %v", err)
		}
		// The first approver again — a second click, or the loser of a
		// race with the same version — is told the step is done (409),
		// naming who decides now, not refused as a stranger (403).
		for _, version := range []int64{0, res.Application.Version} {
			_, err = f.svc.Approve(ctx, f.a.ID, f.who["kakaricho"], id, apply.Act{Version: version})
			if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Key != "apply.step_decided" || e.Args["Approver"] != f.people["kacho"].Name {
				t.Fatalf("first step approved again (version %d): %v", version, err)
			}
		}
		r, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], id, apply.Act{})
		storetest.Must(t, err)
		got, _ = f.svc.Get(ctx, f.a.ID, f.who["staff"], id)
		if r.Application.ApproverID != 0 || r.Application.ApproverName != got.ApproverName {
			t.Fatalf("final answer: %d %q; read %q", r.Application.ApproverID, r.Application.ApproverName, got.ApproverName)
		}
	})
}

// TestPresenceCheckerIsSupervisory: the 在席確認者 is one of the 管理監督職員
// (渋谷区: 「在席確認者」(管理監督職員。通常は所属長)) — a colleague of no
// supervisory rank is refused naming the field, nothing written; a 係長
// other than the approver is taken.
func TestPresenceCheckerIsSupervisory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		req := oneDay(day(time.June, 4))
		req.PresenceCheckerID = f.people["colleague"].ID
		_, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "presence_checker_id" || e.Fields[0].Key != "apply.presence_supervisory" {
			t.Fatalf("a colleague as checker: %v", err)
		}
		var n int
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM applications`).Scan(&n))
		if n != 0 {
			t.Fatalf("%d applications written", n)
		}
		req.PresenceCheckerID = f.people["kakaricho"].ID
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], req)
		storetest.Must(t, err)
		if res.Application.PresenceCheckerID != f.people["kakaricho"].ID {
			t.Fatalf("checker %d", res.Application.PresenceCheckerID)
		}
	})
}
