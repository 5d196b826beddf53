package store

import (
	"context"
	"fmt"
	"time"

	"telework/internal/retention"
)

// Retention settings, their daily application and the job_runs claims.
// What may be set and when a record is due is retention.Service's; this
// file runs the SQL of each kind's removal.

var (
	_ retention.Store = (*DB)(nil)
	_ retention.Tx    = (*Tx)(nil)
)

// InRetentionTx runs one retention change in a transaction.
func (db *DB) InRetentionTx(ctx context.Context, fn func(retention.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// FindRetention returns the tenant's own retention settings (kind → days).
func (db *DB) FindRetention(ctx context.Context, tenantID int64) (map[string]int, error) {
	return findRetention(ctx, db, tenantID)
}

// FindRetention is FindRetention inside a transaction.
func (tx *Tx) FindRetention(ctx context.Context, tenantID int64) (map[string]int, error) {
	return findRetention(ctx, tx, tenantID)
}

func findRetention(ctx context.Context, q querier, tenantID int64) (map[string]int, error) {
	out, err := queryCounts[string](ctx, q, `SELECT kind, days FROM retention_settings WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: retention: %w", err)
	}
	return out, nil
}

// SetRetentionDays stores one kind's period for the tenant.
func (tx *Tx) SetRetentionDays(ctx context.Context, tenantID int64, kind string, days int, at time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO retention_settings (tenant_id, kind, days, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, kind) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at`,
		tenantID, kind, days, micros(at)); err != nil {
		return fmt.Errorf("store: retention setting: %w", err)
	}
	return nil
}

// anonymisedName replaces a former employee's name after the retention
// period; the reading must stay valid kana for later edits.
const (
	anonymisedName = "(保存期間経過により消去)"
	anonymisedKana = "しょうきょずみ"
)

// ApplyRetentionKind removes one kind of record older than cutoff for a
// tenant and returns the number of records removed (retired staff are
// anonymised, not deleted: the 職員番号 and history remain).
func (tx *Tx) ApplyRetentionKind(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (int64, error) {
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
	case "attendance":
		return tx.removeWorktimeDays(ctx, tenantID, cutoff)
	default:
		return 0, fmt.Errorf("store: no retention rule for %q", kind)
	}
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: retention %s: %w", kind, err)
	}
	return res.RowsAffected()
}

// JobLease is how long a claimed run may stay unfinished before another
// attempt (any node's next hourly try) takes it over: the node that
// claimed it died mid-run (a review found the day's reminders, transfers
// and warnings skipped until the next day). Longer than any job runs.
const JobLease = 30 * time.Minute

// ClaimJobRun claims one run of a periodic job (e.g. "retention" for one
// day). Exactly one caller gets true, however many nodes try at once; a
// run claimed more than JobLease ago and neither finished nor failed
// (FailJobRun) is claimed afresh. The jobs are written to run again safely:
// what a tenant's run did is recorded with it (jobrun).
func (db *DB) ClaimJobRun(ctx context.Context, job, key, node string) (bool, error) {
	now := db.Now()
	res, err := db.exec(ctx, `INSERT INTO job_runs (job, run_key, node, started_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (job, run_key) DO NOTHING`, job, key, node, micros(now))
	if err != nil {
		return false, fmt.Errorf("store: job claim: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	res, err = db.exec(ctx, `UPDATE job_runs SET node = ?, started_at = ? WHERE job = ? AND run_key = ? AND finished_at = 0 AND started_at < ?`,
		node, micros(now), job, key, micros(now.Add(-JobLease)))
	if err != nil {
		return false, fmt.Errorf("store: job claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RenewJobRun restarts the lease of a run node is still doing (a job over
// many tenants, after each), so that a long run is not taken over while it
// goes on.
func (db *DB) RenewJobRun(ctx context.Context, job, key, node string) error {
	_, err := db.exec(ctx, `UPDATE job_runs SET started_at = ? WHERE job = ? AND run_key = ? AND node = ? AND finished_at = 0`,
		micros(db.Now()), job, key, node)
	return err
}

// FailJobRun marks a claimed run as ended with errors (finished_at holds
// the time negated): it shows as such, and is not taken over and run again
// for every tenant (the tenants it succeeded for would hear twice).
func (db *DB) FailJobRun(ctx context.Context, job, key string) error {
	_, err := db.exec(ctx, `UPDATE job_runs SET finished_at = ? WHERE job = ? AND run_key = ?`, -micros(db.Now()), job, key)
	return err
}

// FinishJobRun marks a claimed run as done.
func (db *DB) FinishJobRun(ctx context.Context, job, key string) error {
	_, err := db.exec(ctx, `UPDATE job_runs SET finished_at = ? WHERE job = ? AND run_key = ?`, micros(db.Now()), job, key)
	return err
}
