package store

import (
	"context"
	"database/sql"
	"fmt"

	"telework/internal/calendar"
	"telework/internal/org"
)

const unitCols = `id, tenant_id, parent_id, code, name, level, sort_order, retired, version`

func scanUnit(sc interface{ Scan(...any) error }) (*org.Unit, error) {
	var u org.Unit
	var parent sql.NullInt64
	if err := sc.Scan(&u.ID, &u.TenantID, &parent, &u.Code, &u.Name, &u.Level, &u.SortOrder, &u.Retired, &u.Version); err != nil {
		return nil, mapErr(err)
	}
	u.ParentID = parent.Int64
	return &u, nil
}

// LockUnit reads a unit and, on PostgreSQL, locks its row (FOR UPDATE or
// FOR SHARE) until the transaction ends. SQLite transactions already hold
// the database's write lock from their start (immediate). Only changes of
// staff or units lock a unit: they take the tenant's organisation lock
// first (orglock.go), before any row, so that a unit locked here and a
// person updated later are never waited for in the opposite order by
// another change.
func (t *Tx) LockUnit(ctx context.Context, tenantID, id int64, exclusive bool) (*org.Unit, error) {
	if err := t.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return nil, err
	}
	q := `SELECT ` + unitCols + ` FROM units WHERE tenant_id = ? AND id = ?`
	if t.db.Engine == Postgres {
		if exclusive {
			q += ` FOR UPDATE`
		} else {
			q += ` FOR SHARE`
		}
	}
	return scanUnit(t.row(ctx, q, tenantID, id))
}

// InsertUnit writes a new unit row and sets u.ID.
func (t *Tx) InsertUnit(ctx context.Context, tenantID int64, u *org.Unit) error {
	if err := t.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	now := micros(t.db.Now())
	return mapErr(t.row(ctx, `INSERT INTO units (tenant_id, parent_id, code, name, level, sort_order, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, nullID(u.ParentID), u.Code, u.Name, u.Level,
		u.SortOrder, now, now).Scan(&u.ID))
}

// UpdateUnitRow writes u's fields if the row's version is still
// expectVersion (stale conflict otherwise).
func (t *Tx) UpdateUnitRow(ctx context.Context, tenantID int64, u *org.Unit, expectVersion int64) error {
	if err := t.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return err
	}
	return staleIfNone(t.exec(ctx, `UPDATE units SET name = ?, level = ?, code = ?, parent_id = ?, sort_order = ?,
		updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`, u.Name, u.Level, u.Code,
		nullID(u.ParentID), u.SortOrder, micros(t.db.Now()), tenantID, u.ID, expectVersion))
}

// RetireEmptyUnit closes the unit in one conditional statement: only at
// the expected version, and only with no current staff and no open child.
func (t *Tx) RetireEmptyUnit(ctx context.Context, tenantID, id, expectVersion int64) (bool, error) {
	if err := t.lockOrg(ctx, tenantID, orgExclusive); err != nil {
		return false, err
	}
	res, err := t.exec(ctx, `UPDATE units SET retired = TRUE, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ? AND retired = FALSE
		AND NOT EXISTS (SELECT 1 FROM staff WHERE tenant_id = ? AND unit_id = ? AND retired = FALSE)
		AND NOT EXISTS (SELECT 1 FROM units c WHERE c.tenant_id = ? AND c.parent_id = ? AND c.retired = FALSE)`,
		micros(t.db.Now()), tenantID, id, expectVersion, tenantID, id, tenantID, id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountUnitMembers counts a unit's current staff and open child units.
func (t *Tx) CountUnitMembers(ctx context.Context, tenantID, id int64) (staff, units int, err error) {
	err = t.row(ctx, `SELECT (SELECT COUNT(*) FROM staff WHERE tenant_id = ? AND unit_id = ? AND retired = FALSE),
		(SELECT COUNT(*) FROM units WHERE tenant_id = ? AND parent_id = ? AND retired = FALSE)`,
		tenantID, id, tenantID, id).Scan(&staff, &units)
	return staff, units, err
}

// InsertUnitHistory records one change of a unit.
func (t *Tx) InsertUnitHistory(ctx context.Context, tenantID int64, c *org.UnitChange) error {
	_, err := t.exec(ctx, `INSERT INTO unit_history (tenant_id, unit_id, kind, old_name, new_name, old_parent_id,
		new_parent_id, effective_date, changed_at, actor_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, c.UnitID, c.Kind, c.OldName, c.NewName, nullID(c.OldParentID), nullID(c.NewParentID), c.EffectiveDate.String(),
		micros(c.ChangedAt), c.ActorLabel)
	return err
}

// FindUnitByID returns one unit of the tenant or NotFound.
func (db *DB) FindUnitByID(ctx context.Context, tenantID, id int64) (*org.Unit, error) {
	return scanUnit(db.row(ctx, `SELECT `+unitCols+` FROM units WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// FindUnits returns every unit of the tenant in tree order by sort_order,
// code. A municipality has hundreds of units at most, so the tree is built
// in memory (org.Tree).
func (db *DB) FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error) {
	return findUnits(ctx, db, tenantID)
}

// querier is what *DB and *Tx share, so a read can serve both.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func findUnits(ctx context.Context, q querier, tenantID int64) ([]*org.Unit, error) {
	return queryAll(ctx, q, scanUnit, `SELECT `+unitCols+` FROM units WHERE tenant_id = ? ORDER BY sort_order, code`, tenantID)
}

// FindUnitHistory lists a unit's changes, newest first.
func (db *DB) FindUnitHistory(ctx context.Context, tenantID, unitID int64) ([]*org.UnitChange, error) {
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (*org.UnitChange, error) {
		var c org.UnitChange
		var op, np sql.NullInt64
		var eff string
		var at int64
		if err := sc.Scan(&c.ID, &c.UnitID, &c.Kind, &c.OldName, &c.NewName, &op, &np, &eff, &at, &c.ActorLabel); err != nil {
			return nil, err
		}
		c.OldParentID, c.NewParentID, c.ChangedAt = op.Int64, np.Int64, fromMicros(at)
		c.EffectiveDate, _ = calendar.ParseDate(eff)
		return &c, nil
	}, `SELECT id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id,
		effective_date, changed_at, actor_label FROM unit_history WHERE tenant_id = ? AND unit_id = ?
		ORDER BY effective_date DESC, id DESC`, tenantID, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: unit history: %w", err)
	}
	return out, nil
}
