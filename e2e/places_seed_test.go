package e2e

import (
	"context"
	"testing"

	"telework/internal/auth"
	"telework/internal/devices"
)

// seedDevicePools gives the demo tenant a pool, so that the device
// reservation page shows its form (with the staff picker) in the check.
func seedDevicePools(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db, tenantID := demoDB(t)
	defer db.Close()
	it := &auth.Principal{TenantID: tenantID, LoginID: "e2e", Roles: []auth.Role{auth.ITAdmin}}
	pool := &devices.Pool{Name: "LTEドングル(貸出用)", Kind: devices.LTEDongle, Capacity: 20, LoanDays: 1}
	if err := devices.NewService(db, db.Now).SavePool(ctx, tenantID, it, pool); err != nil {
		t.Fatal(err)
	}
}
