package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
)

const userCols = `us.id, us.tenant_id, us.login_id, us.password_hash, us.staff_id, us.roles, us.must_change_password,
	us.disabled, us.locale, us.wareki, us.version, COALESCE(s.name, ''), COALESCE(s.unit_id, 0), COALESCE(s.is_supervisor, FALSE)`

const userFrom = ` FROM users us LEFT JOIN staff s ON s.id = us.staff_id AND s.tenant_id = us.tenant_id`

func scanUser(sc interface{ Scan(...any) error }) (*auth.User, error) { return scanUserWith(sc) }

// scanUserWith scans userCols and then the extra columns into more.
func scanUserWith(sc interface{ Scan(...any) error }, more ...any) (*auth.User, error) {
	var u auth.User
	var staff sql.NullInt64
	var roles string
	if err := sc.Scan(append([]any{&u.ID, &u.TenantID, &u.LoginID, &u.PasswordHash, &staff, &roles, &u.MustChange, &u.Disabled,
		&u.Locale, &u.Wareki, &u.Version, &u.StaffName, &u.UnitID, &u.IsSupervisor}, more...)...); err != nil {
		return nil, mapErr(err)
	}
	u.StaffID = staff.Int64
	u.Granted = auth.ParseRoles(roles)
	return &u, nil
}

// InsertUser writes a new account row (no audit entry: the service that
// creates the account writes it). A taken login id or staff link is a
// field error on login_id; an unknown staff record one on staff_id.
func (tx *Tx) InsertUser(ctx context.Context, tenantID int64, u *auth.User) error {
	db := tx.db
	{
		if u.StaffID != 0 {
			if _, err := tx.staffByID(ctx, tenantID, u.StaffID); err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					var v apperr.Validation
					v.Add("staff_id", "field.staff_unknown", nil)
					return v.Err()
				}
				return err
			}
		}
		if u.Locale == "" {
			u.Locale = "ja"
		}
		now := micros(db.Now())
		u.TenantID, u.Version = tenantID, 1
		if err := tx.row(ctx, `INSERT INTO users (tenant_id, login_id, password_hash, staff_id, roles, must_change_password,
			disabled, locale, wareki, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			tenantID, u.LoginID, u.PasswordHash, nullID(u.StaffID), auth.JoinRoles(u.Granted), u.MustChange, u.Disabled,
			u.Locale, u.Wareki, now, now).Scan(&u.ID); err != nil {
			err = mapErr(err)
			if isDuplicate(err) {
				var v apperr.Validation
				v.Add("login_id", "field.taken_login_or_staff", nil)
				return v.Err()
			}
			return err
		}
		return nil
	}
}

// FindUserByID returns one account of the tenant or NotFound.
func (db *DB) FindUserByID(ctx context.Context, tenantID, id int64) (*auth.User, error) {
	return scanUser(db.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.id = ?`, tenantID, id))
}

// FindUserAndTenant returns one account of the tenant and the tenant's
// name, or NotFound.
func (db *DB) FindUserAndTenant(ctx context.Context, tenantID, id int64) (*auth.User, auth.TenantRef, error) {
	t := auth.TenantRef{ID: tenantID}
	u, err := scanUserWith(db.row(ctx, `SELECT `+userCols+`, tn.slug, tn.name`+userFrom+` JOIN tenants tn ON tn.id = us.tenant_id
		WHERE us.tenant_id = ? AND us.id = ?`, tenantID, id), &t.Slug, &t.Name)
	return u, t, err
}

// FindUserByLogin returns the account with this login id or NotFound.
func (db *DB) FindUserByLogin(ctx context.Context, tenantID int64, loginID string) (*auth.User, error) {
	return scanUser(db.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.login_id = ?`, tenantID, loginID))
}

// FindUserByStaff returns the account linked to a staff record or NotFound.
func (db *DB) FindUserByStaff(ctx context.Context, tenantID, staffID int64) (*auth.User, error) {
	return scanUser(db.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.staff_id = ?`, tenantID, staffID))
}

// FindUsers lists a tenant's accounts by login id.
func (db *DB) FindUsers(ctx context.Context, tenantID int64, limit, offset int) ([]*auth.User, int, error) {
	var total int
	if err := db.row(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ?`, tenantID).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	out, err := queryAll(ctx, db, scanUser, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? ORDER BY us.login_id LIMIT ? OFFSET ?`,
		tenantID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("store: users: %w", err)
	}
	return out, total, nil
}

