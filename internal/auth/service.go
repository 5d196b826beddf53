package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/invisible"
)

// TenantRef is what sign-in needs of a tenant (auth cannot import org).
type TenantRef struct {
	ID         int64
	Slug, Name string
}

// Store is what the auth service reads and the transaction it runs;
// internal/store implements it.
type Store interface {
	InAuthTx(ctx context.Context, fn func(Tx) error) error

	FindTenantRefBySlug(ctx context.Context, slug string) (TenantRef, error)
	FindUserByID(ctx context.Context, tenantID, id int64) (*User, error)
	// FindUserAndTenant is FindUserByID with the tenant's name, in one
	// read (every signed-in request builds its principal from it).
	FindUserAndTenant(ctx context.Context, tenantID, id int64) (*User, TenantRef, error)
	FindUserByLogin(ctx context.Context, tenantID int64, loginID string) (*User, error)
	FindUserByStaff(ctx context.Context, tenantID, staffID int64) (*User, error)
	FindUsers(ctx context.Context, tenantID int64, limit, offset int) ([]*User, int, error)
	// FindUsersWithRole lists the accounts that may hold a granted role
	// (the caller checks: the match is on the stored text).
	FindUsersWithRole(ctx context.Context, tenantID int64, r Role) ([]*User, error)
	// StaffIDByNo resolves a 職員番号 for linking an account.
	StaffIDByNo(ctx context.Context, tenantID int64, staffNo string) (id int64, retired bool, err error)
	FindOperatorByID(ctx context.Context, id int64) (*OperatorAccount, error)
	FindOperatorByLogin(ctx context.Context, loginID string) (*OperatorAccount, error)

	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	CreateSession(ctx context.Context, s *Session) error
	TouchSession(ctx context.Context, tokenHash string, expires time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteExpiredSessions(ctx context.Context, failuresBefore time.Time) (int64, error)

	// RecordLoginAttempt notes one sign-in attempt under each key hash
	// (before its password is checked) and returns the rows' ids;
	// DeleteLoginAttempts forgets them again (a success, or an attempt
	// refused before its password was checked).
	RecordLoginAttempt(ctx context.Context, keyHashes ...string) ([]int64, error)
	DeleteLoginAttempts(ctx context.Context, ids []int64) error
	CountLoginFailures(ctx context.Context, keyHash string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, keyHash string) error

	// FindAPITokenUser is the token with this hash, its account and the
	// account's tenant, in one read (every API request starts with it);
	// an operator's token comes without an account (nil).
	FindAPITokenUser(ctx context.Context, hash string) (*APIToken, *User, TenantRef, error)
	FindAPITokens(ctx context.Context, tenantID, userID int64) ([]*APIToken, error)
	// FindTenantAPITokens lists every token of a tenant's accounts, newest
	// first, with the owner's login id.
	FindTenantAPITokens(ctx context.Context, tenantID int64) ([]*APIToken, error)
	// TouchAPITokens records a use of each token at this time, for those
	// not recorded in the minute before.
	TouchAPITokens(ctx context.Context, ids []int64, at time.Time) error
}

// Tx is what one account action writes, in one transaction.
type Tx interface {
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
	FindUserForUpdate(ctx context.Context, tenantID, id int64) (*User, error)
	InsertUser(ctx context.Context, tenantID int64, u *User) error
	UpdateUserRow(ctx context.Context, tenantID int64, u *User, expectVersion int64) error
	// DeleteUserSessions ends the account's sessions except keep (a token
	// hash, or "").
	DeleteUserSessions(ctx context.Context, tenantID, userID int64, keep string) error
	InsertOperator(ctx context.Context, o *OperatorAccount) error
	FindOperatorForUpdate(ctx context.Context, id int64) (*OperatorAccount, error)
	UpdateOperatorRow(ctx context.Context, o *OperatorAccount, expectVersion int64) error
	InsertAPIToken(ctx context.Context, t *APIToken, hash string) error
	FindAPITokenForUpdate(ctx context.Context, tenantID, userID, id int64) (*APIToken, error)
	RevokeAPITokenRow(ctx context.Context, tenantID, id int64, at time.Time) error
	// FindTenantAPITokenForUpdate reads any token of the tenant's accounts.
	FindTenantAPITokenForUpdate(ctx context.Context, tenantID, id int64) (*APIToken, error)
	// RevokeUserAPITokens revokes the account's active tokens and returns
	// their ids.
	RevokeUserAPITokens(ctx context.Context, tenantID, userID int64, at time.Time) ([]int64, error)
	// EndUserInvitations ends the account's unused, unexpired invitation
	// links (they expire at at) and returns their ids.
	EndUserInvitations(ctx context.Context, tenantID, userID int64, at time.Time) ([]int64, error)
	// InsertSession stores a new session (a password change rotates the
	// session inside its transaction).
	InsertSession(ctx context.Context, s *Session) error
}

// Limits bound sessions and sign-in attempts.
type Limits struct {
	SessionIdle, SessionMax time.Duration
	// Failures counted over ThrottleWindow (see SignIn): per account from
	// one client address (MaxAccountFailures), per account from every
	// address (MaxAccountTotalFailures), and per address
	// (MaxAddressFailures, which only slows failures down by AddressDelay:
	// a town hall's staff share one NAT address). Zero values of the last
	// two take the defaults.
	ThrottleWindow          time.Duration
	MaxAccountFailures      int
	MaxAddressFailures      int
	MaxAccountTotalFailures int
	AddressDelay            time.Duration
}

// DefaultLimits are the product's defaults.
func DefaultLimits() Limits {
	return Limits{SessionIdle: 2 * time.Hour, SessionMax: 12 * time.Hour, ThrottleWindow: 15 * time.Minute,
		MaxAccountFailures: 5, MaxAddressFailures: 30, MaxAccountTotalFailures: 20, AddressDelay: time.Second}
}

// PasswordPolicy says whether a tenant lets these roles sign in with a
// password (false when SSO is mandatory for them); the sso service
// implements it.
type PasswordPolicy func(ctx context.Context, tenantID int64, roles []Role) (bool, error)

// Service holds sign-in, sessions, accounts, operators and API tokens.
type Service struct {
	st       Store
	now      func() time.Time
	limits   Limits
	password PasswordPolicy
	used     tokenUses
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	s := &Service{st: st, now: now, limits: DefaultLimits()}
	s.used.write = st.TouchAPITokens
	return s
}

// SetLimits replaces the session and throttling limits.
func (s *Service) SetLimits(l Limits) { s.limits = l }

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.limits }

