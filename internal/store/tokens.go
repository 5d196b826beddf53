package store

import (
	"context"

	"fmt"
	"telework/internal/apperr"
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
	setTokenTimes(&t, c, e, l, r)
	return &t, nil
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

// FindAPITokenForUpdate reads one of an account's tokens, with its owner's
// login id (the audit entry names the account), or NotFound.
func (tx *Tx) FindAPITokenForUpdate(ctx context.Context, tenantID, userID, id int64) (*auth.APIToken, error) {
	return scanTokenOwner(tx.row(ctx, `SELECT `+tokenOwnerCols+tokenOwnerFrom+` WHERE t.tenant_id = ? AND t.user_id = ? AND t.id = ?`,
		tenantID, userID, id))
}

// RevokeAPITokenRow marks a token revoked at a time.
func (tx *Tx) RevokeAPITokenRow(ctx context.Context, tenantID, id int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at = 0`, micros(at), tenantID, id)
	return err
}

// setTokenTimes sets a token's times from their stored microseconds (0:
// never used, not revoked).
func setTokenTimes(t *auth.APIToken, created, expires, lastUsed, revoked int64) {
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expires)
	if lastUsed != 0 {
		t.LastUsedAt = fromMicros(lastUsed)
	}
	if revoked != 0 {
		t.RevokedAt = fromMicros(revoked)
	}
}

// FindAPITokenUser returns the token with this hash (active or not), its
// account and the account's tenant, in one read; an operator's token comes
// without an account (nil). The hash is an unprobed parameter: with the
// join, SQLite's planner otherwise re-planned the statement for every
// token (a sixth of a start report's CPU after ANALYZE).
func (db *DB) FindAPITokenUser(ctx context.Context, hash string) (*auth.APIToken, *auth.User, auth.TenantRef, error) {
	var t auth.APIToken
	var tn auth.TenantRef
	var c, e, l, r int64
	u, err := scanUserWith(db.row(ctx, `SELECT `+userCols+`, k.id, k.name, k.prefix, k.read_only, k.created_at, k.expires_at,
		k.last_used_at, k.revoked_at, tn.slug, tn.name FROM api_tokens k JOIN users us ON us.tenant_id = k.tenant_id AND us.id = k.user_id
		LEFT JOIN staff s ON s.id = us.staff_id AND s.tenant_id = us.tenant_id JOIN tenants tn ON tn.id = k.tenant_id
		WHERE k.token_hash = `+unprobed, hash), &t.ID, &t.Name, &t.Prefix, &t.ReadOnly, &c, &e, &l, &r, &tn.Slug, &tn.Name)
	if apperr.CodeOf(err) == apperr.NotFound {
		// An operator's token (tenant 0) has no account row to join.
		op, err := scanToken(db.row(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = ? AND tenant_id = 0`, hash))
		return op, nil, tn, err
	}
	if err != nil {
		return nil, nil, tn, err
	}
	t.TenantID, t.UserID, tn.ID = u.TenantID, u.ID, u.TenantID
	setTokenTimes(&t, c, e, l, r)
	return &t, u, tn, nil
}

// TouchAPITokens records a use of each token at this time, for those not
// recorded in the minute before.
func (db *DB) TouchAPITokens(ctx context.Context, ids []int64, at time.Time) error {
	now := micros(at)
	for start := 0; start < len(ids); start += importBatchRows {
		part := ids[start:min(start+importBatchRows, len(ids))]
		args := []any{now, now - 60_000_000}
		for _, id := range part {
			args = append(args, id)
		}
		q := `UPDATE api_tokens SET last_used_at = ? WHERE last_used_at < ? AND id IN (` + marks(len(part)) + `)`
		if db.Engine == Postgres {
			// A hint: rows another transaction holds (a revocation, an
			// account's retirement) are skipped, not waited for, so this
			// write never queues behind them nor deadlocks with them.
			q = `UPDATE api_tokens SET last_used_at = ? WHERE id IN (SELECT id FROM api_tokens WHERE last_used_at < ? AND id IN (` +
				marks(len(part)) + `) ORDER BY id FOR UPDATE SKIP LOCKED)`
		}
		if _, err := db.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("store: token use: %w", err)
		}
	}
	return nil
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
	var created int64
	err = db.row(ctx, `SELECT request_hash, status, content_type, location, body, created_at FROM idempotency_keys
		WHERE tenant_id = ? AND user_id = ? AND idem_key = ?`, tenantID, userID, key).Scan(&prev.RequestHash, &prev.Status,
		&prev.ContentType, &prev.Location, &prev.Body, &created)
	// A claim still unfinished after IdempotencyLease belongs to a request
	// that died before it answered (its node killed): the caller is told
	// so, not "still running" for a day (a review). It is not run again:
	// whether the first did its work (committed, then died) is not known,
	// and running it twice would write it twice.
	prev.Abandoned = prev.Status == 0 && created < micros(db.Now().Add(-IdempotencyLease))
	return false, prev, mapErr(err)
}

// IdempotencyLease is how long a request's claim of its Idempotency-Key
// counts as running; after it, the claim is told as abandoned (route.
// Idempotent.Abandoned): longer than a request may write its answer (the
// server's WriteTimeout, 120 s).
const IdempotencyLease = 3 * time.Minute

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
