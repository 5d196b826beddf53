package store

import (
	"context"
	"time"

	"telework/internal/calendar"
	"telework/internal/worktime"
)

// FindStartsMissing lists the tenant's application days of day still
// approved (not started), not yet told of a missing start report, whose
// person has no attendance record for the day (a start in the office,
// which leaves the application as it is, counts as a start). The index
// application_days_status (tenant, status, day) finds them.
func (db *DB) FindStartsMissing(ctx context.Context, tenantID int64, day calendar.Date) ([]worktime.MissingStart, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (worktime.MissingStart, error) {
		var m worktime.MissingStart
		var d string
		if err := sc.Scan(&m.DayID, &m.ApplicationID, &m.StaffID, &d, &m.TimeUnit, &m.StartHM); err != nil {
			return m, err
		}
		m.Date, _ = calendar.ParseDate(d)
		return m, nil
	}, `SELECT d.id, d.application_id, d.staff_id, d.day, d.time_unit, a.start_hm FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		WHERE d.tenant_id = ? AND d.status = 'approved' AND d.day = ? AND d.start_noted = 0
		AND NOT EXISTS (SELECT 1 FROM worktime_days w WHERE w.tenant_id = d.tenant_id AND w.staff_id = d.staff_id AND w.work_date = d.day)
		ORDER BY d.id`, tenantID, day.String())
}

// NoteStartMissing marks an approved application day told of its missing
// start report; false when it was told already or is no longer approved.
func (tx *Tx) NoteStartMissing(ctx context.Context, tenantID, applicationDayID int64, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE application_days SET start_noted = ? WHERE tenant_id = ? AND id = ? AND start_noted = 0 AND status = 'approved'`,
		micros(at), tenantID, applicationDayID)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}
