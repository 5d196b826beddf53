package apply_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDelegationOnce: a delegation of a kind to the same person is
// recorded once — a second, sent after or at the same moment (a double
// click), is a conflict naming the first; an absence delegation that does
// not overlap the first is a new one.
func TestDelegationOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		proxy := apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy}
		const n = 5
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], proxy)
			}()
		}
		close(start)
		wg.Wait()
		made := 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case apperr.As(err) == nil || apperr.As(err).Key != "apply.delegation_exists":
				t.Fatalf("a second proxy delegation: %v", err)
			}
		}
		if made != 1 {
			t.Fatalf("%d proxy delegations made of %d at once", made, n)
		}
		absence := apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateAbsence, From: day(time.June, 8), To: day(time.June, 12)}
		_, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], absence)
		storetest.Must(t, err)
		absence.From, absence.To = day(time.June, 12), day(time.June, 19)
		if _, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], absence); apperr.As(err) == nil || apperr.As(err).Key != "apply.delegation_overlaps" {
			t.Fatalf("an overlapping absence: %v", err)
		}
		absence.From = day(time.June, 15)
		if _, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], absence); err != nil {
			t.Fatalf("the next week's absence: %v", err)
		}
		// An absence already over blocks nothing: on June 13, a new one
		// from the 10th (days now past included) is recorded.
		f.now = time.Date(2026, time.June, 13, 9, 0, 0, 0, calendar.Tokyo)
		absence.From, absence.To = day(time.June, 10), day(time.June, 13)
		if _, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], absence); err != nil {
			t.Fatalf("an absence overlapping only one that ended: %v", err)
		}
	})
}

// TestProxyDecisionAndItsEnd: the approver ends a standing proxy while the
// proxy approves: either the approval commits first (and the end after
// it) or the proxy is refused — never an approval in the approver's name
// committed after the approver ended the delegation.
func TestProxyDecisionAndItsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for round := range 6 {
			dl, err := f.svc.Delegate(ctx, f.a.ID, f.who["kacho"], apply.Delegation{DelegateID: f.people["hosa"].ID, Kind: apply.DelegateProxy})
			storetest.Must(t, err)
			res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4).AddDays(7*round)))
			storetest.Must(t, err)
			id := res.Application.ID
			var wg sync.WaitGroup
			var approveErr, endErr error
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, approveErr = f.svc.Approve(ctx, f.a.ID, f.who["hosa"], id, apply.Act{})
			}()
			go func() { defer wg.Done(); <-start; endErr = f.svc.Undelegate(ctx, f.a.ID, f.who["kacho"], dl.ID) }()
			close(start)
			wg.Wait()
			storetest.Must(t, endErr)
			if approveErr != nil {
				if c := apperr.CodeOf(approveErr); c != apperr.Forbidden && c != apperr.NotFound {
					t.Fatalf("round %d: the refused proxy got %v", round, approveErr)
				}
				continue
			}
			approved := f.auditActions(t, "application.approve")
			ended := f.auditActions(t, "application.undelegate")
			if approved[0].Seq > ended[0].Seq {
				t.Fatalf("round %d: the proxy's approval (audit %d) committed after the delegation ended (audit %d)", round, approved[0].Seq, ended[0].Seq)
			}
		}
	})
}
