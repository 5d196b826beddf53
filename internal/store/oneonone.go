package store

import (
	"context"
	"time"

	"telework/internal/apperr"
	"telework/internal/oneonone"
)

// 1on1 pairs and meetings (issue 16). Meeting bodies arrive sealed
// (oneonone.Keys): this file never sees a log in clear.

var (
	_ oneonone.Store = (*DB)(nil)
	_ oneonone.Tx    = (*Tx)(nil)
)

// InOneOnOneTx runs one 1on1 action in a transaction.
func (db *DB) InOneOnOneTx(ctx context.Context, fn func(oneonone.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const pairSelect = `SELECT p.id, p.tenant_id, p.lead_id, p.member_id, p.cadence_days, p.minutes, p.mode, p.active, p.version,
	p.created_at, l.name, m.name, COALESCE((SELECT MAX(held_on) FROM oneonone_meetings x WHERE x.tenant_id = p.tenant_id AND x.pair_id = p.id), '')
	FROM oneonone_pairs p
	JOIN staff l ON l.tenant_id = p.tenant_id AND l.id = p.lead_id
	JOIN staff m ON m.tenant_id = p.tenant_id AND m.id = p.member_id`

func scanPair(sc interface{ Scan(...any) error }) (oneonone.Pair, error) {
	var p oneonone.Pair
	var created int64
	err := sc.Scan(&p.ID, &p.TenantID, &p.LeadID, &p.MemberID, &p.CadenceDays, &p.Minutes, &p.Mode, &p.Active, &p.Version,
		&created, &p.LeadName, &p.MemberName, &p.LastHeld)
	p.CreatedAt = fromMicros(created)
	return p, err
}

func findPair(ctx context.Context, q querier, tenantID, id int64) (oneonone.Pair, error) {
	out, err := queryAll(ctx, q, scanPair, pairSelect+` WHERE p.tenant_id = ? AND p.id = ?`, tenantID, id)
	if err != nil {
		return oneonone.Pair{}, err
	}
	if len(out) == 0 {
		return oneonone.Pair{}, apperr.NotFoundErr("oneonone_pair")
	}
	return out[0], nil
}

// FindOneOnOnePair returns one pair with the names of its two people.
func (db *DB) FindOneOnOnePair(ctx context.Context, tenantID, id int64) (oneonone.Pair, error) {
	return findPair(ctx, db, tenantID, id)
}

// FindOneOnOnePair is FindOneOnOnePair inside a transaction.
func (t *Tx) FindOneOnOnePair(ctx context.Context, tenantID, id int64) (oneonone.Pair, error) {
	return findPair(ctx, t, tenantID, id)
}

func staffActive(ctx context.Context, q rowQuerier, tenantID, staffID int64) error {
	var n int
	if err := q.row(ctx, `SELECT COUNT(*) FROM staff WHERE tenant_id = ? AND id = ? AND retired = ?`, tenantID, staffID, false).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFoundErr("staff")
	}
	return nil
}

// OneOnOneStaffActive reports whether a current staff member exists.
func (db *DB) OneOnOneStaffActive(ctx context.Context, tenantID, staffID int64) error {
	return staffActive(ctx, db, tenantID, staffID)
}

// OneOnOneStaffActive is OneOnOneStaffActive inside a transaction.
func (t *Tx) OneOnOneStaffActive(ctx context.Context, tenantID, staffID int64) error {
	return staffActive(ctx, t, tenantID, staffID)
}

// FindOneOnOnePairs lists the pairs of one staff member (0: all).
func (db *DB) FindOneOnOnePairs(ctx context.Context, tenantID, staffID int64) ([]oneonone.Pair, error) {
	if staffID == 0 {
		return queryAll(ctx, db, scanPair, pairSelect+` WHERE p.tenant_id = ? ORDER BY p.id`, tenantID)
	}
	return queryAll(ctx, db, scanPair, pairSelect+` WHERE p.tenant_id = ? AND (p.lead_id = ? OR p.member_id = ?) ORDER BY p.id`,
		tenantID, staffID, staffID)
}

// InsertOneOnOnePair adds a pair and sets its id.
func (t *Tx) InsertOneOnOnePair(ctx context.Context, p *oneonone.Pair) error {
	return mapErr(t.row(ctx, `INSERT INTO oneonone_pairs (tenant_id, lead_id, member_id, cadence_days, minutes, mode, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.TenantID, p.LeadID, p.MemberID, p.CadenceDays, p.Minutes, p.Mode, p.Active,
		micros(p.CreatedAt)).Scan(&p.ID))
}

// UpdateOneOnOnePairRow saves a pair's settings at its version.
func (t *Tx) UpdateOneOnOnePairRow(ctx context.Context, p *oneonone.Pair) error {
	err := staleIfNone(t.exec(ctx, `UPDATE oneonone_pairs SET cadence_days = ?, minutes = ?, mode = ?, active = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, p.CadenceDays, p.Minutes, p.Mode, p.Active, p.TenantID, p.ID, p.Version))
	if err == nil {
		p.Version++
	}
	return err
}

const meetingCols = `id, pair_id, held_on, mode, body, version`

func scanMeeting(sc interface{ Scan(...any) error }) (oneonone.SealedMeeting, error) {
	var m oneonone.SealedMeeting
	err := sc.Scan(&m.ID, &m.PairID, &m.HeldOn, &m.Mode, &m.Body, &m.Version)
	return m, err
}

// FindOneOnOneMeetings lists a pair's meetings, newest first.
func (db *DB) FindOneOnOneMeetings(ctx context.Context, tenantID, pairID int64) ([]oneonone.SealedMeeting, error) {
	return queryAll(ctx, db, scanMeeting, `SELECT `+meetingCols+` FROM oneonone_meetings WHERE tenant_id = ? AND pair_id = ?
		ORDER BY held_on DESC, id DESC`, tenantID, pairID)
}

// FindOneOnOneMeeting returns one meeting.
func (t *Tx) FindOneOnOneMeeting(ctx context.Context, tenantID, id int64) (oneonone.SealedMeeting, error) {
	out, err := queryAll(ctx, t, scanMeeting, `SELECT `+meetingCols+` FROM oneonone_meetings WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return oneonone.SealedMeeting{}, err
	}
	if len(out) == 0 {
		return oneonone.SealedMeeting{}, apperr.NotFoundErr("oneonone_meeting")
	}
	return out[0], nil
}

// CountOneOnOneMeetingsSince counts the meetings held on or after since.
func (db *DB) CountOneOnOneMeetingsSince(ctx context.Context, tenantID int64, since string) (int, error) {
	var n int
	err := db.row(ctx, `SELECT COUNT(*) FROM oneonone_meetings WHERE tenant_id = ? AND held_on >= ?`, tenantID, since).Scan(&n)
	return n, err
}

// InsertOneOnOneMeeting adds a meeting and sets its id.
func (t *Tx) InsertOneOnOneMeeting(ctx context.Context, tenantID int64, m *oneonone.SealedMeeting, at time.Time) error {
	m.Version = 1
	return mapErr(t.row(ctx, `INSERT INTO oneonone_meetings (tenant_id, pair_id, held_on, mode, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, m.PairID, m.HeldOn, m.Mode, m.Body, micros(at), micros(at)).Scan(&m.ID))
}

// UpdateOneOnOneMeetingRow saves a meeting at its version.
func (t *Tx) UpdateOneOnOneMeetingRow(ctx context.Context, tenantID int64, m *oneonone.SealedMeeting, at time.Time) error {
	err := staleIfNone(t.exec(ctx, `UPDATE oneonone_meetings SET held_on = ?, mode = ?, body = ?, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND pair_id = ? AND version = ?`, m.HeldOn, m.Mode, m.Body, micros(at), tenantID, m.ID, m.PairID, m.Version))
	if err == nil {
		m.Version++
	}
	return err
}

// OneOnOneStoredBodies lists every meeting's sealed body, across tenants
// (the start-up re-seal).
func (db *DB) OneOnOneStoredBodies(ctx context.Context) ([]oneonone.StoredBody, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (oneonone.StoredBody, error) {
		var b oneonone.StoredBody
		err := sc.Scan(&b.TenantID, &b.ID, &b.PairID, &b.Stored)
		return b, err
	}, `SELECT tenant_id, id, pair_id, body FROM oneonone_meetings ORDER BY tenant_id, id`)
}

// ReplaceOneOnOneBody writes next over a meeting's body while it is still
// old: a save in between wins (it was sealed with the current key).
func (db *DB) ReplaceOneOnOneBody(ctx context.Context, tenantID, id int64, old, next string) error {
	_, err := db.exec(ctx, `UPDATE oneonone_meetings SET body = ? WHERE tenant_id = ? AND id = ? AND body = ?`, next, tenantID, id, old)
	return mapErr(err)
}
