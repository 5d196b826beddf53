package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"telework/internal/notify"
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
// tenant and says how many records it removed (retired staff are
// anonymised, not deleted: the 職員番号 and history remain) and which
// copies of their data it cleared elsewhere.
func (tx *Tx) ApplyRetentionKind(ctx context.Context, tenantID int64, kind string, cutoff time.Time) (retention.Applied, error) {
	switch kind {
	case "retired_staff":
		return tx.eraseRetiredStaff(ctx, tenantID, cutoff)
	case "api_tokens":
		res, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE tenant_id = ? AND ((revoked_at > 0 AND revoked_at < ?) OR expires_at < ?)`,
			tenantID, micros(cutoff), micros(cutoff))
		if err != nil {
			return retention.Applied{}, fmt.Errorf("store: retention %s: %w", kind, err)
		}
		n, err := res.RowsAffected()
		return retention.Applied{Removed: n}, err
	case "attendance":
		return tx.removeWorktimeDays(ctx, tenantID, cutoff)
	default:
		return retention.Applied{}, fmt.Errorf("store: no retention rule for %q", kind)
	}
}

// eraseRetiredStaff anonymises the people who left before cutoff, and with
// them the copies of their name and address the product keeps elsewhere:
// notifications name people by their name in the arguments (Name, By …,
// of whoever received them: the approver told of an application, the
// colleague told of a start), and e-mail deliveries keep the address
// they went to. A namesake's mention in a notification is cleared too: the
// arguments hold only the text. The audit log is the one record kept as it
// was (docs/operations.md).
func (tx *Tx) eraseRetiredStaff(ctx context.Context, tenantID int64, cutoff time.Time) (retention.Applied, error) {
	type person struct {
		id          int64
		name, email string
	}
	people, err := queryAll(ctx, tx, func(sc interface{ Scan(...any) error }) (person, error) {
		var p person
		return p, sc.Scan(&p.id, &p.name, &p.email)
	}, `SELECT id, name, email FROM staff WHERE tenant_id = ? AND retired = TRUE AND retired_at > 0 AND retired_at < ? AND name <> ?
		ORDER BY id`, tenantID, micros(cutoff), anonymisedName)
	if err != nil || len(people) == 0 {
		return retention.Applied{}, wrapRetention(err)
	}
	a := retention.Applied{Cleared: map[string]int64{}}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.id
	}
	args := []any{anonymisedName, anonymisedKana, tenantID}
	res, err := tx.exec(ctx, `UPDATE staff SET name = ?, kana = ?, email = '', search_key = staff_no, sensitive_opt_in = FALSE,
			gender = '', age_band = '', care = '', commute_minutes = 0, version = version + 1
			WHERE tenant_id = ?`+andIn("id", ids, &args), args...)
	if err != nil {
		return a, wrapRetention(err)
	}
	if a.Removed, err = res.RowsAffected(); err != nil {
		return a, err
	}
	names := map[string]bool{}
	for _, p := range people {
		if p.name != "" {
			names[p.name] = true
		}
	}
	changed := map[int64]bool{}
	for name := range names {
		quoted, _ := json.Marshal(name)
		notes, err := queryIDTexts(ctx, tx, `SELECT id, args FROM notifications WHERE tenant_id = ? AND args LIKE ? ESCAPE '\' ORDER BY id`,
			tenantID, likeContains(string(quoted)))
		if err != nil {
			return a, wrapRetention(err)
		}
		for _, n := range notes {
			dec := json.NewDecoder(strings.NewReader(n.text))
			dec.UseNumber() // numbers written back as they were
			var m map[string]any
			if dec.Decode(&m) != nil {
				continue
			}
			hit := false
			for k, v := range m {
				if v == name {
					m[k], hit = anonymisedName, true
				}
			}
			if !hit {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE notifications SET args = ? WHERE tenant_id = ? AND id = ?`, jsonText(m), tenantID, n.id); err != nil {
				return a, wrapRetention(err)
			}
			changed[n.id] = true
		}
	}
	a.Cleared[retention.ClearedNotifications] = int64(len(changed))
	for _, p := range people {
		res, err := tx.exec(ctx, `UPDATE notify_deliveries SET target = '' WHERE tenant_id = ? AND channel = ? AND target <> ''
			AND (target = ? OR notification_id IN (SELECT id FROM notifications WHERE tenant_id = ? AND staff_id = ?))`,
			tenantID, string(notify.Email), p.email, tenantID, p.id)
		if err != nil {
			return a, wrapRetention(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return a, err
		}
		a.Cleared[retention.ClearedDeliveries] += n
	}
	return a, nil
}

// idText is a row's id and one text column (a notification's arguments,
// an application day's report).
type idText struct {
	id   int64
	text string
}

func queryIDTexts(ctx context.Context, q querier, query string, args ...any) ([]idText, error) {
	return queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (idText, error) {
		var r idText
		return r, sc.Scan(&r.id, &r.text)
	}, query, args...)
}

func wrapRetention(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: retention: %w", err)
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