// InAuthTx runs fn in one transaction for the auth service.
func (db *DB) InAuthTx(ctx context.Context, fn func(auth.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

var (
	_ auth.Store = (*DB)(nil)
	_ auth.Tx    = (*Tx)(nil)
)

// StaffIDByNo resolves a 職員番号 to a staff id and whether the person left.
func (db *DB) StaffIDByNo(ctx context.Context, tenantID int64, staffNo string) (int64, bool, error) {
	var id int64
	var retired bool
	err := db.row(ctx, `SELECT id, retired FROM staff WHERE tenant_id = ? AND staff_no = ?`, tenantID, staffNo).Scan(&id, &retired)
	return id, retired, mapErr(err)
}

// FindUserForUpdate reads an account inside the transaction.
func (tx *Tx) FindUserForUpdate(ctx context.Context, tenantID, id int64) (*auth.User, error) {
	return scanUser(tx.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.id = ?`, tenantID, id))
}

// UpdateUserRow writes an account's fields at the expected version.
func (tx *Tx) UpdateUserRow(ctx context.Context, tenantID int64, u *auth.User, expectVersion int64) error {
	return staleIfNone(tx.exec(ctx, `UPDATE users SET roles = ?, disabled = ?, locale = ?, wareki = ?, password_hash = ?,
		must_change_password = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
		auth.JoinRoles(u.Granted), u.Disabled, u.Locale, u.Wareki, u.PasswordHash, u.MustChange, micros(tx.db.Now()),
		tenantID, u.ID, expectVersion))
}

// DeleteUserSessions ends an account's sessions except the one whose hash
// is keep (tenant 0: an operator's).
func (tx *Tx) DeleteUserSessions(ctx context.Context, tenantID, userID int64, keep string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND token_hash <> ?`, tenantID, userID, keep)
	return err
}

// CreateSession stores a new session under the token's hash.
func (db *DB) CreateSession(ctx context.Context, s *auth.Session) error {
	now := micros(db.Now())
	_, err := db.exec(ctx, `INSERT INTO sessions (token_hash, tenant_id, user_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.TokenHash, s.TenantID, s.UserID, now, now, micros(s.ExpiresAt))
	return mapErr(err)
}

// FindSession returns an unexpired session or NotFound.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*auth.Session, error) {
	var s auth.Session
	var created, exp, seen int64
	err := db.row(ctx, `SELECT token_hash, tenant_id, user_id, created_at, expires_at, last_seen_at FROM sessions
		WHERE token_hash = ? AND expires_at > ?`, tokenHash, micros(db.Now())).Scan(&s.TokenHash, &s.TenantID, &s.UserID, &created, &exp, &seen)
	if err != nil {
		return nil, mapErr(err)
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMicros(created), fromMicros(exp), fromMicros(seen)
	return &s, nil
}

// TouchSession extends an idle session's expiry.
func (db *DB) TouchSession(ctx context.Context, tokenHash string, expires time.Time) error {
	_, err := db.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
		micros(db.Now()), micros(expires), tokenHash)
	return err
}

// DeleteSession signs a browser out.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteExpiredSessions removes stale sessions and old sign-in failures.
func (db *DB) DeleteExpiredSessions(ctx context.Context, failuresBefore time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, micros(db.Now()))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err := db.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, micros(failuresBefore)); err != nil {
		return n, err
	}
	return n, nil
}

// RecordLoginFailure notes one failed sign-in under each key hash.
func (db *DB) RecordLoginFailure(ctx context.Context, keyHashes ...string) error {
	for _, k := range keyHashes {
		if _, err := db.exec(ctx, `INSERT INTO login_failures (key_hash, at) VALUES (?, ?)`, k, micros(db.Now())); err != nil {
			return err
		}
	}
	return nil
}

// CountLoginFailures counts failures under a key since a time.
func (db *DB) CountLoginFailures(ctx context.Context, keyHash string, since time.Time) (int, error) {
	var n int
	err := db.row(ctx, `SELECT COUNT(*) FROM login_failures WHERE key_hash = ? AND at >= ?`, keyHash, micros(since)).Scan(&n)
	return n, err
}

// ClearLoginFailures forgets the failures under a key after a success.
func (db *DB) ClearLoginFailures(ctx context.Context, keyHash string) error {
	_, err := db.exec(ctx, `DELETE FROM login_failures WHERE key_hash = ?`, keyHash)
	return err
}

// RecordLoginAttempt notes one sign-in attempt under each key hash, before
// its password is checked, and returns the rows' ids (so that concurrent
// attempts each count the others: issue 10 item 5).
func (db *DB) RecordLoginAttempt(ctx context.Context, keyHashes ...string) ([]int64, error) {
	ids := make([]int64, 0, len(keyHashes))
	now := micros(db.Now())
	for _, k := range keyHashes {
		var id int64
		if err := db.row(ctx, `INSERT INTO login_failures (key_hash, at) VALUES (?, ?) RETURNING id`, k, now).Scan(&id); err != nil {
			return ids, mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// DeleteLoginAttempts forgets recorded attempts by id.
func (db *DB) DeleteLoginAttempts(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := db.exec(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// FindUsersWithRole lists the accounts whose granted roles mention r.
func (db *DB) FindUsersWithRole(ctx context.Context, tenantID int64, r auth.Role) ([]*auth.User, error) {
	return queryAll(ctx, db, scanUser, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.roles LIKE ? ESCAPE '\' ORDER BY us.login_id`,
		tenantID, likeContains(string(r)))
}

// InsertSession stores a new session inside a transaction (a password
// change rotates the session with the change).
func (tx *Tx) InsertSession(ctx context.Context, s *auth.Session) error {
	now := micros(tx.db.Now())
	_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, tenant_id, user_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.TokenHash, s.TenantID, s.UserID, now, now, micros(s.ExpiresAt))
	return mapErr(err)
}
