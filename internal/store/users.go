package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
)

type userSnapshot struct {
	ID         int64  `json:"id"`
	LoginID    string `json:"login_id"`
	StaffID    int64  `json:"staff_id"`
	Roles      string `json:"roles"`
	MustChange bool   `json:"must_change_password"`
	Disabled   bool   `json:"disabled"`
	Locale     string `json:"locale"`
	Wareki     bool   `json:"wareki"`
	Version    int64  `json:"version"`
}

func snapUser(u *auth.User) userSnapshot {
	return userSnapshot{u.ID, u.LoginID, u.StaffID, auth.JoinRoles(u.Granted), u.MustChange, u.Disabled, u.Locale, u.Wareki, u.Version}
}

const userCols = `us.id, us.tenant_id, us.login_id, us.password_hash, us.staff_id, us.roles, us.must_change_password,
	us.disabled, us.locale, us.wareki, us.version, COALESCE(s.name, ''), COALESCE(s.unit_id, 0), COALESCE(s.is_supervisor, FALSE)`

const userFrom = ` FROM users us LEFT JOIN staff s ON s.id = us.staff_id AND s.tenant_id = us.tenant_id`

func scanUser(sc interface{ Scan(...any) error }) (*auth.User, error) {
	var u auth.User
	var staff sql.NullInt64
	var roles string
	if err := sc.Scan(&u.ID, &u.TenantID, &u.LoginID, &u.PasswordHash, &staff, &roles, &u.MustChange, &u.Disabled,
		&u.Locale, &u.Wareki, &u.Version, &u.StaffName, &u.UnitID, &u.IsSupervisor); err != nil {
		return nil, mapErr(err)
	}
	u.StaffID = staff.Int64
	u.Granted = auth.ParseRoles(roles)
	return &u, nil
}

// CreateUser adds an account. The password hash is set by the caller.
func (db *DB) CreateUser(ctx context.Context, tenantID int64, actor audit.Actor, u *auth.User) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.createUser(ctx, tenantID, actor, u) })
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

func (tx *Tx) createUser(ctx context.Context, tenantID int64, actor audit.Actor, u *auth.User) error {
	if err := tx.InsertUser(ctx, tenantID, u); err != nil {
		return err
	}
	return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "user.create", ObjectType: "user",
		ObjectID: strconv.FormatInt(u.ID, 10), After: snapUser(u)})
}

// FindUserByID returns one account of the tenant or NotFound.
func (db *DB) FindUserByID(ctx context.Context, tenantID, id int64) (*auth.User, error) {
	return scanUser(db.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.id = ?`, tenantID, id))
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
	rows, err := db.query(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? ORDER BY us.login_id LIMIT `+
		strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(offset, 0)), tenantID)
	if err != nil {
		return nil, 0, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UpdateUser applies upd. Changing the password or disabling the account
// ends its other sessions (keepSession survives, for a self-service change).
func (db *DB) UpdateUser(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd auth.UserUpdate, keepSession string) (*auth.User, error) {
	var after *auth.User
	err := db.InTx(ctx, func(tx *Tx) error {
		before, err := scanUser(tx.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.id = ?`, tenantID, id))
		if err != nil {
			return err
		}
		if upd.ExpectVersion != 0 && before.Version != upd.ExpectVersion {
			return staleErr()
		}
		a := *before
		if upd.Granted != nil {
			a.Granted = *upd.Granted
		}
		if upd.Disabled != nil {
			a.Disabled = *upd.Disabled
		}
		if upd.Locale != nil {
			a.Locale = *upd.Locale
		}
		if upd.Wareki != nil {
			a.Wareki = *upd.Wareki
		}
		if upd.PasswordHash != nil {
			a.PasswordHash = *upd.PasswordHash
		}
		if upd.MustChange != nil {
			a.MustChange = *upd.MustChange
		}
		a.Version = before.Version + 1
		if err := staleIfNone(tx.exec(ctx, `UPDATE users SET roles = ?, disabled = ?, locale = ?, wareki = ?, password_hash = ?,
			must_change_password = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
			auth.JoinRoles(a.Granted), a.Disabled, a.Locale, a.Wareki, a.PasswordHash, a.MustChange, micros(db.Now()),
			tenantID, id, before.Version)); err != nil {
			return err
		}
		if upd.PasswordHash != nil || a.Disabled {
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND token_hash <> ?`,
				tenantID, id, keepSession); err != nil {
				return err
			}
		}
		after = &a
		action := upd.Action
		if action == "" {
			action = "user.update"
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Before: snapUser(before), After: snapUser(&a)})
	})
	return after, err
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