// SetPasswordPolicy installs the SSO-mandatory check.
func (s *Service) SetPasswordPolicy(p PasswordPolicy) { s.password = p }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// ActorOf is how a principal is named in the audit log.
func ActorOf(p *Principal) audit.Actor { return audit.Actor{ID: p.UserID, Label: p.Label()} }

// --- sign-in and sessions ---

// audit records an event that changes no other row in its own transaction.
func (s *Service) audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error {
	return s.st.InAuthTx(ctx, func(tx Tx) error { return tx.Audit(ctx, tenantID, actor, c) })
}

// StartSession signs an account in: a new session on every sign-in (a
// session planted before sign-in, fixation, is never promoted; replaced is
// the old cookie's token, deleted) and the auth.login audit entry (detail
// says how, e.g. via SSO; nil for a password). It returns the new token.
func (s *Service) StartSession(ctx context.Context, tenantID, userID int64, login string, detail any, replaced string) (string, error) {
	if replaced != "" {
		_ = s.st.DeleteSession(ctx, HashToken(replaced))
	}
	token, err := s.newSession(ctx, tenantID, userID)
	if err != nil {
		return "", err
	}
	_ = s.audit(ctx, tenantID, audit.Actor{ID: userID, Label: login},
		audit.Change{Action: "auth.login", ObjectType: "user", ObjectID: itoa(userID), After: detail})
	return token, nil
}

