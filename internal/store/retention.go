package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/audit"
	"telework/internal/retention"
)

// FindRetention returns the tenant's own retention settings (kind → days).
func (db *DB) FindRetention(ctx context.Context, tenantID int64) (map[string]int, error) {
	return findRetention(ctx, db, tenantID)
}

func findRetention(ctx context.Context, q querier, tenantID int64) (map[string]int, error) {
	rows, err := q.query(ctx, `SELECT kind, days FROM retention_settings WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: retention: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var d int
		if err := rows.Scan(&k, &d); err != nil {
			return nil, err
		}
		out[k] = d
	}
	return out, rows.Err()
}

// SetRetention stores the tenant's settings (validated by the caller).
func (db *DB) SetRetention(ctx context.Context, tenantID int64, actor audit.Actor, set map[string]int) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := findRetention(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		now := micros(db.Now())
		for k, d := range set {
			if _, err := tx.exec(ctx, `INSERT INTO retention_settings (tenant_id, kind, days, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (tenant_id, kind) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at`,
				tenantID, k, d, now); err != nil {
				return err
			}
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "retention.settings", ObjectType: "tenant",
			ObjectID: fmt.Sprint(tenantID), Before: retention.Effective(before), After: retention.Effective(set)})
	})
}

// anonymisedName replaces a former employee's name after the retention
// period; the reading must stay valid kana for later edits.
const (
	anonymisedName = "(保存期間経過により消去)"
	anonymisedKana = "しょうきょずみ"
)

// ApplyRetention removes one kind of record older than cutoff for a tenant
// and records what was removed in the tenant's audit chain, in the same
// transaction. It returns the number of records removed.
func (db *DB) ApplyRetention(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var q string
		var args []any
		switch kind {
		case "retired_staff":
			q = `UPDATE staff SET name = ?, kana = ?, email = '', search_key = staff_no, sensitive_opt_in = FALSE,
				gender = '', age_band = '', care = '', commute_minutes = 0, version = version + 1
				WHERE tenant_id = ? AND retired = TRUE AND retired_at > 0 AND retired_at < ? AND name <> ?`
			args = []any{anonymisedName, anonymisedKana, tenantID, micros(cutoff), anonymisedName}
		case "api_tokens":
			q = `DELETE FROM api_tokens WHERE tenant_id = ? AND ((revoked_at > 0 AND revoked_at < ?) OR expires_at < ?)`
			args = []any{tenantID, micros(cutoff), micros(cutoff)}
		default:
			return fmt.Errorf("store: no retention rule for %q", kind)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: retention %s: %w", kind, err)
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return tx.appendAudit(ctx, tenantID, audit.Actor{Label: "system:retention"}, audit.Change{
			Action: "retention.apply", ObjectType: kind, ObjectID: "",
			After: map[string]any{"kind": kind, "removed": n, "older_than": cutoff.UTC().Format(time.RFC3339)}})
	})
	return n, err
}

// ClaimJobRun claims one run of a periodic job (e.g. "retention" for one
// day). Exactly one caller gets true, however many nodes try at once.
func (db *DB) ClaimJobRun(ctx context.Context, job, key, node string) (bool, error) {
	res, err := db.exec(ctx, `INSERT INTO job_runs (job, run_key, node, started_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (job, run_key) DO NOTHING`, job, key, node, micros(db.Now()))
	if err != nil {
		return false, fmt.Errorf("store: job claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishJobRun marks a claimed run as done.
func (db *DB) FinishJobRun(ctx context.Context, job, key string) error {
	_, err := db.exec(ctx, `UPDATE job_runs SET finished_at = ? WHERE job = ? AND run_key = ?`, micros(db.Now()), job, key)
	return err
}
