package store

import (
	"context"
	"database/sql"
	"fmt"

	"telework/internal/org"
)

// rekeyIfAsked recomputes the staff search keys when a migration asked
// for it (a row of job_runs with job staff_search_keys not yet finished:
// org.SearchKey changed), and marks it done.
func (db *DB) rekeyIfAsked(ctx context.Context) error {
	var n int
	if err := db.SQL.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM job_runs WHERE job = 'staff_search_keys' AND finished_at = 0`)).Scan(&n); err != nil {
		return fmt.Errorf("store: search keys to recompute: %w", err)
	}
	if n == 0 {
		return nil
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := db.RekeyStaffSearch(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE job_runs SET finished_at = ? WHERE job = 'staff_search_keys' AND finished_at = 0`), micros(db.Now())); err != nil {
		return fmt.Errorf("store: search keys recomputed: %w", err)
	}
	return tx.Commit()
}

// RekeyStaffSearch recomputes in tx every staff search key that differs
// from what org.SearchKey makes of the person's name, reading and number
// now (a restore of an archive written before a change of it, or the
// migration that changed it). Anonymised people keep their number-only
// key. It returns how many it rewrote; the key is derived, so the row's
// version does not change.
func (db *DB) RekeyStaffSearch(ctx context.Context, tx *sql.Tx) (int, error) {
	type row struct {
		tenant, id int64
		key        string
	}
	rows, err := tx.QueryContext(ctx, db.q(`SELECT tenant_id, id, name, kana, staff_no, search_key FROM staff WHERE name <> ?`), anonymisedName)
	if err != nil {
		return 0, fmt.Errorf("store: staff search keys: %w", err)
	}
	var stale []row
	for rows.Next() {
		var r row
		var s org.Staff
		var stored string
		if err := rows.Scan(&r.tenant, &r.id, &s.Name, &s.Kana, &s.StaffNo, &stored); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: staff search keys: %w", err)
		}
		if r.key = staffSearchKey(&s); r.key != stored {
			stale = append(stale, r)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: staff search keys: %w", err)
	}
	for _, r := range stale {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE staff SET search_key = ? WHERE tenant_id = ? AND id = ?`), r.key, r.tenant, r.id); err != nil {
			return 0, fmt.Errorf("store: staff search key: %w", err)
		}
	}
	return len(stale), nil
}
