package store

import (
	"context"
	"database/sql"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/sso"
)

// ssoSnapshot is how SSO settings appear in the audit log: the client
// secret only as "set" and "changed on this save", never its value.
type ssoSnapshot struct {
	Enabled       bool   `json:"enabled"`
	Mandatory     bool   `json:"mandatory"`
	Issuer        string `json:"issuer"`
	ClientID      string `json:"client_id"`
	Claim         string `json:"claim"`
	JITLink       bool   `json:"jit_link"`
	SecretSet     bool   `json:"client_secret_set"`
	SecretChanged bool   `json:"client_secret_changed,omitempty"`
	Cleared       int64  `json:"subjects_unbound,omitempty"`
	Version       int64  `json:"version"`
}

func snapSSO(s *sso.Settings) ssoSnapshot {
	return ssoSnapshot{Enabled: s.Enabled, Mandatory: s.Mandatory, Issuer: s.Issuer, ClientID: s.ClientID,
		Claim: string(s.Claim), JITLink: s.JITLink, SecretSet: s.SecretSet, Version: s.Version}
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

// FindSSOSettings returns the tenant's SSO settings, or NotFound when it
// has never saved any (see sso.Defaults).
func (db *DB) FindSSOSettings(ctx context.Context, tenantID int64) (*sso.Settings, error) {
	return scanSSO(db.row(ctx, `SELECT `+ssoCols+` FROM sso_settings WHERE tenant_id = ?`, tenantID))
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

// SaveSSOSettings stores the tenant's settings. newSecret replaces the
// stored secret when not nil. s.Version is the version the form was based
// on (0 = none saved yet); a concurrent save makes this one stale. When the
// issuer or the client id changes, every bound subject of the tenant is
// unbound: a subject means something only at its issuer, and Entra ID even
// gives each application registration its own subjects.
func (db *DB) SaveSSOSettings(ctx context.Context, tenantID int64, actor audit.Actor, s *sso.Settings, newSecret *string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := scanSSO(tx.row(ctx, `SELECT `+ssoCols+` FROM sso_settings WHERE tenant_id = ?`, tenantID))
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
			before = nil
		case err != nil:
			return err
		}
		now := micros(db.Now())
		after := *s
		after.TenantID, after.UpdatedAt = tenantID, fromMicros(now)
		if newSecret != nil {
			after.SecretSet = *newSecret != ""
		} else {
			after.SecretSet = before != nil && before.SecretSet
		}
		if before == nil {
			if s.Version != 0 {
				return staleErr()
			}
			after.Version = 1
			secret := ""
			if newSecret != nil {
				secret = *newSecret
			}
			if _, err := tx.exec(ctx, `INSERT INTO sso_settings (tenant_id, enabled, mandatory, issuer, client_id, client_secret,
				claim, jit_link, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, tenantID, s.Enabled, s.Mandatory,
				s.Issuer, s.ClientID, secret, string(s.Claim), s.JITLink, now); err != nil {
				if isDuplicate(mapErr(err)) {
					return staleErr() // another IT admin saved first
				}
				return err
			}
		} else {
			if s.Version != before.Version {
				return staleErr()
			}
			after.Version = before.Version + 1
			q := `UPDATE sso_settings SET enabled = ?, mandatory = ?, issuer = ?, client_id = ?, claim = ?, jit_link = ?,
				updated_at = ?, version = version + 1`
			args := []any{s.Enabled, s.Mandatory, s.Issuer, s.ClientID, string(s.Claim), s.JITLink, now}
			if newSecret != nil {
				q += `, client_secret = ?`
				args = append(args, *newSecret)
			}
			q += ` WHERE tenant_id = ? AND version = ?`
			args = append(args, tenantID, before.Version)
			if err := staleIfNone(tx.exec(ctx, q, args...)); err != nil {
				return err
			}
		}
		snapBefore := any(nil)
		if before != nil {
			snapBefore = snapSSO(before)
		}
		sa := snapSSO(&after)
		sa.SecretChanged = newSecret != nil
		if before != nil && (before.Issuer != after.Issuer || before.ClientID != after.ClientID) {
			res, err := tx.exec(ctx, `UPDATE users SET sso_subject = NULL WHERE tenant_id = ? AND sso_subject IS NOT NULL`, tenantID)
			if err != nil {
				return err
			}
			sa.Cleared, _ = res.RowsAffected()
		}
		*s = after
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "sso.settings", ObjectType: "sso_settings",
			ObjectID: strconv.FormatInt(tenantID, 10), Before: snapBefore, After: sa})
	})
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
func (db *DB) FindSSOCandidates(ctx context.Context, tenantID int64, subject, email string) (sso.Candidates, error) {
	var c sso.Candidates
	if subject != "" {
		a, err := scanSSOAccount(db.row(ctx, `SELECT us.id, us.login_id, us.disabled, COALESCE(us.staff_id, 0),
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
	rows, err := db.query(ctx, `SELECT s.id, s.retired, us.id, COALESCE(us.login_id, ''), COALESCE(us.disabled, FALSE),
		COALESCE(us.sso_subject, '') FROM staff s LEFT JOIN users us ON us.staff_id = s.id AND us.tenant_id = s.tenant_id
		WHERE s.tenant_id = ? AND LOWER(s.email) = ? ORDER BY s.id LIMIT 10`, tenantID, email)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var m sso.StaffMatch
		var uid sql.NullInt64
		var a sso.Account
		if err := rows.Scan(&m.StaffID, &m.Retired, &uid, &a.LoginID, &a.Disabled, &a.Subject); err != nil {
			return c, err
		}
		if uid.Valid {
			a.UserID, a.StaffID, a.StaffRetired = uid.Int64, m.StaffID, m.Retired
			m.Account = &a
		}
		c.ByEmail = append(c.ByEmail, m)
	}
	return c, rows.Err()
}

func scanSSOAccount(sc interface{ Scan(...any) error }) (*sso.Account, error) {
	var a sso.Account
	if err := sc.Scan(&a.UserID, &a.LoginID, &a.Disabled, &a.StaffID, &a.StaffRetired, &a.Subject); err != nil {
		return nil, mapErr(err)
	}
	return &a, nil
}

// FindSSOSubject returns the subject bound to an account ("" = none).
func (db *DB) FindSSOSubject(ctx context.Context, tenantID, userID int64) (string, error) {
	var s sql.NullString
	err := db.row(ctx, `SELECT sso_subject FROM users WHERE tenant_id = ? AND id = ?`, tenantID, userID).Scan(&s)
	return s.String, mapErr(err)
}

// BindSSOSubject binds a subject to an account that has none, at its first
// SSO sign-in. The condition is in the UPDATE, so two concurrent first
// sign-ins cannot both bind: the loser gets Conflict.
func (db *DB) BindSSOSubject(ctx context.Context, tenantID, userID int64, actor audit.Actor, subject string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET sso_subject = ? WHERE tenant_id = ? AND id = ? AND sso_subject IS NULL`,
			subject, tenantID, userID)
		if err != nil {
			return mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.duplicate")
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "user.sso_bind", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), After: map[string]any{"sso_subject_bound": true}})
	})
}

// SetSSOSubject lets the IT admin bind a subject to an account, replace it,
// or unbind it (subject ""). A subject bound to another account of the
// tenant is a field error.
func (db *DB) SetSSOSubject(ctx context.Context, tenantID int64, actor audit.Actor, userID int64, subject string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var old sql.NullString
		if err := tx.row(ctx, `SELECT sso_subject FROM users WHERE tenant_id = ? AND id = ?`, tenantID, userID).Scan(&old); err != nil {
			return mapErr(err)
		}
		var val any
		if subject != "" {
			val = subject
		}
		if err := affectedOne(tx.exec(ctx, `UPDATE users SET sso_subject = ? WHERE tenant_id = ? AND id = ?`, val, tenantID, userID)); err != nil {
			if isDuplicate(err) {
				var v apperr.Validation
				v.Add("sso_subject", "field.taken", nil)
				return v.Err()
			}
			return err
		}
		action := "user.sso_bind"
		if subject == "" {
			action = "user.sso_unbind"
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Before: map[string]any{"sso_subject": old.String},
			After: map[string]any{"sso_subject": subject}})
	})
}

// ProvisionSSOUser creates the account of a staff record at its first SSO
// sign-in (just-in-time linking): linked to the staff, with the given
// password hash (of a random password nobody knows), no forced change, and
// the subject bound when given. The login id is the 職員番号, or
// "sso-" + 職員番号 when that is taken. A staff record that is retired or
// already has an account (a concurrent sign-in) is Conflict.
func (db *DB) ProvisionSSOUser(ctx context.Context, tenantID, staffID int64, subject, passwordHash string) (*auth.User, error) {
	var u *auth.User
	err := db.InTx(ctx, func(tx *Tx) error {
		st, err := tx.staffByID(ctx, tenantID, staffID)
		if err != nil {
			return err
		}
		if st.Retired {
			return apperr.New(apperr.Conflict, "error.duplicate")
		}
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND staff_id = ?`, tenantID, staffID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "error.duplicate")
		}
		login := st.StaffNo
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND login_id = ?`, tenantID, login).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			login = "sso-" + st.StaffNo
		}
		u = &auth.User{LoginID: login, PasswordHash: passwordHash, StaffID: staffID, Granted: []auth.Role{}, MustChange: false}
		actor := audit.Actor{Label: "sso"}
		if err := tx.createUser(ctx, tenantID, actor, u); err != nil {
			if apperr.CodeOf(err) == apperr.Invalid {
				return &apperr.Error{Code: apperr.Conflict, Key: "error.duplicate", Err: err}
			}
			return err
		}
		if subject == "" {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE users SET sso_subject = ? WHERE tenant_id = ? AND id = ?`, subject, tenantID, u.ID); err != nil {
			return mapErr(err)
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "user.sso_bind", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), After: map[string]any{"sso_subject_bound": true}})
	})
	return u, err
}
