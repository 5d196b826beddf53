package apply_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestSimulationReplaysStoredApplications: the policy simulation replays
// the days applied for in a period (withdrawn ones left out) against a
// stricter policy, each judged as of its submission.
func TestSimulationReplaysStoredApplications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], apply.Request{From: day(time.June, 8), To: day(time.June, 10),
			Mode: policy.Home, Plan: "補助金の交付申請の審査", Submit: true})
		storetest.Must(t, err)
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
		storetest.Must(t, err)
		w, err := f.svc.Create(ctx, f.a.ID, f.who["colleague"], oneDay(day(time.June, 9)))
		storetest.Must(t, err)
		_, err = f.svc.Withdraw(ctx, f.a.ID, f.who["colleague"], w.Application.ID, apply.Act{})
		storetest.Must(t, err)

		ps := policy.NewService(db, func() time.Time { return f.now })
		ps.SetPastApplications(db)
		tp, _ := policy.TemplateByName("matsumoto")
		strict := tp.Policy
		strict.Caps.WeeklyMaxDays = 2
		sim, err := ps.SimulateStored(ctx, f.a.ID, strict, day(time.June, 1), day(time.June, 30), "ja")
		storetest.Must(t, err)
		if !sim.Stored || sim.Total != 3 || sim.Refused != 1 || len(sim.Rows) != 1 || sim.Rows[0].Date != day(time.June, 10) ||
			sim.Rows[0].ApplicationID != res.Application.ID || sim.DeadlinesSkipped {
			t.Fatalf("simulation: %+v", sim)
		}
		_, err = ps.SimulateStored(ctx, f.a.ID, strict, day(time.June, 30), day(time.June, 1), "ja")
		mustCode(t, err, "invalid")
	})
}
