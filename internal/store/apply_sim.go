package store

import (
	"context"
	"fmt"

	"telework/internal/calendar"
	"telework/internal/policy"
)

var _ policy.PastApplications = (*DB)(nil)

// FindPastApplications lists the days from..to of applications that were
// submitted and still hold their day (not withdrawn, returned, rejected or
// cancelled), for the policy simulation, in date order.
func (db *DB) FindPastApplications(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.PastApplication, error) {
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (policy.PastApplication, error) {
		var p policy.PastApplication
		var day string
		var flags int
		var submitted int64
		a := &p.App
		err := sc.Scan(&p.ApplicationID, &p.StaffNo, &day, &a.Mode, &a.Place, &a.PlaceKind, &a.PlaceReason, &a.TimeUnit,
			&a.Start, &a.End, &a.BreakMinutes, &flags, &submitted, &a.Status)
		if err != nil {
			return p, err
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return p, fmt.Errorf("store: past application day %q: %w", day, err)
		}
		a.ID, a.Dates = p.ApplicationID, []calendar.Date{d}
		a.OvertimeApproved, a.MidDayBreak, a.PriorConsent = flags&flagOvertime != 0, flags&flagMidDay != 0, flags&flagConsent != 0
		if submitted != 0 {
			p.SubmittedAt = fromMicros(submitted)
		}
		return p, nil
	}, `SELECT a.id, s.staff_no, d.day, a.mode, a.place, a.place_kind, a.place_reason, d.time_unit, a.start_hm, a.end_hm,
		a.break_minutes, a.flags, a.submitted_at, d.status
		FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		JOIN staff s ON s.tenant_id = d.tenant_id AND s.id = d.staff_id
		WHERE d.tenant_id = ? AND d.day >= ? AND d.day <= ?
		AND d.status IN ('submitted', 'approved', 'started', 'finished', 'reported', 'confirmed')
		ORDER BY d.day, d.id`, tenantID, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: past applications: %w", err)
	}
	return out, nil
}
