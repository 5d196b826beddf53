package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/orgio"
	"telework/internal/staffio"
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

type unitCount struct {
	unit  int64
	count int
}

func countStaffByUnit(ctx context.Context, q querier, tenantID int64) (map[int64]int, error) {
	rows, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (unitCount, error) {
		var c unitCount
		err := sc.Scan(&c.unit, &c.count)
		return c, err
	}, `SELECT unit_id, COUNT(*) FROM staff WHERE tenant_id = ? AND retired = FALSE GROUP BY unit_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: staff per unit: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, c := range rows {
		out[c.unit] = c.count
	}
	return out, nil
}

// InUnitImport runs an organisation import in one transaction.
func (db *DB) InUnitImport(ctx context.Context, fn func(orgio.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// CreateUnitImport keeps a previewed file until imp.ExpiresAt and drops
// the tenant's files expired by imp.CreatedAt.
func (db *DB) CreateUnitImport(ctx context.Context, imp *staffio.Upload) error {
	if err := unitImports.expire(ctx, db, imp); err != nil {
		return err
	}
	return mapErr(db.row(ctx, `INSERT INTO unit_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, imp.TenantID, imp.UserID, imp.Filename, imp.SHA256, imp.Data,
		micros(imp.CreatedAt), micros(imp.ExpiresAt)).Scan(&imp.ID))
}

// DropOldUnitImports deletes the user's files not yet applied except the
// newest keep.
func (db *DB) DropOldUnitImports(ctx context.Context, tenantID, userID int64, keep int) error {
	return unitImports.dropOld(ctx, db, tenantID, userID, keep)
}

// FindUnitImport returns one of the user's own files that has not expired
// by now, or NotFound.
func (db *DB) FindUnitImport(ctx context.Context, tenantID, userID, id int64, now time.Time) (*staffio.Upload, error) {
	return unitImports.find(ctx, db, tenantID, userID, id, now)
}

// ClaimUnitImport marks a file as applied inside the import's transaction
// and drops its bytes, so a second confirmation applies nothing.
func (tx *Tx) ClaimUnitImport(ctx context.Context, tenantID, userID, id int64, at time.Time) error {
	return unitImports.claim(ctx, tx, tenantID, userID, id, at)
}

// SetUnitImportResult records an applied file's counts for its result page.
func (tx *Tx) SetUnitImportResult(ctx context.Context, tenantID, userID, id int64, result string) error {
	return unitImports.setResult(ctx, tx, tenantID, userID, id, result)
}
