package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// The store side of the telework policy: versions by effective date and
// each person's facts. Which versions may change is policy.Service's rule.

var (
	_ policy.Store = (*DB)(nil)
	_ policy.Tx    = (*Tx)(nil)
)

// InPolicyTx runs one policy action in one transaction.
func (db *DB) InPolicyTx(ctx context.Context, fn func(policy.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// FindPolicyVersions lists a tenant's policy versions by effective date.
func (db *DB) FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error) {
	return findPolicyVersions(ctx, db, tenantID)
}

// LockPolicyVersions takes the tenant's row on PostgreSQL, so that the
// tenant's changes of policy versions run one after another as on SQLite:
// two saves of the same effective date at once both found no version and
// the second insert hit the unique key (409 「同じ値がすでに登録されています」
// on PostgreSQL only — a review). FOR NO KEY UPDATE does not block the rows
// that name the tenant.
func (tx *Tx) LockPolicyVersions(ctx context.Context, tenantID int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := queryAll(ctx, tx, scanID, `SELECT id FROM tenants WHERE id = ? FOR NO KEY UPDATE`, tenantID)
	return err
}

// FindPolicyVersions is FindPolicyVersions inside a transaction.
func (tx *Tx) FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error) {
	return findPolicyVersions(ctx, tx, tenantID)
}

func findPolicyVersions(ctx context.Context, q querier, tenantID int64) ([]policy.Version, error) {
	vs, err := queryAll(ctx, q, scanPolicyVersion, `SELECT id, effective_from, body, note FROM policy_versions
		WHERE tenant_id = ? ORDER BY effective_from`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: policy versions: %w", err)
	}
	return vs, nil
}

