package retention_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/retention"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestRunDailyOncePerDayAcrossNodes(t *testing.T) {
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
		if err := retention.NewService(db, db.Now).SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 2 * 365}); err != nil {
			t.Fatal(err)
		}
		daily := func(at time.Time) *retention.Service { return retention.NewService(db, func() time.Time { return at }) }
		// Four nodes start the day's job at once: exactly one runs it.
		now := time.Now()
		var wg sync.WaitGroup
		results := make(chan *retention.DailyResult, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := daily(now).RunDaily(ctx, "node"+string(rune('a'+i)))
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
		// A later call the same day (the hourly loop) does nothing.
		if res, err := daily(now.Add(time.Minute)).RunDaily(ctx, "nodeb"); err != nil || res.Ran {
			t.Errorf("second call the same day: %+v %v", res, err)
		}
		// The next day runs again and finds nothing more to remove.
		res, err := daily(now.Add(24*time.Hour)).RunDaily(ctx, "nodea")
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

func TestSetSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := audit.Actor{ID: 3, Label: "hr01"}
		tn := &org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture, StaffSize: 10, GeneralAdminStaff: 5}
		if err := storetest.F(db).CreateTenant(ctx, actor, tn, nil); err != nil {
			t.Fatal(err)
		}
		svc := retention.NewService(db, db.Now)
		// Refused, with a field error per setting; nothing is written.
		err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 30, "api_tokens": -1, "nonsense": 5})
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 3 {
			t.Fatalf("invalid settings: %v", err)
		}
		if set, _ := svc.Settings(ctx, tn.ID); len(set) != 0 {
			t.Errorf("refused settings stored: %v", set)
		}
		if err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 0, "api_tokens": 90}); err != nil {
			t.Fatal(err)
		}
		if set, _ := svc.Settings(ctx, tn.ID); set["api_tokens"] != 90 || set["retired_staff"] != 0 || len(set) != 2 {
			t.Errorf("settings: %v", set)
		}
		// Saving the same settings again writes nothing.
		if err := svc.SetSettings(ctx, tn.ID, actor, map[string]int{"retired_staff": 0, "api_tokens": 90}); err != nil {
			t.Fatal(err)
		}
		// One entry with the periods in force before and after.
		ents, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "retention.settings"})
		if len(ents) != 1 || !containsAll(string(ents[0].Before), `"api_tokens":365`) || !containsAll(string(ents[0].After), `"api_tokens":90`, `"retired_staff":0`) {
			t.Errorf("audit: %+v", ents)
		}
	})
}
