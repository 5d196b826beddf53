package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/tableimport"
)

// keptFiles is a table of uploaded files kept between preview and
// confirmation (staff_imports, unit_imports): both have the same columns,
// and staff_imports also whether the file is the whole roster.
type keptFiles struct {
	table string
	full  string // the full-roster column, or a constant where there is none
}

var (
	_ tableimport.KeptStore = (*DB)(nil)
	_ tableimport.KeptTx    = (*Tx)(nil)
)

// keptOf is the table of kind's files.
func keptOf(kind tableimport.Kind) (keptFiles, error) {
	switch kind {
	case tableimport.Staff:
		return keptFiles{table: "staff_imports", full: "full_roster"}, nil
	case tableimport.Units:
		return keptFiles{table: "unit_imports", full: "FALSE"}, nil
	}
	return keptFiles{}, fmt.Errorf("store: no kept files of kind %q", kind)
}

// CreateKeptImport keeps a previewed file until imp.ExpiresAt (both times
// set by the caller), and drops the tenant's files of that kind expired by
// imp.CreatedAt.
func (db *DB) CreateKeptImport(ctx context.Context, kind tableimport.Kind, imp *tableimport.Upload) error {
	k, err := keptOf(kind)
	if err != nil {
		return err
	}
	if err := k.expire(ctx, db, imp); err != nil {
		return err
	}
	cols, args := "", []any{imp.TenantID, imp.UserID, imp.Filename, imp.SHA256}
	if k.full != "FALSE" {
		cols, args = k.full+", ", append(args, imp.Full)
	}
	args = append(args, imp.Data, micros(imp.CreatedAt), micros(imp.ExpiresAt))
	return mapErr(db.row(ctx, `INSERT INTO `+k.table+` (tenant_id, user_id, filename, sha256, `+cols+`data, created_at, expires_at)
		VALUES (`+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`) RETURNING id`, args...).Scan(&imp.ID))
}

// DropOldKeptImports deletes the user's files of kind not yet applied
// except the newest keep (a person's waiting previews are bounded).
func (db *DB) DropOldKeptImports(ctx context.Context, kind tableimport.Kind, tenantID, userID int64, keep int) error {
	k, err := keptOf(kind)
	if err != nil {
		return err
	}
	return k.dropOld(ctx, db, tenantID, userID, keep)
}

// FindKeptImport returns one of the user's own files of kind that has not
// expired by now, or NotFound.
func (db *DB) FindKeptImport(ctx context.Context, kind tableimport.Kind, tenantID, userID, id int64, now time.Time) (*tableimport.Upload, error) {
	k, err := keptOf(kind)
	if err != nil {
		return nil, err
	}
	return k.find(ctx, db, tenantID, userID, id, now)
}

// ClaimKeptImport marks a file as applied inside the import's transaction
// and drops its bytes, so a second confirmation (a double click, another
// node) applies nothing. NotFound when it expired or is not the user's (or
// expired by at); Conflict when it was applied already.
func (tx *Tx) ClaimKeptImport(ctx context.Context, kind tableimport.Kind, tenantID, userID, id int64, at time.Time) error {
	k, err := keptOf(kind)
	if err != nil {
		return err
	}
	return k.claim(ctx, tx, tenantID, userID, id, at)
}

// SetKeptImportResult records an applied file's counts for its result
// page, in the transaction that applied it.
func (tx *Tx) SetKeptImportResult(ctx context.Context, kind tableimport.Kind, tenantID, userID, id int64, result string) error {
	k, err := keptOf(kind)
	if err != nil {
		return err
	}
	return k.setResult(ctx, tx, tenantID, userID, id, result)
}

// expire drops the tenant's files expired by imp.CreatedAt.
func (k keptFiles) expire(ctx context.Context, db *DB, imp *tableimport.Upload) error {
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
func (k keptFiles) find(ctx context.Context, db *DB, tenantID, userID, id int64, now time.Time) (*tableimport.Upload, error) {
	var imp tableimport.Upload
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
