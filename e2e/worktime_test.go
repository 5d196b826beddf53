package e2e

import (
	"context"
	"testing"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/worktime"
)

// seedOvertime has the demo "staff" account ask for prior overtime today,
// through the service on the server's database file, so that the
// approver's page shows a request with its buttons (issue 12).
func seedOvertime(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db, tenantID := demoDB(t)
	defer db.Close()
	var staffID, unitID int64
	err := db.SQL.QueryRowContext(ctx, `SELECT s.id, s.unit_id FROM users u JOIN staff s ON s.tenant_id = u.tenant_id AND s.id = u.staff_id
		WHERE u.tenant_id = ? AND u.login_id = 'staff'`, tenantID).Scan(&staffID, &unitID)
	if err != nil {
		t.Fatal(err)
	}
	svc := worktime.NewOvertimeService(db, apply.NewService(db, db.Now), db.Now)
	who := &auth.Principal{TenantID: tenantID, StaffID: staffID, UnitID: unitID, LoginID: "staff", Roles: []auth.Role{auth.Staff}}
	if _, err := svc.Request(ctx, tenantID, who, worktime.OvertimeRequest{Date: calendar.DateOf(db.Now()), Until: "19:30",
		Reason: "議会答弁資料の修正(委員会前日のため)"}); err != nil {
		t.Fatal(err)
	}
}
