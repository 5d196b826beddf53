package storetest

import (
	"context"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
)

// Fixture sets up test data through the real services, with the call
// shapes tests use most: every write goes through the same workflow, rules
// and audit entries as the product's.
type Fixture struct {
	Org  *org.Service
	Auth *auth.Service
}

// F returns the fixture services over db; they read db.Now on each call.
func F(db *store.DB) Fixture {
	now := func() time.Time { return db.Now() }
	orgs := org.NewService(db, now)
	orgs.SetPolicyTemplates(policy.OrgTemplates{})
	return Fixture{Org: orgs, Auth: auth.NewService(db, now)}
}

// CreateTenant creates t (and its first account, when admin is set, with
// admin's own hash and roles) in one transaction.
func (f Fixture) CreateTenant(ctx context.Context, actor audit.Actor, t *org.Tenant, admin *auth.User) error {
	res, err := f.Org.CreateTenant(ctx, actor, org.NewTenant{Tenant: *t})
	if err != nil {
		return err
	}
	*t = *res.Tenant
	if admin != nil {
		return f.Auth.CreateAccount(ctx, t.ID, actor, admin)
	}
	return nil
}

// CreateUnit adds a unit.
func (f Fixture) CreateUnit(ctx context.Context, tenantID int64, actor audit.Actor, u *org.Unit, effective calendar.Date) error {
	return f.Org.CreateUnit(ctx, tenantID, actor, u, effective)
}

// UpdateUnit replaces a unit's fields at expectVersion.
func (f Fixture) UpdateUnit(ctx context.Context, tenantID int64, actor audit.Actor, id int64, u org.Unit, effective calendar.Date) (*org.Unit, error) {
	return f.Org.UpdateUnit(ctx, tenantID, actor, id, org.UnitUpdate{Name: &u.Name, Level: &u.Level, Code: &u.Code,
		ParentID: &u.ParentID, SortOrder: &u.SortOrder, Effective: effective, ExpectVersion: u.Version})
}

// CreateStaff adds a staff record.
func (f Fixture) CreateStaff(ctx context.Context, tenantID int64, actor audit.Actor, s *org.Staff, effective calendar.Date) error {
	return f.Org.CreateStaff(ctx, tenantID, actor, s, effective)
}

// UpdateStaff replaces every field of s at expectVersion and copies the
// stored result back into s.
func (f Fixture) UpdateStaff(ctx context.Context, tenantID int64, actor audit.Actor, s *org.Staff, expectVersion int64, effective calendar.Date) error {
	upd := org.FullUpdate(s, effective)
	upd.ExpectVersion = expectVersion
	after, err := f.Org.UpdateStaff(ctx, tenantID, actor, s.ID, upd)
	if err != nil {
		return err
	}
	*s = *after
	return nil
}

// SetStaffRetired retires or reinstates a person at expectVersion.
func (f Fixture) SetStaffRetired(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, retired bool) error {
	return f.Org.RetireStaff(ctx, tenantID, actor, id, expectVersion, retired)
}

// CreateUser adds an account with the hash the test chose.
func (f Fixture) CreateUser(ctx context.Context, tenantID int64, actor audit.Actor, u *auth.User) error {
	return f.Auth.CreateAccount(ctx, tenantID, actor, u)
}

// UpdateUser changes an account.
func (f Fixture) UpdateUser(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd auth.UserUpdate) (*auth.User, error) {
	return f.Auth.UpdateUser(ctx, tenantID, actor, id, upd)
}

// Must fails the test on err (for set-up steps).
func Must(tb interface{ Fatal(...any) }, err error) {
	if err != nil {
		if e := apperr.As(err); e != nil {
			tb.Fatal(e.Code, e.Key, e.Fields, err)
		}
		tb.Fatal(err)
	}
}
