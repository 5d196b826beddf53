package backup

import (
	"testing"

	"telework/internal/store"
)

// seedApplications fills the application tables (issue 11) of a tenant: an
// application of staffID with a day, its decision and notification, the
// routing settings with a two-step unit, and a delegation.
func seedApplications(t *testing.T, db *store.DB, tenantID, staffID, userID, unitID int64) {
	t.Helper()
	exec(t, db, `INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit, plan, devices, segments,
		take_out, findings, first_approver_id, step, steps, first_day, last_day, submitted_at, created_at, updated_at, version)
		VALUES (?, ?, 'approved', 'approved', 'home', 'home', 'full_day', '議会資料の作成', '["loan_pc"]',
		'[{"mode":"home","start":"08:30","end":"12:00"}]', '{"paper":true}', '[{"rule":"hours.break","severity":"warning","key":"policy.hours.break"}]',
		?, 1, 1, '2026-06-04', '2026-06-04', 1748854800000000, 1748854800000000, 1748854800000000, 3)`, tenantID, staffID, staffID)
	var appID int64
	if err := db.SQL.QueryRow(db.Rebind(`SELECT MAX(id) FROM applications WHERE tenant_id = ?`), tenantID).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, report_due, report, updated_at)
		VALUES (?, ?, ?, '2026-06-04', 'full_day', 'reported', '2026-06-04', '{"Work":"報告書"}', 1748854800000000)`, tenantID, appID, staffID)
	exec(t, db, `INSERT INTO application_decisions (tenant_id, application_id, action, step, by_staff_id, by_user_id, comment, dates, at)
		VALUES (?, ?, 'approve', 1, ?, ?, '了解', '["2026-06-04"]', 1748854800000000)`, tenantID, appID, staffID, userID)
	exec(t, db, `INSERT INTO notifications (tenant_id, staff_id, kind, application_id, args, created_at)
		VALUES (?, ?, 'approved', ?, '{"Dates":"2026-06-04"}', 1748854800000000)`, tenantID, staffID, appID)
	exec(t, db, `INSERT INTO apply_settings (tenant_id, approver, two_step, reminder_hours, updated_at, version)
		VALUES (?, 'team', 1, 24, 1748854800000000, 2)`, tenantID)
	exec(t, db, `INSERT INTO apply_two_step_units (tenant_id, unit_id) VALUES (?, ?)`, tenantID, unitID)
	exec(t, db, `INSERT INTO apply_delegations (tenant_id, approver_id, delegate_id, kind, from_day, to_day, created_at)
		VALUES (?, ?, ?, 'absence', '2026-06-01', '2026-06-05', 1748854800000000)`, tenantID, staffID, staffID)
	seedWorktime(t, db, tenantID, staffID, appID, unitID)
	seedEmergency(t, db, tenantID, staffID, appID, unitID)
}