func (s *Service) newSession(ctx context.Context, tenantID, userID int64) (string, error) {
	token, th := NewSessionToken()
	sess := &Session{TokenHash: th, TenantID: tenantID, UserID: userID, ExpiresAt: s.now().Add(s.limits.SessionIdle)}
	if err := s.st.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the principal of a session token, or NotFound. It
// slides the idle expiry (at most once a minute, so a page view is not a
// write), bounded by the session's maximum life.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, apperr.NotFoundErr("session")
	}
	hash := HashToken(token)
	sess, err := s.st.FindSession(ctx, hash)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Sub(sess.CreatedAt) > s.limits.SessionMax {
		_ = s.st.DeleteSession(ctx, hash)
		return nil, apperr.NotFoundErr("session")
	}
	p, err := s.Principal(ctx, sess.TenantID, sess.UserID)
	if err != nil {
		if accountGone(err) {
			_ = s.st.DeleteSession(ctx, hash)
		}
		return nil, err
	}
	p.SessionID = hash
	if now.Sub(sess.LastSeenAt) > time.Minute {
		exp := now.Add(s.limits.SessionIdle)
		if limit := sess.CreatedAt.Add(s.limits.SessionMax); exp.After(limit) {
			exp = limit
		}
		// A failed touch leaves the expiry where it was (the next request
		// slides it); the session itself was read and is valid.
		_ = s.st.TouchSession(ctx, hash, exp)
	}
	return p, nil
}

// SessionEnded reports whether a session token no longer signs anyone in
// (signed out, expired, or of a disabled account), without sliding its
// idle expiry: a page held open (the team board's event stream) asks it
// now and then, and is not activity. A database that cannot answer says
// nothing about the session (false: not known to have ended).
func (s *Service) SessionEnded(ctx context.Context, token string) bool {
	if token == "" || len(token) > 100 {
		return true
	}
	sess, err := s.st.FindSession(ctx, HashToken(token))
	if err != nil {
		return accountGone(err)
	}
	if s.now().Sub(sess.CreatedAt) > s.limits.SessionMax {
		return true
	}
	_, err = s.Principal(ctx, sess.TenantID, sess.UserID)
	return err != nil && accountGone(err)
}

// accountGone reports whether err reading a session's or a token's account
// says the account is gone or disabled, which ends the session and denies
// the token; any other error (the database is down) says nothing about
// either.
func accountGone(err error) bool {
	c := apperr.CodeOf(err)
	return c == apperr.NotFound || c == apperr.Forbidden
}

// Principal builds the principal of a tenant account (tenantID > 0) or an
// operator (tenantID 0). Disabled accounts get Forbidden.
func (s *Service) Principal(ctx context.Context, tenantID, userID int64) (*Principal, error) {
	if tenantID == 0 {
		op, err := s.st.FindOperatorByID(ctx, userID)
		if err != nil {
			return nil, err
		}
		return &Principal{UserID: op.ID, LoginID: op.LoginID, Roles: []Role{Operator},
			Locale: op.Locale, Wareki: op.Wareki, MustChange: op.MustChange}, nil
	}
	u, t, err := s.st.FindUserAndTenant(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	return principalOf(u, t)
}

// principalOf is the principal of an account of tenant t (Forbidden when
// the account is disabled).
func principalOf(u *User, t TenantRef) (*Principal, error) {
	if u.Disabled {
		return nil, apperr.Forbid()
	}
	return &Principal{TenantID: t.ID, TenantSlug: t.Slug, TenantName: t.Name, UserID: u.ID, LoginID: u.LoginID,
		StaffID: u.StaffID, UnitID: u.UnitID, StaffName: u.StaffName, Roles: u.Roles(), Locale: u.Locale, Wareki: u.Wareki,
		MustChange: u.MustChange}, nil
}

// SignOut ends the session of a token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.st.DeleteSession(ctx, HashToken(token))
}

// SweepSessions removes expired sessions and the sign-in failures older
// than keepFailures (kept longer than the throttling window so that an
// operator can still see a night's guessing in the morning).
func (s *Service) SweepSessions(ctx context.Context, keepFailures time.Duration) (int64, error) {
	return s.st.DeleteExpiredSessions(ctx, s.now().Add(-keepFailures))
}

// --- own account ---

