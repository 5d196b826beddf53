package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"telework/internal/calendar"
	"telework/internal/org"
)

// Scheduled changes (予定されている異動): rows waiting for their date. What
// may be scheduled, applied or cancelled is org's and staffio's; this file
// runs the SQL. The body and the lines shown to HR are JSON.

const scheduledCols = `id, tenant_id, kind, COALESCE(staff_id, 0), COALESCE(unit_id, 0), staff_no, name, effective_date, body,
	changes, status, failure, source, created_at, created_by, done_at, done_by`

func scanScheduled(row interface{ Scan(...any) error }) (*org.ScheduledChange, error) {
	var c org.ScheduledChange
	var eff, body, changes, failure string
	var created, done int64
	if err := row.Scan(&c.ID, &c.TenantID, &c.Kind, &c.StaffID, &c.UnitID, &c.StaffNo, &c.Name, &eff, &body, &changes,
		&c.Status, &failure, &c.Source, &created, &c.CreatedBy, &done, &c.DoneBy); err != nil {
		return nil, err
	}
	var err error
	if c.Effective, err = calendar.ParseDate(eff); err != nil {
		return nil, fmt.Errorf("store: scheduled change %d: date: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(body), &c.Body); err != nil {
		return nil, fmt.Errorf("store: scheduled change %d: body: %w", c.ID, err)
	}
	if changes != "" {
		if err := json.Unmarshal([]byte(changes), &c.Changes); err != nil {
			return nil, fmt.Errorf("store: scheduled change %d: changes: %w", c.ID, err)
		}
	}
	if failure != "" {
		c.Failure = &org.Failure{}
		if err := json.Unmarshal([]byte(failure), c.Failure); err != nil {
			return nil, fmt.Errorf("store: scheduled change %d: failure: %w", c.ID, err)
		}
	}
	c.CreatedAt = fromMicros(created)
	if done != 0 {
		c.DoneAt = fromMicros(done)
	}
	return &c, nil
}

// InsertScheduledChange stores a change to apply on its date (ID and
// Status pending set on return; CreatedAt as the caller set it).
func (tx *Tx) InsertScheduledChange(ctx context.Context, tenantID int64, c *org.ScheduledChange) error {
	body, err := json.Marshal(c.Body)
	if err != nil {
		return fmt.Errorf("store: scheduled change body: %w", err)
	}
	changes, err := json.Marshal(c.Changes)
	if err != nil {
		return fmt.Errorf("store: scheduled change lines: %w", err)
	}
	c.TenantID, c.Status = tenantID, org.SchedulePending
	return mapErr(tx.row(ctx, `INSERT INTO scheduled_changes (tenant_id, kind, staff_id, unit_id, staff_no, name, effective_date,
		body, changes, status, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tenantID, c.Kind, nullID(c.StaffID), nullID(c.UnitID), c.StaffNo, c.Name, c.Effective.String(), string(body),
		string(changes), c.Status, c.Source, micros(c.CreatedAt), c.CreatedBy).Scan(&c.ID))
}

// FindScheduledChanges lists the tenant's scheduled changes by date, then
// id.
func (db *DB) FindScheduledChanges(ctx context.Context, tenantID int64, f org.ScheduleFilter) ([]*org.ScheduledChange, error) {
	return findScheduled(ctx, db, tenantID, f)
}

// FindScheduledChanges is FindScheduledChanges inside a transaction.
func (tx *Tx) FindScheduledChanges(ctx context.Context, tenantID int64, f org.ScheduleFilter) ([]*org.ScheduledChange, error) {
	return findScheduled(ctx, tx, tenantID, f)
}

func findScheduled(ctx context.Context, q querier, tenantID int64, f org.ScheduleFilter) ([]*org.ScheduledChange, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + scheduledCols + ` FROM scheduled_changes WHERE tenant_id = ?`)
	args := []any{tenantID}
	if len(f.Status) > 0 {
		b.WriteString(` AND status IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(f.Status)), ", ") + `)`)
		for _, s := range f.Status {
			args = append(args, s)
		}
	}
	if f.StaffID != 0 {
		b.WriteString(` AND staff_id = ?`)
		args = append(args, f.StaffID)
	}
	if !f.DueBy.IsZero() {
		b.WriteString(` AND effective_date <= ?`)
		args = append(args, f.DueBy.String())
	}
	b.WriteString(` ORDER BY effective_date, id`)
	if f.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, f.Limit)
	}
	out, err := queryAll(ctx, q, scanScheduled, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: scheduled changes: %w", err)
	}
	return out, nil
}

// FindScheduledChangeByID returns one scheduled change or NotFound.
func (db *DB) FindScheduledChangeByID(ctx context.Context, tenantID, id int64) (*org.ScheduledChange, error) {
	c, err := scanScheduled(db.row(ctx, `SELECT `+scheduledCols+` FROM scheduled_changes WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, mapErr(err)
	}
	return c, nil
}

// FindScheduledChangeByID is FindScheduledChangeByID inside a transaction.
func (tx *Tx) FindScheduledChangeByID(ctx context.Context, tenantID, id int64) (*org.ScheduledChange, error) {
	c, err := scanScheduled(tx.row(ctx, `SELECT `+scheduledCols+` FROM scheduled_changes WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, mapErr(err)
	}
	return c, nil
}

// FinishScheduledChange moves a change from one of the states from to
// the state to in one conditional statement, and reports whether it did:
// of two transactions applying (or cancelling) the same change, exactly
// one gets true (PostgreSQL re-reads the row after the first commits).
func (tx *Tx) FinishScheduledChange(ctx context.Context, tenantID, id int64, from []string, to string, failure *org.Failure,
	at time.Time, by string) (bool, error) {
	fail := ""
	if failure != nil {
		b, err := json.Marshal(failure)
		if err != nil {
			return false, fmt.Errorf("store: scheduled change failure: %w", err)
		}
		fail = string(b)
	}
	args := []any{to, fail, micros(at), by, tenantID, id}
	for _, s := range from {
		args = append(args, s)
	}
	res, err := tx.exec(ctx, `UPDATE scheduled_changes SET status = ?, failure = ?, done_at = ?, done_by = ?
		WHERE tenant_id = ? AND id = ? AND status IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")+`)`, args...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
