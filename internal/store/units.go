package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
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

func unitID(id int64) string { return strconv.FormatInt(id, 10) }

// CreateUnit adds a unit under u.ParentID (0 = top level).
func (db *DB) CreateUnit(ctx context.Context, tenantID int64, actor audit.Actor, u *org.Unit, effective calendar.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if u.ParentID != 0 {
			if _, err := tx.unitByID(ctx, tenantID, u.ParentID); err != nil {
				return parentErr(err)
			}
		}
		now := micros(db.Now())
		u.TenantID, u.Version = tenantID, 1
		if err := tx.row(ctx, `INSERT INTO units (tenant_id, parent_id, code, name, level, sort_order, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, nullID(u.ParentID), u.Code, u.Name, u.Level,
			u.SortOrder, now, now).Scan(&u.ID); err != nil {
			return codeTaken(mapErr(err))
		}
		if err := tx.unitHistory(ctx, tenantID, actor, u.ID, "create", "", u.Name, 0, u.ParentID, effective); err != nil {
			return err
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "unit.create", ObjectType: "unit", ObjectID: unitID(u.ID), After: u})
	})
}

func parentErr(err error) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		var v apperr.Validation
		v.Add("parent_id", "field.unit_unknown", nil)
		return v.Err()
	}
	return err
}

func codeTaken(err error) error {
	if isDuplicate(err) {
		var v apperr.Validation
		v.Add("code", "field.taken", nil)
		return v.Err()
	}
	return err
}

func (t *Tx) unitByID(ctx context.Context, tenantID, id int64) (*org.Unit, error) {
	return scanUnit(t.row(ctx, `SELECT `+unitCols+` FROM units WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

func (t *Tx) unitHistory(ctx context.Context, tenantID int64, actor audit.Actor, unitID int64, kind, oldName, newName string,
	oldParent, newParent int64, effective calendar.Date) error {
	if effective.IsZero() {
		effective = calendar.DateOf(t.db.Now())
	}
	_, err := t.exec(ctx, `INSERT INTO unit_history (tenant_id, unit_id, kind, old_name, new_name, old_parent_id,
		new_parent_id, effective_date, changed_at, actor_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, unitID, kind, oldName, newName, nullID(oldParent), nullID(newParent), effective.String(),
		micros(t.db.Now()), actor.Label)
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
	rows, err := q.query(ctx, `SELECT `+unitCols+` FROM units WHERE tenant_id = ? ORDER BY sort_order, code`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	defer rows.Close()
	var out []*org.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUnit renames or moves a unit, recording each in its history. A move
// under one of the unit's own descendants is refused.
func (db *DB) UpdateUnit(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd org.UnitUpdate) (*org.Unit, error) {
	var after *org.Unit
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.unitByID(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if before.Version != upd.ExpectVersion {
			return staleErr()
		}
		if upd.ParentID != before.ParentID && upd.ParentID != 0 {
			// Walk up from the new parent: meeting the unit itself means a cycle.
			for p := upd.ParentID; p != 0; {
				if p == id {
					var v apperr.Validation
					v.Add("parent_id", "field.unit_cycle", nil)
					return v.Err()
				}
				pu, err := tx.unitByID(ctx, tenantID, p)
				if err != nil {
					return parentErr(err)
				}
				p = pu.ParentID
			}
		}
		a := *before
		a.Name, a.Level, a.Code, a.ParentID, a.SortOrder, a.Version = upd.Name, upd.Level, upd.Code, upd.ParentID, upd.SortOrder, before.Version+1
		if res, err := tx.exec(ctx, `UPDATE units SET name = ?, level = ?, code = ?, parent_id = ?, sort_order = ?,
			updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`, a.Name, a.Level, a.Code,
			nullID(a.ParentID), a.SortOrder, micros(db.Now()), tenantID, id, before.Version); err != nil {
			return codeTaken(mapErr(err))
		} else if n, _ := res.RowsAffected(); n == 0 {
			return staleErr()
		}
		if a.Name != before.Name {
			if err := tx.unitHistory(ctx, tenantID, actor, id, "rename", before.Name, a.Name, before.ParentID, a.ParentID, upd.Effective); err != nil {
				return err
			}
		}
		if a.ParentID != before.ParentID {
			if err := tx.unitHistory(ctx, tenantID, actor, id, "move", before.Name, a.Name, before.ParentID, a.ParentID, upd.Effective); err != nil {
				return err
			}
		}
		after = &a
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "unit.update", ObjectType: "unit", ObjectID: unitID(id), Before: before, After: a})
	})
	return after, err
}

// RetireUnit closes a unit that has no current staff and no open children.
func (db *DB) RetireUnit(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, effective calendar.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := tx.unitByID(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if before.Version != expectVersion {
			return staleErr()
		}
		var staff, children int
		if err := tx.row(ctx, `SELECT (SELECT COUNT(*) FROM staff WHERE tenant_id = ? AND unit_id = ? AND retired = FALSE),
			(SELECT COUNT(*) FROM units WHERE tenant_id = ? AND parent_id = ? AND retired = FALSE)`,
			tenantID, id, tenantID, id).Scan(&staff, &children); err != nil {
			return err
		}
		if staff > 0 || children > 0 {
			return &apperr.Error{Code: apperr.Conflict, Key: "error.unit_not_empty", Args: map[string]any{"Staff": staff, "Units": children}}
		}
		if err := staleIfNone(tx.exec(ctx, `UPDATE units SET retired = TRUE, updated_at = ?, version = version + 1
			WHERE tenant_id = ? AND id = ? AND version = ?`, micros(db.Now()), tenantID, id, before.Version)); err != nil {
			return err
		}
		if err := tx.unitHistory(ctx, tenantID, actor, id, "retire", before.Name, before.Name, before.ParentID, before.ParentID, effective); err != nil {
			return err
		}
		after := *before
		after.Retired, after.Version = true, before.Version+1
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "unit.retire", ObjectType: "unit", ObjectID: unitID(id), Before: before, After: after})
	})
}

// FindUnitHistory lists a unit's changes, newest first.
func (db *DB) FindUnitHistory(ctx context.Context, tenantID, unitID int64) ([]*org.UnitChange, error) {
	rows, err := db.query(ctx, `SELECT id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id,
		effective_date, changed_at, actor_label FROM unit_history WHERE tenant_id = ? AND unit_id = ?
		ORDER BY effective_date DESC, id DESC`, tenantID, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: unit history: %w", err)
	}
	defer rows.Close()
	var out []*org.UnitChange
	for rows.Next() {
		var c org.UnitChange
		var op, np sql.NullInt64
		var eff string
		var at int64
		if err := rows.Scan(&c.ID, &c.UnitID, &c.Kind, &c.OldName, &c.NewName, &op, &np, &eff, &at, &c.ActorLabel); err != nil {
			return nil, err
		}
		c.OldParentID, c.NewParentID, c.ChangedAt = op.Int64, np.Int64, fromMicros(at)
		c.EffectiveDate, _ = calendar.ParseDate(eff)
		out = append(out, &c)
	}
	return out, rows.Err()
}
