package store

import (
	"context"
	"fmt"

	"telework/internal/apply"
	"telework/internal/calendar"
)

// FindUnreportedDays lists the tenant's application days that wait for
// their report (approved, started or finished), oldest first
// (apply.Service.RecomputeReportDue).
func (db *DB) FindUnreportedDays(ctx context.Context, tenantID int64) ([]apply.Day, error) {
	out, err := queryAll(ctx, db, scanDay, `SELECT `+dayCols+` FROM application_days WHERE tenant_id = ?
		AND status IN ('approved', 'started', 'finished') ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: days waiting for a report: %w", err)
	}
	return out, nil
}

// SetReportDue sets the report deadline of a day still waiting for its
// report; false when the day was reported or cancelled meanwhile.
func (tx *Tx) SetReportDue(ctx context.Context, tenantID, dayID int64, due calendar.Date) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE application_days SET report_due = ? WHERE tenant_id = ? AND id = ?
		AND status IN ('approved', 'started', 'finished')`, dueText(due), tenantID, dayID)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
