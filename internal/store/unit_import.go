package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/apperr"
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
	if _, err := db.exec(ctx, `DELETE FROM unit_imports WHERE tenant_id = ? AND expires_at <= ?`, imp.TenantID, micros(imp.CreatedAt)); err != nil {
		return fmt.Errorf("store: expiring unit imports: %w", err)
	}
	return mapErr(db.row(ctx, `INSERT INTO unit_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, imp.TenantID, imp.UserID, imp.Filename, imp.SHA256, imp.Data,
		micros(imp.CreatedAt), micros(imp.ExpiresAt)).Scan(&imp.ID))
}

// DropOldUnitImports deletes the user's files not yet applied except the
// newest keep.
func (db *DB) DropOldUnitImports(ctx context.Context, tenantID, userID int64, keep int) error {
	_, err := db.exec(ctx, `DELETE FROM unit_imports WHERE tenant_id = ? AND user_id = ? AND applied_at = 0 AND id NOT IN
		(SELECT id FROM unit_imports WHERE tenant_id = ? AND user_id = ? AND applied_at = 0 ORDER BY id DESC LIMIT ?)`,
		tenantID, userID, tenantID, userID, keep)
	if err != nil {
		return fmt.Errorf("store: dropping old unit imports: %w", err)
	}
	return nil
}

// FindUnitImport returns one of the user's own files that has not expired
// by now, or NotFound.
func (db *DB) FindUnitImport(ctx context.Context, tenantID, userID, id int64, now time.Time) (*staffio.Upload, error) {
	var imp staffio.Upload
	var created, expires, applied int64
	err := db.row(ctx, `SELECT id, tenant_id, user_id, filename, sha256, data, created_at, expires_at, applied_at, result
		FROM unit_imports WHERE tenant_id = ? AND user_id = ? AND id = ? AND expires_at > ?`, tenantID, userID, id, micros(now)).
		Scan(&imp.ID, &imp.TenantID, &imp.UserID, &imp.Filename, &imp.SHA256, &imp.Data, &created, &expires, &applied, &imp.Result)
	if err != nil {
		return nil, mapErr(err)
	}
	imp.CreatedAt, imp.ExpiresAt = fromMicros(created), fromMicros(expires)
	if applied != 0 {
		imp.AppliedAt = fromMicros(applied)
	}
	return &imp, nil
}

// ClaimUnitImport marks a file as applied inside the import's transaction
// and drops its bytes, so a second confirmation applies nothing.
func (tx *Tx) ClaimUnitImport(ctx context.Context, tenantID, userID, id int64, at time.Time) error {
	now := micros(at)
	res, err := tx.exec(ctx, `UPDATE unit_imports SET applied_at = ?, data = ? WHERE tenant_id = ? AND user_id = ? AND id = ?
		AND applied_at = 0 AND expires_at > ?`, now, []byte{}, tenantID, userID, id, now)
	if err != nil {
		return fmt.Errorf("store: claiming unit import: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var applied int64
	if err := tx.row(ctx, `SELECT applied_at FROM unit_imports WHERE tenant_id = ? AND user_id = ? AND id = ? AND expires_at > ?`,
		tenantID, userID, id, now).Scan(&applied); err != nil {
		return mapErr(err)
	}
	return &apperr.Error{Code: apperr.Conflict, Key: "import.already_applied"}
}

// SetUnitImportResult records an applied file's counts for its result page.
func (tx *Tx) SetUnitImportResult(ctx context.Context, tenantID, userID, id int64, result string) error {
	_, err := tx.exec(ctx, `UPDATE unit_imports SET result = ? WHERE tenant_id = ? AND user_id = ? AND id = ?`, result, tenantID, userID, id)
	return err
}
