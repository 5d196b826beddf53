package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/auth"
	"telework/internal/route"
)

const tokenCols = `id, tenant_id, user_id, name, prefix, read_only, created_at, expires_at, last_used_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (*auth.APIToken, error) {
	var t auth.APIToken
	var c, e, l, r int64
	if err := sc.Scan(&t.ID, &t.TenantID, &t.UserID, &t.Name, &t.Prefix, &t.ReadOnly, &c, &e, &l, &r); err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.ExpiresAt = fromMicros(c), fromMicros(e)
	if l != 0 {
		t.LastUsedAt = fromMicros(l)
	}
	if r != 0 {
		t.RevokedAt = fromMicros(r)
	}
	return &t, nil
}

// FindAPITokenByHash returns the token with this hash, active or not.
func (db *DB) FindAPITokenByHash(ctx context.Context, hash string) (*auth.APIToken, error) {
	return scanToken(db.row(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = ?`, hash))
}

// FindAPITokens lists an account's tokens, newest first.
func (db *DB) FindAPITokens(ctx context.Context, tenantID, userID int64) ([]*auth.APIToken, error) {
	return queryAll(ctx, db, scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND user_id = ? ORDER BY id DESC`, tenantID, userID)
}

// InsertAPIToken stores a new token under the hash of its secret.
func (tx *Tx) InsertAPIToken(ctx context.Context, t *auth.APIToken, hash string) error {
	return mapErr(tx.row(ctx, `INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, read_only, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.TenantID, t.UserID, t.Name, hash, t.Prefix, t.ReadOnly,
		micros(t.CreatedAt), micros(t.ExpiresAt)).Scan(&t.ID))
}

// FindAPITokenForUpdate reads one of an account's tokens or NotFound.
func (tx *Tx) FindAPITokenForUpdate(ctx context.Context, tenantID, userID, id int64) (*auth.APIToken, error) {
	return scanToken(tx.row(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND user_id = ? AND id = ?`, tenantID, userID, id))
}

// RevokeAPITokenRow marks a token revoked at a time.
func (tx *Tx) RevokeAPITokenRow(ctx context.Context, tenantID, id int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at = 0`, micros(at), tenantID, id)
	return err
}

// TouchAPIToken records a use, at most once a minute per token.
func (db *DB) TouchAPIToken(ctx context.Context, id int64) error {
	now := micros(db.Now())
	_, err := db.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, now, id, now-60_000_000)
	return err
}

// ClaimIdempotencyKey reserves key for this request: claimed is true when
// the caller should go ahead; otherwise prev is the stored (or running)
// entry of the key's earlier use.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, tenantID, userID int64, key, reqHash string) (claimed bool, prev route.Idempotent, err error) {
	res, err := db.exec(ctx, `INSERT INTO idempotency_keys (tenant_id, user_id, idem_key, request_hash, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id, idem_key) DO NOTHING`, tenantID, userID, key, reqHash, micros(db.Now()))
	if err != nil {
		return false, prev, fmt.Errorf("store: idempotency claim: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, prev, nil
	}
	err = db.row(ctx, `SELECT request_hash, status, content_type, location, body FROM idempotency_keys
		WHERE tenant_id = ? AND user_id = ? AND idem_key = ?`, tenantID, userID, key).Scan(&prev.RequestHash, &prev.Status, &prev.ContentType, &prev.Location, &prev.Body)
	return false, prev, mapErr(err)
}

// CompleteIdempotencyKey stores the response of the request that claimed
// the key; ReleaseIdempotencyKey forgets a claim whose request failed
// before answering (so a retry can run).
func (db *DB) CompleteIdempotencyKey(ctx context.Context, tenantID, userID int64, key string, it route.Idempotent) error {
	_, err := db.exec(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?
		WHERE tenant_id = ? AND user_id = ? AND idem_key = ?`, it.Status, it.ContentType, it.Location, it.Body, tenantID, userID, key)
	return err
}

// ReleaseIdempotencyKey removes an unfinished claim.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, tenantID, userID int64, key string) error {
	_, err := db.exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND idem_key = ? AND status = 0`, tenantID, userID, key)
	return err
}

// DeleteOldIdempotencyKeys removes keys older than before.
func (db *DB) DeleteOldIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, micros(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

var _ route.IdempotencyStore = (*DB)(nil)

// tokenOwnerCols are tokenCols of api_tokens t with the owner's login id.
const tokenOwnerCols = `t.id, t.tenant_id, t.user_id, t.name, t.prefix, t.read_only, t.created_at, t.expires_at, t.last_used_at,
	t.revoked_at, COALESCE(u.login_id, '')`

const tokenOwnerFrom = ` FROM api_tokens t LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id`

func scanTokenOwner(sc interface{ Scan(...any) error }) (*auth.APIToken, error) {
	var t auth.APIToken
	var c, e, l, r int64
	if err := sc.Scan(&t.ID, &t.TenantID, &t.UserID, &t.Name, &t.Prefix, &t.ReadOnly, &c, &e, &l, &r, &t.OwnerLogin); err != nil {
		return nil, mapErr(err)
	}
	t.CreatedAt, t.ExpiresAt = fromMicros(c), fromMicros(e)
	if l != 0 {
		t.LastUsedAt = fromMicros(l)
	}
	if r != 0 {
		t.RevokedAt = fromMicros(r)
	}
	return &t, nil
}

// FindTenantAPITokens lists every token of the tenant's accounts, newest
// first (at most 1,000), with the owner's login id.
func (db *DB) FindTenantAPITokens(ctx context.Context, tenantID int64) ([]*auth.APIToken, error) {
	return queryAll(ctx, db, scanTokenOwner, `SELECT `+tokenOwnerCols+tokenOwnerFrom+` WHERE t.tenant_id = ? ORDER BY t.id DESC LIMIT ?`, tenantID, 1000)
}

// FindTenantAPITokenForUpdate reads any token of the tenant's accounts, with
// its owner's login id, or NotFound.
func (tx *Tx) FindTenantAPITokenForUpdate(ctx context.Context, tenantID, id int64) (*auth.APIToken, error) {
	return scanTokenOwner(tx.row(ctx, `SELECT `+tokenOwnerCols+tokenOwnerFrom+` WHERE t.tenant_id = ? AND t.id = ?`, tenantID, id))
}

// RevokeUserAPITokens revokes an account's active tokens and returns their
// ids.
func (tx *Tx) RevokeUserAPITokens(ctx context.Context, tenantID, userID int64, at time.Time) ([]int64, error) {
	return queryAll(ctx, tx, scanID, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at = 0
		AND expires_at > ? RETURNING id`, micros(at), tenantID, userID, micros(at))
}

// RevokeStaffAPITokens revokes the active tokens of the accounts linked to
// a staff record (the person retires) and returns their ids.
func (tx *Tx) RevokeStaffAPITokens(ctx context.Context, tenantID, staffID int64) ([]int64, error) {
	now := micros(tx.db.Now())
	return queryAll(ctx, tx, scanID, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND revoked_at = 0 AND expires_at > ?
		AND user_id IN (SELECT id FROM users WHERE tenant_id = ? AND staff_id = ?) RETURNING id`, now, tenantID, now, tenantID, staffID)
}
