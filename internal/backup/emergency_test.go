package backup

import (
	"testing"

	"telework/internal/store"
)

// seedEmergency fills the tables of emergency mode and the product's
// rosters (issue 15): an emergency for one unit, a qualification, a
// preference, and a publication that created the application appID.
func seedEmergency(t *testing.T, db *store.DB, tenantID, staffID, appID, unitID int64) {
	t.Helper()
	exec(t, db, `INSERT INTO emergencies (tenant_id, kind, title, from_date, to_date, planned_to, rules, declared_at, declared_by, version)
		VALUES (?, 'infection', '感染症の拡大', '2026-06-01', '2026-06-30', '2026-06-30', '{"same_day":true}', 1748854800000000, '人事 太郎', 1)`, tenantID)
	var emergencyID int64
	if err := db.SQL.QueryRow(db.Rebind(`SELECT MAX(id) FROM emergencies WHERE tenant_id = ?`), tenantID).Scan(&emergencyID); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO emergency_units (tenant_id, emergency_id, unit_id) VALUES (?, ?, ?)`, tenantID, emergencyID, unitID)
	exec(t, db, `INSERT INTO roster_qualifications (tenant_id, staff_id, duty) VALUES (?, ?, 'counter')`, tenantID, staffID)
	exec(t, db, `INSERT INTO roster_preferences (tenant_id, staff_id, day, mode, updated_at) VALUES (?, ?, '2026-06-05', 'TELE', 1748854800000000)`,
		tenantID, staffID)
	exec(t, db, `INSERT INTO roster_publications (tenant_id, unit_id, from_date, to_date, plan, published_at, published_by)
		VALUES (?, ?, '2026-06-01', '2026-06-30', '{}', 1748854800000000, '人事 太郎')`, tenantID, unitID)
	var pubID int64
	if err := db.SQL.QueryRow(db.Rebind(`SELECT MAX(id) FROM roster_publications WHERE tenant_id = ?`), tenantID).Scan(&pubID); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO roster_publication_apps (tenant_id, publication_id, application_id) VALUES (?, ?, ?)`, tenantID, pubID, appID)
}
