package e2e

import (
	"context"
	"testing"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/worktime"
)

// seedOvertime has the demo "staff" account ask for prior overtime today,
// through the service on the server's database file, so that the
// approver's page shows a request with its buttons (issue 12).
func seedOvertime(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e2eDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tenantID, staffID, unitID int64
	err = db.SQL.QueryRowContext(ctx, `SELECT t.id, s.id, s.unit_id FROM tenants t JOIN users u ON u.tenant_id = t.id
		JOIN staff s ON s.tenant_id = t.id AND s.id = u.staff_id WHERE t.slug = ? AND u.login_id = 'staff'`, demo.Slug).Scan(&tenantID, &staffID, &unitID)
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
