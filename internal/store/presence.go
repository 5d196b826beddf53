package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/presence"
)

// Presence (issue 12): one row per person, the current state only.

var (
	_ presence.Store = (*DB)(nil)
	_ presence.Tx    = (*Tx)(nil)
)

// FindPresence returns the current presence of these people.
func (db *DB) FindPresence(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]presence.Presence, error) {
	out := map[int64]presence.Presence{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	q := `SELECT staff_id, status, place, note, until_at, auto_away, updated_at FROM presence WHERE tenant_id = ?` +
		andIn("staff_id", staffIDs, &args)
	list, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (presence.Presence, error) {
		var p presence.Presence
		var status string
		var until, updated int64
		var auto int
		err := sc.Scan(&p.StaffID, &status, &p.Place, &p.Note, &until, &auto, &updated)
		p.Status, p.AutoAway, p.UpdatedAt = presence.Status(status), auto != 0, fromMicros(updated)
		if until != 0 {
			p.Until = fromMicros(until)
		}
		return p, err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find presence: %w", err)
	}
	for _, p := range list {
		out[p.StaffID] = p
	}
	return out, nil
}

// SavePresence overwrites the person's current presence.
func (db *DB) SavePresence(ctx context.Context, tenantID int64, p presence.Presence) error {
	until := int64(0)
	if !p.Until.IsZero() {
		until = micros(p.Until)
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now()
	}
	_, err := db.exec(ctx, `INSERT INTO presence (tenant_id, staff_id, status, place, note, until_at, auto_away, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, staff_id) DO UPDATE SET status = excluded.status,
		place = excluded.place, note = excluded.note, until_at = excluded.until_at, auto_away = excluded.auto_away,
		updated_at = excluded.updated_at`,
		tenantID, p.StaffID, string(p.Status), p.Place, p.Note, until, boolInt(p.AutoAway), micros(p.UpdatedAt))
	if err != nil {
		return mapErr(fmt.Errorf("store: save presence: %w", err))
	}
	return nil
}

// FindPlanSharingUnits lists the units sharing the day's plans.
func (db *DB) FindPlanSharingUnits(ctx context.Context, tenantID int64) ([]int64, error) {
	return queryAll(ctx, db, scanID, `SELECT unit_id FROM worktime_sharing WHERE tenant_id = ? ORDER BY unit_id`, tenantID)
}

// InPresenceTx runs the plan sharing's audited change in a transaction.
func (db *DB) InPresenceTx(ctx context.Context, fn func(presence.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// SetPlanSharing turns a unit's plan sharing on or off; changed is false
// when it already was.
func (tx *Tx) SetPlanSharing(ctx context.Context, tenantID, unitID int64, on bool) (bool, error) {
	q := `DELETE FROM worktime_sharing WHERE tenant_id = ? AND unit_id = ?`
	if on {
		q = `INSERT INTO worktime_sharing (tenant_id, unit_id) VALUES (?, ?) ON CONFLICT (tenant_id, unit_id) DO NOTHING`
	}
	res, err := tx.exec(ctx, q, tenantID, unitID)
	if err != nil {
		return false, mapErr(fmt.Errorf("store: plan sharing: %w", err))
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
