package storetest

import (
	"context"
	"testing"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/store"
)

// TrialTenants creates two tenants, each with one HR account, for the
// tests of issue 16's areas; it returns the tenants and the accounts' ids.
func TrialTenants(t testing.TB, db *store.DB) (a, b *org.Tenant, userA, userB int64) {
	t.Helper()
	ctx := context.Background()
	actor := audit.Actor{Label: "test"}
	var ids [2]int64
	var ts [2]*org.Tenant
	for i, slug := range []string{"matsumoto", "saga"} {
		tn := &org.Tenant{Slug: slug, Name: slug, Kind: org.Municipality, StaffSize: 10, GeneralAdminStaff: 5}
		u := &auth.User{LoginID: "hr-" + slug, PasswordHash: "x", Granted: []auth.Role{auth.Staff, auth.HRAdmin}}
		if err := F(db).CreateTenant(ctx, actor, tn, u); err != nil {
			t.Fatal(err)
		}
		ts[i], ids[i] = tn, u.ID
	}
	return ts[0], ts[1], ids[0], ids[1]
}
