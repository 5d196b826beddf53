package backup

import (
	"testing"

	"telework/internal/store"
)

// seedWorktime fills the working-time tables (issue 12): a day with a
// break on the application appID, told of a missing end report (the mark
// that keeps a restored instance from telling it again), and a prior
// overtime request.
func seedWorktime(t *testing.T, db *store.DB, tenantID, staffID, appID, unitID int64) {
	t.Helper()
	exec(t, db, `INSERT INTO worktime_days (tenant_id, staff_id, work_date, start_at, end_at, mode, place, plan, result,
		start_proxy, application_id, overtime_approved, breaks, version, no_clock_out_noted)
		VALUES (?, ?, '2026-06-04', 1748997000000000, 1749025800000000, 'home', '自宅', '資料作成', '完了', 0, ?, 1,
		'[{"s":1749007800000000,"e":1749011400000000}]', 3, 1749040200000000)`, tenantID, staffID, appID)
	exec(t, db, `INSERT INTO worktime_overtime (tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at, decided_at,
		reason, approver_id, comment, version)
		VALUES (?, ?, '2026-06-04', '19:00', 'approved', ?, 1748997000000000, 1748998000000000, '議会資料', ?, '了解', 2)`,
		tenantID, staffID, staffID, staffID)
	exec(t, db, `INSERT INTO worktime_sharing (tenant_id, unit_id) VALUES (?, ?)`, tenantID, unitID)
}