// SaveSettings stores the caller's language and era display.
func (s *Service) SaveSettings(ctx context.Context, p *Principal, lang string, wareki bool) error {
	var v apperr.Validation
	if lang != "ja" && lang != "en" {
		v.Add("lang", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		return err
	}
	actor := ActorOf(p)
	return s.st.InAuthTx(ctx, func(tx Tx) error {
		if p.IsOperator() {
			before, err := tx.FindOperatorForUpdate(ctx, p.UserID)
			if err != nil {
				return err
			}
			if before.Locale == lang && before.Wareki == wareki {
				return nil
			}
			a := *before
			a.Locale, a.Wareki = lang, wareki
			if err := tx.UpdateOperatorRow(ctx, &a, before.Version); err != nil {
				return err
			}
			return tx.Audit(ctx, 0, actor, audit.Change{Action: "operator.settings", ObjectType: "operator",
				ObjectID: itoa(p.UserID), Before: map[string]any{"locale": before.Locale, "wareki": before.Wareki},
				After: map[string]any{"locale": lang, "wareki": wareki}})
		}
		_, err := s.updateUser(ctx, tx, p.TenantID, actor, p.UserID, UserUpdate{Locale: &lang, Wareki: &wareki, Action: "user.settings"}, p.SessionID)
		return err
	})
}

// ChangePassword checks the current password and the new one's rules and
// stores the new hash. Every session of the person ends, the one that made
// the change included, and the new session token it returns replaces it
// (the session is rotated, issue 10 item 10); the person's API tokens are
// revoked (they never outlive the password they were made under).
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, confirm string) (string, error) {
	var hash string
	if p.IsOperator() {
		op, err := s.st.FindOperatorByID(ctx, p.UserID)
		if err != nil {
			return "", err
		}
		hash = op.PasswordHash
	} else {
		u, err := s.st.FindUserByID(ctx, p.TenantID, p.UserID)
		if err != nil {
			return "", err
		}
		hash = u.PasswordHash
	}
	var v apperr.Validation
	if ok, _ := CheckPassword(hash, current); !ok {
		v.Add("current_password", "field.password_wrong", nil)
	}
	if err := ValidateNewPassword(next, confirm, p.LoginID); err != nil {
		for _, f := range apperr.As(err).Fields {
			v.Add(f.Field, f.Key, f.Args)
		}
	}
	if next != "" && next == current && !v.Has("new_password") {
		v.Add("new_password", "field.password_same", nil)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return "", err
	}
	actor := ActorOf(p)
	if p.IsOperator() {
		if err := s.SetOperatorPassword(ctx, actor, p.UserID, newHash, false); err != nil {
			return "", err
		}
		return s.newSession(ctx, 0, p.UserID)
	}
	token, th := NewSessionToken()
	f := false
	err = s.st.InAuthTx(ctx, func(tx Tx) error {
		if _, err := s.updateUser(ctx, tx, p.TenantID, actor, p.UserID, UserUpdate{PasswordHash: &newHash, MustChange: &f, Action: "user.password"}, ""); err != nil {
			return err
		}
		return tx.InsertSession(ctx, &Session{TokenHash: th, TenantID: p.TenantID, UserID: p.UserID, ExpiresAt: s.now().Add(s.limits.SessionIdle)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// --- accounts (HR) ---

// NewUser is an account HR creates: linked to a staff record by 職員番号,
// or holding granted roles, or both.
type NewUser struct {
	LoginID string
	StaffNo string
	Granted []Role
}

// CreateUser creates an account with a one-time temporary password, which
// it returns (shown once; the person must change it at first sign-in). The
// auditor role is granted only by an auditor (or the operator, SetAuditor).
func (s *Service) CreateUser(ctx context.Context, p *Principal, in NewUser) (*User, string, error) {
	tenantID, actor := p.TenantID, ActorOf(p)
	var v apperr.Validation
	if slices.Contains(in.Granted, Auditor) && !mayManageAuditor(p) {
		v.Add("roles", "field.auditor_by_operator", nil)
	}
	if !ValidLogin(in.LoginID) {
		v.Add("login_id", "field.login_format", nil)
	}
	granted := []Role{}
	for _, r := range in.Granted {
		if slices.Contains(GrantableRoles, r) && !slices.Contains(granted, r) {
			granted = append(granted, r)
		}
	}
	var staffID int64
	if in.StaffNo != "" {
		id, retired, err := s.st.StaffIDByNo(ctx, tenantID, in.StaffNo)
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
			v.Add("staff_no", "field.staff_unknown", nil)
		case err != nil:
			return nil, "", err
		case retired:
			v.Add("staff_no", "field.staff_retired", nil)
		default:
			staffID = id
		}
	} else if len(granted) == 0 {
		// An account with neither a staff record nor a role could do nothing.
		v.Add("staff_no", "field.staff_or_role", nil)
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	temp := RandomPassword()
	hash, err := HashPassword(temp)
	if err != nil {
		return nil, "", err
	}
	u := &User{LoginID: in.LoginID, PasswordHash: hash, StaffID: staffID, Granted: granted, MustChange: true}
	err = s.st.InAuthTx(ctx, func(tx Tx) error { return s.CreateUserIn(ctx, tx, tenantID, actor, u) })
	if err != nil {
		return nil, "", err
	}
	return u, temp, nil
}

// CreateUserIn writes an account and its audit entry inside a running
// transaction (SSO provisioning creates one with the person's link).
func (s *Service) CreateUserIn(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, u *User) error {
	if u.Locale == "" {
		u.Locale = "ja"
	}
	u.TenantID, u.Version = tenantID, 1
	if err := tx.InsertUser(ctx, tenantID, u); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "user.create", ObjectType: "user", ObjectID: itoa(u.ID), After: u.AuditView()})
}

// SetRoles changes an account's granted roles and whether it is disabled.
// HR cannot lock itself out (another HR admin must do that), nobody grants
// a role to themselves, and the auditor role is granted and removed only
// by an auditor or the operator (separation of duties, issue 10 item 14);
// so is disabling or re-enabling an auditor's account. Disabling ends the account's sessions; disabling or a change of roles
// revokes its API tokens.
func (s *Service) SetRoles(ctx context.Context, p *Principal, id int64, granted []Role, disabled bool, expectVersion int64) error {
	if id == p.UserID && (disabled || !slices.Contains(granted, HRAdmin)) {
		var v apperr.Validation
		v.Add("roles", "field.self_lockout", nil)
		return v.Err()
	}
	g := []Role{}
	for _, r := range granted {
		if slices.Contains(GrantableRoles, r) && !slices.Contains(g, r) {
			g = append(g, r)
		}
	}
	return s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindUserForUpdate(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		if err := checkDuties(p, before, g); err != nil {
			return err
		}
		if disabled != before.Disabled {
			if err := checkAuditorAccount(p, before, "disabled", "field.auditor_disable_by_operator"); err != nil {
				return err
			}
		}
		_, err = s.updateUser(ctx, tx, p.TenantID, ActorOf(p), id,
			UserUpdate{Granted: &g, Disabled: &disabled, ExpectVersion: expectVersion, Action: "user.roles"}, "")
		return err
	})
}

// ResetPassword gives the account a temporary password that must be
// changed at the next sign-in, ends its sessions, and returns the password.
// HR cannot reset an auditor's password (separation of duties: it would
// read the temporary password and sign in as the auditor); the operator's
// command line (UpdateUser) can.
func (s *Service) ResetPassword(ctx context.Context, p *Principal, id int64) (string, error) {
	if id == p.UserID {
		// A temporary password for oneself would skip the current password
		// the change of one's own asks for: whoever holds an open HR
		// session (an unlocked PC) would keep the account for good.
		var v apperr.Validation
		v.Add("password", "field.self_reset", nil)
		return "", v.Err()
	}
	tenantID, actor := p.TenantID, ActorOf(p)
	temp := RandomPassword()
	hash, err := HashPassword(temp)
	if err != nil {
		return "", err
	}
	t := true
	err = s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindUserForUpdate(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if err := checkAuditorAccount(p, before, "password", "field.auditor_reset_by_operator"); err != nil {
			return err
		}
		_, err = s.updateUser(ctx, tx, tenantID, actor, id, UserUpdate{PasswordHash: &hash, MustChange: &t, Action: "user.password_reset"}, "")
		return err
	})
	if err != nil {
		return "", err
	}
	return temp, nil
}

// updateUser applies upd inside tx. Changing the password or disabling the
// account ends its other sessions (keep survives, for a self-service
// change). A save that changes nothing writes nothing.
func (s *Service) updateUser(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, id int64, upd UserUpdate, keep string) (*User, error) {
	before, err := tx.FindUserForUpdate(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if upd.ExpectVersion != 0 && before.Version != upd.ExpectVersion {
		return nil, apperr.ConflictStale()
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
	if a.AuditView() == before.AuditView() && a.PasswordHash == before.PasswordHash {
		return before, nil
	}
	if err := tx.UpdateUserRow(ctx, tenantID, &a, before.Version); err != nil {
		return nil, err
	}
	a.Version = before.Version + 1
	passwordChanged := a.PasswordHash != before.PasswordHash
	if passwordChanged || a.Disabled {
		if err := tx.DeleteUserSessions(ctx, tenantID, id, keep); err != nil {
			return nil, err
		}
	}
	action := upd.Action
	if action == "" {
		action = "user.update"
	}
	if err := tx.Audit(ctx, tenantID, actor, audit.Change{Action: action, ObjectType: "user",
		ObjectID: itoa(id), Before: before.AuditView(), After: a.AuditView()}); err != nil {
		return nil, err
	}
	// An invitation link sets a password: once any password is set (an
	// HR or command-line reset, the person's own change, another link
	// accepted), an unused link left on an old printed notice must not
	// take the account over.
	if passwordChanged {
		if err := s.endInvitations(ctx, tx, tenantID, actor, id, action); err != nil {
			return nil, err
		}
	}
	// A token must not outlive the credentials behind it: a new password
	// (a reset or the person's own change), disabling and a change of
	// roles revoke the account's tokens (issue 10 item 2).
	if passwordChanged || (a.Disabled && !before.Disabled) || JoinRoles(a.Granted) != JoinRoles(before.Granted) {
		if err := s.revokeUserTokens(ctx, tx, tenantID, actor, id, action); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// revokeUserTokens revokes every active token of an account and writes one
// audit entry naming them (none when it had none).
func (s *Service) revokeUserTokens(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, userID int64, reason string) error {
	return s.revokeTokens(ctx, tx, tenantID, actor, "user", userID, reason)
}

// revokeTokens is revokeUserTokens for a tenant account (objectType
// "user") or an operator (tenant 0, "operator").
func (s *Service) revokeTokens(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, objectType string, userID int64, reason string) error {
	ids, err := tx.RevokeUserAPITokens(ctx, tenantID, userID, s.now().UTC().Truncate(time.Microsecond))
	if err != nil || len(ids) == 0 {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "token.revoke_all", ObjectType: objectType, ObjectID: itoa(userID),
		After: map[string]any{"revoked_tokens": ids, "reason": reason}})
}

// endInvitations ends every outstanding invitation link of an account and
// writes one audit entry naming them (none when it had none).
func (s *Service) endInvitations(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, userID int64, reason string) error {
	ids, err := tx.EndUserInvitations(ctx, tenantID, userID, s.now().UTC().Truncate(time.Microsecond))
	if err != nil || len(ids) == 0 {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "user.invitation_end", ObjectType: "user", ObjectID: itoa(userID),
		After: map[string]any{"invitation_ids": ids, "reason": reason}})
}

// UserByID returns one account or NotFound.
func (s *Service) UserByID(ctx context.Context, tenantID, id int64) (*User, error) {
	return s.st.FindUserByID(ctx, tenantID, id)
}

// UserByLogin returns the account with this login id or NotFound.
func (s *Service) UserByLogin(ctx context.Context, tenantID int64, login string) (*User, error) {
	return s.st.FindUserByLogin(ctx, tenantID, login)
}

// UserByStaff returns the account linked to a staff record or NotFound.
func (s *Service) UserByStaff(ctx context.Context, tenantID, staffID int64) (*User, error) {
	return s.st.FindUserByStaff(ctx, tenantID, staffID)
}

// Users lists a tenant's accounts by login id: one page and the total.
func (s *Service) Users(ctx context.Context, tenantID int64, limit, offset int) ([]*User, int, error) {
	return s.st.FindUsers(ctx, tenantID, limit, offset)
}

// TenantBySlug resolves a sign-in tenant code.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (TenantRef, error) {
	return s.st.FindTenantRefBySlug(ctx, slug)
}

// --- operators ---

// CreateOperator adds an instance operator account with the given hash.
func (s *Service) CreateOperator(ctx context.Context, actor audit.Actor, loginID, hash string, mustChange bool) (*OperatorAccount, error) {
	if !ValidLogin(loginID) {
		var v apperr.Validation
		v.Add("login_id", "field.login_format", nil)
		return nil, v.Err()
	}
	o := &OperatorAccount{LoginID: loginID, PasswordHash: hash, MustChange: mustChange, Locale: "ja", Version: 1}
	err := s.st.InAuthTx(ctx, func(tx Tx) error {
		if err := tx.InsertOperator(ctx, o); err != nil {
			return err
		}
		return tx.Audit(ctx, 0, actor, audit.Change{Action: "operator.create", ObjectType: "operator",
			ObjectID: itoa(o.ID), After: map[string]any{"login_id": loginID}})
	})
	return o, err
}

// OperatorByLogin returns an operator or NotFound.
func (s *Service) OperatorByLogin(ctx context.Context, loginID string) (*OperatorAccount, error) {
	return s.st.FindOperatorByLogin(ctx, loginID)
}

// SetOperatorPassword stores a new hash (mustChange marks an admin reset),
// ends every session of the operator and revokes the operator's API tokens
// (a token never outlives the password it was made under, as for tenant
// accounts: the own change on the pages and `user reset-password
// --operator` both come here).
func (s *Service) SetOperatorPassword(ctx context.Context, actor audit.Actor, id int64, hash string, mustChange bool) error {
	return s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindOperatorForUpdate(ctx, id)
		if err != nil {
			return err
		}
		a := *before
		a.PasswordHash, a.MustChange = hash, mustChange
		if err := tx.UpdateOperatorRow(ctx, &a, before.Version); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, 0, id, ""); err != nil {
			return err
		}
		if err := tx.Audit(ctx, 0, actor, audit.Change{Action: "operator.password", ObjectType: "operator",
			ObjectID: itoa(id), After: map[string]any{"must_change_password": mustChange}}); err != nil {
			return err
		}
		return s.revokeTokens(ctx, tx, 0, actor, "operator", id, "operator.password")
	})
}

