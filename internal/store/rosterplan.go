package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/calendar"
	"telework/internal/rosterplan"
)

// The roster inputs of issue 15: qualifications and preferences. The rules
// are in rosterplan.Service; this file runs the SQL.

var (
	_ rosterplan.Store = (*DB)(nil)
	_ rosterplan.Tx    = (*Tx)(nil)
)

// InRosterTx runs one roster change in a transaction.
func (db *DB) InRosterTx(ctx context.Context, fn func(rosterplan.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

func idArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func findRosterQualifications(ctx context.Context, q querier, tenantID int64, staffIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	type row struct {
		staffID int64
		duty    string
	}
	rows, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		return r, sc.Scan(&r.staffID, &r.duty)
	}, `SELECT staff_id, duty FROM roster_qualifications WHERE tenant_id = ? AND staff_id IN (`+marks(len(staffIDs))+`) ORDER BY staff_id, duty`,
		append([]any{tenantID}, idArgs(staffIDs)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: roster qualifications: %w", err)
	}
	for _, r := range rows {
		out[r.staffID] = append(out[r.staffID], r.duty)
	}
	return out, nil
}

// FindRosterQualifications reads the duties of the staff listed.
func (db *DB) FindRosterQualifications(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]string, error) {
	return findRosterQualifications(ctx, db, tenantID, staffIDs)
}

// FindRosterQualifications is FindRosterQualifications inside a transaction.
func (tx *Tx) FindRosterQualifications(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]string, error) {
	return findRosterQualifications(ctx, tx, tenantID, staffIDs)
}

// ReplaceRosterQualifications replaces a person's duties.
func (tx *Tx) ReplaceRosterQualifications(ctx context.Context, tenantID, staffID int64, duties []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM roster_qualifications WHERE tenant_id = ? AND staff_id = ?`, tenantID, staffID); err != nil {
		return fmt.Errorf("store: roster qualifications: %w", err)
	}
	for _, d := range duties {
		if _, err := tx.exec(ctx, `INSERT INTO roster_qualifications (tenant_id, staff_id, duty) VALUES (?, ?, ?)`, tenantID, staffID, d); err != nil {
			return fmt.Errorf("store: roster qualification: %w", mapErr(err))
		}
	}
	return nil
}

// FindRosterPreferences lists the preferences of the staff listed on
// from..to, by day then staff.
func (db *DB) FindRosterPreferences(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]rosterplan.Preference, error) {
	if len(staffIDs) == 0 {
		return nil, nil
	}
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (rosterplan.Preference, error) {
		var p rosterplan.Preference
		var day string
		err := sc.Scan(&p.StaffID, &day, &p.Mode)
		p.Day = civil(day)
		return p, err
	}, `SELECT staff_id, day, mode FROM roster_preferences WHERE tenant_id = ? AND day >= ? AND day <= ? AND staff_id IN (`+marks(len(staffIDs))+`)
		ORDER BY day, staff_id`, append([]any{tenantID, from.String(), to.String()}, idArgs(staffIDs)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: roster preferences: %w", err)
	}
	return out, nil
}

// ReplaceRosterPreferences replaces a person's preferences on from..to.
func (tx *Tx) ReplaceRosterPreferences(ctx context.Context, tenantID, staffID int64, from, to calendar.Date, prefs []rosterplan.Preference, at time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM roster_preferences WHERE tenant_id = ? AND staff_id = ? AND day >= ? AND day <= ?`,
		tenantID, staffID, from.String(), to.String()); err != nil {
		return fmt.Errorf("store: roster preferences: %w", err)
	}
	for _, p := range prefs {
		if _, err := tx.exec(ctx, `INSERT INTO roster_preferences (tenant_id, staff_id, day, mode, updated_at) VALUES (?, ?, ?, ?, ?)`,
			tenantID, staffID, p.Day.String(), p.Mode, micros(at)); err != nil {
			return fmt.Errorf("store: roster preference: %w", mapErr(err))
		}
	}
	return nil
}
