package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestConcurrentWritersKeepTheChain has many writers change one tenant at
// once, and two tenants side by side; every chain must still verify with
// no gap or repeat, and stale writers must lose cleanly.
func TestConcurrentWritersKeepTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustTenant(t, db, "saga")
		b := mustTenant(t, db, "kobe")
		const n = 24
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			for _, tn := range []*org.Tenant{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					u := &org.Unit{Code: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("課%02d", i), Level: "課"}
					errs <- storetest.F(db).CreateUnit(ctx, tn.ID, audit.Actor{ID: int64(i), Label: "w"}, u, calendar.Date{})
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, tn := range []*org.Tenant{a, b} {
			cnt, err := db.VerifyAuditChain(ctx, tn.ID)
			if err != nil || cnt != n+1 { // + tenant.create
				t.Errorf("tenant %s: %d entries, %v", tn.Slug, cnt, err)
			}
		}
		// Many editors of one record with the same version: exactly one wins.
		units, _ := db.FindUnits(ctx, a.ID)
		target := units[0]
		var wins, stale int
		var mu sync.Mutex
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := storetest.F(db).UpdateUnit(ctx, a.ID, audit.Actor{Label: "w"}, target.ID, org.Unit{
					Name: fmt.Sprintf("改称%d", i), Level: "課", Code: target.Code, Version: target.Version}, calendar.Date{})
				mu.Lock()
				defer mu.Unlock()
				switch e := apperr.As(err); {
				case err == nil:
					wins++
				case e != nil && e.Code == apperr.Conflict && e.Key == "error.stale":
					stale++
				default:
					t.Errorf("a losing editor got %v, want the stale-version conflict", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || stale != 7 {
			t.Errorf("concurrent edits of one version: %d won, %d refused; want 1 and 7", wins, stale)
		}
		if _, err := db.VerifyAuditChain(ctx, a.ID); err != nil {
			t.Error(err)
		}
	})
}

// TestRetireUnitAgainstConcurrentMoves: a unit is retired while people are
// moved into it at the same moment. Whatever the order, no current staff
// member ever ends up in a closed unit, and each refusal says why.
func TestRetireUnitAgainstConcurrentMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.F(db)
		tn := mustTenant(t, db, "fukaya")
		actor := audit.Actor{Label: "hr"}
		from := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
		storetest.Must(t, f.CreateUnit(ctx, tn.ID, actor, from, calendar.Date{}))
		for round := range 6 {
			target := &org.Unit{Code: fmt.Sprintf("9%02d", round), Name: fmt.Sprintf("廃止予定%d", round), Level: "課"}
			storetest.Must(t, f.CreateUnit(ctx, tn.ID, actor, target, calendar.Date{}))
			var people []*org.Staff
			for i := range 4 {
				st := &org.Staff{StaffNo: fmt.Sprintf("%d%02d", round, i), Name: "異動 太郎", Kana: "いどう たろう", UnitID: from.ID,
					Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
				storetest.Must(t, f.CreateStaff(ctx, tn.ID, actor, st, calendar.Date{}))
				people = append(people, st)
			}
			var wg sync.WaitGroup
			var retireErr error
			moveErrs := make([]error, len(people))
			wg.Add(1 + len(people))
			go func() {
				defer wg.Done()
				retireErr = f.Org.RetireUnit(ctx, tn.ID, actor, target.ID, target.Version, calendar.Date{})
			}()
			for i, st := range people {
				go func() {
					defer wg.Done()
					unit := target.ID
					_, moveErrs[i] = f.Org.UpdateStaff(ctx, tn.ID, actor, st.ID, org.StaffUpdate{UnitID: &unit, ExpectVersion: st.Version})
				}()
			}
			wg.Wait()
			moved := 0
			for _, err := range moveErrs {
				switch e := apperr.As(err); {
				case err == nil:
					moved++
				case e != nil && e.Code == apperr.Invalid && len(e.Fields) == 1 && e.Fields[0].Key == "field.unit_retired":
				default:
					t.Errorf("round %d: a move failed with %v", round, err)
				}
			}
			u, err := db.FindUnitByID(ctx, tn.ID, target.ID)
			if err != nil {
				t.Fatal(err)
			}
			in, _, err := db.FindStaff(ctx, tn.ID, org.StaffFilter{UnitID: target.ID, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case retireErr == nil && (!u.Retired || len(in) != 0 || moved != 0):
				t.Errorf("round %d: retired with %d people moved in (unit retired=%v)", round, len(in), u.Retired)
			case retireErr != nil && (u.Retired || apperr.As(retireErr) == nil || apperr.As(retireErr).Key != "error.unit_not_empty" || moved == 0):
				t.Errorf("round %d: retire refused with %v, retired=%v, %d moved", round, retireErr, u.Retired, moved)
			}
			if len(in) != moved {
				t.Errorf("round %d: %d people in the unit, %d moves succeeded", round, len(in), moved)
			}
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Error(err)
		}
	})
}