// --- API tokens ---

// TokenPrefix starts every API token, so a leaked one is recognisable.
const TokenPrefix = "tw_"

// MaxTokenDays is the longest life of an API token.
const MaxTokenDays = 365

// NewToken is what a person gives to create an API token.
type NewToken struct {
	Name     string
	Days     int
	ReadOnly bool
}

// Validate checks the token's name and life.
func (in NewToken) Validate() error {
	var v apperr.Validation
	label := map[string]any{"LabelKey": "tokens.name"} // not 氏名: the token's own name
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); {
	case n == 0:
		v.Add("name", "field.required", label)
	case n > 60:
		v.Add("name", "field.too_long", map[string]any{"Max": 60, "LabelKey": "tokens.name"})
	default:
		// HR reads the names in the token list: no bidi override or NUL.
		invisible.Refuse(&v, "name", in.Name, false, label)
	}
	if in.Days < 1 || in.Days > MaxTokenDays {
		v.Add("expires_in_days", "field.range", map[string]any{"Min": 1, "Max": MaxTokenDays})
	}
	return v.Err()
}

// CreateToken issues a token for the principal's account and returns it
// with its secret, shown once (only its hash is stored). A token is tied to
// the account, so it can never do more than the account's current roles.
//
// A request authenticated by a token cannot create tokens (Forbidden): a
// stolen token must not be able to outlive its own revocation.
func (s *Service) CreateToken(ctx context.Context, p *Principal, in NewToken) (*APIToken, string, error) {
	if p.TokenID != 0 {
		return nil, "", apperr.New(apperr.Forbidden, "token.not_by_token")
	}
	return s.IssueToken(ctx, ActorOf(p), p.TenantID, p.UserID, in)
}

