package places_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// insertApplication writes an application of staffID for days straight
// through the store (the apply service's rules are not under test here).
func insertApplication(t *testing.T, db *store.DB, tenantID, staffID int64, status apply.Status, devices []string, days ...calendar.Date) *apply.Application {
	t.Helper()
	a := &apply.Application{StaffID: staffID, Status: status, Decision: status, Mode: policy.Mode("home"), TimeUnit: policy.TimeUnit("full_day"),
		Devices: devices, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	for _, d := range days {
		a.Days = append(a.Days, apply.Day{Date: d, Status: status, UpdatedAt: time.Now()})
	}
	if err := db.InApplyTx(context.Background(), func(tx apply.Tx) error { return tx.InsertApplication(context.Background(), tenantID, a) }); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestForecastCountsApplicationDevices: an application's devices are
// stored as a JSON array (["loan_pc"]); the forecast reads them as kinds
// and counts the days without a reservation as pending for the pool of
// that kind, on both engines.
func TestForecastCountsApplicationDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		insertApplication(t, db, f.a.ID, f.staff[0].ID, apply.Submitted, []string{"loan_pc"}, f.monday)
		insertApplication(t, db, f.a.ID, f.staff[1].ID, apply.Approved, []string{"loan_pc", "tablet"}, f.monday)
		insertApplication(t, db, f.a.ID, f.staff[2].ID, apply.Approved, nil, f.monday)
		in, err := db.FindDemandInputs(ctx, f.a.ID, f.today, f.monday)
		if err != nil {
			t.Fatal(err)
		}
		pools := []places.Capacity{{Type: "pool", ID: 71, Name: "貸出PC", Kind: "loan_pc", Capacity: 1},
			{Type: "pool", ID: 72, Name: "タブレット", Kind: "tablet", Capacity: 5}}
		got := places.Forecast(pools, in, f.today, 2)
		if w := got[0].Weeks[1]; w.Pending != 2 || w.Peak != 2 || w.Level != "shortage" {
			t.Fatalf("loan PCs: %+v (device days %+v)", w, in.DeviceDays)
		}
		if w := got[1].Weeks[1]; w.Pending != 1 || w.Peak != 1 {
			t.Fatalf("tablets: %+v", w)
		}
	})
}
