package store

import (
	"context"
	"database/sql"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/sso"
)

// The store side of single sign-on: settings, sign-ins in progress, and
// the account reads and writes of the sso service's transactions. The
// rules (and the audit entries) are in package sso.

var (
	_ sso.Store = (*DB)(nil)
	_ sso.Tx    = (*Tx)(nil)
)

// InSSOTx runs one SSO action in one transaction.
func (db *DB) InSSOTx(ctx context.Context, fn func(sso.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// rowQuerier is what a single-row read needs: *DB and *Tx alike.
type rowQuerier interface {
	row(ctx context.Context, q string, args ...any) *sql.Row
}

const ssoCols = `tenant_id, enabled, mandatory, issuer, client_id, client_secret <> '', claim, jit_link, updated_at, version`

func scanSSO(sc interface{ Scan(...any) error }) (*sso.Settings, error) {
	var s sso.Settings
	var claim string
	var upd int64
	if err := sc.Scan(&s.TenantID, &s.Enabled, &s.Mandatory, &s.Issuer, &s.ClientID, &s.SecretSet, &claim, &s.JITLink,
		&upd, &s.Version); err != nil {
		return nil, mapErr(err)
	}
	s.Claim, s.UpdatedAt = sso.Claim(claim), fromMicros(upd)
	return &s, nil
}

func findSSOSettings(ctx context.Context, q rowQuerier, tenantID int64) (*sso.Settings, error) {
	return scanSSO(q.row(ctx, `SELECT `+ssoCols+` FROM sso_settings WHERE tenant_id = ?`, tenantID))
}

// FindSSOSettings returns the tenant's SSO settings, or NotFound when it
// has never saved any (see sso.Defaults).
func (db *DB) FindSSOSettings(ctx context.Context, tenantID int64) (*sso.Settings, error) {
	return findSSOSettings(ctx, db, tenantID)
}

// FindSSOSettings is FindSSOSettings inside a transaction.
func (tx *Tx) FindSSOSettings(ctx context.Context, tenantID int64) (*sso.Settings, error) {
	return findSSOSettings(ctx, tx, tenantID)
}

// SSOClientSecret returns the stored client secret, for the code exchange
// only ("" when none is set).
func (db *DB) SSOClientSecret(ctx context.Context, tenantID int64) (string, error) {
	var secret string
	err := db.row(ctx, `SELECT client_secret FROM sso_settings WHERE tenant_id = ?`, tenantID).Scan(&secret)
	if isNotFound(err) {
		return "", nil
	}
	return secret, err
}

// SSOStoredSecrets lists every tenant's non-empty stored client secret,
// for the start-up step that seals them.
func (db *DB) SSOStoredSecrets(ctx context.Context) ([]sso.StoredSecret, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (sso.StoredSecret, error) {
		var s sso.StoredSecret
		err := sc.Scan(&s.TenantID, &s.Stored)
		return s, err
	}, `SELECT tenant_id, client_secret FROM sso_settings WHERE client_secret <> '' ORDER BY tenant_id`)
}

// ReplaceSSOStoredSecret writes next over the tenant's stored client
// secret while it is still old; a save in between leaves it (no error:
// the newer save is what counts).
func (db *DB) ReplaceSSOStoredSecret(ctx context.Context, tenantID int64, old, next string) error {
	_, err := db.exec(ctx, `UPDATE sso_settings SET client_secret = ? WHERE tenant_id = ? AND client_secret = ?`, next, tenantID, old)
	return mapErr(err)
}

// InsertSSOSettings writes the tenant's first settings row with s.Version
// and s.UpdatedAt. A row already there is Conflict error.duplicate.
func (tx *Tx) InsertSSOSettings(ctx context.Context, tenantID int64, s *sso.Settings, secret string) error {
	_, err := tx.exec(ctx, `INSERT INTO sso_settings (tenant_id, enabled, mandatory, issuer, client_id, client_secret,
		claim, jit_link, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, s.Enabled, s.Mandatory,
		s.Issuer, s.ClientID, secret, string(s.Claim), s.JITLink, micros(s.UpdatedAt), s.Version)
	return mapErr(err)
}

// UpdateSSOSettings writes s over the row at expectVersion, or is the
// stale Conflict when another save moved it on. newSecret nil keeps the
// stored secret.
func (tx *Tx) UpdateSSOSettings(ctx context.Context, tenantID int64, s *sso.Settings, newSecret *string, expectVersion int64) error {
	secret := ""
	if newSecret != nil {
		secret = *newSecret
	}
	return staleIfNone(tx.exec(ctx, `UPDATE sso_settings SET enabled = ?, mandatory = ?, issuer = ?, client_id = ?,
		claim = ?, jit_link = ?, updated_at = ?, version = ?,
		client_secret = CASE WHEN ? THEN ? ELSE client_secret END
		WHERE tenant_id = ? AND version = ?`, s.Enabled, s.Mandatory, s.Issuer, s.ClientID, string(s.Claim), s.JITLink,
		micros(s.UpdatedAt), s.Version, newSecret != nil, secret, tenantID, expectVersion))
}

// UnbindSSOSubjects clears every bound subject of the tenant and says how
// many there were.
func (tx *Tx) UnbindSSOSubjects(ctx context.Context, tenantID int64) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE users SET sso_subject = NULL WHERE tenant_id = ? AND sso_subject IS NOT NULL`, tenantID)
	if err != nil {
		return 0, mapErr(err)
	}
	return res.RowsAffected()
}

// CreateSSOState stores a sign-in in progress and sweeps expired ones.
func (db *DB) CreateSSOState(ctx context.Context, st *sso.State) error {
	now := micros(db.Now())
	if _, err := db.exec(ctx, `DELETE FROM sso_states WHERE expires_at <= ?`, now); err != nil {
		return err
	}
	_, err := db.exec(ctx, `INSERT INTO sso_states (state_hash, tenant_id, browser_hash, nonce_hash, verifier, issuer,
		client_id, redirect_uri, next_path, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.StateHash, st.TenantID, st.BrowserHash, st.NonceHash, st.Verifier, st.Issuer, st.ClientID, st.RedirectURI,
		st.Next, now, micros(st.ExpiresAt))
	return mapErr(err)
}

// ConsumeSSOState takes a sign-in in progress out of the table in one
// statement, so that two callbacks with the same state cannot both get it:
// the second (a replay) finds nothing. An unknown, used or expired state
// is NotFound. Like a session, the row is found by its secret (the state),
// which is what says which tenant the flow belongs to.
func (db *DB) ConsumeSSOState(ctx context.Context, stateHash string) (*sso.State, error) {
	st := sso.State{StateHash: stateHash}
	var exp int64
	err := db.row(ctx, `DELETE FROM sso_states WHERE state_hash = ? AND expires_at > ?
		RETURNING tenant_id, browser_hash, nonce_hash, verifier, issuer, client_id, redirect_uri, next_path, expires_at`,
		stateHash, micros(db.Now())).Scan(&st.TenantID, &st.BrowserHash, &st.NonceHash, &st.Verifier, &st.Issuer,
		&st.ClientID, &st.RedirectURI, &st.Next, &exp)
	if err != nil {
		return nil, mapErr(err)
	}
	st.ExpiresAt = fromMicros(exp)
	return &st, nil
}

// FindSSOCandidates gathers what sso.Decide needs for one identity: the
// account bound to subject, and the staff records whose e-mail equals
// email (case-insensitively) with their accounts.
func (tx *Tx) FindSSOCandidates(ctx context.Context, tenantID int64, subject, email string) (sso.Candidates, error) {
	var c sso.Candidates
	if subject != "" {
		a, err := scanSSOAccount(tx.row(ctx, `SELECT us.id, us.login_id, us.disabled, COALESCE(us.staff_id, 0),
			COALESCE(s.retired, FALSE), COALESCE(us.sso_subject, '') FROM users us
			LEFT JOIN staff s ON s.id = us.staff_id AND s.tenant_id = us.tenant_id
			WHERE us.tenant_id = ? AND us.sso_subject = ?`, tenantID, subject))
		switch {
		case err == nil:
			c.BySubject = a
		case apperr.CodeOf(err) != apperr.NotFound:
			return c, err
		}
	}
	email = sso.NormalizeEmail(email)
	if email == "" {
		return c, nil
	}
	var err error
	c.ByEmail, err = queryAll(ctx, tx, scanSSOStaffMatch, `SELECT s.id, s.retired, us.id, COALESCE(us.login_id, ''),
		COALESCE(us.disabled, FALSE), COALESCE(us.sso_subject, '') FROM staff s
		LEFT JOIN users us ON us.staff_id = s.id AND us.tenant_id = s.tenant_id
		WHERE s.tenant_id = ? AND LOWER(s.email) = ? ORDER BY s.id LIMIT ?`, tenantID, email, 10)
	return c, err
}

func scanSSOStaffMatch(sc interface{ Scan(...any) error }) (sso.StaffMatch, error) {
	var m sso.StaffMatch
	var uid sql.NullInt64
	var a sso.Account
	if err := sc.Scan(&m.StaffID, &m.Retired, &uid, &a.LoginID, &a.Disabled, &a.Subject); err != nil {
		return m, err
	}
	if uid.Valid {
		a.UserID, a.StaffID, a.StaffRetired = uid.Int64, m.StaffID, m.Retired
		m.Account = &a
	}
	return m, nil
}

func scanSSOAccount(sc interface{ Scan(...any) error }) (*sso.Account, error) {
	var a sso.Account
	if err := sc.Scan(&a.UserID, &a.LoginID, &a.Disabled, &a.StaffID, &a.StaffRetired, &a.Subject); err != nil {
		return nil, mapErr(err)
	}
	return &a, nil
}

// FindSSOStaff returns a staff record of the tenant inside the sign-in's
// transaction, or NotFound.
func (tx *Tx) FindSSOStaff(ctx context.Context, tenantID, staffID int64) (*org.Staff, error) {
	return tx.staffByID(ctx, tenantID, staffID)
}

// FindSSOUser returns an account of the tenant inside the sign-in's
// transaction, or NotFound.
func (tx *Tx) FindSSOUser(ctx context.Context, tenantID, userID int64) (*auth.User, error) {
	return scanUser(tx.row(ctx, `SELECT `+userCols+userFrom+` WHERE us.tenant_id = ? AND us.id = ?`, tenantID, userID))
}

// SSOLoginTaken reports whether an account of the tenant has the login id.
func (tx *Tx) SSOLoginTaken(ctx context.Context, tenantID int64, loginID string) (bool, error) {
	var n int
	err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND login_id = ?`, tenantID, loginID).Scan(&n)
	return n > 0, err
}

func findSSOSubject(ctx context.Context, q rowQuerier, tenantID, userID int64) (string, error) {
	var s sql.NullString
	err := q.row(ctx, `SELECT sso_subject FROM users WHERE tenant_id = ? AND id = ?`, tenantID, userID).Scan(&s)
	return s.String, mapErr(err)
}

// FindSSOSubject returns the subject bound to an account ("" = none), or
// NotFound for an unknown account.
func (db *DB) FindSSOSubject(ctx context.Context, tenantID, userID int64) (string, error) {
	return findSSOSubject(ctx, db, tenantID, userID)
}

// FindSSOSubject is FindSSOSubject inside a transaction.
func (tx *Tx) FindSSOSubject(ctx context.Context, tenantID, userID int64) (string, error) {
	return findSSOSubject(ctx, tx, tenantID, userID)
}

// BindSSOSubject binds a subject to an account that has none. The
// condition is in the UPDATE, so two concurrent first sign-ins cannot both
// bind: the loser gets Conflict; a subject bound to another account of the
// tenant is Conflict error.duplicate (the unique index).
func (tx *Tx) BindSSOSubject(ctx context.Context, tenantID, userID int64, subject string) error {
	res, err := tx.exec(ctx, `UPDATE users SET sso_subject = ? WHERE tenant_id = ? AND id = ? AND sso_subject IS NULL`,
		subject, tenantID, userID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "error.duplicate")
	}
	return nil
}

// SetSSOSubject binds, replaces or (subject "") unbinds the subject of an
// account: NotFound for an unknown account, Conflict error.duplicate for a
// subject bound to another account of the tenant.
func (tx *Tx) SetSSOSubject(ctx context.Context, tenantID, userID int64, subject string) error {
	var val any
	if subject != "" {
		val = subject
	}
	return affectedOne(tx.exec(ctx, `UPDATE users SET sso_subject = ? WHERE tenant_id = ? AND id = ?`, val, tenantID, userID))
}

// ReplaceSSOPassword sets the account's password hash and clears its
// forced change, at expectVersion (the stale Conflict otherwise).
func (tx *Tx) ReplaceSSOPassword(ctx context.Context, tenantID, userID, expectVersion int64, hash string) error {
	return staleIfNone(tx.exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = FALSE, updated_at = ?,
		version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
		hash, micros(tx.db.Now()), tenantID, userID, expectVersion))
}

// DeleteSSOUserSessions ends every session of the account.
func (tx *Tx) DeleteSSOUserSessions(ctx context.Context, tenantID, userID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?`, tenantID, userID)
	return err
}
