package demo_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestDemoTaskInventory: the demo city has systems, places (a 支所 on the
// office LAN and a private share office among them) and task sheets in
// several sections, so that the sheet summaries and the tenant's ranking
// show something and the account staff can pick planned tasks; every level
// of the guide is present.
func TestDemoTaskInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, time.December, 1, 10, 30, 0, 0, calendar.Tokyo)
		svc := app.NewServices(db)
		res, err := demo.Seed(ctx, demo.Services{Org: svc.Org, Auth: svc.Auth, Tasks: svc.Tasks}, now)
		if err != nil {
			t.Fatal(err)
		}
		tid := res.Tenant.ID
		cat, err := svc.Tasks.Catalogue(ctx, tid)
		storetest.Must(t, err)
		kinds := map[tasks.PlaceKind]bool{}
		for _, p := range cat.Places {
			kinds[p.Kind] = true
		}
		if len(cat.Systems) < 12 || !kinds[tasks.Branch] || !kinds[tasks.PrivateShare] {
			t.Errorf("catalogue: %d systems, place kinds %v", len(cat.Systems), kinds)
		}
		hr := &auth.Principal{TenantID: tid, Roles: []auth.Role{auth.HRAdmin}}
		ranked, _, err := svc.Tasks.Ranking(ctx, tid, hr)
		storetest.Must(t, err)
		if len(ranked) < 4 {
			t.Errorf("ranking: %d improvements", len(ranked))
		}
		all, err := db.FindSheetTasks(ctx, tid, 0)
		storetest.Must(t, err)
		sections := map[int64]bool{}
		for _, x := range all {
			sections[x.UnitID] = true
		}
		if len(all) < 20 || len(sections) < 6 {
			t.Errorf("%d tasks in %d sections", len(all), len(sections))
		}
		// The account staff's section offers tasks to pick, rated by level.
		u, err := svc.Auth.UserByLogin(ctx, tid, "staff")
		storetest.Must(t, err)
		st, err := svc.Org.StaffByID(ctx, tid, u.StaffID)
		storetest.Must(t, err)
		staff := &auth.Principal{TenantID: tid, UserID: u.ID, StaffID: st.ID, UnitID: st.UnitID, Roles: []auth.Role{auth.Staff}}
		choices, err := svc.Tasks.PlanChoices(ctx, tid, staff)
		storetest.Must(t, err)
		if len(choices) < 5 {
			t.Errorf("staff's planned-task choices: %+v", choices)
		}
		levels := map[tasks.Level]bool{}
		for _, x := range all {
			et := x.EngineTask()
			levels[cat.Engine.Level(&et)] = true
		}
		for _, l := range []tasks.Level{tasks.Level1, tasks.Level2, tasks.Level3, tasks.Level4} {
			if !levels[l] {
				t.Errorf("no task at level %v", l)
			}
		}
	})
}
