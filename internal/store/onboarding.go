package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"telework/internal/auth"
	"telework/internal/org"
)

// The store side of accounts in bulk and invitations (auth.Onboarding).

var (
	_ auth.OnboardingStore = (*DB)(nil)
	_ auth.OnboardingTx    = (*Tx)(nil)
)

// InOnboardingTx runs a bulk creation or an acceptance in one transaction.
func (db *DB) InOnboardingTx(ctx context.Context, fn func(auth.OnboardingTx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// FindStaffWithoutAccount lists people in service with no account, by
// 職員番号: one page and the total.
func (db *DB) FindStaffWithoutAccount(ctx context.Context, tenantID int64, f auth.CandidateFilter) ([]*auth.Candidate, int, error) {
	var units []int64
	if f.UnitID != 0 {
		ids, err := db.unitSubtree(ctx, tenantID, f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 {
			return nil, 0, nil
		}
		units = ids
	}
	return findCandidates(ctx, db, tenantID, f, units)
}

// FindStaffWithoutAccount inside the transaction (by ids).
func (tx *Tx) FindStaffWithoutAccount(ctx context.Context, tenantID int64, f auth.CandidateFilter) ([]*auth.Candidate, int, error) {
	return findCandidates(ctx, tx, tenantID, auth.CandidateFilter{IDs: f.IDs, Query: f.Query, Limit: f.Limit, Offset: f.Offset}, nil)
}

func inList(where string, args []any, col string, ids []int64) (string, []any) {
	where += ` AND ` + col + ` IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
	for _, id := range ids {
		args = append(args, id)
	}
	return where, args
}

func findCandidates(ctx context.Context, q querier, tenantID int64, f auth.CandidateFilter, units []int64) ([]*auth.Candidate, int, error) {
	where := ` WHERE s.tenant_id = ? AND s.retired = FALSE
		AND NOT EXISTS (SELECT 1 FROM users x WHERE x.tenant_id = s.tenant_id AND x.staff_id = s.id)`
	args := []any{tenantID}
	for _, term := range strings.Fields(f.Query) {
		if k := org.SearchKey(term); k != "" {
			where += ` AND s.search_key LIKE ? ESCAPE '\'`
			args = append(args, likeContains(k))
		}
	}
	if len(units) > 0 {
		where, args = inList(where, args, "s.unit_id", units)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		where, args = inList(where, args, "s.id", f.IDs)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	total := 0
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (*auth.Candidate, error) {
		var c auth.Candidate
		err := sc.Scan(&c.StaffID, &c.StaffNo, &c.Name, &c.Kana, &c.Email, &c.UnitID, &c.UnitName, &total)
		return &c, err
	}, `SELECT s.id, s.staff_no, s.name, s.kana, s.email, s.unit_id, u.name, COUNT(*) OVER ()
		FROM staff s JOIN units u ON u.tenant_id = s.tenant_id AND u.id = s.unit_id`+where+
		` ORDER BY s.staff_no LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: staff without account: %w", err)
	}
	return out, total, nil
}

// InsertInvitation stores an invitation by its token's hash and sets inv.ID.
func (tx *Tx) InsertInvitation(ctx context.Context, inv *auth.Invitation, tokenHash string) error {
	return mapErr(tx.row(ctx, `INSERT INTO invitations (tenant_id, user_id, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, inv.TenantID, inv.UserID, tokenHash, micros(inv.CreatedAt), micros(inv.ExpiresAt)).Scan(&inv.ID))
}

const invitationCols = `i.id, i.tenant_id, i.user_id, us.login_id, i.created_at, i.expires_at, i.used_at`

func scanInvitation(sc interface{ Scan(...any) error }) (*auth.Invitation, error) {
	var inv auth.Invitation
	var created, expires, used int64
	if err := sc.Scan(&inv.ID, &inv.TenantID, &inv.UserID, &inv.LoginID, &created, &expires, &used); err != nil {
		return nil, mapErr(err)
	}
	inv.CreatedAt, inv.ExpiresAt = fromMicros(created), fromMicros(expires)
	if used != 0 {
		inv.UsedAt = fromMicros(used)
	}
	return &inv, nil
}

// FindInvitation reads an invitation of the tenant by its token hash.
func (db *DB) FindInvitation(ctx context.Context, tenantID int64, tokenHash string) (*auth.Invitation, error) {
	return scanInvitation(db.row(ctx, `SELECT `+invitationCols+` FROM invitations i
		JOIN users us ON us.tenant_id = i.tenant_id AND us.id = i.user_id WHERE i.tenant_id = ? AND i.token_hash = ?`, tenantID, tokenHash))
}

// ClaimInvitation uses an invitation up in one conditional statement: an
// unused one that has not expired by at; NotFound otherwise.
func (tx *Tx) ClaimInvitation(ctx context.Context, tenantID int64, tokenHash string, at time.Time) (*auth.Invitation, error) {
	now := micros(at)
	res, err := tx.exec(ctx, `UPDATE invitations SET used_at = ? WHERE tenant_id = ? AND token_hash = ? AND used_at = 0 AND expires_at > ?`,
		now, tenantID, tokenHash, now)
	if err != nil {
		return nil, fmt.Errorf("store: claiming invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, mapErr(sql.ErrNoRows)
	}
	return scanInvitation(tx.row(ctx, `SELECT `+invitationCols+` FROM invitations i
		JOIN users us ON us.tenant_id = i.tenant_id AND us.id = i.user_id WHERE i.tenant_id = ? AND i.token_hash = ?`, tenantID, tokenHash))
}

// EndUserInvitations ends an account's unused, unexpired invitations: they
// expire at at (a password was set another way). It returns their ids.
func (tx *Tx) EndUserInvitations(ctx context.Context, tenantID, userID int64, at time.Time) ([]int64, error) {
	now := micros(at)
	return queryAll(ctx, tx, scanID, `UPDATE invitations SET expires_at = ? WHERE tenant_id = ? AND user_id = ? AND used_at = 0
		AND expires_at > ? RETURNING id`, now, tenantID, userID, now)
}
