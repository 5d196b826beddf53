package store

import (
	"context"
	"fmt"

	"telework/internal/orgio"
)

// The store side of the organisation import and export (orgio): staff
// counts per unit, the import's one transaction, and the files kept
// between preview and confirmation (unit_imports, like staff_imports).

var (
	_ orgio.ServiceStore = (*DB)(nil)
	_ orgio.Tx           = (*Tx)(nil)
)

// CountStaffByUnit counts the people in service per unit id.
func (db *DB) CountStaffByUnit(ctx context.Context, tenantID int64) (map[int64]int, error) {
	return countStaffByUnit(ctx, db, tenantID)
}

// CountStaffByUnit is CountStaffByUnit inside the import's transaction.
func (tx *Tx) CountStaffByUnit(ctx context.Context, tenantID int64) (map[int64]int, error) {
	return countStaffByUnit(ctx, tx, tenantID)
}

func countStaffByUnit(ctx context.Context, q querier, tenantID int64) (map[int64]int, error) {
	out, err := queryCounts[int64](ctx, q, `SELECT unit_id, COUNT(*) FROM staff WHERE tenant_id = ? AND retired = FALSE GROUP BY unit_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: staff per unit: %w", err)
	}
	return out, nil
}

// InUnitImport runs an organisation import in one transaction.
func (db *DB) InUnitImport(ctx context.Context, fn func(orgio.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}