func scanPolicyVersion(row interface{ Scan(...any) error }) (policy.Version, error) {
	var v policy.Version
	var eff, body string
	if err := row.Scan(&v.ID, &eff, &body, &v.Note); err != nil {
		return v, err
	}
	var err error
	if v.Effective, err = calendar.ParseDate(eff); err != nil {
		return v, fmt.Errorf("version %d: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(body), &v.Policy); err != nil {
		return v, fmt.Errorf("version %d body: %w", v.ID, err)
	}
	return v, nil
}

// InsertPolicyVersion adds a version and sets v.ID; another version on the
// same date is a Conflict.
func (tx *Tx) InsertPolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, v *policy.Version) error {
	body, err := json.Marshal(v.Policy)
	if err != nil {
		return err
	}
	return mapErr(tx.row(ctx, `INSERT INTO policy_versions (tenant_id, effective_from, body, note, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, v.Effective.String(), string(body), v.Note,
		micros(tx.db.Now()), actor.Label).Scan(&v.ID))
}

// UpdatePolicyVersion replaces the body and note of version v.ID (its
// effective date stays); NotFound when the tenant has no such version.
func (tx *Tx) UpdatePolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, v *policy.Version) error {
	body, err := json.Marshal(v.Policy)
	if err != nil {
		return err
	}
	return affectedOne(tx.exec(ctx, `UPDATE policy_versions SET body = ?, note = ?, created_at = ?, created_by = ?
		WHERE tenant_id = ? AND id = ?`, string(body), v.Note, micros(tx.db.Now()), actor.Label, tenantID, v.ID))
}

// DeletePolicyVersion removes a version; NotFound when there is none.
func (tx *Tx) DeletePolicyVersion(ctx context.Context, tenantID, id int64) error {
	return affectedOne(tx.exec(ctx, `DELETE FROM policy_versions WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// FindPolicyFacts returns a staff member's facts (zero when none were
// recorded), or NotFound when the tenant has no such staff member.
func (db *DB) FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (policy.Facts, error) {
	return findPolicyFacts(ctx, db, tenantID, staffID)
}

// FindPolicyFacts is FindPolicyFacts inside a transaction.
func (tx *Tx) FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (policy.Facts, error) {
	return findPolicyFacts(ctx, tx, tenantID, staffID)
}

func findPolicyFacts(ctx context.Context, q querier, tenantID, staffID int64) (policy.Facts, error) {
	// From staff, so that a person without facts reads as zero facts and
	// no such person as NotFound.
	fs, err := queryAll(ctx, q, scanPolicyFacts, `SELECT COALESCE(f.reasons, ''), COALESCE(f.has_terminal, FALSE),
		COALESCE(f.seconded, FALSE), COALESCE(f.trial, FALSE) FROM staff s LEFT JOIN staff_policy_facts f ON f.tenant_id = s.tenant_id AND f.staff_id = s.id
		WHERE s.tenant_id = ? AND s.id = ?`, tenantID, staffID)
	if err != nil {
		return policy.Facts{}, fmt.Errorf("store: policy facts: %w", err)
	}
	if len(fs) == 0 {
		return policy.Facts{}, apperr.NotFoundErr("staff")
	}
	return fs[0], nil
}

func scanPolicyFacts(row interface{ Scan(...any) error }) (policy.Facts, error) {
	var f policy.Facts
	var reasons string
	if err := row.Scan(&reasons, &f.HasTerminal, &f.Seconded, &f.Trial); err != nil {
		return f, err
	}
	if reasons != "" {
		f.Reasons = strings.Split(reasons, ",")
	}
	return f, nil
}

// UpsertPolicyFacts writes a staff member's facts.
func (tx *Tx) UpsertPolicyFacts(ctx context.Context, tenantID, staffID int64, f policy.Facts) error {
	_, err := tx.exec(ctx, `INSERT INTO staff_policy_facts (tenant_id, staff_id, reasons, has_terminal, seconded, trial, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, staff_id) DO UPDATE SET reasons = excluded.reasons,
		has_terminal = excluded.has_terminal, seconded = excluded.seconded, trial = excluded.trial, updated_at = excluded.updated_at`,
		tenantID, staffID, strings.Join(f.Reasons, ","), f.HasTerminal, f.Seconded, f.Trial, micros(tx.db.Now()))
	return mapErr(err)
}

// FindAllPolicyFacts returns the recorded facts of every staff member of
// the tenant who has any (imports and exports compare and write them).
func (db *DB) FindAllPolicyFacts(ctx context.Context, tenantID int64) (map[int64]policy.Facts, error) {
	return findAllPolicyFacts(ctx, db, tenantID)
}

// FindAllPolicyFacts is FindAllPolicyFacts inside a transaction.
func (tx *Tx) FindAllPolicyFacts(ctx context.Context, tenantID int64) (map[int64]policy.Facts, error) {
	return findAllPolicyFacts(ctx, tx, tenantID)
}

type staffFacts struct {
	id int64
	f  policy.Facts
}

func findAllPolicyFacts(ctx context.Context, q querier, tenantID int64) (map[int64]policy.Facts, error) {
	list, err := queryAll(ctx, q, func(row interface{ Scan(...any) error }) (staffFacts, error) {
		var sf staffFacts
		var reasons string
		if err := row.Scan(&sf.id, &reasons, &sf.f.HasTerminal, &sf.f.Seconded, &sf.f.Trial); err != nil {
			return sf, err
		}
		if reasons != "" {
			sf.f.Reasons = strings.Split(reasons, ",")
		}
		return sf, nil
	}, `SELECT staff_id, reasons, has_terminal, seconded, trial FROM staff_policy_facts WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: all policy facts: %w", err)
	}
	out := make(map[int64]policy.Facts, len(list))
	for _, sf := range list {
		out[sf.id] = sf.f
	}
	return out, nil
}

// UpsertPolicyReasons writes a staff member's reasons alone, leaving the
// other facts as they are (a new row has none of them).
func (tx *Tx) UpsertPolicyReasons(ctx context.Context, tenantID, staffID int64, reasons []string) error {
	_, err := tx.exec(ctx, `INSERT INTO staff_policy_facts (tenant_id, staff_id, reasons, has_terminal, seconded, updated_at)
		VALUES (?, ?, ?, FALSE, FALSE, ?) ON CONFLICT (tenant_id, staff_id) DO UPDATE SET reasons = excluded.reasons,
		updated_at = excluded.updated_at`, tenantID, staffID, strings.Join(reasons, ","), micros(tx.db.Now()))
	return mapErr(err)
}
