package store

// Tenants: instance-level rows (the tenant is the row itself).

import (
	"context"
	"fmt"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
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

// CreateTenant adds a 団体. The change is recorded in the instance chain
// (tenant 0) and opens the tenant's own chain. When admin is not nil, its
// first account is created in the same transaction.
func (db *DB) CreateTenant(ctx context.Context, actor audit.Actor, t *org.Tenant, admin *auth.User) error {
	return db.InTx(ctx, func(tx *Tx) error {
		t.CreatedAt = db.Now().UTC()
		t.Version = 1
		err := tx.row(ctx, `INSERT INTO tenants (slug, name, kind, staff_size, general_admin_staff, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id`, t.Slug, t.Name, t.Kind, t.StaffSize, t.GeneralAdminStaff,
			micros(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			err = mapErr(err)
			if isDuplicate(err) {
				var v apperr.Validation
				v.Add("slug", "field.taken", nil)
				return v.Err()
			}
			return err
		}
		c := audit.Change{Action: "tenant.create", ObjectType: "tenant", ObjectID: strconv.FormatInt(t.ID, 10), After: t}
		if err := tx.appendAudit(ctx, 0, actor, c); err != nil {
			return err
		}
		if err := tx.appendAudit(ctx, t.ID, actor, c); err != nil {
			return err
		}
		if admin != nil {
			return tx.createUser(ctx, t.ID, actor, admin)
		}
		return nil
	})
}

// UpdateTenant changes a tenant's name, kind and sizes (not its slug) if
// its version is still expectVersion.
func (db *DB) UpdateTenant(ctx context.Context, actor audit.Actor, t *org.Tenant, expectVersion int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := scanTenant(tx.row(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, t.ID))
		if err != nil {
			return err
		}
		if before.Version != expectVersion {
			return staleErr()
		}
		t.Slug, t.CreatedAt, t.Version = before.Slug, before.CreatedAt, before.Version+1
		if err := staleIfNone(tx.exec(ctx, `UPDATE tenants SET name = ?, kind = ?, staff_size = ?, general_admin_staff = ?,
			version = version + 1 WHERE id = ? AND version = ?`, t.Name, t.Kind, t.StaffSize, t.GeneralAdminStaff, t.ID, before.Version)); err != nil {
			return err
		}
		c := audit.Change{Action: "tenant.update", ObjectType: "tenant", ObjectID: strconv.FormatInt(t.ID, 10), Before: before, After: t}
		if err := tx.appendAudit(ctx, 0, actor, c); err != nil {
			return err
		}
		return tx.appendAudit(ctx, t.ID, actor, c)
	})
}

// FindTenants lists every tenant, for the operator.
func (db *DB) FindTenants(ctx context.Context) ([]*org.Tenant, error) {
	rows, err := db.query(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("store: tenants: %w", err)
	}
	defer rows.Close()
	var out []*org.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
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
