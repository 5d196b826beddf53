package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/web"
)

// benchServices wires the product's services on db.
func benchServices(db *store.DB) web.Services { return app.NewServices(db) }

// benchToken creates an HR account with an API token on the seeded tenant.
func benchToken(t *testing.T, f *fixture, tenantID int64) string {
	t.Helper()
	ctx := context.Background()
	login := fmt.Sprintf("bench-ratio-%d", time.Now().UnixNano())
	u := &auth.User{LoginID: login, PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
	if err := storetest.F(f.db).CreateUser(ctx, tenantID, audit.Actor{Label: "bench"}, u); err != nil {
		t.Fatal(err)
	}
	_, secret, err := storetest.F(f.db).Auth.CreateToken(ctx, &auth.Principal{TenantID: tenantID, UserID: u.ID, LoginID: login},
		auth.NewToken{Name: "bench", Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// demoTenant seeds the demo city (about 300 staff) beside the large
// tenant, once per database, and returns its id.
func demoTenant(t *testing.T, f *fixture) int64 {
	t.Helper()
	svc := app.NewServices(f.db)
	res, err := demo.Seed(context.Background(), demo.Services{Org: svc.Org, Auth: svc.Auth}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return res.Tenant.ID
}
