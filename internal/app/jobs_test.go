package app

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestRetentionRunsOncePerDayAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{Label: "test"}
		tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.DesignatedCity, StaffSize: 10, GeneralAdminStaff: 5}
		if err := storetest.F(db).CreateTenant(ctx, actor, tn, nil); err != nil {
			t.Fatal(err)
		}
		u := &org.Unit{Code: "1", Name: "行財政局", Level: "局"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		// Two people left three years ago, one left last month.
		past := time.Now().Add(-3 * 365 * 24 * time.Hour)
		var people []*org.Staff
		for i, name := range []string{"古川 一", "古川 二", "新井 三"} {
			s := &org.Staff{StaffNo: "90" + string(rune('0'+i)), Name: name, Kana: "ふるかわ", Email: "x@kobe.example.lg.jp", UnitID: u.ID,
				Rank: org.RankStaff, Employment: org.Regular, JobType: "general", Sensitive: &org.Sensitive{Gender: "male"}}
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			people = append(people, s)
		}
		for i, s := range people {
			if i < 2 {
				db.Now = func() time.Time { return past }
			}
			if err := storetest.F(db).SetStaffRetired(ctx, tn.ID, actor, s.ID, s.Version, true); err != nil {
				t.Fatal(err)
			}
			db.Now = time.Now
		}
		if err := db.SetRetention(ctx, tn.ID, actor, map[string]int{"retired_staff": 2 * 365}); err != nil {
			t.Fatal(err)
		}
		// Four nodes start the day's job at once: exactly one runs it.
		now := time.Now()
		var wg sync.WaitGroup
		results := make(chan *RetentionResult, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := RunRetention(ctx, db, now, "node"+string(rune('a'+i)))
				if err != nil {
					t.Error(err)
				}
				results <- res
			}()
		}
		wg.Wait()
		close(results)
		ran := 0
		for res := range results {
			if res != nil && res.Ran {
				ran++
				if res.Removed["kobe/retired_staff"] != 2 {
					t.Errorf("removed = %v, want 2 retired staff", res.Removed)
				}
			}
		}
		if ran != 1 {
			t.Fatalf("%d nodes ran the day's retention, want 1", ran)
		}
		for i, s := range people {
			got, _ := db.FindStaffByID(ctx, tn.ID, s.ID)
			erased := got.Email == "" && got.Sensitive == nil && got.Name != s.Name
			if erased != (i < 2) {
				t.Errorf("%s: erased=%v", s.Name, erased)
			}
		}
		// The removal is counted in the audit log, and the chain verifies.
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.apply"})
		if len(ents) != 1 || !containsAll(string(ents[0].After), `"removed":2`, `"retired_staff"`) {
			t.Errorf("audit of retention = %+v", ents)
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Error(err)
		}
		// The next day runs again and finds nothing more to remove.
		res, err := RunRetention(ctx, db, now.Add(24*time.Hour), "nodea")
		if err != nil || !res.Ran || len(res.Removed) != 0 {
			t.Errorf("next day: %+v %v", res, err)
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
