package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/apperr"
	"telework/internal/staffio"
)

// keptFiles is a table of uploaded files kept between preview and
// confirmation (staff_imports, unit_imports): both have the same columns,
// and staff_imports also whether the file is the whole roster.
type keptFiles struct {
	table string
	full  string // the full-roster column, or a constant where there is none
}

var (
	staffImports = keptFiles{table: "staff_imports", full: "full_roster"}
	unitImports  = keptFiles{table: "unit_imports", full: "FALSE"}
)

// expire drops the tenant's files expired by imp.CreatedAt.
func (k keptFiles) expire(ctx context.Context, db *DB, imp *staffio.Upload) error {
	if _, err := db.exec(ctx, `DELETE FROM `+k.table+` WHERE tenant_id = ? AND expires_at <= ?`, imp.TenantID, micros(imp.CreatedAt)); err != nil {
		return fmt.Errorf("store: expiring %s: %w", k.table, err)
	}
	return nil
}

// dropOld deletes the user's files not yet applied except the newest keep.
func (k keptFiles) dropOld(ctx context.Context, db *DB, tenantID, userID int64, keep int) error {
	_, err := db.exec(ctx, `DELETE FROM `+k.table+` WHERE tenant_id = ? AND user_id = ? AND applied_at = 0 AND id NOT IN
		(SELECT id FROM `+k.table+` WHERE tenant_id = ? AND user_id = ? AND applied_at = 0 ORDER BY id DESC LIMIT ?)`,
		tenantID, userID, tenantID, userID, keep)
	if err != nil {
		return fmt.Errorf("store: dropping old %s: %w", k.table, err)
	}
	return nil
}

// find returns one of the user's own files that has not expired by now,
// or NotFound.
func (k keptFiles) find(ctx context.Context, db *DB, tenantID, userID, id int64, now time.Time) (*staffio.Upload, error) {
	var imp staffio.Upload
	var created, expires, applied int64
	err := db.row(ctx, `SELECT id, tenant_id, user_id, filename, sha256, `+k.full+`, data, created_at, expires_at, applied_at, result
		FROM `+k.table+` WHERE tenant_id = ? AND user_id = ? AND id = ? AND expires_at > ?`, tenantID, userID, id, micros(now)).
		Scan(&imp.ID, &imp.TenantID, &imp.UserID, &imp.Filename, &imp.SHA256, &imp.Full, &imp.Data, &created, &expires, &applied, &imp.Result)
	if err != nil {
		return nil, mapErr(err)
	}
	imp.CreatedAt, imp.ExpiresAt = fromMicros(created), fromMicros(expires)
	if applied != 0 {
		imp.AppliedAt = fromMicros(applied)
	}
	return &imp, nil
}

// claim marks a file as applied inside the import's transaction and drops
// its bytes, so a second confirmation (a double click, another node)
// applies nothing. NotFound when it expired or is not the user's (or
// expired by at); Conflict when it was applied already.
func (k keptFiles) claim(ctx context.Context, tx *Tx, tenantID, userID, id int64, at time.Time) error {
	now := micros(at)
	res, err := tx.exec(ctx, `UPDATE `+k.table+` SET applied_at = ?, data = ? WHERE tenant_id = ? AND user_id = ? AND id = ?
		AND applied_at = 0 AND expires_at > ?`, now, []byte{}, tenantID, userID, id, now)
	if err != nil {
		return fmt.Errorf("store: claiming a kept file (%s): %w", k.table, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var applied int64
	if err := tx.row(ctx, `SELECT applied_at FROM `+k.table+` WHERE tenant_id = ? AND user_id = ? AND id = ? AND expires_at > ?`,
		tenantID, userID, id, now).Scan(&applied); err != nil {
		return mapErr(err)
	}
	return &apperr.Error{Code: apperr.Conflict, Key: "import.already_applied"}
}

// setResult records an applied file's counts for its result page, in the
// transaction that applied it.
func (k keptFiles) setResult(ctx context.Context, tx *Tx, tenantID, userID, id int64, result string) error {
	_, err := tx.exec(ctx, `UPDATE `+k.table+` SET result = ? WHERE tenant_id = ? AND user_id = ? AND id = ?`, result, tenantID, userID, id)
	return err
}
