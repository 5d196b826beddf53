package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
				if err == nil {
					wins++
				} else {
					stale++
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
