package store

import (
	"context"
	"encoding/json"
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
	if err := tx.lockPerson(ctx, tenantID, staffID); err != nil {
		return err
	}
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
	if err := tx.lockPerson(ctx, tenantID, staffID); err != nil {
		return err
	}
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

var (
	_ rosterplan.PublicationStore = (*DB)(nil)
	_ rosterplan.PublicationTx    = (*Tx)(nil)
)

type rosterPlanJSON struct {
	Days        []string            `json:"days"`
	Assignments map[string][]string `json:"assignments"`
}

// PriorRosterApps lists, inside a publishing transaction and after taking
// the unit's publication lock, the applications every earlier publication
// of the unit whose period meets from..to created: what the new roster
// reconciles (keeps or cancels within its period). Every one, not only the
// latest: a roster spanning two earlier ones (a week and the next) would
// otherwise leave the older one's days neither kept nor cancelled. Two
// publishes of one unit at once (a double click, two nodes) each see the
// other's. SQLite's write transactions are serialised already (BEGIN
// IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock named for
// the tenant and unit — not the unit's row, which a staff change
// share-locks after updating a person the publish then locks (a deadlock a
// review pointed out).
func (tx *Tx) PriorRosterApps(ctx context.Context, tenantID, unitID int64, from, to calendar.Date) ([]int64, error) {
	if tx.db.Engine == Postgres {
		if err := tx.xactLock(ctx, fmt.Sprintf("telework.roster_publish.%d.%d", tenantID, unitID), false); err != nil {
			return nil, fmt.Errorf("store: lock the roster's unit: %w", err)
		}
	}
	ids, err := queryAll(ctx, tx, scanID, `SELECT DISTINCT pa.application_id FROM roster_publication_apps pa
		JOIN roster_publications p ON p.tenant_id = pa.tenant_id AND p.id = pa.publication_id
		WHERE p.tenant_id = ? AND p.unit_id = ? AND p.to_date >= ? AND p.from_date <= ? ORDER BY pa.application_id`,
		tenantID, unitID, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: earlier roster applications: %w", err)
	}
	return ids, nil
}

// FindLatestRosterPublication returns the unit's latest publication meeting
// from..to with its applications, or nil.
func (db *DB) FindLatestRosterPublication(ctx context.Context, tenantID, unitID int64, from, to calendar.Date) (*rosterplan.Publication, error) {
	ps, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (rosterplan.Publication, error) {
		var p rosterplan.Publication
		var f, t, plan string
		var at int64
		if err := sc.Scan(&p.ID, &p.UnitID, &f, &t, &plan, &at, &p.PublishedBy); err != nil {
			return p, err
		}
		var pj rosterPlanJSON
		if err := json.Unmarshal([]byte(plan), &pj); err != nil {
			return p, err
		}
		p.From, p.To, p.PublishedAt, p.Days, p.Assignments = civil(f), civil(t), fromMicros(at), pj.Days, pj.Assignments
		return p, nil
	}, `SELECT id, unit_id, from_date, to_date, plan, published_at, published_by FROM roster_publications
		WHERE tenant_id = ? AND unit_id = ? AND to_date >= ? AND from_date <= ? ORDER BY id DESC LIMIT 1`,
		tenantID, unitID, from.String(), to.String())
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	p := ps[0]
	p.Apps, err = queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT application_id FROM roster_publication_apps WHERE tenant_id = ? AND publication_id = ? ORDER BY application_id`, tenantID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("store: roster publication apps: %w", err)
	}
	return &p, nil
}

// InsertRosterPublication records a publication and its applications.
func (tx *Tx) InsertRosterPublication(ctx context.Context, tenantID int64, p *rosterplan.Publication) error {
	plan, err := json.Marshal(rosterPlanJSON{Days: p.Days, Assignments: p.Assignments})
	if err != nil {
		return err
	}
	if err := tx.row(ctx, `INSERT INTO roster_publications (tenant_id, unit_id, from_date, to_date, plan, published_at, published_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, p.UnitID, p.From.String(), p.To.String(), string(plan), micros(p.PublishedAt),
		p.PublishedBy).Scan(&p.ID); err != nil {
		return fmt.Errorf("store: roster publication: %w", mapErr(err))
	}
	for _, id := range p.Apps {
		if _, err := tx.exec(ctx, `INSERT INTO roster_publication_apps (tenant_id, publication_id, application_id) VALUES (?, ?, ?)`,
			tenantID, p.ID, id); err != nil {
			return fmt.Errorf("store: roster publication app: %w", mapErr(err))
		}
	}
	return nil
}

// lockPerson serialises, on PostgreSQL, the transactions that replace a
// person's set of rows (delete, then insert): under READ COMMITTED two
// replaces at once both deleted nothing the other had inserted and the
// second insert hit the unique key — a double-click on a settings form
// answered 「同じ値がすでに登録されています」 on PostgreSQL only (a review).
// FOR NO KEY UPDATE does not wait for, nor block, the foreign-key checks
// of other rows that name the person. SQLite's writes are serial already.
func (tx *Tx) lockPerson(ctx context.Context, tenantID, staffID int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := queryAll(ctx, tx, scanID, `SELECT id FROM staff WHERE tenant_id = ? AND id = ? FOR NO KEY UPDATE`, tenantID, staffID)
	return err
}