// IssueToken creates a token for the account userID of tenantID (0: an
// operator's), recorded as done by actor: the owner on the pages and the
// API, the operator's command line for integration set-up. A disabled
// account gets none.
func (s *Service) IssueToken(ctx context.Context, actor audit.Actor, tenantID, userID int64, in NewToken) (*APIToken, string, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	owner, err := s.Principal(ctx, tenantID, userID)
	if err != nil {
		return nil, "", err
	}
	t := &APIToken{TenantID: tenantID, UserID: userID, OwnerLogin: owner.LoginID, Name: in.Name, Prefix: secret[:10], ReadOnly: in.ReadOnly,
		CreatedAt: s.now().UTC().Truncate(time.Microsecond),
		ExpiresAt: s.now().Add(time.Duration(in.Days) * 24 * time.Hour).UTC().Truncate(time.Microsecond)}
	err = s.st.InAuthTx(ctx, func(tx Tx) error {
		if err := tx.InsertAPIToken(ctx, t, HashToken(secret)); err != nil {
			return err
		}
		return tx.Audit(ctx, t.TenantID, actor, audit.Change{Action: "token.create", ObjectType: "api_token",
			ObjectID: itoa(t.ID), After: t.AuditView()})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// Tokens lists the principal's own tokens, newest first.
func (s *Service) Tokens(ctx context.Context, p *Principal) ([]*APIToken, error) {
	return s.st.FindAPITokens(ctx, p.TenantID, p.UserID)
}

// TokensOf lists an account's tokens, newest first (the command line).
func (s *Service) TokensOf(ctx context.Context, tenantID, userID int64) ([]*APIToken, error) {
	return s.st.FindAPITokens(ctx, tenantID, userID)
}

// RevokeToken ends one of the principal's own tokens (NotFound for anyone
// else's). Revoking a revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id int64) error {
	return s.RevokeTokenOf(ctx, ActorOf(p), p.TenantID, p.UserID, id)
}

// RevokeTokenOf ends one of an account's tokens, recorded as done by actor.
func (s *Service) RevokeTokenOf(ctx context.Context, actor audit.Actor, tenantID, userID, id int64) error {
	return s.st.InAuthTx(ctx, func(tx Tx) error {
		before, err := tx.FindAPITokenForUpdate(ctx, tenantID, userID, id)
		if err != nil {
			return err
		}
		if !before.RevokedAt.IsZero() {
			return nil
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if err := tx.RevokeAPITokenRow(ctx, tenantID, id, now); err != nil {
			return err
		}
		after := *before
		after.RevokedAt = now
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "token.revoke", ObjectType: "api_token",
			ObjectID: itoa(id), Before: before.AuditView(), After: after.AuditView()})
	})
}

// TokenPrincipal resolves a bearer token to its owner's principal with the
// token's limits. Unknown, revoked and expired tokens, and tokens whose
// owner was disabled, are all Unauthorized alike.
func (s *Service) TokenPrincipal(ctx context.Context, token string) (*Principal, error) {
	deny := apperr.New(apperr.Unauthorized, "api.invalid_token")
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return nil, deny
	}
	t, u, tn, err := s.st.FindAPITokenUser(ctx, HashToken(token))
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, deny
		}
		return nil, err
	}
	now := s.now()
	if !t.Active(now) {
		return nil, deny
	}
	var p *Principal
	if u != nil {
		p, err = principalOf(u, tn)
	} else {
		p, err = s.Principal(ctx, t.TenantID, t.UserID) // an operator's token
	}
	if err != nil {
		if accountGone(err) {
			return nil, deny
		}
		return nil, err
	}
	p.TokenID, p.TokenName, p.ReadOnly = t.ID, t.Name, t.ReadOnly
	// Record the use at most once a minute, decided on the row just read,
	// so a read request does not write (on SQLite a write takes the
	// database's write lock, even when it changes no row). The record is
	// written beside the request, not in its way: "last used" is a
	// minute-grained hint for the token list, not evidence.
	if now.Sub(t.LastUsedAt) > time.Minute {
		s.used.note(t.ID, now)
	}
	return p, nil
}

// UpdateUser applies upd to an account in its own transaction (nil fields
// stay; ExpectVersion 0 skips the version check).
func (s *Service) UpdateUser(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd UserUpdate) (*User, error) {
	var u *User
	err := s.st.InAuthTx(ctx, func(tx Tx) error {
		var err error
		u, err = s.updateUser(ctx, tx, tenantID, actor, id, upd, "")
		return err
	})
	return u, err
}

// CreateAccount creates an account whose password hash the caller chose
// (the demo's published password; the CLI).
func (s *Service) CreateAccount(ctx context.Context, tenantID int64, actor audit.Actor, u *User) error {
	if !ValidLogin(u.LoginID) {
		var v apperr.Validation
		v.Add("login_id", "field.login_format", nil)
		return v.Err()
	}
	return s.st.InAuthTx(ctx, func(tx Tx) error { return s.CreateUserIn(ctx, tx, tenantID, actor, u) })
}
