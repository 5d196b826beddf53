package e2e

import (
	"context"
	"testing"

	"telework/internal/auth"
	"telework/internal/demo"
	"telework/internal/devices"
	"telework/internal/store"
)

// seedDevicePools gives the demo tenant a pool, so that the device
// reservation page shows its form (with the staff picker) in the check.
func seedDevicePools(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e2eDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tenantID int64
	if err := db.SQL.QueryRowContext(ctx, `SELECT id FROM tenants WHERE slug = ?`, demo.Slug).Scan(&tenantID); err != nil {
		t.Fatal(err)
	}
	it := &auth.Principal{TenantID: tenantID, LoginID: "e2e", Roles: []auth.Role{auth.ITAdmin}}
	pool := &devices.Pool{Name: "LTEドングル(貸出用)", Kind: devices.LTEDongle, Capacity: 20, LoanDays: 1}
	if err := devices.NewService(db, db.Now).SavePool(ctx, tenantID, it, pool); err != nil {
		t.Fatal(err)
	}
}
