package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"telework/internal/presence"
)

// Presence (issue 12): the current state only, one per person.
//
// On SQLite (always one app node) presence is never written to the
// database: it lives in this process's memory. A row overwritten in the
// file stays readable in its -wal and freed pages, so a table would keep
// past states after all. After a restart presence starts empty (everyone
// reads as 連絡可能 while working, オフライン otherwise): it is a courtesy,
// not a record. On PostgreSQL (several nodes share it) the presence table
// holds the one row per person (docs/worktime.md names what remains there
// until vacuum).
type presenceMemory struct {
	mu sync.Mutex
	m  map[int64]map[int64]presence.Presence // tenant → staff → presence
}

func (pm *presenceMemory) find(tenantID int64, staffIDs []int64) map[int64]presence.Presence {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	out := map[int64]presence.Presence{}
	for _, id := range staffIDs {
		if p, ok := pm.m[tenantID][id]; ok {
			out[id] = p
		}
	}
	return out
}

func (pm *presenceMemory) save(tenantID int64, p presence.Presence) {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	if pm.m == nil {
		pm.m = map[int64]map[int64]presence.Presence{}
	}
	if pm.m[tenantID] == nil {
		pm.m[tenantID] = map[int64]presence.Presence{}
	}
	pm.m[tenantID][p.StaffID] = p
}

var (
	_ presence.Store = (*DB)(nil)
	_ presence.Tx    = (*Tx)(nil)
)

// FindPresence returns the current presence of these people.
func (db *DB) FindPresence(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]presence.Presence, error) {
	if db.Engine == SQLite {
		return db.presence.find(tenantID, staffIDs), nil
	}
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
	if db.Engine == SQLite {
		// As a row would read back: times to the microsecond, in UTC.
		p.UpdatedAt = fromMicros(micros(p.UpdatedAt))
		if until != 0 {
			p.Until = fromMicros(until)
		}
		db.presence.save(tenantID, p)
		return nil
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

// FindAutoAwayOff lists which of these people switched automatic 退席中
// off (notify_person; no row: on). The choice outlives the presence, which
// on SQLite is in memory only.
func (db *DB) FindAutoAwayOff(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	ids, err := queryAll(ctx, db, scanID, `SELECT staff_id FROM notify_person WHERE tenant_id = ? AND auto_away_off`+
		andIn("staff_id", staffIDs, &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: auto away choice: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// SaveAutoAway keeps the person's choice of automatic 退席中 inside the
// change's transaction and reports whether the stored choice changed (no
// row is the default, on).
func (tx *Tx) SaveAutoAway(ctx context.Context, tenantID, staffID int64, on bool) (bool, error) {
	q := `UPDATE notify_person SET auto_away_off = ? WHERE tenant_id = ? AND staff_id = ? AND auto_away_off <> ?`
	args := []any{!on, tenantID, staffID, !on}
	for step := 0; step < 2; step++ {
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return false, mapErr(fmt.Errorf("store: auto-away choice: %w", err))
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 || on {
			return n == 1, err
		}
		// No row changed: the choice is stored already, or (switching it
		// off) the person has no row yet.
		q = `INSERT INTO notify_person (tenant_id, staff_id, after_hours, auto_away_off) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, staff_id) DO NOTHING`
		args = []any{tenantID, staffID, false, true}
	}
	return false, nil
}
