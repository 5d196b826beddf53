package store

// Operator-level queries: the only ones that are not scoped to one tenant.

import (
	"context"
	"fmt"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
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
func (db *DB) CreateTenant(ctx context.Context, actor audit.Actor, t *org.Tenant, admin *User) error {
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

// Operator is an instance-level account.
type Operator struct {
	ID           int64
	LoginID      string
	PasswordHash string
	MustChange   bool
	Locale       string
	Wareki       bool
	Version      int64
}

const operatorCols = `id, login_id, password_hash, must_change_password, locale, wareki, version`

func scanOperator(sc interface{ Scan(...any) error }) (*Operator, error) {
	var o Operator
	if err := sc.Scan(&o.ID, &o.LoginID, &o.PasswordHash, &o.MustChange, &o.Locale, &o.Wareki, &o.Version); err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// CreateOperator adds an instance operator account.
func (db *DB) CreateOperator(ctx context.Context, actor audit.Actor, loginID, hash string, mustChange bool) (*Operator, error) {
	o := &Operator{LoginID: loginID, PasswordHash: hash, MustChange: mustChange, Locale: "ja", Version: 1}
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.row(ctx, `INSERT INTO operators (login_id, password_hash, must_change_password, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`, loginID, hash, mustChange, micros(db.Now())).Scan(&o.ID); err != nil {
			return mapErr(err)
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.create", ObjectType: "operator",
			ObjectID: strconv.FormatInt(o.ID, 10), After: map[string]any{"login_id": loginID}})
	})
	return o, err
}

// FindOperatorByLogin returns an operator or NotFound.
func (db *DB) FindOperatorByLogin(ctx context.Context, loginID string) (*Operator, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE login_id = ?`, loginID))
}

// FindOperatorByID returns an operator or NotFound.
func (db *DB) FindOperatorByID(ctx context.Context, id int64) (*Operator, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
}

// SetOperatorPassword stores a new hash; mustChange marks an admin reset.
func (db *DB) SetOperatorPassword(ctx context.Context, actor audit.Actor, id int64, hash string, mustChange bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE operators SET password_hash = ?, must_change_password = ?, version = version + 1
			WHERE id = ?`, hash, mustChange, id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = 0 AND user_id = ?`, id); err != nil {
			return err
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.password", ObjectType: "operator",
			ObjectID: strconv.FormatInt(id, 10), After: map[string]any{"must_change_password": mustChange}})
	})
}

// SetOperatorSettings stores the operator's display settings.
func (db *DB) SetOperatorSettings(ctx context.Context, actor audit.Actor, id int64, locale string, wareki bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := scanOperator(tx.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := staleIfNone(tx.exec(ctx, `UPDATE operators SET locale = ?, wareki = ?, version = version + 1 WHERE id = ? AND version = ?`,
			locale, wareki, id, before.Version)); err != nil {
			return err
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.settings", ObjectType: "operator",
			ObjectID: strconv.FormatInt(id, 10), Before: map[string]any{"locale": before.Locale, "wareki": before.Wareki},
			After: map[string]any{"locale": locale, "wareki": wareki}})
	})
}
