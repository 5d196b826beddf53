package store

// Tenants: instance-level rows (the tenant is the row itself).

import (
	"context"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

const tenantCols = `id, slug, name, kind, staff_size, general_admin_staff, created_at, version`

func scanTenant(sc interface{ Scan(...any) error }) (*org.Tenant, error) {
	var t org.Tenant
	var created int64
	if err := sc.Scan(&t.ID, &t.Slug, &t.Name, &t.Kind, &t.StaffSize, &t.GeneralAdminStaff, &created, &t.Version); err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

// FindTenants lists every tenant, for the operator.
func (db *DB) FindTenants(ctx context.Context) ([]*org.Tenant, error) {
	return queryAll(ctx, db, scanTenant, `SELECT `+tenantCols+` FROM tenants ORDER BY slug`)
}

// FindTenantByID returns one tenant or a NotFound error.
func (db *DB) FindTenantByID(ctx context.Context, id int64) (*org.Tenant, error) {
	return scanTenant(db.row(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
}

// FindTenantBySlug returns one tenant or a NotFound error.
func (db *DB) FindTenantBySlug(ctx context.Context, slug string) (*org.Tenant, error) {
	return scanTenant(db.row(ctx, `SELECT `+tenantCols+` FROM tenants WHERE slug = ?`, slug))
}

// TenantCounts gives the operator a size per tenant: staff and accounts.
func (db *DB) TenantCounts(ctx context.Context, tenantID int64) (staff, users int, err error) {
	err = db.row(ctx, `SELECT (SELECT COUNT(*) FROM staff WHERE tenant_id = ? AND retired = FALSE),
		(SELECT COUNT(*) FROM users WHERE tenant_id = ?)`, tenantID, tenantID).Scan(&staff, &users)
	return staff, users, err
}

// InOrgTx runs fn in one transaction for the org service.
func (db *DB) InOrgTx(ctx context.Context, fn func(org.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

var (
	_ org.Store = (*DB)(nil)
	_ org.Tx    = (*Tx)(nil)
)

// InsertTenant writes a new tenant row and sets t.ID.
func (tx *Tx) InsertTenant(ctx context.Context, t *org.Tenant) error {
	return mapErr(tx.row(ctx, `INSERT INTO tenants (slug, name, kind, staff_size, general_admin_staff, created_at, version)
		VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id`, t.Slug, t.Name, t.Kind, t.StaffSize, t.GeneralAdminStaff,
		micros(t.CreatedAt)).Scan(&t.ID))
}

// FindTenantByID reads a tenant inside the transaction.
func (tx *Tx) FindTenantByID(ctx context.Context, id int64) (*org.Tenant, error) {
	return scanTenant(tx.row(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
}

// UpdateTenantRow writes a tenant's name, kind and sizes at the expected version.
func (tx *Tx) UpdateTenantRow(ctx context.Context, t *org.Tenant, expectVersion int64) error {
	return staleIfNone(tx.exec(ctx, `UPDATE tenants SET name = ?, kind = ?, staff_size = ?, general_admin_staff = ?,
		version = version + 1 WHERE id = ? AND version = ?`, t.Name, t.Kind, t.StaffSize, t.GeneralAdminStaff, t.ID, expectVersion))
}

// InsertPolicyVersionJSON writes a tenant's first policy version (the
// body is the policy as JSON) and returns its id.
func (tx *Tx) InsertPolicyVersionJSON(ctx context.Context, tenantID int64, effective calendar.Date, body []byte, note, createdBy string) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO policy_versions (tenant_id, effective_from, body, note, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, effective.String(), string(body), note, micros(tx.db.Now()), createdBy).Scan(&id)
	return id, mapErr(err)
}

// FindTenantRefBySlug resolves a sign-in tenant code.
func (db *DB) FindTenantRefBySlug(ctx context.Context, slug string) (auth.TenantRef, error) {
	var t auth.TenantRef
	err := db.row(ctx, `SELECT id, slug, name FROM tenants WHERE slug = ?`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	return t, mapErr(err)
}
