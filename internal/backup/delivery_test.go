package backup

import (
	"testing"

	"telework/internal/store"
)

// seedDelivery fills the delivery tables (issue 12) of a tenant.
func seedDelivery(t *testing.T, db *store.DB, tenantID, staffID, unitID int64) {
	t.Helper()
	var nID int64
	if err := db.SQL.QueryRow(db.Rebind(`SELECT MAX(id) FROM notifications WHERE tenant_id = ?`), tenantID).Scan(&nID); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `UPDATE notifications SET planned_at = 1748854800000000 WHERE tenant_id = ? AND id = ?`, tenantID, nID)
	exec(t, db, `INSERT INTO notify_deliveries (tenant_id, notification_id, channel, target, status, attempts, next_at, last_error, created_at)
		VALUES (?, ?, 'email', 'a@example.lg.jp', 'dead', 8, 1748854800000000, '550 拒否', 1748854800000000)`, tenantID, nID)
	exec(t, db, `INSERT INTO notify_prefs (tenant_id, staff_id, kind, in_app, email, chat) VALUES (?, ?, 'approved', ?, ?, ?)`,
		tenantID, staffID, true, false, true)
	exec(t, db, `INSERT INTO notify_person (tenant_id, staff_id, after_hours) VALUES (?, ?, ?)`, tenantID, staffID, true)
	exec(t, db, `INSERT INTO notify_settings (tenant_id, smtp_host, smtp_port, smtp_user, smtp_password, mail_from, charset, updated_at)
		VALUES (?, '127.0.0.1', 2525, 'mailer', 'sealed', 'telework@example.lg.jp', 'iso-2022-jp', 1748854800000000)`, tenantID)
	exec(t, db, `INSERT INTO notify_channels (tenant_id, unit_id, url, format, updated_at) VALUES (?, ?, 'http://127.0.0.1:9/hook', 'slack', 1748854800000000)`,
		tenantID, unitID)
	exec(t, db, `INSERT INTO calendar_feeds (tenant_id, owner_staff_id, staff_id, token_hash, created_at) VALUES (?, ?, ?, ?, 1748854800000000)`,
		tenantID, staffID, staffID, "hash-"+string(rune('a'+tenantID%26)))
}
